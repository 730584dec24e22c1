"""Seconds per submission when autograding a class, with 1 and with 2 grading processes.

Builds a class of ``--students`` submissions (by default 100: 60 copies of the reference, 20 with one bug each,
10 untouched stubs, 5 zips of the reference, 5 empty folders), grades it with ``nn-grader autograde``'s library
call once per worker count, and prints the seconds per submission. Nothing is asserted: the
figures depend on the machine.

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

from sitting import load_line, machine_line

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
    with tempfile.TemporaryDirectory(prefix="nn-grader-bench-") as tmp:
        submissions = built_class(Path(tmp), students)
        started = time.perf_counter()
        run = autograde(submissions, Path(tmp, "graded"), ClassSettings(parts=tuple(parts)), workers=workers,
                        force=True)
        return (time.perf_counter() - started) / len(run.graded), run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--parts", nargs="*", default=[])
    args = parser.parse_args()
    print(machine_line(f"class of {args.students} submissions, parts: {', '.join(args.parts) or 'all'}"))
    for workers in args.workers:
        seconds, run = grade_class(args.students, workers, args.parts)
        print(f"workers={workers}: {seconds:.3f} s per submission (statuses: {run.summary['statuses']}; "
              f"load average now {os.getloadavg()[0]:.1f})")
    print(load_line())


if __name__ == "__main__":
    main()
