"""The grader's side of the isolation boundary: start a worker, send it calls, enforce time, read plain data back.

``Worker`` owns one process and knows nothing of checks; ``Submission`` is what a check sees: attribute access that
reads like the student's own package (``student.activations.sigmoid(x)``) and returns numpy arrays or numbers, or
raises one of the faults in :mod:`grader.sandbox.faults`. A check that asks many calls sends them together
(``Submission.call_each``): a message costs the two processes about as much as the small call it carries.

Each worker gets a scratch folder of its own, laid out before it starts, that only its own account may enter (each
worker has an account of its own, ``isolation.own_account``)::

    scratch/stage/submission/   the staged submission, its files hard links to the grader's staged copy
    scratch/home/        its working folder (a size-limited tmpfs inside the jail)

and the workers of a grading process share one folder (``worker_files``) of what no worker's user can change::

    bin/                 a copy of the worker's files (worker.py, jail.py, limits.py, protocol.py)
    jail/                an empty folder where each worker mounts its jail's root file system, in its own mount
                         namespace (no worker sees another's)

so the worker needs nothing from the grader's installation, which the jail can therefore leave out entirely. A
folder and file fewer each matter: on a busy ext4 ``/tmp``, creating a file's inode cost ~0.5 ms of kernel time, a
tenth of a class's CPU when each worker copied its files afresh. At the process level, where the worker is the
grader's own user and could write what the grader owns, each worker gets private copies of everything instead
(``scratch/bin``, ``scratch/jail``, and the submission copied).
"""

from __future__ import annotations

import atexit
import itertools
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from grader.i18n import tr
from grader.sandbox import isolation, protocol, zygote
from grader.sandbox.faults import (
    BadReply,
    CallTimedOut,
    Frame,
    NotImplementedByStudent,
    StudentException,
    SubmissionFault,
    WorkerCrashed,
    printable,
)
from grader.sandbox.isolation import SandboxError
from grader.sandbox.limits import OWN_ACCOUNTS, Limits, MiB, clean_environment

SANDBOX_DIR = Path(__file__).parent
WORKER_FILES = ("worker.py", "jail.py", "limits.py", "protocol.py")
BIN, JAIL = "bin", "jail"  # in a folder of worker files: their copy, and the empty mount point of a jail's root
STARTUP_SECONDS = 30.0  # starting Python and importing numpy; a worker that takes longer is broken, not slow


@dataclass
class Reply:
    """What one call produced: its value, the arguments as they were after the call, any warnings, and (with
    ``watch``) what the worker saw the call do to the very arrays it was given."""

    value: Any
    warnings: list[str] = field(default_factory=list)
    args_after: list[Any] | None = None
    watch: protocol.Watch | None = None

T = TypeVar("T")
LATE_READ_SECONDS = 1.0  # see Worker.receive
_object_names = itertools.count(1)  # the grader's names of the objects it has workers create, all of this process's
BATCH_LABEL = "several functions"  # a batch's name in its faults, which call_each never reports (see there)


@dataclass(frozen=True)
class Sent:
    """A request on its way to the worker: whose reply is awaited, and until when."""

    target: str
    deadline: float  # time.monotonic()
    timeout: float


class OutputCapture:
    """Drains the worker's stdout and stderr, keeping the head and the tail of what each check printed.

    A thread reads the pipe while the student's code runs, so that it never fills and stalls the worker. What a call
    printed is in the pipe before its reply is sent (the worker flushes first), but the thread may not have read it
    yet when the reply arrives: :meth:`take` reads what is left itself, so the output of a check is never given to
    the next one. Reading and keeping happen under one lock, by whichever of the two reads.
    """

    READ_AT_MOST = 1 << 20  # what one pass reads of a pipe that keeps filling (a thread printing without end)

    def __init__(self, stream, keep: int) -> None:
        self.keep = keep
        self.lock = threading.Lock()
        self.head, self.tail, self.dropped = bytearray(), bytearray(), 0
        self.stream, self.ended = stream, False
        os.set_blocking(stream.fileno(), False)
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        # The pipe is closed here, by the thread, under the lock, once the worker and its children are gone (or the
        # thread fails): take() reads no more once the end is noted.
        try:
            while not self.ended:
                select.select([self.stream], [], [])
                with self.lock:
                    self._read_available()
        finally:
            with self.lock:
                self.ended = True
                self.stream.close()

    def _read_available(self) -> None:
        """Keep what the pipe holds now (the lock held); at the end of the output, note it."""
        read = 0
        while not self.ended and read < self.READ_AT_MOST:
            try:
                chunk = os.read(self.stream.fileno(), 65536)
            except BlockingIOError:
                return
            if not chunk:
                self.ended = True
                return
            read += len(chunk)
            room = self.keep - len(self.head)
            self.head += chunk[:room]
            self.tail += chunk[room:] if room > 0 else chunk
            if len(self.tail) > self.keep:
                self.dropped += len(self.tail) - self.keep
                del self.tail[: len(self.tail) - self.keep]

    def take(self) -> str:
        """Everything printed since the last call, with the middle cut out past ``keep`` bytes at each end.

        Control characters are neutralised, so what the student printed can never redraw the instructor's terminal
        or break a report format: it is shown as text, never read as a result.
        """
        with self.lock:
            self._read_available()
            head, tail, dropped = bytes(self.head), bytes(self.tail), self.dropped
            self.head, self.tail, self.dropped = bytearray(), bytearray(), 0
        text = printable(head.decode("utf-8", "replace"))
        if dropped:
            text += "\n" + tr("output.omitted", count=dropped) + "\n"
        return text + printable(tail.decode("utf-8", "replace"))


