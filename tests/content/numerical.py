"""Central differences: the slow, obviously correct derivative every analytic gradient is checked against."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def central_difference(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d f / d x for a scalar function f, one entry at a time: (f(x + h e_i) - f(x - h e_i)) / 2h, in float64."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        up = float(f(x))
        x[index] = original - h
        down = float(f(x))
        x[index] = original
        grad[index] = (up - down) / (2 * h)
    return grad


def elementwise_derivative(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """The derivative of an elementwise function at every entry of x, all entries at once."""
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x - h)) / (2 * h)
