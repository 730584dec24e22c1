"""The worker: the only process that imports and runs student code.

Started by ``client.py`` as ``python -E -s -B worker.py FD_IN FD_OUT`` from a copy of the worker's files, in a new
session with a clean environment; the first message on FD_IN is its setup (the isolation plan, the limits, where the
staged submission is). Before anything else it confines itself as the setup's plan says
(``jail.py``), lowers its own resource limits (``limits.py``), imports numpy and the wire format, and tells the grader
it is ready; only a request after that makes it import the student's folder, as the package ``submission``. It
answers requests one at a time: import a module, call a function, create an object, call a method, get or set an
attribute, or a batch of such requests, carried out in turn and answered in one reply. Everything it sends back
goes through ``protocol.encode``, and the grader decodes it without unpickling, so nothing the student's code does in
here can reach the grader except plain numbers and arrays -- and the grader treats those as the student's answers to
compare, never as verdicts.

This file must not import the grader package: it runs with the student's code and only needs the wire format.
"""

import _thread
import errno
import importlib
import json
import linecache
import os
import struct
import sys
import traceback
import warnings
from typing import TYPE_CHECKING, Any

# The worker runs as a script beside copies of jail.py, limits.py and protocol.py (client.WORKER_FILES), and imports
# them by those names; the type checker reads the same files where they live, in grader.sandbox.
if TYPE_CHECKING:
    import numpy as np

    from grader.sandbox import jail, limits, protocol
else:
    import jail
    import limits

    # numpy and the wire format are imported only once the worker is confined (see ``main``).
    np = protocol = None

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))

# What an exception says about the grader's limits: errno -> the limit's name in the grader's messages.
LIMIT_ERRNOS = {
    errno.ENOSPC: "disk", errno.EDQUOT: "disk", errno.EFBIG: "file_size", errno.EROFS: "read_only",
    errno.EMFILE: "open_files", errno.ENFILE: "open_files", errno.EAGAIN: "processes",
    errno.ENETUNREACH: "network", errno.ENETDOWN: "network", errno.EHOSTUNREACH: "network",
}


def main() -> None:
    serve(int(sys.argv[1]), int(sys.argv[2]))


def serve(fd_in: int, fd_out: int) -> None:
    """Read the setup from ``fd_in``, confine this process, then answer requests until the grader hangs up.

    Also how a worker forked by the zygote (``zygote_main.py``) begins: there numpy and the wire format are already
    imported, and everything else happens here in the forked process, exactly as in a fresh one.
    """
    global np, protocol
    setup = _read_setup(fd_in)
    for fd in (fd_in, fd_out):
        os.set_inheritable(fd, False)  # a program the student's code runs never gets the channel
    channel = os.fdopen(fd_out, "wb", buffering=0)
    try:
        mode = jail.confine(setup["plan"], (fd_in, fd_out))
        running = setup["plan"].get("running")  # counted before the jail hid /proc; 0 is a count too
        if running is None:
            running = jail.count_tasks(os.getuid())
        limits.apply(limits.Limits(**setup["limits"]), running)
        if not TYPE_CHECKING:  # the type checker has them from the top of the file
            import numpy as np
            import protocol
    except (jail.SetupError, ImportError, OSError) as exc:
        _send_setup_failure(channel, f"{type(exc).__name__}: {exc}")
        return
    package_dir = os.path.join(setup["root"], protocol.SUBMISSION_PACKAGE)
    # The student's folder goes last on sys.path, so it can never shadow the standard library or numpy.
    sys.path[:] = [p for p in sys.path if p != SCRIPT_DIR] + [setup["root"], package_dir]
    protocol.write_message(channel, {"ready": True, "isolation": mode, "uid": os.getuid()}, [])
    server = Server(package_dir)
    requests = protocol.Channel(fd_in)
    while True:
        try:
            header, blobs = requests.read_message()
        except protocol.ProtocolError:
            return
        reply, reply_blobs = server.handle(header, blobs)
        server.leave_if_forked()
        _flush(sys.stdout, sys.stderr)
        reply["threads"] = _threads_left_running()
        protocol.write_message(channel, reply, reply_blobs)


def _read_setup(fd: int) -> dict:
    """The first message: one JSON frame, read without the wire format module (it imports numpy)."""
    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = os.read(fd, n - len(data))
            if not chunk:
                sys.exit(1)
            data += chunk
        return data

    (length,) = struct.unpack(">I", exactly(4))
    return json.loads(exactly(length))


