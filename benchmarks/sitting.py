"""The lines every benchmark prints around its figures: the machine, and its load at the start and at the end.

Standard library only: ``side_by_side.py`` imports the benchmarks under another commit's grader.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

PROC_STAT = Path("/proc/stat")


def machine_line(measured: str) -> str:
    """``x86_64, 2 cores, Python 3.11.7, load average 0.6 at start; <measured>``."""
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.1f} at start; {measured}")


def usable_cores() -> int:
    """The CPUs this process may run on (``grader.sandbox.limits.usable_cpu_count``, written again here: the benchmarks
    run under older graders too, see above)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def per_core(seconds: float, workers: int) -> float:
    """A class's seconds per submission with ``workers`` grading processes, times the cores they can keep busy."""
    return seconds * min(workers, usable_cores())


def busy_seconds() -> float:
    """The whole machine's CPU time spent busy since it started (user, nice, system, irq and softirq, all cores), read
    from ``PROC_STAT`` (Linux). Another job's CPU counts too: measure on a quiet machine."""
    user, nice, system, _idle, _iowait, irq, softirq = map(int, PROC_STAT.read_text().split("\n", 1)[0].split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def load_line() -> str:
    """The load at the end: a figure is only as good as the quiet it was measured in."""
    return f"load average at the end: {os.getloadavg()[0]:.1f}"
