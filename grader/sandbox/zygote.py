"""The grader's side of the zygote: one warm process per grading process that forks each fresh worker.

Starting a worker means starting Python and importing numpy, about a tenth of a second, paid once per student and
again after every crash, time-out or worker left with threads running. The zygote (``zygote_main.py``) pays it once:
each worker is then a fork of it, and does everything else a freshly started worker does -- the jail, the privilege
drop, the resource limits, its own session -- itself, after the fork. No student code ever runs in the zygote, so
every worker it forks is as untouched as a fresh process; the worker holds none of its descriptors, and in the jail
it cannot see it (another PID namespace) or signal it (another user).

One zygote serves the whole grading process (``shared``), so a grading slot of ``nn-grader autograde`` keeps one for
all its students. It is started on first use, or ahead of time with ``prewarm`` so that its start overlaps the
grader's own. If it cannot start, or dies, workers are started the old way (``client.Worker`` falls back by itself),
and ``NN_GRADER_ZYGOTE=0`` or ``Limits(zygote=False)`` turns it off.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

from grader.sandbox.limits import END_STRAYS, OWN_ACCOUNTS, clean_environment

SANDBOX_DIR = Path(__file__).parent
ZYGOTE_FILES = ("zygote_main.py", "worker.py", "jail.py", "limits.py", "protocol.py")
SWITCH = "NN_GRADER_ZYGOTE"  # "0" turns the zygote off
STARTUP_SECONDS = 30.0
FORK_SECONDS = 5.0  # a zygote that has not forked a worker by then is broken: it is replaced
TITLE_ROOM = 1024  # bytes of the zygote's command line a forked worker may write its own over (see _set_title)


def enabled() -> bool:
    """Whether workers may be forked from a zygote in this process (the environment's switch)."""
    return os.environ.get(SWITCH, "1").strip().lower() not in ("0", "no", "false", "off")


class ForkedProcess:
    """A worker forked by the zygote, seen through the small part of ``subprocess.Popen`` that ``Worker`` uses.

    Its pid, and later its exit status, arrive on the status socket from its monitor; closing that socket lets the
    monitor reap it (until then its process group id cannot be reused, as with a ``Popen`` not yet waited for).
    """

    def __init__(self, pid: int, status: socket.socket, stdout: IO[bytes], strays_of: int | None = None) -> None:
        self.pid, self.status, self.stdout = pid, status, stdout
        self.returncode: int | None = None
        self.strays_of = strays_of  # the worker's own user, if it has one
        self.end_strays = False  # end every process of that user as the monitor is let go (the worker's decides)

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self.status], [], [], 0)[0]:
            self._collect()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self.status], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired("worker", timeout or 0)
            self._collect()
        assert self.returncode is not None, "set by _collect"
        return self.returncode

    def _collect(self) -> None:
        try:
            data = _receive_exactly(self.status, 4, time.monotonic() + FORK_SECONDS)
        except (OSError, TimeoutError):
            data = b""
        # No status: the monitor died, killing the worker with it (the zygote ended).
        self.returncode = struct.unpack(">i", data)[0] if len(data) == 4 else -signal.SIGKILL
        if self.end_strays and self.strays_of is not None:
            try:
                self.status.sendall(END_STRAYS)
            except OSError:  # the monitor is gone: no one else would end them
                end_strays(self.strays_of)
        self.status.close()  # lets the monitor reap the worker


