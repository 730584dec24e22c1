"""Starts threads until it cannot; stops at 500 threads, each of which ends after 10 s."""

import threading
import time


def relu(x):
    for _ in range(500):
        threading.Thread(target=time.sleep, args=(10,), daemon=True).start()
    return x
