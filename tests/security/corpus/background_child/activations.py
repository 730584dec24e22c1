"""Starts a program in a new session, so killing the worker's process group misses it; it sleeps 20 s at most."""

import os
import sys

MARKER = "nn-grader-corpus-orphan"


def relu(x):
    if os.fork() == 0:
        os.setsid()
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(20)", MARKER])
    return x
