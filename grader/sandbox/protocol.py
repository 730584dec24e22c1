"""The wire format between the grader and the worker that runs student code.

Both sides import this module; it depends on the standard library and numpy only, because the worker loads it
before any student code and must not import the grader package.

A message is one JSON header frame followed by binary frames, each frame a 4-byte big-endian length and its bytes.
Every request carries a sequence number ``seq`` and its reply must echo it, so a reply that was forged or left over
from an earlier request is recognised. A message is bounded (header, frame count, total bytes) before it is read, so
a hostile worker cannot make the grader hold more than ``MAX_MESSAGE_BYTES``.
Values travel as JSON with a few tagged forms:

    {"__array__": [k, dtype, shape]}   numpy array: its raw C-order bytes in binary frame k, with
                                       ``dtype.str`` ("<f8", "|b1", ...) and its shape
    {"__scalar__": [k, dtype, []]}     numpy scalar (np.float32(1.5), ...), sent as a 0-d array
    {"__tuple__": [...]}  a tuple
    {"__dict__": [[key, value], ...]}  a dict with string keys
    {"__handle__": [n, type_name]}  an object that stays in the worker (an MLP, an optimizer)
    {"__object__": name}  a value of a type that cannot cross: only its type name crosses

A batch (``{"op": "batch", "calls": [request, ...]}``, at most ``MAX_BATCH``) carries several requests whose
arguments share its frames; its reply's ``replies`` holds each request's reply, in order, their values in the reply's
frames. The worker may answer fewer than it was sent (see ``worker.Server.handle_batch``).

A call with ``"keep_as": k`` (a negative number the grader chose) also keeps what it returned under handle ``k``, so
that later requests, even in the same batch, can name the object before its handle came back (``Submission.new``).

A call made with ``watch`` also gets a report of its side effects, made by the worker, where the arrays live (the
grader only ever sees copies): ``{"modified": [path, ...], "shared": [[result path, argument path], ...]}``, the
argument arrays the call modified in place and the arrays of its answer that share memory with an argument array.
A path is ``args[0]['W']``, ``kwargs['velocity']`` or ``value[1]`` (see :func:`array_paths`); :func:`decode_watch`
checks the report like any other value from the worker.

Decoding never unpickles: an array is rebuilt from raw bytes, its dtype must be a plain boolean, integer or float
type code and its byte count must match its shape, so whatever the worker sends becomes plain numbers and arrays on the
grader's side. (Raw frames rather than .npy: parsing .npy headers with ``ast`` cost more than the calls it carried.)
"""

from __future__ import annotations

import json
import math
import os
import re
import select
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

SUBMISSION_PACKAGE = "submission"
MAX_HEADER_BYTES = 8 * 1024 * 1024
MAX_FRAME_BYTES = 64 * 1024 * 1024
MAX_FRAMES = 10_000
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
ACCEPTED_DTYPE_KINDS = "biuf"
ARRAY_DTYPE = re.compile(r"[|<>][biuf][0-9]{1,2}")  # dtype.str of a plain boolean, integer or float array
MAX_DIMENSIONS = 32  # numpy's own limit
MAX_BATCH = 256  # requests in one batch: a check that asks many functions the same sends a few dozen
MAX_WATCHED = 64  # arrays the worker watches per call, and entries per list of its report: a check passes a handful
MAX_WATCH_DEPTH = 3  # containers a watched array may sit in: args[0]['W'] sits in two
WATCH_PATH = re.compile(r"(args|kwargs|value)(\[([0-9]{1,4}|'[A-Za-z0-9_.-]{1,40}'|\.\.\.)\]){0,3}")


class ProtocolError(Exception):
    """A message that does not follow the wire format (truncated, oversized, or malformed)."""


@dataclass(frozen=True)
class Handle:
    """A reference to an object living in the worker."""

    id: int
    type_name: str = "object"


