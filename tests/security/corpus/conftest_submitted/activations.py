"""An honest, unfinished relu: the conftest.py next to it is the attack."""


def relu(x):
    raise NotImplementedError
