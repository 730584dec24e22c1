"""Seconds per submission when autograding a class, with 1 and with 2 grading processes.

Builds a class of ``--students`` submissions (by default 100: 60 copies of the reference, 20 with one bug each,
10 untouched stubs, 5 zips of the reference, 5 empty folders), grades it with ``nn-grader autograde``'s library
call once per worker count, and prints the wall time and seconds per submission. Nothing is asserted: the
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
from pathlib import Path

from grader.classroom.autograde import autograde
from grader.classroom.student import ClassSettings
from grader.stubgen import write_exercises

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
BUGS = [
    "def sigmoid(x):\n    return np.tanh(np.asarray(x, dtype=float))\n",
    "def relu(x):\n    return np.abs(np.asarray(x, dtype=float))\n",
    "def tanh_grad(x):\n    return 1 - np.asarray(x, dtype=float) ** 2\n",
    "def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n",
]


def build_class(root: Path, size: int) -> None:
    kinds = ["reference"] * 60 + ["bug"] * 20 + ["stub"] * 10 + ["zip"] * 5 + ["empty"] * 5
    for i in range(size):
        kind = kinds[i % len(kinds)]
        folder = root / f"s{i:03}-{kind}"
        if kind == "empty":
            folder.mkdir()
        elif kind == "stub":
            write_exercises(SOLUTIONS, folder)
        else:
            folder.mkdir()
            for module in SOLUTIONS.glob("*.py"):
                shutil.copyfile(module, folder / module.name)
            if kind == "bug":
                with open(folder / "activations.py", "a", encoding="utf-8") as out:
                    out.write("\n\n" + BUGS[i % len(BUGS)])
            if kind == "zip":
                with zipfile.ZipFile(folder.with_suffix(".zip"), "w") as bundle:
                    for path in sorted(folder.iterdir()):
                        bundle.write(path, f"work/{path.name}")
                shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--parts", nargs="*", default=[])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nn-grader-bench-") as tmp:
        submissions = Path(tmp, "submissions")
        submissions.mkdir()
        build_class(submissions, args.students)
        settings = ClassSettings(parts=tuple(args.parts))
        print(f"class of {args.students} submissions, parts: {', '.join(args.parts) or 'all'}; "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
        for workers in args.workers:
            output = Path(tmp, f"graded-{workers}")
            started = time.perf_counter()
            run = autograde(submissions, output, settings, workers=workers, force=True)
            seconds = time.perf_counter() - started
            print(f"workers={workers}: {seconds:7.1f} s wall, {seconds / len(run.graded):.3f} s per submission "
                  f"(statuses: {run.summary['statuses']}; load average now {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