@dataclass(frozen=True)
class Watch:
    """What the worker saw a watched call do to arrays: the argument arrays it modified in place, and (result path,
    argument path) for each array of its answer that shares memory with an argument array."""

    modified: tuple[str, ...] = ()
    shared: tuple[tuple[str, str], ...] = ()


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
        if value.dtype.kind not in ACCEPTED_DTYPE_KINDS or value.dtype.fields:
            return {"__object__": f"numpy.ndarray of dtype {value.dtype}"}
        return {"__array__": _array_frame(value, blobs)}
    if type(value) in _SCALAR_TYPES:
        return {"__scalar__": _array_frame(np.asarray(value), blobs)}
    # A subclass could redefine comparison, so only its name crosses.
    if isinstance(value, (np.ndarray, np.generic)):
        return {"__object__": describe_type(value)}
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
        return _load_array(blobs, inner)
    if tag == "__scalar__":
        return _load_array(blobs, inner)[()]
    if tag == "__tuple__" and isinstance(inner, list):
        return tuple(decode(v, blobs) for v in inner)
    if tag == "__dict__" and isinstance(inner, list):
        return {_dict_key(pair): decode(pair[1], blobs) for pair in inner}
    if tag == "__handle__" and isinstance(inner, list) and len(inner) == 2 and type(inner[0]) is int:
        return Handle(inner[0], str(inner[1])[:100])
    if tag == "__object__" and isinstance(inner, str):
        return Unsupported(inner[:200])
    raise ProtocolError(f"unknown tag {tag!r}")


def array_paths(value: Any, path: str, depth: int = 0) -> list[tuple[str, np.ndarray]]:
    """Every plain ndarray in ``value`` (itself, or an item of a list or tuple, or a value of a dict, at most
    ``MAX_WATCH_DEPTH`` containers deep), with the path that reaches it from ``path``: ``args[0]['W']``. At most
    ``MAX_WATCHED``. Only exact built-in types are walked, so walking runs none of the student's code."""
    if type(value) is np.ndarray:
        return [(path, value)]
    if depth >= MAX_WATCH_DEPTH:
        return []
    if type(value) in (list, tuple):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(value[:MAX_WATCHED])]
    elif type(value) is dict:
        items = [(f"{path}[{_watch_key(k)}]", v) for k, v in list(value.items())[:MAX_WATCHED]]
    else:
        return []
    found: list[tuple[str, np.ndarray]] = []
    for item_path, item in items:
        found += array_paths(item, item_path, depth + 1)[:MAX_WATCHED - len(found)]
    return found


def _watch_key(key: Any) -> str:
    """A dict key as a path shows it: ``'W1'``, or ``...`` for a key the path grammar (``WATCH_PATH``) cannot hold."""
    text = repr(key)
    return text if WATCH_PATH.fullmatch(f"value[{text}]") else "..."


