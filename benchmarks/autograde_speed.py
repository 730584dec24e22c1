"""Seconds per submission when autograding a class, with 1 and with 2 grading processes.

Builds a class of ``--students`` submissions (by default 100: 60 copies of the reference, 20 with one bug each,
10 untouched stubs, 5 zips of the reference, 5 empty folders), grades it with ``nn-grader autograde``'s library
call once per worker count, and prints the seconds per submission, per submission per core, and (on Linux, from
``/proc/stat``) how much of the time the machine's cores were busy and its CPU per submission: another job's CPU
counts too, so run it on a quiet machine. Nothing is asserted: the figures depend on the machine.

    python benchmarks/autograde_speed.py [--students 100] [--workers 1 2] [--parts activations ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

from sitting import PROC_STAT, busy_seconds, load_line, machine_line, per_core

from grader.audit import reference_copy
from grader.classroom.autograde import ClassRun, autograde
from grader.classroom.student import ClassSettings
from grader.grading import reference_dir
from grader.stubgen import write_exercises

BUGS = [
    "def sigmoid(x):\n    return np.tanh(np.asarray(x, dtype=float))\n",
    "def relu(x):\n    return np.abs(np.asarray(x, dtype=float))\n",
    "def tanh_grad(x):\n    return 1 - np.asarray(x, dtype=float) ** 2\n",
    "def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n",
]


def build_class(root: Path, size: int) -> None:
    """``size`` submissions in ``root``, the mix of the module docstring, made from the reference of the grader
    imported (so that a benchmark running another commit's grader grades that commit's reference)."""
    kinds = ["reference"] * 60 + ["bug"] * 20 + ["stub"] * 10 + ["zip"] * 5 + ["empty"] * 5
    for i in range(size):
        kind = kinds[i % len(kinds)]
        folder = root / f"s{i:03}-{kind}"
        if kind == "empty":
            folder.mkdir()
        elif kind == "stub":
            write_exercises(reference_dir(), folder)
        else:
            reference_copy(folder)
            if kind == "bug":
                with_bugs(folder, [BUGS[i % len(BUGS)]])
            if kind == "zip":
                with zipfile.ZipFile(folder.with_suffix(".zip"), "w") as bundle:
                    for path in sorted(folder.iterdir()):
                        bundle.write(path, f"work/{path.name}")
                shutil.rmtree(folder)


def built_class(folder: Path, size: int) -> Path:
    """``folder/submissions`` holding ``build_class``'s class of ``size``."""
    submissions = folder / "submissions"
    submissions.mkdir()
    build_class(submissions, size)
    return submissions


def with_bugs(folder: Path, bugs: Sequence[str]) -> Path:
    """``folder`` with ``bugs`` (definitions of activations' functions) appended to its activations.py, where they
    replace the earlier definitions."""
    with open(folder / "activations.py", "a", encoding="utf-8") as module:
        module.write("".join("\n\n" + bug for bug in bugs))
    return folder


def grade_class(students: int, workers: int, parts: Sequence[str] = ()) -> tuple[float, ClassRun]:
    """The seconds per submission of grading a class of ``students`` (``build_class``) with ``workers`` processes,
    and the run."""
    seconds, _, run = measured_class(students, workers, parts)
    return seconds, run


def measured_class(students: int, workers: int, parts: Sequence[str] = ()) -> tuple[float, float | None, ClassRun]:
    """:func:`grade_class`'s seconds per submission, the machine's busy CPU seconds per submission meanwhile (None
    without ``/proc/stat``), and the run."""
    measures_cpu = PROC_STAT.is_file()
    with tempfile.TemporaryDirectory(prefix="nn-grader-bench-") as tmp:
        submissions = built_class(Path(tmp), students)
        busy, started = busy_seconds() if measures_cpu else 0.0, time.perf_counter()
        run = autograde(submissions, Path(tmp, "graded"), ClassSettings(parts=tuple(parts)), workers=workers,
                        force=True)
        seconds = time.perf_counter() - started
        cpu = (busy_seconds() - busy) / len(run.graded) if measures_cpu else None
        return seconds / len(run.graded), cpu, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--parts", nargs="*", default=[])
    args = parser.parse_args()
    print(machine_line(f"class of {args.students} submissions, parts: {', '.join(args.parts) or 'all'}"))
    cores = os.cpu_count() or 1  # /proc/stat counts every core's time
    for workers in args.workers:
        seconds, cpu, run = measured_class(args.students, workers, args.parts)
        busy = "" if cpu is None else (f"; the cores busy {cpu / (seconds * cores):.0%} of the time, "
                                       f"{cpu:.3f} s of the machine's CPU per submission")
        print(f"workers={workers}: {seconds:.3f} s per submission, "
              f"{per_core(seconds, workers):.3f} s per submission per core"
              f"{busy} (statuses: {run.summary['statuses']}; load average now {os.getloadavg()[0]:.1f})")
    print(load_line())


if __name__ == "__main__":
    main()