def _send_setup_failure(channel, text: str) -> None:
    """Tell the grader why the worker cannot run (the wire format may be what failed to import)."""
    header = json.dumps({"ready": False, "error": text[:2000], "frames": 0}).encode()
    channel.write(struct.pack(">I", len(header)) + header)


def _threads_left_running() -> int:
    """Threads the student's code started that are still running besides this one. The grader replaces a worker
    left with any, so that they cannot slow down the calls of later checks."""
    try:
        return int(_thread._count())
    except BaseException:  # the student's code may have replaced it
        return 0


def _flush(*streams) -> None:
    for stream in streams:
        try:
            stream.flush()
        except BaseException:  # the student's code may have replaced or closed them
            pass


class Server:
    """Answers the grader's requests; keeps the objects the student's code created, keyed by handle."""

    def __init__(self, package_dir: str) -> None:
        self.package_dir = package_dir
        self.objects: dict[int, object] = {}
        self.owner = os.getpid()

    def leave_if_forked(self) -> None:
        """A process the student's code forked, come back here from a call: only the worker answers."""
        if os.getpid() != self.owner:
            os._exit(0)

    def handle(self, header: dict, blobs: list[bytes]) -> tuple[dict, list[bytes]]:
        """The reply to one request, and its binary frames."""
        if header.get("op") == "batch":
            return self.handle_batch(header, blobs)
        reply_blobs: list[bytes] = []
        return self.handle_one(header, blobs, reply_blobs), reply_blobs

    def handle_batch(self, header: dict, blobs: list[bytes]) -> tuple[dict, list[bytes]]:
        """Carry out a batch's requests (``calls``) in turn, their arguments and answers in the batch's frames.

        It stops early after a request that failed (a check reading that answer stops there: the calls after it
        would not have run one by one either), and after one that left threads of the student's running; the grader
        makes the rest one by one if the check reads them, after such a call in a fresh worker."""
        seq, calls = header.get("seq"), header.get("calls")
        if not (isinstance(calls, list) and len(calls) <= protocol.MAX_BATCH
                and all(isinstance(c, dict) and c.get("op") != "batch" for c in calls)):
            return {"ok": False, "seq": seq, "error": {"kind": "protocol", "message": "malformed batch"}}, []
        reply_blobs: list[bytes] = []
        replies = []
        for call in calls:
            replies.append(self.handle_one(dict(call, seq=seq), blobs, reply_blobs))  # each request as if alone
            self.leave_if_forked()
            if not replies[-1]["ok"] or _threads_left_running():
                break
        return {"ok": True, "seq": seq, "replies": replies}, reply_blobs

    def handle_one(self, header: dict, blobs: list[bytes], reply_blobs: list[bytes]) -> dict:
        """The reply to one request; the frames of its answer are appended to ``reply_blobs``."""
        op, seq = header.get("op"), header.get("seq")
        try:
            args = [self.resolve(a) for a in protocol.decode(header.get("args", []), blobs)]
            keywords = protocol.decode(header.get("kwargs", {"__dict__": []}), blobs)
            kwargs = {k: self.resolve(v) for k, v in keywords.items()}
        except protocol.ProtocolError as exc:
            return {"ok": False, "seq": seq, "error": {"kind": "protocol", "message": str(exc)}}
        # Taken before the call: the student's code may rebind the containers' entries (params[key] = new).
        watched = watch_arrays(args, kwargs) if header.get("watch") else None
        # Every call starts from the same numpy error state, whatever an earlier call or the import changed.
        np.seterr(all="warn", under="ignore")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = self.run(op, header, args, kwargs)
            except BaseException as exc:  # everything the student's code raises is reported, never fatal
                return {"ok": False, "seq": seq, "error": self.describe_error(exc),
                        "warnings": self.describe_warnings(caught)}
        keep = header.get("keep_as")
        if type(keep) is int and keep < 0:  # the grader's name for it (Submission.new): never an id() of Python's
            self.objects[keep] = value
        first_frame = len(reply_blobs)
        try:
            reply = {"ok": True, "seq": seq, "value": self.encode(value, reply_blobs),
                     "warnings": self.describe_warnings(caught)}
            if header.get("echo_args"):
                reply["args_after"] = self.encode(list(args), reply_blobs)
            if watched is not None:
                reply["watch"] = watch_report(watched, value)
        except BaseException as exc:  # a value that cannot be sent is the answer's fault, not fatal
            del reply_blobs[first_frame:]  # what was encoded of it before it failed
            return {"ok": False, "seq": seq, "error": {"kind": "bad_value", "type": type(exc).__name__,
                                                      "message": safe_str(exc)}}
        return reply

    def run(self, op: object, header: dict, args: list, kwargs: dict) -> object:
        """Carry out one request; ``op`` is whatever the request names, checked here."""
        if op == "import":
            importlib.import_module(f"{protocol.SUBMISSION_PACKAGE}.{header['module']}")
            return None
        if op == "call":
            return self.lookup(header["target"])(*args, **kwargs)
        handle = header.get("handle")
        obj = self.objects.get(handle) if isinstance(handle, int) else None
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

    def lookup(self, target: str) -> Any:
        """Whatever the student's module defines as ``target``: meant to be a function or class, but anything."""
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
        resource = limit_reached(exc)
        if isinstance(exc, MissingName):
            kind = "missing"
        elif isinstance(exc, NotImplementedError):
            kind = "not_implemented"
        elif isinstance(exc, SystemExit):
            kind = "exit"
        elif resource:
            kind = "limit"
        elif isinstance(exc, TypeError) and not frames:
            kind = "signature"  # raised at the call itself: the function does not accept these arguments
        else:
            kind = "exception"
        return {"kind": kind, "resource": resource, "type": type(exc).__name__, "message": safe_str(exc),
                "frames": frames}

    def student_frames(self, exc: BaseException) -> list[dict]:
        frames = []
        for frame, line in traceback.walk_tb(exc.__traceback__):
            filename = frame.f_code.co_filename
            if filename.startswith(self.package_dir + os.sep):
                frames.append({
                    "file": os.path.relpath(filename, self.package_dir),
                    "line": line,
                    "function": frame.f_code.co_qualname,  # MLP.forward, not just forward: names the method
                    "code": linecache.getline(filename, line).strip()[:200],
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


def watch_arrays(args: list, kwargs: dict) -> list[tuple[str, "np.ndarray", tuple, bytes]]:
    """Every array the call is given (``protocol.array_paths``) with its shape, dtype and bytes as they are now."""
    found = protocol.array_paths(list(args), "args")
    found += protocol.array_paths(kwargs, "kwargs")[:protocol.MAX_WATCHED - len(found)]
    return [(path, array, (array.shape, array.dtype.str), array.tobytes()) for path, array in found]


def watch_report(watched: list, value: object) -> dict:
    """Which watched arrays -- the very objects the call was given -- it modified in place, and which arrays of its
    answer share memory with one of them: what only this process, where the arrays live, can see."""
    modified = [path for path, array, form, data in watched
                if (array.shape, array.dtype.str) != form or array.tobytes() != data]
    shared = [[result_path, path] for result_path, result in protocol.array_paths(value, "value")
              for path, array, _, _ in watched if protocol.shares_memory(result, array)]
    return {"modified": modified, "shared": shared[:protocol.MAX_WATCHED]}


class MissingName(AttributeError):
    """The submission's module does not define the requested function or class."""


def limit_reached(exc: BaseException | None) -> str:
    """Which of the grader's limits ``exc`` (or an exception it arose from) reports: "memory", "disk", ... or ''."""
    for _ in range(5):
        if exc is None:
            break
        if isinstance(exc, MemoryError):
            return "memory"
        if isinstance(exc, RuntimeError) and "can't start new thread" in safe_str(exc):
            return "processes"
        if type(exc).__name__ == "gaierror":  # no name resolution without a network
            return "network"
        if isinstance(exc, OSError) and exc.errno in LIMIT_ERRNOS:
            return LIMIT_ERRNOS[exc.errno]
        exc = exc.__cause__ or exc.__context__
    return ""


def safe_str(exc: object) -> str:
    """``str()`` of a student-made object, which may itself raise or be huge."""
    try:
        text = str(exc)
        if type(text) is not str:
            raise TypeError
    except BaseException:  # str() ran the student's __str__, which may raise anything, even SystemExit
        text = "<message could not be shown>"
    return text[:2000]


if __name__ == "__main__":
    main()
