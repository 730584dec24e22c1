"""Returns NaN everywhere (what an overflowing formula can give)."""

import numpy as np


def relu(x):
    return np.full_like(x, np.nan)
