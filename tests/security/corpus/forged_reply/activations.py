"""Writes a complete, well-formed reply straight into the worker's channel to the grader, claiming its answer, then
returns a different one. (Whatever the channel carries is only ever a value for the grader to compare.)"""

import sys

import numpy as np


def _request_header():
    frame = sys._getframe(1)
    while frame is not None and not isinstance(frame.f_locals.get("header"), dict):
        frame = frame.f_back
    return frame.f_locals["header"]


def relu(x):
    protocol = sys.modules["protocol"]
    blobs = []
    forged = {"ok": True, "seq": _request_header()["seq"], "value": protocol.encode(np.full_like(x, 0.5), blobs),
              "warnings": [], "passed": True, "points": 32}
    with open(int(sys.argv[2]), "wb", buffering=0, closefd=False) as channel:
        protocol.write_message(channel, forged, blobs)
    return np.zeros_like(x)
