"""The function takes no argument."""


def relu():
    return 0.5