class Worker:
    """One worker process over a staged submission (``root/submission``); restarted on demand after it dies.

    The worker is started at once, and a machine that cannot isolate it raises ``SandboxError`` before any check
    runs: here, or with ``wait=False`` from :meth:`wait_ready`, which the caller calls when it has nothing else to do
    (the grade collects its checks meanwhile: the worker confines itself in the other processes at the same time).
    ``isolation`` is the level in force ("jail", "user" or "process").
    """

    def __init__(self, root: Path, limits: Limits | None = None, *, wait: bool = True) -> None:
        self.limits = limits or Limits()
        self.level, self.fallback = isolation.choose_level(self.limits.isolation)
        self.account = (isolation.worker_account(self.limits.worker_user) if self.level != "process"
                        else (os.getuid(), os.getgid()))
        self.process: subprocess.Popen | zygote.ForkedProcess | None = None
        self.output: OutputCapture | None = None
        self.isolation = ""
        self.seq = 0
        self.leftover_threads = 0  # threads the student's code left running, as the latest reply counted them
        self.unread: Sent | None = None  # the request sent whose reply has not been read
        self.holds_objects = False  # whether a later call of the current check may need an object living in it
        self._printed: list[str] = []
        self.scratch = Path(tempfile.mkdtemp(prefix="nn-grader-worker-"))
        self.starting = False  # launched, its readiness not read yet (see wait_ready)
        try:
            self._lay_out(Path(root))
            self.launch()
            if wait:
                self.wait_ready()
        except BaseException:
            self.close()
            raise

    def _lay_out(self, root: Path) -> None:
        """Lay out the worker's scratch folder (see the module doc); ``launch`` makes it its account's."""
        self.root, self.home = self.scratch / "stage", self.scratch / "home"
        for folder in [self.root, self.home] + ([] if self.shares else [self.scratch / JAIL]):
            folder.mkdir(mode=0o755)
        if not self.shares:
            _copy_worker_files(self.scratch / BIN)
        package = root / protocol.SUBMISSION_PACKAGE
        shutil.copytree(package, self.root / protocol.SUBMISSION_PACKAGE, symlinks=False,
                        ignore=shutil.ignore_patterns("__pycache__"),
                        copy_function=_link_or_copy if self.shares else shutil.copyfile)
        for path in self.root.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        self.home.chmod(0o700)

    def _take_account(self) -> None:
        """Give the worker about to start its account: its scratch folder reachable by that account's group alone (in
        the jail its files are bound in anyway), no other worker's: one could read the reference staged there. Its
        home is its own (inside the jail a tmpfs covers it)."""
        if not self.shares:
            return
        try:
            os.chown(self.scratch, -1, self.account[1])
            self.scratch.chmod(0o710)
            os.chown(self.home, *self.account)
        except OSError as exc:
            raise SandboxError(f"the worker's files cannot be given to its user {self.account[0]}: {exc}") from None

    @property
    def shares(self) -> bool:
        """Whether the worker shares files with the grade and with other workers (the shared folder, hard links). At
        the process level the worker is the grader's own user, who may write whatever the grader owns: there it gets
        private copies, nothing shared with the grade or with another worker."""
        return self.level != "process"

    @property
    def owns_account(self) -> bool:
        """Whether the worker's account is its own (``isolation.own_account``, the default where the grader is root):
        every process of it is then the worker's, and ends with it."""
        return self.shares and not self.limits.worker_user and self.account[0] >= OWN_ACCOUNTS

    @property
    def bin(self) -> Path:
        """The worker's own files (see the module doc)."""
        return self._files() / BIN

    @property
    def jail_root(self) -> Path:
        """The empty folder where the worker mounts its jail's root file system, in its own mount namespace."""
        return self._files() / JAIL

    def _files(self) -> Path:
        """The folder holding ``bin`` and ``jail``: the worker's scratch at the process level, else the grading
        process's shared folder, looked up at each start (``worker_files`` lays it out afresh if it went missing)."""
        return worker_files() if self.shares else self.scratch

    def start(self) -> None:
        """Start the worker and wait until it has confined itself; ``SandboxError`` if it cannot."""
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the worker process and send it its setup, without waiting for it (see :meth:`wait_ready`)."""
        self._take_account()
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        files = self._files()
        plan = isolation.plan(self.level, self.fallback, account=self.account, root=self.root, home=self.home,
                              jail_root=files / JAIL, worker_dir=files / BIN, home_bytes=self.limits.disk_bytes)
        setup = {"plan": plan, "limits": asdict(self.limits), "root": str(self.root)}
        command = [sys.executable, "-E", "-s", "-B", str(files / BIN / "worker.py"), str(to_worker_r),
                   str(from_worker_w)]
        try:
            self.process = self._fork(command, to_worker_r, from_worker_w) or subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                pass_fds=(to_worker_r, from_worker_w), env=clean_environment(str(self.home)), cwd=self.home,
                start_new_session=True,  # its own process group, so a kill takes its children with it
            )
        finally:
            os.close(to_worker_r)
            os.close(from_worker_w)
        self.requests = os.fdopen(to_worker_w, "wb", buffering=0)
        self.reply_channel = protocol.Channel(from_worker_r)
        assert self.process.stdout is not None, "both ways of starting give the worker's output"
        self.output = OutputCapture(self.process.stdout, self.limits.output_bytes)
        self.starting, self.launched, self.launch_error = True, time.monotonic(), ""
        try:
            protocol.write_message(self.requests, setup, [])
        except OSError as exc:  # it ended at once: wait_ready says so
            self.launch_error = f"{type(exc).__name__}: {exc}"
        os.set_blocking(to_worker_w, False)  # from now on, see _write_request

    def wait_ready(self) -> None:
        """Wait until the launched worker has confined itself; ``SandboxError`` (the worker killed) if it cannot.
        Does nothing once it is ready."""
        if not self.starting:
            return
        self.starting = False
        try:
            ready = {"error": self.launch_error} if self.launch_error else self.reply_channel.read_message(
                deadline=self.launched + STARTUP_SECONDS, alive=lambda: self.alive)[0]
        except (protocol.ProtocolError, TimeoutError, OSError) as exc:
            ready = {"error": f"{type(exc).__name__}: {exc}"}
        if ready.get("ready") is not True:
            self.kill()
            printed = "".join(self._printed).strip()[-2000:]
            raise SandboxError(f"the worker could not start: {ready.get('error', 'no reason given')}"
                               + (f"\n{printed}" if printed else ""))
        self.isolation = str(ready.get("isolation"))
        if isinstance(self.process, zygote.ForkedProcess):  # without namespaces, its strays outlive its group's kill
            self.process.end_strays = self.isolation == "user" and self.owns_account
        self.leftover_threads, self.holds_objects = 0, False
        self._printed.clear()

    def _fork(self, command: list[str], to_worker_r: int, from_worker_w: int) -> zygote.ForkedProcess | None:
        """The worker forked from this process's zygote, or None (off, or it cannot serve: start it afresh)."""
        warm = zygote.shared() if self.limits.zygote else None
        if warm is None:
            return None
        output_r, output_w = os.pipe()
        stdout = os.fdopen(output_r, "rb")
        try:
            forked = warm.fork_worker((to_worker_r, from_worker_w, output_w), stdout,
                                      clean_environment(str(self.home)), str(self.home), command,
                                      strays_of=self.account[0] if self.owns_account else None)
        finally:
            os.close(output_w)
        if forked is None:
            stdout.close()
        return forked

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send(self, target: str, header: dict, args: list, kwargs: dict, timeout: float) -> Sent:
        """Send one request, for ``target`` (what its faults are charged to), without waiting for its reply
        (:meth:`receive` waits): the grader can compute meanwhile."""
        blobs: list[bytes] = []
        return self._send_request(target, protocol.with_arguments(header, args, kwargs, blobs), blobs, timeout)

    def send_batch(self, label: str, calls: list[tuple[dict, list, dict]], timeout: float) -> Sent:
        """Send ``calls`` (header, args, kwargs each) as one batch, which the worker carries out in turn, within
        ``timeout`` for them all; ``label`` names the batch in a fault of the whole (see ``Submission.call_each``)."""
        blobs: list[bytes] = []
        return self._send_request(label, protocol.batch_of(calls, blobs), blobs, timeout)

    def _send_request(self, target: str, header: dict, blobs: list[bytes], timeout: float) -> Sent:
        """Send ``header`` and its frames as the next request. A request whose reply was never read may still be
        running (its check ended early): the worker is replaced first, so that its time is never charged to this
        one."""
        self.wait_ready()
        if self.unread is not None:
            self.kill()
        if not self.alive:
            self.restart()
        self.seq += 1
        header = dict(header, seq=self.seq)
        sent = Sent(target, time.monotonic() + timeout, timeout)
        with self._faults_of(sent):
            self._write_request(header, blobs, sent.deadline)
        self.unread = sent
        return sent

    def receive(self, sent: Sent) -> tuple[dict, list[bytes]]:
        """The reply to ``sent``, the latest request; its time counts from when it was sent. A time-out, a crash or
        garbage kills the worker, and with it every thread the student's code started: the next call, whatever
        function it is for, runs in a fresh worker with the whole CPU to itself."""
        if sent is not self.unread:
            raise RuntimeError(f"the reply to {sent.target} is not the one awaited: one request at a time")
        self.unread = None
        # Read past its deadline (the grader was computing the reference meanwhile), a reply gets LATE_READ_SECONDS
        # more to be read whole, once for the whole reply: never a way for forged messages to keep it open.
        now = time.monotonic()
        deadline = sent.deadline if now < sent.deadline else now + LATE_READ_SECONDS
        with self._faults_of(sent):
            reply = self._read_reply(deadline)
        if reply[0].get("seq") != self.seq:
            self.kill()
            raise BadReply(sent.target, tr("fault.out_of_step"))
        threads = reply[0].get("threads")
        self.leftover_threads = threads if type(threads) is int and threads > 0 else 0
        return reply

    @contextmanager
    def _faults_of(self, sent: Sent) -> Iterator[None]:
        """Within the block, a time-out, a crash or garbage on the channel ends the worker and becomes the fault of
        ``sent``'s target."""
        try:
            yield
        except TimeoutError:
            self.kill()
            raise CallTimedOut(sent.target, sent.timeout) from None
        except (protocol.ProtocolError, OSError) as exc:
            returncode = self._wait_for_exit()
            if returncode is None:  # still running: it sent garbage
                self.kill()
                raise BadReply(sent.target, str(exc)) from None
            self.kill()
            raise WorkerCrashed(sent.target, returncode) from None

    def _write_request(self, header: dict, blobs: list[bytes], deadline: float) -> None:
        """Write one request within the call's time. A worker still busy with an earlier request (its code wrote a
        reply of its own to the channel, then kept running) does not read, and must not make the grader wait for
        ever once the pipe is full."""
        view = memoryview(protocol.pack_message(header, blobs))
        fd = self.requests.fileno()  # non-blocking: a full pipe waits below, within the call's time
        while view:
            try:
                view = view[os.write(fd, view[:1 << 16]):]
                continue
            except BlockingIOError:
                pass
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if not select.select([], [fd], [], min(remaining, 0.2))[1] and not self.alive:
                raise protocol.ProtocolError("the worker ended")

    def retire_if_left_busy(self) -> bool:
        """End the worker if the student's code left threads running in it; True if it was ended.

        Such threads (spinning, say) would slow down every later call, which would then time out and be charged to
        a function that did nothing wrong. The next request starts a fresh worker, as after a crash.
        """
        if not (self.leftover_threads and self.alive):
            return False
        self.kill()
        return True

    def _read_reply(self, deadline: float) -> tuple[dict, list[bytes]]:
        """The reply to the latest request. Replies to earlier ones (the real one, after the student's code wrote a
        forged reply to the channel) are skipped: whatever the worker sends is only ever a value to compare."""
        while True:
            reply = self.reply_channel.read_message(deadline=deadline, alive=lambda: self.alive)
            seq = reply[0].get("seq")
            if not (type(seq) is int and seq < self.seq):
                return reply

    def _wait_for_exit(self) -> int | None:
        """The worker's exit code, or None if it is still running half a second later."""
        assert self.process is not None, "only asked while the worker runs"
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

    def signal_end(self) -> None:
        """Send the worker's whole process group SIGKILL without waiting for it to end (see :func:`close_all`)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # in a jail, this also ends its PID namespace
        except (ProcessLookupError, PermissionError):
            pass

    def kill(self) -> None:
        """Kill the worker and everything it started (its whole process group)."""
        self.unread = None
        if self.process is None:
            return
        self.signal_end()
        self.process.wait()
        if not isinstance(self.process, zygote.ForkedProcess) and self.isolation == "user" and self.owns_account:
            zygote.end_strays(self.account[0])  # started afresh, it has no monitor to end them (zygote_main)
        for closer in (self.requests.close, lambda: os.close(self.reply_channel.fd)):
            try:
                closer()
            except OSError:
                pass
        if self.output is not None:
            self.output.thread.join(timeout=1)
            self._printed.append(self.output.take())
        self.process = None

    def restart(self) -> None:
        """Start the worker again; with an account of its own, as a new account (the last one's monitor kills every
        process of it as it ends, at the user level, which must never reach this start) and an empty home (the last
        start's files are that account's; the jail's home is a new tmpfs at every start anyway)."""
        self.kill()
        if self.owns_account:
            isolation.release_account(self.account)
            self.account = isolation.own_account()
            shutil.rmtree(self.home, ignore_errors=True)
            self.home.mkdir(mode=0o700)
        self.start()

    def close(self) -> None:
        self.kill()
        if self.owns_account:
            isolation.release_account(self.account)
        shutil.rmtree(self.scratch, ignore_errors=True)


_worker_files: dict[int, Path] = {}  # by pid: a process forked from a grader lays out a folder of its own
_worker_files_lock = threading.Lock()


def worker_files() -> Path:
    """This process's folder of what its workers share (see the module doc), laid out on first use, laid out afresh if
    any of it went missing (a cleaner of old files in /tmp), and removed at exit: ``bin/`` (readable by the worker's
    user, writable by no worker) and the empty mount point ``jail/``."""
    with _worker_files_lock:
        folder = _worker_files.get(os.getpid())
        if folder is None or not _is_whole(folder):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            folder = Path(tempfile.mkdtemp(prefix="nn-grader-workers-"))
            folder.chmod(0o711)
            (folder / JAIL).mkdir(mode=0o755)
            _copy_worker_files(folder / BIN)
            if not _worker_files:
                atexit.register(_remove_worker_files)
            _worker_files[os.getpid()] = folder
        return folder


def _is_whole(folder: Path) -> bool:
    return (folder / JAIL).is_dir() and all((folder / BIN / name).is_file() for name in WORKER_FILES)


def _copy_worker_files(folder: Path) -> None:
    """Copies of the worker's files in the new ``folder``, readable by every user."""
    folder.mkdir(mode=0o755, exist_ok=True)
    for name in WORKER_FILES:
        shutil.copyfile(SANDBOX_DIR / name, folder / name)
        (folder / name).chmod(0o644)


def _remove_worker_files() -> None:
    folder = _worker_files.pop(os.getpid(), None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _link_or_copy(source: str, target: str) -> None:
    """``target`` as a hard link to ``source`` (a new name, no new file: the worker's stage costs no inode), or a copy
    where the two cannot be linked (another file system)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def close_all(workers: list[Worker]) -> None:
    """Close ``workers``, all told to end first: each one's end (its processes, its namespaces) overlaps the others'
    rather than following them."""
    for worker in workers:
        worker.signal_end()
    for worker in workers:
        worker.close()


class Submission:
    """The student's package as the checks see it: ``student.losses.mean_squared_error(y, p)``.

    Calls that time out are remembered: the same function is not given a second chance to hang, so a submission
    whose code never returns costs one time limit per function, not one per check (one more, once, if it first hangs
    among calls sent together: see ``call_each``). Crashes are remembered the same way: a function that ended the
    worker is reported as such in its later checks without being run again, since each crash costs a worker
    restart. A time-out or crash is only ever charged to a function that ran in a worker no earlier check left
    threads running in (see ``begin_check``).

    The values received during the current check are kept in ``received`` (target, value), so that a check that
    cannot use one of them can say whose value it was.

    Creating an object (:meth:`new`) and setting its attributes (``RemoteObject.set``) answer nothing a check reads
    at once, so they are put off and travel with the next request that does need an answer, in one message (a third
    of a grade's messages were these); :meth:`settle` makes them on their own, which the runner does as each check
    ends. A fault of one of them is raised at that next request, before its own answer: the check stops there, as it
    would have one line earlier. Only calls that use no object of an earlier message travel so, since a message that
    fails as a whole is made again call by call in a fresh worker, where such an object is gone (a crash would be
    charged to the call that lost it); a request with a time limit of its own (a training run) does not carry them
    either, so that a hang costs its own limit once.
    """

    RECEIVED_KEPT = 50  # values kept per check; a check makes a handful of calls

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.timed_out: dict[str, float] = {}
        self.crash_codes: dict[str, int | None] = {}
        self.received: list[tuple[str, Any]] = []
        self.batching = True  # until a batch fails as a whole (see call_each)
        self.put_off: list[Answer] = []  # calls made with the next request that needs an answer (see the class doc)

    def begin_check(self) -> None:
        """Called before each check: forget the last check's values and what it put off (it stopped before they were
        needed), and retire a worker left busy by it (no check uses an object an earlier check created)."""
        self.received.clear()
        self.put_off.clear()
        self.worker.holds_objects = False
        self.worker.retire_if_left_busy()

    def settle(self) -> None:
        """Make the calls put off (:meth:`new`, ``RemoteObject.set``) now, together; the first one's fault, if one
        failed."""
        answers, self.put_off = self.put_off, []
        self._send_together(answers)
        for answer in answers:
            answer.settled()

    def __getattr__(self, module: str) -> ModuleProxy:
        if module.startswith("_"):
            raise AttributeError(module)
        return ModuleProxy(self, module)

    def import_module(self, module: str) -> None:
        """Import a student module; raises a fault describing why it cannot be imported."""
        self._send({"op": "import", "module": module}, module, [], {}, self.worker.limits.import_seconds)

    def call(self, target: str, *args: Any, timeout: float | None = None, echo_args: bool = False,
             watch: bool = False, full_reply: bool = False, **kwargs: Any) -> Any:
        """Call ``module.function`` with plain arguments; returns its value, or the whole ``Reply`` (its warnings)
        with ``full_reply``, ``echo_args`` (the arguments as the call left them) or ``watch`` (which argument arrays
        the call modified in place, and which arrays of its answer share memory with them)."""
        header = {"op": "call", "target": target, "echo_args": echo_args, "watch": watch}
        reply = self._send(header, target, args, kwargs, timeout)
        return reply if full_reply or echo_args or watch else reply.value

    def call_each(self, calls: Sequence[tuple[str, tuple, dict]], *, echo_args: bool = False,
                  watch: bool = False) -> list[Answer]:
        """Make each of ``calls`` (``module.function``, its arguments, its keyword arguments) in turn, all sent to the
        worker in one message; their answers, each read with :meth:`Answer.reply` (which raises the call's fault).

        A message costs the grader and the worker about as much as the call it carries, so a check that asks many
        functions the same question sends them together. The calls run in turn in one worker, each answered as if
        alone, up to the first that fails: a check stops at that answer, and the calls after it are made one by one
        only if it reads on. Unlike one call at a time, the calls after a *wrong* answer have run too: what they
        printed is in that check's output, and a hang among them costs one time limit.

        Only if the message fails as a whole -- the worker crashed or sent garbage, or the calls together took
        longer than one call may -- is no answer of it used: each call is made again on its own when its answer is
        first read, exactly as ``call`` makes it, so a crash or a time-out is charged to the one function that
        caused it; and from then on this submission sends every call on its own (a function that hangs costs one
        more time limit, once). A call that left threads running ends the message early too: the calls after it are
        made on their own, in a fresh worker.
        """
        header = {"op": "call", "echo_args": echo_args, "watch": watch}
        answers = [Answer(self, dict(header, target=target), list(args), dict(kwargs))
                   for target, args, kwargs in calls]
        if self._uses_earlier_objects(answers):  # made one by one when read (see the class doc)
            self.settle()
            return answers
        put_off, self.put_off = self.put_off, []
        self._send_together(put_off + answers)
        for answer in put_off:
            answer.settled()
        return answers

    def _send_together(self, answers: list[Answer], timeout: float | None = None) -> None:
        """Send the calls of ``answers`` in as few messages as ``MAX_BATCH`` allows (within ``timeout`` each, by
        default one call's), up to a function that already hung or crashed (a check stops there, as its call raises
        without running), and give each its reply; the rest are made when read."""
        remembered = self.timed_out.keys() | self.crash_codes.keys()
        sendable = list(itertools.takewhile(lambda answer: answer.target not in remembered, answers))
        for start in range(0, len(sendable), protocol.MAX_BATCH):
            if not self._send_batch(sendable[start:start + protocol.MAX_BATCH], timeout):
                break

    def _send_batch(self, answers: list[Answer], timeout: float | None) -> bool:
        """Send the calls of ``answers`` in one message and give each its reply; False if their answers are to be
        made when read: the message failed as a whole, or it answered only some of them (one failed, or left
        threads running). Fewer than two calls, or with batching off, nothing is sent and they are made when read.
        The callers send together only calls that use no object of an earlier message (see the class doc)."""
        if len(answers) < 2 or not self.batching:
            return self.batching
        self._retire_worker_left_busy()
        try:
            sent = self.worker.send_batch(BATCH_LABEL, [(a.header, *_as_handles(a.args, a.kwargs)) for a in answers],
                                          max(timeout or 0.0, self.worker.limits.call_seconds))
            raw, blobs = self.worker.receive(sent)
            replies = raw.get("replies") if raw.get("ok") is True else None
            if not (isinstance(replies, list) and len(replies) <= len(answers)):
                raise BadReply(BATCH_LABEL, "malformed batch reply")
        except SubmissionFault:
            self.batching = False
            self.worker.kill()  # what the batch left running, or its worker's remains: the calls start afresh
            return False
        for answer, reply in zip(answers, replies, strict=False):
            answer.take(reply, blobs)
        return len(replies) == len(answers)

    def new(self, target: str, *args: Any, **kwargs: Any) -> RemoteObject:
        """An instance of the student's class ``module.Class`` that lives in the worker, created with the next request
        that needs an answer (see the class doc); that request raises its fault, or ``BadReply`` if ``module.Class``
        gave no instance of a class of the student's."""
        name = -next(_object_names)  # the worker keeps it under this name: later calls need not wait for its handle
        self._put_off({"op": "call", "target": target, "echo_args": False, "watch": False, "keep_as": name}, args,
                      kwargs)
        return RemoteObject(self, protocol.Handle(name, target.rpartition(".")[2]), target)

    def _put_off(self, header: dict, args: Sequence[Any], kwargs: dict[str, Any]) -> None:
        """Put the call off; made at once, alone, if it uses an object of an earlier message (see the class doc)."""
        answer = Answer(self, header, list(args), dict(kwargs))
        if self._uses_earlier_objects([answer]):
            self.settle()
            answer.settled()
        else:
            self.put_off.append(answer)

    def _uses_earlier_objects(self, answers: Sequence[Answer]) -> bool:
        """Whether a call of ``answers`` uses an object of the worker's that no call put off, nor one of ``answers``,
        creates."""
        made = {a.header["keep_as"] for a in [*self.put_off, *answers] if "keep_as" in a.header}
        for answer in answers:
            used = _handles_in((answer.args, answer.kwargs))
            if "handle" in answer.header:  # a method, an attribute: the object it is of
                used.add(answer.header["handle"])
            if not used <= made:
                return True
        return False

    def start(self, target: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> PendingCall:
        """Send a call of ``module.function`` and return at once: :meth:`PendingCall.value` waits for its answer. The
        grader computes meanwhile (the reference's answer to the same call, say) while the worker runs the student's
        code; no other call may be made before the answer is read. What was put off is made first, and settled."""
        self.settle()
        header = {"op": "call", "target": target, "echo_args": False, "watch": False}
        return PendingCall(self, self._start(header, target, args, kwargs, timeout))

    def _send(self, header: dict, target: str, args, kwargs, timeout: float | None) -> Reply:
        answer = Answer(self, dict(header, target=target), list(args), dict(kwargs), timeout)
        if self.put_off and (timeout is not None or self._uses_earlier_objects([answer])):
            self.settle()  # on their own first (see the class doc)
        if self.put_off:  # in one message with this request, which answers only once they have all succeeded
            put_off, self.put_off = self.put_off, []
            self._send_together(put_off + [answer], timeout)
            for earlier in put_off:
                earlier.settled()
            return answer.reply()
        return self._receive(self._start(header, target, args, kwargs, timeout), bool(header.get("watch")))

    def _start(self, header: dict, target: str, args, kwargs, timeout: float | None) -> Sent:
        timeout = timeout or self.worker.limits.call_seconds
        if target in self.timed_out:
            raise CallTimedOut(target, self.timed_out[target], earlier=True)
        args, kwargs = _as_handles(args, kwargs)  # an MLP created earlier can be passed to fit(...)
        if target in self.crash_codes:
            raise WorkerCrashed(target, self.crash_codes[target], earlier=True)
        self._retire_worker_left_busy()
        with self._remembering_faults(target, timeout):
            return self.worker.send(target, header, args, kwargs, timeout)

    def _retire_worker_left_busy(self) -> None:
        """Before a call, within a check too (the next call may be another function's): a worker the student's code
        left threads running in is replaced, unless it holds an object a later call of the check needs."""
        if not self.worker.holds_objects:
            self.worker.retire_if_left_busy()

    def _receive(self, sent: Sent, watched: bool = False) -> Reply:
        with self._remembering_faults(sent.target, sent.timeout):
            raw, blobs = self.worker.receive(sent)
        reply = _parse_reply(sent.target, raw, blobs, self.worker.limits, watched=watched)
        self._note_holding(reply)
        self._keep_received(sent.target, reply)
        return reply

    def _note_holding(self, reply: Reply) -> None:
        """An answer that is, or holds, an object living in the worker: the worker must last the check."""
        if _handles_in(reply.value):
            self.worker.holds_objects = True

    def _keep_received(self, target: str, reply: Reply) -> None:
        if len(self.received) < self.RECEIVED_KEPT:
            self.received.append((target, reply.value))

    @contextmanager
    def _remembering_faults(self, target: str, timeout: float) -> Iterator[None]:
        """A time-out or crash of ``target`` within the block is remembered (see the class docstring)."""
        try:
            yield
        except CallTimedOut:
            self.timed_out[target] = timeout
            raise
        except WorkerCrashed as crash:
            self.crash_codes[target] = crash.returncode
            raise


class Answer:
    """One call's answer of ``Submission.call_each``: the worker's reply as the message brought it, or, when the
    message did not answer it, the call made on its own when first read."""

    def __init__(self, submission: Submission, header: dict, args: list, kwargs: dict,
                 timeout: float | None = None) -> None:
        self.submission, self.header, self.args, self.kwargs = submission, header, args, kwargs
        self.timeout = timeout  # made on its own, the call's time limit (None: one call's)
        self.target: str = header["target"]
        self.answered: Reply | SubmissionFault | None = None
        self.read = False

    def take(self, raw: Any, blobs: list[bytes]) -> None:
        """Keep the message's reply to this call: its value, or the fault it reports, as ``call`` would read it."""
        try:
            if not isinstance(raw, dict):
                raise BadReply(self.target, "malformed reply")
            reply = _parse_reply(self.target, raw, blobs, self.submission.worker.limits,
                                 watched=bool(self.header.get("watch")))
        except SubmissionFault as fault:
            self.answered = fault
            return
        self.submission._note_holding(reply)
        self.answered = reply

    def reply(self) -> Reply:
        """The call's reply (its value, warnings and what ``echo_args`` or ``watch`` asked for); its fault, if the
        student's code failed it. Read twice, it is the same answer: the call is not made again."""
        submission = self.submission
        if self.answered is None:
            try:  # as call makes it, the value kept among the check's received values
                self.answered = submission._send(self.header, self.target, self.args, self.kwargs, self.timeout)
            except SubmissionFault as fault:
                self.answered = fault
        elif not self.read and isinstance(self.answered, Reply):
            submission._keep_received(self.target, self.answered)
        self.read = True
        if isinstance(self.answered, SubmissionFault):
            raise self.answered
        return self.answered

    def value(self) -> Any:
        """The call's answer; its fault, if the student's code failed it."""
        return self.reply().value

    def settled(self) -> None:
        """Read a call that was put off (``Submission.new``, ``RemoteObject.set``): its fault, if it failed, or
        ``BadReply`` if it was to create an object of the student's and gave something else."""
        value = self.value()
        if "keep_as" in self.header and not isinstance(value, protocol.Handle):
            raise BadReply(self.target, f"expected an instance of {self.target}, got {_describe(value)}")


@dataclass
class PendingCall:
    """A call of the student's code on its way (``Submission.start``)."""

    submission: Submission
    sent: Sent

    def value(self) -> Any:
        """Wait for the call's answer (the time limit counts from when it was sent); its fault, if it failed."""
        return self.submission._receive(self.sent).value

    def meanwhile(self, compute: Callable[[], T]) -> tuple[Any, T]:
        """``compute()`` while the call runs, then ``(the call's answer, what compute gave)``. If ``compute`` raises,
        the call's own fault, if it failed, is raised instead, as when the two ran one after the other."""
        try:
            computed = compute()
        except Exception:
            self.value()
            raise
        return self.value(), computed


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

    def __deepcopy__(self, memo: dict) -> RemoteObject:
        """Itself: it names one object in the worker, which a copy would name too (``shared.once`` gives the
        one object to every check that reads a run)."""
        return self

    def call(self, method: str, *args: Any, timeout: float | None = None, echo_args: bool = False,
             watch: bool = False, full_reply: bool = False, **kwargs: Any) -> Any:
        """Call the object's ``method``; as ``Submission.call``, the whole ``Reply`` with ``full_reply``, ``echo_args``
        or ``watch``."""
        name = f"{self._target}.{method}"
        header = {"op": "method", "handle": self._handle.id, "name": method, "target": name, "echo_args": echo_args,
                  "watch": watch}
        reply = self._submission._send(header, name, args, kwargs, timeout)
        return reply if full_reply or echo_args or watch else reply.value

    def get(self, attribute: str) -> Any:
        header = {"op": "getattr", "handle": self._handle.id, "name": attribute}
        return self._submission._send(header, f"{self._target}.{attribute}", [], {}, None).value

    def set(self, attribute: str, value: Any) -> None:
        """Set the object's ``attribute`` with the next request that needs an answer (see ``Submission``)."""
        self._submission._put_off({"op": "setattr", "handle": self._handle.id, "name": attribute,
                                   "target": f"{self._target}.{attribute}"}, [value], {})


def _parse_reply(target: str, raw: dict, blobs: list[bytes], limits: Limits, *, watched: bool = False) -> Reply:
    """The reply's value, or the fault it reports. Whatever the worker sent was made by the student's code, so any
    way it fails to decode is a ``BadReply`` of that call, never an error of the grader's: a ``watched`` call's
    reply without a well-formed report of its arrays too."""
    try:
        warnings = [printable(str(w)[:500]) for w in raw.get("warnings", [])[:20]]
        if raw.get("ok") is True:
            reply = Reply(protocol.decode(raw.get("value"), blobs), warnings)
            if "args_after" in raw:
                reply.args_after = protocol.decode(raw["args_after"], blobs)
            if watched:
                reply.watch = protocol.decode_watch(raw.get("watch"))
            return reply
        error = raw["error"]
    except protocol.ProtocolError as exc:
        raise BadReply(target, str(exc)) from None
    except (LookupError, TypeError, ValueError, ArithmeticError, AttributeError, RecursionError, MemoryError) as exc:
        raise BadReply(target, f"malformed reply ({type(exc).__name__}: {str(exc)[:200]})") from None
    raise _fault_from(target, error, limits)


def _fault_from(target: str, error: Any, limits: Limits) -> SubmissionFault:
    """The fault the worker's error report describes (``error``, as the worker sent it: anything); every text in it
    was made by the student's code."""
    if not isinstance(error, dict):
        return BadReply(target, "malformed error")
    kind = str(error.get("kind", "exception"))

    def text(key: str, size: int) -> str:
        """The error's ``key`` field, cut to ``size`` characters and made printable."""
        return printable(str(error.get(key, ""))[:size])

    if kind == "bad_value":
        return BadReply(target, tr("fault.bad_value", type=text("type", 100), message=text("message", 500)))
    frames = []
    for f in error.get("frames", [])[:10] if isinstance(error.get("frames"), list) else []:
        try:
            frames.append(Frame(printable(str(f["file"])[:200]), int(f["line"]), printable(str(f["function"])[:100]),
                                printable(str(f["code"])[:200])))
        except (KeyError, TypeError, ValueError, OverflowError):  # a line number of inf, say
            continue
    if kind == "not_implemented":
        return NotImplementedByStudent(target, frames[-1] if frames else None)
    limit = describe_limit(text("resource", 40), limits) if kind == "limit" else ""
    return StudentException(target, text("type", 100) or "Error", text("message", 2000), frames, kind, limit)


def describe_limit(resource: str, limits: Limits) -> str:
    """The grader's limit named by the worker, in a student's words with its value."""
    values = {
        "memory": {"mib": limits.address_space // MiB},
        "processes": {"count": limits.extra_processes},
        "disk": {"mib": limits.disk_bytes // MiB},
        "file_size": {"mib": limits.file_size // MiB},
        "open_files": {"count": limits.open_files},
        "read_only": {},
        "network": {},
    }
    if resource not in values:
        return tr("limit.unknown")
    return tr(f"limit.{resource}", **values[resource])


def _describe(value: Any) -> str:
    if isinstance(value, protocol.Unsupported):
        return f"an object of type {value.type_name}"
    return f"a {type(value).__name__}"


def _handles_in(value: Any, depth: int = 0) -> set[int]:
    """The names of the worker's objects ``value`` holds (a handle, a ``RemoteObject``, or lists, tuples and dicts
    of them)."""
    if isinstance(value, RemoteObject):
        return {value._handle.id}
    if isinstance(value, protocol.Handle):
        return {value.id}
    if depth < 20 and isinstance(value, (list, tuple, dict)):
        return set().union(*(_handles_in(v, depth + 1) for v in (value.values() if isinstance(value, dict) else value)))
    return set()


def _as_handle(value: Any) -> Any:
    """A worker-side object travels back to the worker as its handle."""
    return value._handle if isinstance(value, RemoteObject) else value


def _as_handles(args: Sequence[Any], kwargs: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """A call's arguments as they travel: every worker-side object among them as its handle."""
    return [_as_handle(a) for a in args], {k: _as_handle(v) for k, v in kwargs.items()}
