"""A syntax error: the module cannot be imported at all."""

import numpy as np


def relu(x)
    return np.maximum(x, 0)
