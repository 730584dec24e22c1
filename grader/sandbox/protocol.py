"""The wire format between the grader and the worker that runs student code.

Both sides import this module; it depends on the standard library and numpy only, because the worker loads it
before any student code and must not import the grader package.

A message is one JSON header frame followed by binary frames, each frame a 4-byte big-endian length and its bytes.
Values travel as JSON with a few tagged forms:

    {"__array__": k}      numpy array stored in binary frame k as .npy data
    {"__scalar__": k}     numpy scalar (np.float32(1.5), ...), sent as a 0-d .npy array
    {"__tuple__": [...]}  a tuple
    {"__dict__": [[key, value], ...]}  a dict with string keys
    {"__handle__": [n, type_name]}  an object that stays in the worker (an MLP, an optimizer)
    {"__object__": name}  a value of a type that cannot cross: only its type name crosses

Decoding never unpickles: .npy data is read with ``allow_pickle=False`` and only boolean, integer and float dtypes are
accepted, so whatever the worker sends becomes plain numbers and arrays on the grader's side.
"""

from __future__ import annotations

import io
import json
import os
import select
import struct
import time
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

SUBMISSION_PACKAGE = "submission"
MAX_FRAME_BYTES = 64 * 1024 * 1024
MAX_FRAMES = 10_000
ACCEPTED_DTYPE_KINDS = "biuf"


class ProtocolError(Exception):
    """A message that does not follow the wire format (truncated, oversized, or malformed)."""


@dataclass(frozen=True)
class Handle:
    """A reference to an object living in the worker."""

    id: int
    type_name: str = "object"


@dataclass(frozen=True)
class Unsupported:
    """A value that could not cross the boundary; only its type's name did."""

    type_name: str


def encode(value: Any, blobs: list[bytes], handles: dict[int, Any] | None = None) -> Any:
    """Turn ``value`` into JSON-ready data, appending array payloads to ``blobs``.

    ``handles`` (worker side only) collects objects that cannot be sent by value: any instance of a class defined by
    the student is kept in the worker and sent as a handle.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) is int or type(value) is float:
        return value
    if type(value) is np.ndarray:
        blobs.append(_npy_bytes(value))
        return {"__array__": len(blobs) - 1}
    if isinstance(value, np.generic) and value.dtype.kind in ACCEPTED_DTYPE_KINDS:
        blobs.append(_npy_bytes(np.asarray(value)))
        return {"__scalar__": len(blobs) - 1}
    if isinstance(value, Handle):
        return {"__handle__": [value.id, value.type_name]}
    if type(value) is tuple:
        return {"__tuple__": [encode(v, blobs, handles) for v in value]}
    if type(value) is list:
        return [encode(v, blobs, handles) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):
        return {"__dict__": [[k, encode(v, blobs, handles)] for k, v in value.items()]}
    if handles is not None and _is_submission_instance(value):
        handles[id(value)] = value
        return {"__handle__": [id(value), type(value).__name__]}
    return {"__object__": describe_type(value)}


def decode(data: Any, blobs: list[bytes]) -> Any:
    """Inverse of :func:`encode`, refusing anything but plain data."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, blobs) for v in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise ProtocolError(f"unexpected value {str(data)[:80]!r}")
    (tag, inner), = data.items()
    if tag == "__array__":
        return _load_npy(blobs, inner)
    if tag == "__scalar__":
        return _load_npy(blobs, inner)[()]
    if tag == "__tuple__" and isinstance(inner, list):
        return tuple(decode(v, blobs) for v in inner)
    if tag == "__dict__" and isinstance(inner, list):
        return {_dict_key(pair): decode(pair[1], blobs) for pair in inner}
    if tag == "__handle__" and isinstance(inner, list) and len(inner) == 2 and type(inner[0]) is int:
        return Handle(inner[0], str(inner[1])[:100])
    if tag == "__object__" and isinstance(inner, str):
        return Unsupported(inner[:200])
    raise ProtocolError(f"unknown tag {tag!r}")


def describe_type(value: Any) -> str:
    """A short, student-readable name for the type of ``value``."""
    kind = type(value)
    name = kind.__name__ if kind.__module__ in ("builtins", "numpy") else f"{kind.__module__}.{kind.__name__}"
    if isinstance(value, np.ndarray):
        return f"{name} (a subclass of numpy.ndarray)"
    return name


def write_message(stream: BinaryIO, header: dict, blobs: list[bytes]) -> None:
    """Send a header and its binary frames, then flush."""
    header = dict(header, frames=len(blobs))
    frames = [json.dumps(header).encode()] + blobs
    stream.write(b"".join(struct.pack(">I", len(f)) + f for f in frames))
    stream.flush()


def read_message(fd: int, deadline: float | None = None) -> tuple[dict, list[bytes]]:
    """Read one message from a file descriptor.

    Raises ``ProtocolError`` on EOF or malformed data and ``TimeoutError`` when ``deadline`` (a
    ``time.monotonic()`` value) passes first.
    """
    header = _parse_header(_read_frame(fd, deadline))
    count = header.get("frames")
    if type(count) is not int or not 0 <= count <= MAX_FRAMES:
        raise ProtocolError("bad frame count")
    return header, [_read_frame(fd, deadline) for _ in range(count)]


def _parse_header(raw: bytes) -> dict:
    try:
        header = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"header is not JSON: {exc}") from None
    if not isinstance(header, dict):
        raise ProtocolError("header is not an object")
    return header


def _read_frame(fd: int, deadline: float | None) -> bytes:
    (length,) = struct.unpack(">I", _read_exactly(fd, 4, deadline))
    if length > MAX_FRAME_BYTES:
        raise ProtocolError(f"frame of {length} bytes exceeds the {MAX_FRAME_BYTES} byte limit")
    return _read_exactly(fd, length, deadline)


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, remaining = [], n
    while remaining:
        if deadline is not None:
            _wait_readable(fd, deadline)
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise ProtocolError("the worker closed the channel")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _wait_readable(fd: int, deadline: float) -> None:
    timeout = deadline - time.monotonic()
    if timeout <= 0 or not select.select([fd], [], [], timeout)[0]:
        raise TimeoutError


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _load_npy(blobs: list[bytes], index: Any) -> np.ndarray:
    if type(index) is not int or not 0 <= index < len(blobs):
        raise ProtocolError(f"bad frame reference {index!r}")
    try:
        array = np.load(io.BytesIO(blobs[index]), allow_pickle=False)
    except Exception as exc:  # any malformed .npy payload is the worker's fault, never the grader's
        raise ProtocolError(f"bad array data: {exc}") from None
    if type(array) is not np.ndarray or array.dtype.kind not in ACCEPTED_DTYPE_KINDS or array.dtype.fields:
        raise ProtocolError(f"array of unsupported dtype {array.dtype}")
    return array


def _dict_key(pair: Any) -> str:
    if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
        raise ProtocolError("bad dict entry")
    return pair[0]


def _is_submission_instance(value: Any) -> bool:
    """True for instances of classes the submission defines (an MLP, an SGD): they stay in the worker."""
    module = getattr(type(value), "__module__", "") or ""
    return module.split(".")[0] == SUBMISSION_PACKAGE and not isinstance(value, type)
