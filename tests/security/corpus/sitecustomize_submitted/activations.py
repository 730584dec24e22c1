"""An honest, unfinished relu: the start-up files next to it are the attack."""


def relu(x):
    raise NotImplementedError
