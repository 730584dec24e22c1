"""The grader's side of the isolation boundary: start a worker, send it calls, enforce time, read plain data back.

``Worker`` owns one process and knows nothing of checks; ``Submission`` is what a check sees: attribute access that
reads like the student's own package (``student.activations.sigmoid(x)``) and returns numpy arrays or numbers, or
raises one of the faults in :mod:`grader.sandbox.faults`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.sandbox import protocol
from grader.sandbox.faults import (
    BadReply,
    CallTimedOut,
    Frame,
    NotImplementedByStudent,
    StudentException,
    SubmissionFault,
    WorkerCrashed,
)
from grader.sandbox.limits import Limits, clean_environment

WORKER_SCRIPT = Path(__file__).with_name("worker.py")


@dataclass
class Reply:
    """What one call produced: its value, the arguments as they were after the call, and any warnings."""

    value: Any
    warnings: list[str] = field(default_factory=list)
    args_after: list[Any] | None = None
    kwargs_after: dict[str, Any] | None = None


class OutputCapture:
    """Drains the worker's stdout and stderr, keeping the head and the tail of what each check printed."""

    def __init__(self, stream, keep: int) -> None:
        self.keep = keep
        self.lock = threading.Lock()
        self.head, self.tail, self.dropped = bytearray(), bytearray(), 0
        self.thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self.thread.start()

    def _drain(self, stream) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):
            with self.lock:
                room = self.keep - len(self.head)
                self.head += chunk[:room]
                self.tail += chunk[room:] if room > 0 else chunk
                if len(self.tail) > self.keep:
                    self.dropped += len(self.tail) - self.keep
                    del self.tail[: len(self.tail) - self.keep]

    def take(self) -> str:
        """Everything printed since the last call, with the middle cut out past ``keep`` bytes at each end."""
        with self.lock:
            head, tail, dropped = bytes(self.head), bytes(self.tail), self.dropped
            self.head, self.tail, self.dropped = bytearray(), bytearray(), 0
        text = head.decode("utf-8", "replace")
        if dropped:
            text += f"\n[... {dropped} bytes of output omitted ...]\n"
        return text + tail.decode("utf-8", "replace")


class Worker:
    """One worker process over a copied submission (``root/submission``); restarted on demand after it dies."""

    def __init__(self, root: Path, limits: Limits | None = None) -> None:
        self.root = Path(root)
        self.limits = limits or Limits()
        self.process: subprocess.Popen | None = None
        self.output: OutputCapture | None = None
        self.home = tempfile.mkdtemp(prefix="nn-grader-home-")
        self._printed: list[str] = []

    def start(self) -> None:
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        command = [sys.executable, "-B", "-s", str(WORKER_SCRIPT), str(to_worker_r), str(from_worker_w),
                   str(self.root), self.limits.to_json()]
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            pass_fds=(to_worker_r, from_worker_w), env=clean_environment(self.home), cwd=self.home,
            start_new_session=True,  # its own process group, so a kill takes its children with it
        )
        os.close(to_worker_r)
        os.close(from_worker_w)
        self.requests = os.fdopen(to_worker_w, "wb", buffering=0)
        self.replies = from_worker_r
        self.output = OutputCapture(self.process.stdout, self.limits.output_bytes)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def request(self, header: dict, args: list, kwargs: dict, timeout: float) -> tuple[dict, list[bytes]]:
        """Send one request and wait for its reply; kills the worker on time-out, crash or garbage."""
        if not self.alive:
            self.restart()
        target = header.get("target") or header.get("module") or header.get("name", "?")
        blobs: list[bytes] = []
        header = dict(header, args=protocol.encode(list(args), blobs), kwargs=protocol.encode(kwargs, blobs))
        try:
            protocol.write_message(self.requests, header, blobs)
            return protocol.read_message(self.replies, deadline=time.monotonic() + timeout)
        except TimeoutError:
            self.kill()
            raise CallTimedOut(target, timeout) from None
        except (protocol.ProtocolError, OSError) as exc:
            returncode = self._wait_for_exit()
            if returncode is None:  # still running: it sent garbage
                self.kill()
                raise BadReply(target, str(exc)) from None
            self.kill()
            raise WorkerCrashed(target, returncode) from None

    def _wait_for_exit(self) -> int | None:
        try:
            return self.process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            return None

    def take_output(self) -> str:
        """What the student's code printed since the last time this was asked."""
        printed = "".join(self._printed)
        self._printed.clear()
        if self.output is not None:
            printed += self.output.take()
        return printed

    def kill(self) -> None:
        """Kill the worker and everything it started (its whole process group)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for closer in (self.requests.close, lambda: os.close(self.replies)):
            try:
                closer()
            except OSError:
                pass
        if self.output is not None:
            self.output.thread.join(timeout=1)
            self._printed.append(self.output.take())
        self.process = None

    def restart(self) -> None:
        self.kill()
        self.start()

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self.home, ignore_errors=True)


class Submission:
    """The student's package as the checks see it: ``student.losses.mean_squared_error(y, p)``.

    Calls that time out are remembered: the same function is not given a second chance to hang, so a submission
    whose code never returns costs one time limit per function, not one per check.
    """

    def __init__(self, worker: Worker, source: Path | None = None) -> None:
        self.worker = worker
        self.source = source
        self.timed_out: dict[str, float] = {}

    def __getattr__(self, module: str) -> ModuleProxy:
        if module.startswith("_"):
            raise AttributeError(module)
        return ModuleProxy(self, module)

    def import_module(self, module: str) -> None:
        """Import a student module; raises a fault describing why it cannot be imported."""
        self._send({"op": "import", "module": module}, module, [], {}, self.worker.limits.import_seconds)

    def call(self, target: str, *args: Any, timeout: float | None = None, echo_args: bool = False,
             **kwargs: Any) -> Any:
        """Call ``module.function`` with plain arguments; returns its value (or a ``Reply`` with ``echo_args``)."""
        reply = self._send({"op": "call", "target": target, "echo_args": echo_args}, target, args, kwargs, timeout)
        return reply if echo_args else reply.value

    def new(self, target: str, *args: Any, **kwargs: Any) -> RemoteObject:
        """Create an instance of the student's class ``module.Class`` that lives in the worker."""
        handle = self.call(target, *args, **kwargs)
        if not isinstance(handle, protocol.Handle):
            raise BadReply(target, f"expected an instance of {target}, got {_describe(handle)}")
        return RemoteObject(self, handle, target)

    def _send(self, header: dict, target: str, args, kwargs, timeout: float | None) -> Reply:
        timeout = timeout or self.worker.limits.call_seconds
        if target in self.timed_out:
            raise CallTimedOut(target, self.timed_out[target], earlier=True)
        try:
            raw, blobs = self.worker.request(header, list(args), kwargs, timeout)
        except CallTimedOut:
            self.timed_out[target] = timeout
            raise
        return _parse_reply(target, raw, blobs)


