"""Right values, with an extra axis: they broadcast against the expected array but do not have its shape."""

import numpy as np


def relu(x):
    x = np.asarray(x)
    return np.where(x > 0, x, 0).astype(x.dtype)[..., np.newaxis]
