"""The zygote: a process that has imported numpy and the worker once, and forks a fresh worker on request.

Started by ``zygote.py`` as ``python -E -s -B zygote_main.py CONTROL_FD PADDING`` from a copy of the worker's files,
in a session of its own with the worker's clean environment, as the grader's user. It never runs student code and
never receives any: its memory holds numpy and the worker's modules, nothing of any student's.

Each request on the control socket (a JSON message and four descriptors: the status socket back to the grader, the
worker's request and reply pipes, and its output pipe) gets two forked processes:

    M  (the monitor)  closes every other descriptor (the control socket first), reports C's pid and later its exit
                      status on the status socket, and reaps C once the grader has closed that socket; then, if C
                      ran without namespaces as a user of its own and the grader says so as it lets go, M ends every
                      process of that user (``_end_strays``)
    C  (the worker)   a new session, stdout and stderr on the output pipe, nothing open but its two channel pipes, the
                      clean environment and the worker's home; then exactly what a freshly started worker does
                      (``worker.serve``): the jail, the privilege drop and the resource limits, all in C, after fork

The monitor keeps C a zombie until the grader lets go, as ``subprocess`` does, so C's process group id cannot be
reused by another process while the grader may still kill that group. The zygote dies with the grader (a parent-death
signal, and the end of its control socket); the monitors die with the zygote, and each worker with its monitor.

Standard library only, besides numpy and the worker's files beside it.
"""

import gc
import json
import os
import signal
import socket
import struct
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.sandbox import jail, limits, worker
else:
    import jail
    import limits
    import numpy  # noqa: F401 -- imported here once, so that no forked worker pays for it
    import numpy.random  # noqa: F401 -- numpy 2 loads it on first use (~9 ms), and nearly every student uses it
    import numpy.typing  # noqa: F401 -- every exercise module's stub imports ArrayLike from it
    import protocol  # noqa: F401 -- likewise (it imports numpy)
    import worker

MAX_REQUEST_BYTES = 64 * 1024
DESCRIPTORS = 4  # status socket, worker's requests (read end), worker's replies (write end), worker's output


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    jail.set_parent_death_signal()
    if os.getppid() == 1:  # the grader is already gone
        return
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the monitors are reaped by the kernel
    # Every object loaded so far goes to the collector's permanent generation: a forked worker's collections then
    # never walk (and so never write to, and copy) the pages it shares with the zygote.
    gc.freeze()
    control.sendall(b"ready")
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, MAX_REQUEST_BYTES, DESCRIPTORS)
        except OSError:
            return
        if not message:  # the grader closed its end
            return
        if len(fds) == DESCRIPTORS:
            _fork_monitor(json.loads(message), fds)
        for fd in fds:
            os.close(fd)


def _fork_monitor(request: dict, fds: list[int]) -> None:
    if os.fork() == 0:
        try:
            _monitor(request, fds)
        finally:
            os._exit(1)


def _monitor(request: dict, fds: list[int]) -> None:
    """Be M (see the module docstring): start C, report its pid and exit status, reap it when released."""
    status, fd_in, fd_out, fd_output = fds
    jail.set_parent_death_signal()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _close_all_but(set(fds))  # the control socket first: nothing forked from here may reach the zygote
    if os.getppid() == 1:
        return
    started_read, started_write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(started_read)
        _become_worker(request, fd_in, fd_out, fd_output, started_write)
    for fd in (fd_in, fd_out, fd_output, started_write):
        os.close(fd)
    os.read(started_read, 1)  # EOF once C leads a session of its own: a kill of its group then reaches it
    _send(status, struct.pack(">i", child))
    info = os.waitid(os.P_PID, child, os.WEXITED | os.WNOWAIT)
    _send(status, struct.pack(">i", _returncode(info)))
    told = b""
    while True:  # the grader closes the status socket once it has killed C's process group
        try:
            data = os.read(status, 64)
        except OSError:
            break
        if not data:
            break
        told += data[:8]
    os.waitpid(child, 0)
    strays_of = request.get("strays_of")
    if limits.END_STRAYS in told and type(strays_of) is int and strays_of >= limits.OWN_ACCOUNTS:
        _end_strays(strays_of)
    os._exit(0)


def _become_worker(request: dict, fd_in: int, fd_out: int, fd_output: int, started: int) -> None:
    """Be C: the same process a fresh ``python worker.py`` would be, then serve requests. Never returns."""
    code = 1
    try:
        os.setsid()
        os.close(started)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(fd_output, 1)
        os.dup2(fd_output, 2)
        _close_all_but({0, 1, 2, fd_in, fd_out})
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        # The command line a fresh worker would have had, with the channel's descriptors as numbered here.
        command = [*request["title"][:-2], str(fd_in), str(fd_out)]
        sys.argv = command[4:]
        _set_title(command)
        worker.serve(fd_in, fd_out)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # the student's code may have replaced or closed them
                pass
        os._exit(code)


def _end_strays(uid: int) -> None:
    """SIGKILL every process of ``uid``: what a worker whose account is its own left running in a session of its own at
    the user level, which its process group's kill missed (in the jail, the end of its PID namespace ends them). A
    child of M becomes ``uid`` and ``kill(-1)``s (which spares only the caller) a few times; a stray that kills that
    child first is met by another. M itself stays root, with its parent-death signal, and the next
    worker has another account (``Worker._take_account``), so none of this reaches it."""
    for _ in range(10):
        killer = os.fork()
        if killer == 0:
            try:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
                # One round queues SIGKILL for every process of the user (none forks once it is pending); a second
                # meets any forked as the first began. (kill(-1) never says "none left" while any other process runs.)
                for _ in range(3):
                    os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
            os._exit(0)
        _, status = os.waitpid(killer, 0)
        if not os.WIFSIGNALED(status):
            return


def _returncode(info: os.waitid_result | None) -> int:
    """C's exit as ``subprocess`` reports it: the exit code, or minus the signal that ended it."""
    if info is None:
        return -signal.SIGKILL
    return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status


def _close_all_but(keep: set[int]) -> None:
    """Close every descriptor of this process but ``keep``."""
    try:
        open_fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        open_fds = list(range(os.sysconf("SC_OPEN_MAX")))
    for fd in open_fds:
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _send(fd: int, data: bytes) -> None:
    try:
        os.write(fd, data)
    except OSError:  # the grader is gone or let go: nobody is left to tell
        pass


def _set_title(words: list[str]) -> None:
    """Show C as the command a fresh worker would have been (naming the worker's files: the grading process's shared
    folder, or the worker's own scratch at the process level) in ``ps`` and /proc, by writing over the zygote's own
    command line, padded for this at its start. Best effort: only a name."""
    try:
        with open("/proc/self/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        start, end = int(fields[45]), int(fields[46])  # arg_start and arg_end, fields 48 and 49 of proc(5)
        title = "\0".join(words).encode()[: end - start - 1]
        with open("/proc/self/mem", "r+b", buffering=0) as memory:
            memory.seek(start)
            memory.write(title.ljust(end - start, b"\0"))
    except (OSError, ValueError, IndexError):
        pass


if __name__ == "__main__":
    main()
