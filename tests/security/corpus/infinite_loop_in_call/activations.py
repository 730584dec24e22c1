"""Never returns (bounded at 30 s, in case the grader's time limit failed)."""

import time


def relu(x):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pass
    return x
