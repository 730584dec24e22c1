"""Every speed figure of the README's table in one run: a single check, its isolation cost, and a class.

Prints the median wall time (over several runs) of grading the shipped reference:
  - `nn-grader check` from a fresh shell, with the worker forked from a zygote and started afresh (NN_GRADER_ZYGOTE=0),
    and `nn-grader check --html`;
  - isolated: ``grade()`` in a warm process (a worker per submission, pytest in the grader's process);
  - in-process: the same hidden checks calling the reference directly, with no worker at all (the floor);
  - a class (``autograde_speed.py``'s mix) with 1 and 2 grading processes: seconds per submission, and per core.
It states the machine and its load, and asserts nothing: the figures depend on the machine.

    python benchmarks/check_speed.py [--runs 7] [--students 30] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader import parts as course
from grader.grading import grade
from grader.runner import run_suites
from grader.sandbox.client import Reply

ROOT = Path(__file__).resolve().parents[1]


class InProcessSubmission:
    """The ``student`` fixture's interface, calling the reference in this process: no isolation at all."""

    class _Output:
        def take_output(self) -> str:
            return ""

    class _Object:
        def __init__(self, obj):
            self.obj = obj

        def call(self, method, *args, timeout=None, echo_args=False, **kwargs):
            return InProcessSubmission._reply(getattr(self.obj, method)(*args, **kwargs), args, kwargs, echo_args)

        def get(self, attribute):
            return getattr(self.obj, attribute)

        def set(self, attribute, value):
            setattr(self.obj, attribute, value)

    worker = _Output()

    def __init__(self) -> None:
        self.received: list[tuple[str, object]] = []  # no value is ever unusable here: the reference made it

    def begin_check(self) -> None:
        """Nothing to reset between checks: there is no worker to retire."""

    def import_module(self, module: str) -> None:
        importlib.import_module(f"solutions.{module}")

    def call(self, target, *args, timeout=None, echo_args=False, **kwargs):
        module, _, name = target.rpartition(".")
        args = tuple(a.obj if isinstance(a, self._Object) else a for a in args)
        value = getattr(importlib.import_module(f"solutions.{module}"), name)(*args, **kwargs)
        return self._reply(value, args, kwargs, echo_args)

    def new(self, target, *args, **kwargs):
        return self._Object(self.call(target, *args, **kwargs))

    @staticmethod
    def _reply(value, args, kwargs, echo_args):
        return Reply(value, [], list(args)) if echo_args else value  # the arguments as the call left them


def median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def fresh_shell_check(runs: int, *options: str, zygote: bool = True) -> float:
    """Median wall time of ``nn-grader check`` on the reference, each run in a new interpreter."""
    environment = dict(os.environ, NN_GRADER_ZYGOTE="1" if zygote else "0")
    command = [sys.executable, "-m", "grader", "check", "--submission", str(ROOT / "solutions"), *options]
    # Not check=True: a submission that loses points exits 1, and its time still counts.
    return median_seconds(lambda: subprocess.run(command, capture_output=True, env=environment), runs)


def class_seconds(students: int, workers: int) -> float:
    """Seconds per submission of ``autograde_speed.py``'s class graded with ``workers`` processes."""
    sys.path.insert(0, str(Path(__file__).parent))
    from autograde_speed import build_class

    from grader.classroom.autograde import autograde
    from grader.classroom.student import ClassSettings

    with tempfile.TemporaryDirectory(prefix="nn-grader-bench-") as tmp:
        submissions = Path(tmp, "submissions")
        submissions.mkdir()
        build_class(submissions, students)
        started = time.perf_counter()
        run = autograde(submissions, Path(tmp, "graded"), ClassSettings(), workers=workers, force=True)
        return (time.perf_counter() - started) / len(run.graded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    runs, solutions = args.runs, ROOT / "solutions"
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at start; medians of {runs} runs")

    with tempfile.TemporaryDirectory(prefix="nn-grader-bench-") as tmp:
        html = fresh_shell_check(runs, "--html", str(Path(tmp, "report.html")))
    cold = fresh_shell_check(runs)
    cold_fresh = fresh_shell_check(runs, zygote=False)
    grade(solutions)  # warm imports and collection once
    isolated = median_seconds(lambda: grade(solutions), runs)
    selected = course.select(None)
    direct = median_seconds(lambda: run_suites(InProcessSubmission(), selected, seed=20260101), runs)
    checks = len(grade(solutions).checks)

    print(f"checks per submission:                      {checks}")
    print(f"`nn-grader check` from a fresh shell:       {cold:.3f} s (worker forked from the zygote)")
    print(f"  the same, worker started afresh:          {cold_fresh:.3f} s (NN_GRADER_ZYGOTE=0)")
    print(f"`nn-grader check --html`:                   {html:.3f} s (x{html / cold:.2f} a plain check)")
    print(f"grade(), isolated worker, warm process:     {isolated:.3f} s")
    print(f"same checks in-process, no isolation:       {direct:.3f} s (the floor; overhead x{isolated / direct:.2f})")
    for workers in args.workers:
        seconds = class_seconds(args.students, workers)
        print(f"class of {args.students}, {workers} grading process(es):     {seconds:.3f} s per submission, "
              f"{seconds * min(workers, os.cpu_count() or 1):.3f} s per submission per core")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
