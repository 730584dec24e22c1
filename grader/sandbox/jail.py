"""Confining the worker: the namespaces, the minimal file system and the unprivileged user that student code runs in.

The grader decides what the worker may see (``isolation.py``) and passes it as a plan; the worker carries it out
with this module before it imports numpy or any student code. Standard library only.

``jail``     New mount, PID, network, IPC and UTS namespaces. The worker's root file system is a small read-only
             tmpfs holding read-only bind mounts of the system libraries, the interpreter, numpy, the worker's own
             files and the staged submission; the only writable place is a size-limited tmpfs as its home. Folders
             that hold the hidden suites or the solutions are covered by empty mounts wherever they would show. The
             worker then drops to an unprivileged user with ``no_new_privs``. The first process of the new PID
             namespace is a reaper: when it ends, the kernel kills every process the student's code started,
             whatever session or process group it moved to. The network namespace has only a loopback device that
             is down, so no connection leaves the worker, not even to 127.0.0.1.
``user``     Drops to the unprivileged user, nothing else.
``process``  Nothing: the worker keeps the grader's user (a grader that is not root cannot do more).

In ``jail`` and ``user`` mode the worker then checks, as the unprivileged user, that it can open none of the secret
files it was told about; if it can, it refuses to run.

Process tree in ``jail`` mode (``P`` is the process the grader started and kills; all three share its process group):

    P  (root, outside the new PID namespace)  sets up the mounts, starts R, relays R's report of W's end as its own
    R  (PID 1 of the new namespace)           chroots, drops privileges, starts W, reaps orphans, reports W's status
    W  (the worker)                           returns from :func:`confine` and serves requests
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import struct

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38


class SetupError(Exception):
    """The worker could not be confined as planned; it must not run student code."""


def confine(plan: dict, channel_fds: tuple[int, int]) -> str:
    """Apply ``plan``; returns the isolation level in force, in the worker process only."""
    set_parent_death_signal()  # the worker ends with the grader (or zygote), even in the middle of a call
    mode = plan["mode"]
    if mode == "jail":
        try:
            _unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EINVAL, errno.ENOSPC) or not plan.get("fallback"):
                raise SetupError(f"cannot create namespaces: {exc}") from None
            mode = plan["fallback"]
        else:
            _build_root(plan)
            _split(plan, channel_fds)  # returns in W only
            _check_secrets(plan)
            return mode
    if mode == "user":
        drop_privileges(plan["uid"], plan["gid"])
        _check_secrets(plan)
    return mode


def set_parent_death_signal() -> None:
    """Be killed when the process that started this one ends."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def drop_privileges(uid: int, gid: int) -> None:
    """Become ``uid``/``gid`` for good: no supplementary groups, no capabilities, no way back through setuid files.
    Still killed with the process that started this one: a change of user clears that setting, so it is set again."""
    parent = os.getppid()
    try:
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        set_parent_death_signal()
    except OSError as exc:
        raise SetupError(f"could not drop privileges: {exc}") from None
    if os.getppid() != parent:  # it ended before the signal was set again: nothing else would end this one
        os._exit(1)
    if os.getuid() != uid or os.geteuid() != uid or os.getegid() != gid:
        raise SetupError("could not drop privileges")


# -- the jail's file system -----------------------------------------------------------------------------------------

