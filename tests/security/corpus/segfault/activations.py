"""Reads memory at address 8: a segmentation fault."""

import ctypes


def relu(x):
    return ctypes.string_at(8)
