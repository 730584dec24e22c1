"""Connects to a server on this machine (127.0.0.1 only) to send the inputs it was given."""

import socket

import numpy as np

PORT = __LISTENER_PORT__  # noqa: F821 -- written by the corpus test: a port it listens on


def relu(x):
    with socket.create_connection(("127.0.0.1", PORT), timeout=0.5) as connection:
        connection.sendall(x.tobytes())
    return np.zeros_like(x)