class Zygote:
    """One zygote process; ``fork_worker`` returns a ``ForkedProcess``, or None when the zygote cannot serve."""

    def __init__(self) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="nn-grader-zygote-"))
        self.lock = threading.Lock()
        self.ready = False
        self.forked = 0  # workers forked so far
        bin_dir, home = self.scratch / "bin", self.scratch / "home"
        bin_dir.mkdir()
        home.mkdir(mode=0o700)
        for name in ZYGOTE_FILES:
            shutil.copyfile(SANDBOX_DIR / name, bin_dir / name)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.control = ours
        try:
            # The last word only makes room for each worker's own command line (see zygote_main._set_title).
            self.process = subprocess.Popen(
                [sys.executable, "-E", "-s", "-B", str(bin_dir / "zygote_main.py"), str(theirs.fileno()),
                 "-" * TITLE_ROOM],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),), env=clean_environment(str(home)), cwd=home, start_new_session=True)
        except BaseException:
            ours.close()
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise
        finally:
            theirs.close()

    def fork_worker(self, fds: tuple[int, int, int], stdout: IO[bytes], env: dict[str, str], cwd: str,
                    title: list[str], strays_of: int | None = None) -> ForkedProcess | None:
        """Fork a worker given the read end of its requests, the write ends of its replies and of its output (``fds``,
        which stay the caller's to close) and the read end of its output; None if this zygote cannot serve.
        ``strays_of``: the uid of an account that is the worker's alone, whose every process its monitor ends once the
        worker has ended, if told to as it is let go (``ForkedProcess.end_strays``, see ``zygote_main``)."""
        with self.lock:
            if not self._wait_ready():
                return None
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            request = json.dumps({"env": env, "cwd": cwd, "title": title, "strays_of": strays_of}).encode()
            try:
                socket.send_fds(self.control, [request], [theirs.fileno(), *fds])
                theirs.close()
                pid = struct.unpack(">i", _receive_exactly(ours, 4, time.monotonic() + FORK_SECONDS))[0]
            except (OSError, TimeoutError, struct.error):
                theirs.close()
                ours.close()
                self.close()
                return None
            self.forked += 1
        return ForkedProcess(pid, ours, stdout, strays_of)

    def _wait_ready(self) -> bool:
        if not self.ready:
            try:
                self.ready = _receive_exactly(self.control, 5, time.monotonic() + STARTUP_SECONDS) == b"ready"
            except (OSError, TimeoutError):
                self.ready = False
            if not self.ready:
                self.close()
            # Its files are loaded: removed now, a grader killed outright leaves nothing of the zygote behind.
            shutil.rmtree(self.scratch, ignore_errors=True)
        return self.ready and self.alive

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """End the zygote (the workers it forked end with it) and remove its files."""
        self.ready = False
        self.control.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)


_shared: dict[int, Zygote] = {}  # by pid: a process forked from a grader starts a zygote of its own
_shared_lock = threading.Lock()
_failed: set[int] = set()


def shared() -> Zygote | None:
    """This process's zygote, started if there is none or it died; None if it is off or cannot start here."""
    pid = os.getpid()
    if not enabled() or pid in _failed:
        return None
    with _shared_lock:
        zygote = _shared.get(pid)
        if zygote is not None and not zygote.alive:
            zygote.close()
            zygote = None
        if zygote is None:
            try:
                zygote = _shared[pid] = Zygote()
            except OSError:
                _failed.add(pid)  # the machine cannot run it: fresh workers from now on, without trying again
                return None
        return zygote


def prewarm() -> None:
    """Start this process's zygote now, without waiting for it, so that numpy loads while the grader loads too."""
    shared()


def end_strays(uid: int) -> None:
    """End every process of ``uid`` (a worker's own user) from here, where its monitor, which would have, is gone: a
    Python of that user ``kill(-1)``s, as the monitor's child does (``zygote_main._end_strays``). Rare: only when the
    zygote died under a worker that ran without namespaces."""
    if uid < OWN_ACCOUNTS:  # never anyone else's processes
        return
    try:
        subprocess.run([sys.executable, "-S", "-c", KILL_ALL], user=uid, group=uid, extra_groups=[],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
    except (OSError, subprocess.SubprocessError):
        pass


KILL_ALL = "import os, signal\nfor _ in range(3):\n    os.kill(-1, signal.SIGKILL)\n"


def close_shared() -> None:
    """End this process's zygote (at exit, and when a grading slot stops); a later ``shared`` starts another."""
    with _shared_lock:
        zygote = _shared.pop(os.getpid(), None)
    if zygote is not None:
        zygote.close()


def _receive_exactly(sock: socket.socket, size: int, deadline: float) -> bytes:
    """``size`` bytes from ``sock`` by ``deadline`` (fewer only at its end); ``TimeoutError`` past it."""
    data = b""
    while len(data) < size:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([sock], [], [], remaining)[0]:
            raise TimeoutError
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


atexit.register(close_shared)
