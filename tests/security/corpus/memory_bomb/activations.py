"""Allocates and touches memory in 256 MiB steps, 4 GiB at most."""

import numpy as np


def relu(x):
    hoard = []
    for _ in range(16):
        hoard.append(np.ones(32 * 1024 * 1024))  # 256 MiB of float64
    return x
