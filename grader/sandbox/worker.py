"""The worker: the only process that imports and runs student code.

Started by ``client.py`` as ``python -B -s worker.py FD_IN FD_OUT ROOT LIMITS_JSON`` in a new session with a clean
environment; it lowers its own resource limits before anything else. It imports the student's folder as the package ``submission`` (copied to ``ROOT/submission``)
and answers requests one at a time: import a module, call a function, create an object, call a method, get or set an
attribute. Everything it sends back goes through ``protocol.encode``, and the grader decodes it without unpickling,
so nothing the student's code does in here can reach the grader except plain numbers and arrays.

This file must not import the grader package: it runs with the student's code and only needs the wire format.
"""

import importlib
import os
import sys
import traceback
import warnings

import numpy as np

import limits
import protocol

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    fd_in, fd_out, root = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    limits.apply(limits.Limits.from_json(sys.argv[4]))
    channel = os.fdopen(fd_out, "wb", buffering=0)
    package_dir = os.path.join(root, protocol.SUBMISSION_PACKAGE)
    # The student's folder goes last on sys.path, so it can never shadow the standard library or numpy.
    sys.path[:] = [p for p in sys.path if p != SCRIPT_DIR] + [root, package_dir]
    np.seterr(all="warn", under="ignore")
    server = Server(package_dir)
    while True:
        try:
            header, blobs = protocol.read_message(fd_in)
        except protocol.ProtocolError:
            return
        reply, reply_blobs = server.handle(header, blobs)
        sys.stdout.flush()
        sys.stderr.flush()
        protocol.write_message(channel, reply, reply_blobs)


class Server:
    """Answers the grader's requests; keeps the objects the student's code created, keyed by handle."""

    def __init__(self, package_dir: str) -> None:
        self.package_dir = package_dir
        self.objects: dict[int, object] = {}

    def handle(self, header: dict, blobs: list[bytes]) -> tuple[dict, list[bytes]]:
        op = header.get("op")
        try:
            args = [self.resolve(a) for a in protocol.decode(header.get("args", []), blobs)]
            kwargs = {k: self.resolve(v) for k, v in protocol.decode(header.get("kwargs", {"__dict__": []}), blobs).items()}
        except protocol.ProtocolError as exc:
            return {"ok": False, "error": {"kind": "protocol", "message": str(exc)}}, []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = self.run(op, header, args, kwargs)
            except BaseException as exc:  # noqa: BLE001 -- everything the student's code raises is reported, never fatal
                return {"ok": False, "error": self.describe_error(exc), "warnings": self.describe_warnings(caught)}, []
        reply_blobs: list[bytes] = []
        reply = {"ok": True, "value": self.encode(value, reply_blobs), "warnings": self.describe_warnings(caught)}
        if header.get("echo_args"):
            reply["args_after"] = self.encode(list(args), reply_blobs)
            reply["kwargs_after"] = self.encode(kwargs, reply_blobs)
        return reply, reply_blobs

    def run(self, op: str, header: dict, args: list, kwargs: dict) -> object:
        if op == "import":
            importlib.import_module(f"{protocol.SUBMISSION_PACKAGE}.{header['module']}")
            return None
        if op == "call":
            return self.lookup(header["target"])(*args, **kwargs)
        obj = self.objects.get(header.get("handle"))
        if obj is None:
            raise LookupError("the object was lost (the worker restarted after an earlier failure)")
        if op == "method":
            return getattr(obj, header["name"])(*args, **kwargs)
        if op == "getattr":
            return getattr(obj, header["name"])
        if op == "setattr":
            setattr(obj, header["name"], args[0])
            return None
        raise ValueError(f"unknown operation {op!r}")

    def lookup(self, target: str) -> object:
        module_name, _, name = target.rpartition(".")
        module = importlib.import_module(f"{protocol.SUBMISSION_PACKAGE}.{module_name}")
        if not hasattr(module, name):
            raise MissingName(f"{module_name}.py has no function or class named {name!r}")
        return getattr(module, name)

    def resolve(self, value: object) -> object:
        if isinstance(value, protocol.Handle):
            if value.id not in self.objects:
                raise LookupError("the object was lost (the worker restarted after an earlier failure)")
            return self.objects[value.id]
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def encode(self, value: object, blobs: list[bytes]) -> object:
        kept: dict[int, object] = {}
        data = protocol.encode(value, blobs, kept)
        self.objects.update(kept)
        return data

    def describe_error(self, exc: BaseException) -> dict:
        frames = self.student_frames(exc)
        if isinstance(exc, MissingName):
            kind = "missing"
        elif isinstance(exc, NotImplementedError):
            kind = "not_implemented"
        elif isinstance(exc, SystemExit):
            kind = "exit"
        elif isinstance(exc, TypeError) and not frames:
            kind = "signature"  # raised at the call itself: the function does not accept these arguments
        else:
            kind = "exception"
        return {"kind": kind, "type": type(exc).__name__, "message": safe_str(exc), "frames": frames}

    def student_frames(self, exc: BaseException) -> list[dict]:
        frames = []
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.startswith(self.package_dir + os.sep):
                frames.append({
                    "file": os.path.relpath(frame.filename, self.package_dir),
                    "line": frame.lineno,
                    "function": frame.name,
                    "code": (frame.line or "")[:200],
                })
        if isinstance(exc, SyntaxError) and exc.filename and exc.filename.startswith(self.package_dir + os.sep):
            frames.append({"file": os.path.relpath(exc.filename, self.package_dir), "line": exc.lineno or 0,
                           "function": "<module>", "code": (exc.text or "").strip()[:200]})
        return frames[-5:]

    def describe_warnings(self, caught: list) -> list[str]:
        described = []
        for w in caught[:20]:
            where = os.path.relpath(w.filename, self.package_dir) if w.filename.startswith(self.package_dir) else ""
            suffix = f" ({where}:{w.lineno})" if where else ""
            described.append(f"{w.category.__name__}: {safe_str(w.message)}{suffix}")
        return described


class MissingName(AttributeError):
    """The submission's module does not define the requested function or class."""


def safe_str(exc: object) -> str:
    """``str()`` of a student-made object, which may itself raise or be huge."""
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001
        text = "<message could not be shown>"
    return text[:2000]


if __name__ == "__main__":
    main()
