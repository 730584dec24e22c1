"""How far the worker is separated from the grader, and what it may see: the grader's half of the isolation.

Three levels, strongest first; ``Limits.isolation = "auto"`` picks the strongest the machine allows:

``jail``     The grader runs as root (CI, Gradescope-style containers) and the kernel lets it create namespaces. The
             worker sees a minimal, read-only file system (system libraries, the interpreter, numpy, its own files,
             the staged submission) with a small tmpfs as home, has no network, lives in its own PID namespace, and
             runs as an unprivileged user. The grader's package, the reference solutions and the project checkout
             are not in its file system.
``user``     Root, but namespaces are not allowed (a container without CAP_SYS_ADMIN). The worker only drops to the
             unprivileged user. It refuses to start if that user can read a hidden suite or a solution, so an
             instructor must make those unreadable to it (and the interpreter readable) -- see docs/security.md.
``process``  The grader is not root (a student grading their own work). Same user, so nothing on disk is hidden;
             the worker still has its own process group, resource limits, a clean environment and a private home.

The plan built here is carried out by the worker itself (``jail.py``), before it imports numpy.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import os
import pwd
import sys
import threading
from pathlib import Path

import numpy as np

import grader
from grader.reference import REFERENCE_PACKAGE
from grader.sandbox.limits import OWN_ACCOUNTS

LEVELS = ("auto", "jail", "user", "process")
NOBODY = 65534
# The workers' own accounts (``own_account``): uid = gid = OWN_ACCOUNTS + pid * OWN_PER_PROCESS + k, below 2**31 for
# any pid Linux gives (at most 2**22).
OWN_PER_PROCESS = 1 << 8
_own_accounts = itertools.count()
_held: set[int] = set()  # this process's own accounts that a live worker holds (own_account, release_account)
_held_lock = threading.Lock()  # the grade starts alone workers on a thread of their own

# What every Python program needs from the system, bound read-only into the jail at the same paths.
SYSTEM_PATHS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]
ETC_FILES = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/passwd",
             "/etc/group", "/etc/nsswitch.conf", "/etc/hosts"]
DEVICES = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"]


class SandboxError(RuntimeError):
    """The worker cannot be started with the isolation asked for; no student code ran. Never the student's fault."""


def choose_level(requested: str) -> tuple[str, str | None]:
    """The level to start the worker at, and the one it may fall back to if the kernel refuses namespaces."""
    if requested not in LEVELS:
        raise SandboxError(f"unknown isolation level {requested!r}; choose one of {', '.join(LEVELS)}")
    root = os.geteuid() == 0
    if requested == "auto":
        return ("jail", "user") if root else ("process", None)
    if requested in ("jail", "user") and not root:
        raise SandboxError(f"isolation {requested!r} needs a grader running as root")
    return requested, None


def worker_account(name: str) -> tuple[int, int]:
    """uid and gid of the account the worker drops to: ``name`` (a user's name, or a number), or by default ("") an
    account of the worker's own (:func:`own_account`)."""
    if not name:
        return own_account()
    try:
        entry = pwd.getpwnam(name)
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        if name.isdigit():
            return int(name), int(name)
        if name == "nobody":
            return NOBODY, NOBODY
        raise SandboxError(f"the worker's user {name!r} does not exist") from None


