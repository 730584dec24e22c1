"""Right values in the wrong precision: float32 for a float64 input and float64 for a float32 input."""

import numpy as np


def relu(x):
    x = np.asarray(x)
    value = np.where(x > 0, x, 0).astype(x.dtype)
    return value.astype(np.float32 if x.dtype == np.float64 else np.float64)