def shares_memory(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``a``'s memory overlaps ``b``'s bounds, in constant time whatever the strides: an answer reaching into
    the argument's buffer is no new array, even where its strides skip the argument's own elements."""
    return bool(np.may_share_memory(a, b))


def decode_watch(data: Any) -> Watch:
    """The worker's report of a watched call, or ``ProtocolError``: lists of at most ``MAX_WATCHED`` paths, each of
    the ``WATCH_PATH`` grammar (a forged report can hold anything)."""
    if not (isinstance(data, dict) and set(data) == {"modified", "shared"}):
        raise ProtocolError("the reply has no well-formed report of the watched arrays")
    modified, shared = data["modified"], data["shared"]
    if not (isinstance(modified, list) and isinstance(shared, list)
            and len(modified) <= MAX_WATCHED and len(shared) <= MAX_WATCHED):
        raise ProtocolError("the report of the watched arrays is not two short lists")
    if not all(_is_watch_path(p) for p in modified):
        raise ProtocolError("the report of the watched arrays names a path of another form")
    if not all(isinstance(pair, list) and len(pair) == 2 and all(_is_watch_path(p) for p in pair) for pair in shared):
        raise ProtocolError("the report of the watched arrays names a pair of another form")
    return Watch(tuple(modified), tuple((result, argument) for result, argument in shared))


def _is_watch_path(path: Any) -> bool:
    return isinstance(path, str) and WATCH_PATH.fullmatch(path) is not None


def describe_type(value: Any) -> str:
    """A short, student-readable name for the type of ``value``."""
    kind = type(value)
    module = str(kind.__module__).removeprefix(f"{SUBMISSION_PACKAGE}.")  # the student knows it as activations.Foo
    name = kind.__name__ if module in ("builtins", "numpy") else f"{module}.{kind.__name__}"
    if isinstance(value, np.ndarray):
        return f"{name} (a subclass of numpy.ndarray)"
    return name


# Exactly numpy's own scalar types (a subclass defined by the student is not one of them).
_SCALAR_TYPES = frozenset(t for t in np.sctypeDict.values() if np.dtype(t).kind in ACCEPTED_DTYPE_KINDS)


def with_arguments(header: dict, args: list, kwargs: dict, blobs: list[bytes]) -> dict:
    """A request's ``header`` with its arguments encoded, their arrays appended to ``blobs``."""
    return dict(header, args=encode(list(args), blobs), kwargs=encode(kwargs, blobs))


def batch_of(calls: list[tuple[dict, list, dict]], blobs: list[bytes]) -> dict:
    """The batch request carrying ``calls`` (header, args, kwargs each), their arrays appended to ``blobs``."""
    return {"op": "batch", "calls": [with_arguments(header, args, kwargs, blobs) for header, args, kwargs in calls]}


def write_message(stream: BinaryIO, header: dict, blobs: list[bytes]) -> None:
    """Send a header and its binary frames, then flush."""
    stream.write(pack_message(header, blobs))
    stream.flush()


def pack_message(header: dict, blobs: list[bytes]) -> bytes:
    """A header and its binary frames as the bytes of one message."""
    header = dict(header, frames=len(blobs))
    frames = [json.dumps(header).encode()] + blobs
    return b"".join(struct.pack(">I", len(f)) + f for f in frames)


class Channel:
    """The reading end of a stream of messages, with one buffer across them.

    A message is read in as few reads as the pipe allows (usually one), rather than one read and one wait per
    frame: a grade exchanges some 600 messages each way. What is read beyond the current message stays buffered
    for the next, so a stream carrying more than one message must be read through one ``Channel``.
    """

    READ_BYTES = 1 << 16

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def read_message(self, deadline: float | None = None,
                     alive: Callable[[], bool] | None = None) -> tuple[dict, list[bytes]]:
        """The next message. Raises ``ProtocolError`` on EOF or malformed data, or when ``alive()`` turns false while
        the reader waits (the peer died, though a process it started may still hold the channel open), and
        ``TimeoutError`` when ``deadline`` (a ``time.monotonic()`` value) passes first."""
        reader = _Reader(self, deadline, alive)
        header = _parse_header(reader.frame(MAX_HEADER_BYTES))
        count = header.get("frames")
        if type(count) is not int or not 0 <= count <= MAX_FRAMES:
            raise ProtocolError("bad frame count")
        return header, [reader.frame(MAX_FRAME_BYTES) for _ in range(count)]


def _parse_header(raw: bytes) -> dict:
    try:
        header = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"header is not JSON: {exc}") from None
    if not isinstance(header, dict):
        raise ProtocolError("header is not an object")
    return header


class _Reader:
    """Reads the frames of one message from a :class:`Channel`, counting its bytes against ``MAX_MESSAGE_BYTES``."""

    POLL_SECONDS = 0.2

    def __init__(self, channel: Channel, deadline: float | None, alive: Callable[[], bool] | None) -> None:
        self.channel, self.deadline, self.alive = channel, deadline, alive
        self.total = 0

    def frame(self, limit: int) -> bytes:
        (length,) = struct.unpack(">I", self.exactly(4))
        if length > limit:
            raise ProtocolError(f"a value of {_mib(length)} exceeds the {_mib(limit)} limit")
        self.total += length
        if self.total > MAX_MESSAGE_BYTES:
            raise ProtocolError(f"the whole answer exceeds the {_mib(MAX_MESSAGE_BYTES)} limit")
        return self.exactly(length)

    def exactly(self, n: int) -> bytes:
        """The next ``n`` bytes of the stream, reading (at most what is missing, or a read's worth) as needed."""
        buffer = self.channel.buffer
        while len(buffer) < n:
            self.wait_readable()
            missing = n - len(buffer)
            chunk = os.read(self.channel.fd, min(max(missing, Channel.READ_BYTES), 1 << 20))
            if not chunk:
                raise ProtocolError("the worker closed the channel")
            buffer += chunk
        with memoryview(buffer) as view:  # one copy: a slice of the bytearray itself would be a second
            data = bytes(view[:n])
        del buffer[:n]
        return data

    def wait_readable(self) -> None:
        if self.deadline is None and self.alive is None:
            return
        while True:
            timeout = None if self.deadline is None else self.deadline - time.monotonic()
            if timeout is not None and timeout <= 0:
                raise TimeoutError
            if self.alive is not None:
                timeout = self.POLL_SECONDS if timeout is None else min(timeout, self.POLL_SECONDS)
            if select.select([self.channel.fd], [], [], timeout)[0]:
                return
            if self.alive is not None and not self.alive():
                raise ProtocolError("the worker ended")


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size < 1024 ** 3 else f"{size / 1024 ** 3:.1f} GiB"