def own_account() -> tuple[int, int]:
    """A uid and a gid of no user, which no other live worker of this machine's grading processes has: the next of
    this process's ``OWN_PER_PROCESS`` accounts (it cycles through them), in a range no other process's overlaps,
    since each live process has a pid of its own. Where the user namespace maps no such id (a rootless container
    maps 65,536 at most), every worker is ``nobody``, as before there were accounts of their own.

    Workers that shared one account (``nobody``) could read each other's staged files and signal each other's
    processes, and shared one budget of processes: at the user level, one student's code could read the reference
    modules staged for a worker of another part (or another student's submission), or kill another student's
    worker, and one fork bomb starved every worker. With an account each, the kernel keeps them apart.

    An account is held until :func:`release_account`: one a live worker holds is never given again, however many
    workers this process has started meanwhile.
    """
    with _held_lock:
        for _ in range(OWN_PER_PROCESS):
            number = OWN_ACCOUNTS + os.getpid() * OWN_PER_PROCESS + next(_own_accounts) % OWN_PER_PROCESS
            if number not in _held:
                break
        else:
            raise SandboxError(f"all {OWN_PER_PROCESS} accounts of this grading process are held by live workers")
        if not (mapped(number, "/proc/self/uid_map") and mapped(number, "/proc/self/gid_map")):
            return NOBODY, NOBODY
        _held.add(number)
        return number, number


def release_account(account: tuple[int, int]) -> None:
    """Let :func:`own_account` give ``account`` again: its worker has ended."""
    with _held_lock:
        _held.discard(account[0])


def mapped(number: int, id_map: str) -> bool:
    """Whether the user namespace's ``id_map`` (``/proc/self/uid_map``: lines of first id, first id outside, count)
    holds ``number``; True where there is no such file (no user namespaces)."""
    return any(first <= number < first + count for first, count in _ranges(id_map))


@functools.cache
def _ranges(id_map: str) -> tuple[tuple[int, int], ...]:
    """The ranges (first id, count) ``id_map`` maps: all ids where there are no user namespaces, none where the map
    cannot be read."""
    try:
        with open(id_map, encoding="ascii") as lines:
            return tuple((int(line.split()[0]), int(line.split()[2])) for line in lines if line.strip())
    except FileNotFoundError:
        return ((0, 1 << 32),)
    except (OSError, ValueError, IndexError):
        return ()


def plan(level: str, fallback: str | None, *, account: tuple[int, int], root: Path, home: Path, jail_root: Path,
         worker_dir: Path, home_bytes: int) -> dict:
    """Everything the worker needs to confine itself (see ``jail.confine``), as plain JSON data."""
    uid, gid = account
    visible = python_paths() + [str(worker_dir), str(root)]
    return {
        "mode": level,
        "fallback": fallback,
        "uid": uid,
        "gid": gid,
        "root": str(jail_root),
        "home": str(home),
        "home_bytes": home_bytes,
        "binds": [p for p in SYSTEM_PATHS if os.path.isdir(p) and not os.path.islink(p)] + ETC_FILES + visible,
        "links": {p: os.readlink(p) for p in SYSTEM_PATHS if os.path.islink(p)},
        "devices": DEVICES,
        "hidden": [str(p) for p in hidden_folders()],
        "secrets": [str(p) for p in secret_files()],
    }


def python_paths() -> list[str]:
    """The interpreter's installation, its virtual environment if any, and the folder numpy is imported from."""
    paths = {sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix,
             str(Path(np.__file__).resolve().parent.parent)}
    return sorted(os.path.realpath(p) for p in paths)


def hidden_folders() -> list[Path]:
    """Folders the worker must never see: the grader's package (with the hidden suites), the reference solutions,
    and the project checkout when the grader runs from one (its history and tests hold the same)."""
    package = Path(grader.__file__).resolve().parent
    folders = [package]
    solutions = reference_folder()
    if solutions is not None:
        folders.append(solutions)
    checkout = package.parent
    if (checkout / "pyproject.toml").is_file() or (checkout / ".git").exists():
        folders.append(checkout)
    return folders


def reference_folder() -> Path | None:
    spec = importlib.util.find_spec(REFERENCE_PACKAGE)  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def secret_files() -> list[Path]:
    """Files the worker must not be able to open: every hidden suite and every reference module."""
    from grader.parts import SUITES_DIR

    files = sorted(SUITES_DIR.glob("*.py"))
    solutions = reference_folder()
    if solutions is not None:
        files += sorted(solutions.glob("*.py"))
    return files
