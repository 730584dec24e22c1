"""Resource limits, the isolation level and the clean environment of the worker process.

The grader builds a :class:`Limits`, passes it to the worker on its command line as JSON, and the worker applies it
to itself (``apply``) before it imports any student code. Hard limits can only be lowered by an unprivileged process,
so the student's code cannot undo them. Wall-clock time is not limited here: the grader enforces it from outside by
killing the worker's process group, which no signal handler in student code can prevent.

``isolation`` says how far the worker is separated from the grader (see ``grader/sandbox/isolation.py``):
``"auto"`` picks the strongest level this machine allows; ``"jail"``, ``"user"`` and ``"process"`` demand one.

Standard library only: the worker imports this module.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass

MiB = 1024 * 1024
OWN_ACCOUNTS = 1 << 30  # the first uid (and gid) of the workers' own accounts: far above any system's users
END_STRAYS = b"E"  # what the grader sends as it lets a worker's monitor go: end every process of its own user


@dataclass(frozen=True)
class Limits:
    """What one worker may use. Times in seconds, sizes in bytes."""

    call_seconds: float = 5.0  # wall time of one call, enforced by the grader
    import_seconds: float = 10.0  # wall time of importing one student module
    address_space: int = 2048 * MiB  # virtual memory: a memory bomb hits MemoryError here
    cpu_seconds: int = 120  # CPU time over the worker's whole life
    extra_processes: int = 32  # processes and threads beyond those the user already runs
    file_size: int = 64 * MiB  # the largest file the student's code may write
    open_files: int = 64
    output_bytes: int = 16 * 1024  # student output kept per check: this much of its head, and of its tail
    disk_bytes: int = 64 * MiB  # size of the worker's writable home (a tmpfs) where the isolation allows one
    isolation: str = "auto"  # "auto", "jail", "user" or "process"
    # The unprivileged account the worker runs as when the grader is root: by default ("") one of its own, which no
    # other worker shares (grader.sandbox.isolation.own_account); or a user's name or number, shared by every worker
    worker_user: str = ""
    zygote: bool = True  # fork each worker from a warm zygote (grader/sandbox/zygote.py) rather than start Python


def apply(limits: Limits, running: int) -> None:
    """Lower this process's resource limits (called by the worker on itself, before any student code runs).

    ``running`` is how many tasks (processes and threads) the worker's user already runs.
    """
    _lower(resource.RLIMIT_AS, limits.address_space)
    # SIGXCPU at the soft limit says "CPU time" in the report; the hard limit a moment later kills what ignores it.
    _lower(resource.RLIMIT_CPU, limits.cpu_seconds, hard=limits.cpu_seconds + 2)
    _lower(resource.RLIMIT_FSIZE, limits.file_size)
    _lower(resource.RLIMIT_NOFILE, limits.open_files)
    _lower(resource.RLIMIT_CORE, 0)
    # RLIMIT_NPROC counts every process of the user, so the cap is relative to what already runs.
    _lower(resource.RLIMIT_NPROC, running + limits.extra_processes)


def _lower(which: int, value: int, hard: int | None = None) -> None:
    hard = value if hard is None else hard
    _, current = resource.getrlimit(which)
    if current != resource.RLIM_INFINITY:
        value, hard = min(value, current), min(hard, current)
    resource.setrlimit(which, (value, hard))


def usable_cpus() -> list[int] | None:
    """The CPUs this process may run on (a cpuset or ``taskset`` may leave fewer than the machine has), in order;
    None where the system cannot say (not Linux)."""
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:
        return None


def usable_cpu_count() -> int:
    """How many CPUs this process may run on (:func:`usable_cpus`), else how many the machine has."""
    cpus = usable_cpus()
    return len(cpus) if cpus else os.cpu_count() or 1


SINGLE_THREADED = {name: "1" for name in (
    "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}
"""The variables that hold numpy's BLAS to one thread, read when numpy loads: the grader's matrices are tiny."""


def single_threaded_unset() -> dict[str, str]:
    """The ``SINGLE_THREADED`` settings of the variables the environment does not set: a user's own setting wins."""
    return {name: value for name, value in SINGLE_THREADED.items() if name not in os.environ}


def clean_environment(home: str) -> dict[str, str]:
    """The worker's whole environment: nothing inherited, so no secret of the grader's can leak into it."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONIOENCODING": "utf-8",
        **SINGLE_THREADED,
    }
