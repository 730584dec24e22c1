"""A typo that raises NameError inside the call."""

import numpy as np


def relu(x):
    return np.maximum(z, 0)  # noqa: F821
