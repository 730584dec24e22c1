"""Prints 1 GiB in 1 MiB lines (it ends by itself after 1 GiB, unless the time limit stops it first)."""

import sys


def relu(x):
    line = "spam " * (1024 * 1024 // 5) + "\n"
    for _ in range(1024):
        sys.stdout.write(line)
    return x
