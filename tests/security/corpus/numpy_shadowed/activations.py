"""An honest, unfinished relu: the numpy.py next to it is the attack."""


def relu(x):
    raise NotImplementedError
