"""Ignores the signals a time limit inside the process would use (SIGALRM, as pytest-timeout does), then loops."""

import signal
import time

for _number in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGXCPU):
    signal.signal(_number, signal.SIG_IGN)


def relu(x):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        signal.alarm(0)
    return x
