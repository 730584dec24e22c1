"""Writes a reply straight into the worker's channel declaring an empty array of shape (0, 2**62, 2**62): it fills
0 bytes, yet numpy refuses to build it. (The grader must refuse it as a bad answer of relu's, not fall over.)"""

import sys


def _request_header():
    frame = sys._getframe(1)
    while frame is not None and not isinstance(frame.f_locals.get("header"), dict):
        frame = frame.f_back
    return frame.f_locals["header"]


def relu(x):
    protocol = sys.modules["protocol"]
    forged = {"ok": True, "seq": _request_header()["seq"], "value": {"__array__": [0, "<f8", [0, 2**62, 2**62]]},
              "warnings": []}
    with open(int(sys.argv[2]), "wb", buffering=0, closefd=False) as channel:
        protocol.write_message(channel, forged, [b""])
    return x
