"""Forks until it cannot; stops at 300 processes, each of which ends after 10 s."""

import os
import time


def relu(x):
    for _ in range(300):
        if os.fork() == 0:
            time.sleep(10)
            os._exit(0)
    return x