def _array_frame(array: np.ndarray, blobs: list[bytes]) -> list:
    """Append the array's bytes (C order, whatever its strides) to ``blobs``; the reference to put in the JSON."""
    blobs.append(array.tobytes())
    return [len(blobs) - 1, array.dtype.str, list(array.shape)]


def _load_array(blobs: list[bytes], spec: Any) -> np.ndarray:
    """A fresh, writable array from a frame reference ``[k, dtype, shape]``, or ``ProtocolError``."""
    if not (isinstance(spec, list) and len(spec) == 3):
        raise ProtocolError(f"bad array reference {str(spec)[:80]!r}")
    index, descr, shape = spec
    if type(index) is not int or not 0 <= index < len(blobs):
        raise ProtocolError(f"bad frame reference {index!r}")
    if not (isinstance(descr, str) and ARRAY_DTYPE.fullmatch(descr)):
        raise ProtocolError(f"array of unsupported dtype {str(descr)[:40]!r}")
    try:
        dtype = np.dtype(descr)
    except TypeError:
        raise ProtocolError(f"array of unsupported dtype {descr!r}") from None
    if dtype.kind not in ACCEPTED_DTYPE_KINDS:
        raise ProtocolError(f"array of unsupported dtype {descr!r}")
    if not (isinstance(shape, list) and len(shape) <= MAX_DIMENSIONS
            and all(type(n) is int and n >= 0 for n in shape)):
        raise ProtocolError(f"bad array shape {str(shape)[:80]!r}")
    # An empty array's bytes say nothing of its other dimensions: (0, 2**62, 2**62) fills 0 bytes, yet numpy
    # refuses it (ValueError), so the nominal size -- zeros left out -- is bounded by what one frame may carry.
    if math.prod(n for n in shape if n) * dtype.itemsize > MAX_FRAME_BYTES:
        raise ProtocolError(f"an array of shape {_shape_text(shape)} exceeds the {_mib(MAX_FRAME_BYTES)} limit")
    data = blobs[index]
    if math.prod(shape) * dtype.itemsize != len(data):
        raise ProtocolError(f"array data of {len(data)} bytes does not fill shape {_shape_text(shape)} of {descr}")
    try:
        return np.frombuffer(bytearray(data), dtype=dtype).reshape(shape)
    except (ValueError, MemoryError) as exc:  # whatever numpy still refuses is a bad value, never the grader's fault
        raise ProtocolError(f"array of shape {_shape_text(shape)} cannot be built: {exc}") from None


def _shape_text(shape: list) -> str:
    """A shape as the student would write it, cut short: a forged one can be 32 dimensions of 19 digits."""
    text = str(tuple(shape))
    return text if len(text) <= 80 else text[:77] + "..."


def _dict_key(pair: Any) -> str:
    if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
        raise ProtocolError("bad dict entry")
    return pair[0]


def _is_submission_instance(value: Any) -> bool:
    """True for instances of classes the submission defines (an MLP, an SGD): they stay in the worker."""
    module = getattr(type(value), "__module__", "") or ""
    return module.split(".")[0] == SUBMISSION_PACKAGE and not isinstance(value, type)