class ModuleProxy:
    def __init__(self, submission: Submission, module: str) -> None:
        self._submission, self._module = submission, module

    def __getattr__(self, name: str):
        target = f"{self._module}.{name}"
        return lambda *args, **kwargs: self._submission.call(target, *args, **kwargs)


class RemoteObject:
    """An object created by the student's code that stays in the worker (an MLP, an optimizer)."""

    def __init__(self, submission: Submission, handle: protocol.Handle, target: str) -> None:
        self._submission, self._handle, self._target = submission, handle, target

    def call(self, method: str, *args: Any, timeout: float | None = None, echo_args: bool = False,
             **kwargs: Any) -> Any:
        name = f"{self._target}.{method}"
        header = {"op": "method", "handle": self._handle.id, "name": method, "target": name, "echo_args": echo_args}
        reply = self._submission._send(header, name, args, kwargs, timeout)
        return reply if echo_args else reply.value

    def get(self, attribute: str) -> Any:
        header = {"op": "getattr", "handle": self._handle.id, "name": attribute}
        return self._submission._send(header, f"{self._target}.{attribute}", [], {}, None).value

    def set(self, attribute: str, value: Any) -> None:
        header = {"op": "setattr", "handle": self._handle.id, "name": attribute}
        self._submission._send(header, f"{self._target}.{attribute}", [value], {}, None)


def _parse_reply(target: str, raw: dict, blobs: list[bytes]) -> Reply:
    try:
        warnings = [str(w)[:500] for w in raw.get("warnings", [])[:20]]
        if raw.get("ok") is True:
            reply = Reply(protocol.decode(raw.get("value"), blobs), warnings)
            if "args_after" in raw:
                reply.args_after = protocol.decode(raw["args_after"], blobs)
                reply.kwargs_after = protocol.decode(raw["kwargs_after"], blobs)
            return reply
        error = raw["error"]
    except (protocol.ProtocolError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise BadReply(target, f"malformed reply ({exc})") from None
    raise _fault_from(target, error)


def _fault_from(target: str, error: dict) -> SubmissionFault:
    if not isinstance(error, dict):
        return BadReply(target, "malformed error")
    kind = str(error.get("kind", "exception"))
    if kind == "not_implemented":
        return NotImplementedByStudent(target)
    frames = []
    for f in error.get("frames", [])[:10]:
        try:
            frames.append(Frame(str(f["file"])[:200], int(f["line"]), str(f["function"])[:100], str(f["code"])[:200]))
        except (KeyError, TypeError, ValueError):
            continue
    return StudentException(target, str(error.get("type", "Error"))[:100], str(error.get("message", ""))[:2000],
                            frames, kind)


def _describe(value: Any) -> str:
    if isinstance(value, protocol.Unsupported):
        return f"an object of type {value.type_name}"
    return f"a {type(value).__name__}"