def _build_root(plan: dict) -> None:
    """Mount the jail's file system at ``plan["root"]``, seen only in this new mount namespace."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing mounted from here on may show outside
    root = plan["root"]
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=4m")
    steps = [(path, "bind") for path in plan["binds"]] + [(path, "device") for path in plan["devices"]]
    steps += [(path, "hidden") for path in plan["hidden"]] + [(plan["home"], "home")]
    steps += [(path, "link") for path in plan["links"]]
    writable_tmpfs = [root]
    for path, kind in sorted(steps, key=lambda step: (step[0].count("/"), step[0])):
        target = root + path
        if kind == "link":
            _make_parent(target)
            os.symlink(plan["links"][path], target)
        elif kind in ("bind", "device"):
            if not os.path.exists(path):
                continue
            _make_mount_point(target, directory=os.path.isdir(path))
            _mount(path, target, None, MS_BIND | MS_REC)
            flags = MS_NOSUID if kind == "device" else MS_NOSUID | MS_NODEV | MS_RDONLY
            _mount(None, target, None, MS_REMOUNT | MS_BIND | flags)
        elif kind == "hidden":
            if os.path.isdir(target):  # only where a bind above made it visible
                _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0555,size=64k")
                writable_tmpfs.append(target)
        else:  # the home: the only place the student's code may write
            _make_mount_point(target, directory=True)
            options = f"mode=0700,size={plan['home_bytes']},uid={plan['uid']},gid={plan['gid']}"
            _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, options)
    for target in reversed(writable_tmpfs):
        _mount(None, target, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _make_mount_point(target: str, directory: bool) -> None:
    if os.path.lexists(target):
        return
    if directory:
        os.makedirs(target, mode=0o755)
    else:
        _make_parent(target)
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))


def _make_parent(target: str) -> None:
    os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)


# -- the three processes ---------------------------------------------------------------------------------------------

def _split(plan: dict, channel_fds: tuple[int, int]) -> None:
    """Become W (see the module docstring); P and R never return from here."""
    plan["running"] = count_tasks(plan["uid"]) + 2  # with R and W, counted now: /proc is out of sight in the jail
    status_read, status_write = os.pipe()
    reaper = os.fork()
    if reaper:  # P
        os.close(status_write)
        _close(channel_fds)
        _, status = os.waitpid(reaper, 0)
        report = os.read(status_read, 4)
        _end_like(struct.unpack(">i", report)[0] if len(report) == 4 else status)
    # R: PID 1 of the new namespace
    os.close(status_read)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # signals from the student's code to PID 1 are then ignored
    os.chroot(plan["root"])
    os.chdir(plan["home"])
    drop_privileges(plan["uid"], plan["gid"])
    worker = os.fork()
    if worker == 0:  # W
        os.close(status_write)
        return
    _close(channel_fds)
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(1)
        if pid == worker:
            os.write(status_write, struct.pack(">i", status))
            os._exit(0)  # as PID 1 leaves, the kernel kills whatever else still runs in the namespace


def _end_like(status: int) -> None:
    """End this process the way the worker ended: same exit code, or the same signal."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        signal.signal(number, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [number])
        os.kill(os.getpid(), number)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def _close(fds: tuple[int, ...]) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def _check_secrets(plan: dict) -> None:
    """Refuse to run if the unprivileged worker can open any of the files it must not see."""
    for path in plan.get("secrets", []):
        try:
            with open(path, "rb"):
                pass
        except OSError:
            continue
        raise SetupError(f"the worker's user can read {path}; make it unreadable to that user, or run the grader "
                         f"where it can create namespaces")


def count_tasks(uid: int) -> int:
    """Number of tasks (processes and threads) owned by ``uid``, the unit RLIMIT_NPROC counts."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid == uid:
                count += len(os.listdir(f"/proc/{entry.name}/task"))
        except OSError:
            continue
    return count


# -- system calls the os module does not offer ------------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]


def _check(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{what}: {os.strerror(number)}")


def _c_string(text: str | None) -> bytes | None:
    """``text`` as the bytes libc expects, or None (a NULL pointer) for None."""
    return None if text is None else text.encode()


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    try:
        _check(_libc.mount(_c_string(source), _c_string(target), _c_string(fstype), flags, _c_string(data)),
               f"mount {target}")
    except OSError as exc:
        hint = ("a container may forbid mounts: allow them, for example with docker's --cap-add SYS_ADMIN "
                "--security-opt apparmor=unconfined, or choose the isolation level 'user'")
        raise SetupError(f"{exc} ({hint})") from None


def _unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def _prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, value, 0, 0, 0), "prctl")
