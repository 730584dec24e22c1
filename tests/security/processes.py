"""Finding the processes a test started, by a word in their command line, and waiting for them to end.

The security tests start processes that must not outlive what started them (a graded submission's background child,
a killed grader's worker); they recognise them by a marker in /proc/<pid>/cmdline.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def processes_mentioning(marker: str) -> list[str]:
    """The ids of the running processes whose command line contains `marker`."""
    found = []
    for entry in os.scandir("/proc"):
        try:
            if entry.name.isdigit() and marker.encode() in Path(entry.path, "cmdline").read_bytes():
                found.append(entry.name)
        except OSError:  # the process ended while we looked
            continue
    return found


def assert_all_end(marker: str, seconds: float = 5.0) -> None:
    """Wait up to `seconds` for every process mentioning `marker` to end; fail if one is still running."""
    deadline = time.monotonic() + seconds
    while processes_mentioning(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not processes_mentioning(marker)
