"""Ends the process with exit code 0 in the middle of a call."""

import os


def relu(x):
    os._exit(0)
