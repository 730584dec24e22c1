"""How long a full check of one submission takes, and what the isolation costs.

Prints the median wall time (over several runs) of grading the shipped reference:
  - isolated: the real path (a worker process per submission, pytest in the grader's process);
  - in-process: the same hidden checks calling the reference directly, with no worker at all.
Their ratio is the overhead of isolation. The first run in a fresh interpreter (imports, collection) is reported
separately, since that is what a single `nn-grader check` pays.

    python benchmarks/check_speed.py [--runs 7]
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    solutions = ROOT / "solutions"

    cold = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "grader", "check", "--submission", str(solutions)],
                       check=True, capture_output=True)
        cold.append(time.perf_counter() - started)

    grade(solutions)  # warm imports and collection once
    isolated = median_seconds(lambda: grade(solutions), runs)
    selected = course.select(None)
    direct = median_seconds(lambda: run_suites(InProcessSubmission(), selected, seed=20260101), runs)
    checks = len(grade(solutions).checks)

    print(f"checks per submission:                 {checks}")
    print(f"`nn-grader check` from a fresh shell:  {statistics.median(cold):.3f} s (median of 3)")
    print(f"grade(), isolated worker:              {isolated:.3f} s (median of {runs})")
    print(f"same checks in-process, no isolation:  {direct:.3f} s (median of {runs})")
    print(f"isolation overhead:                    x{isolated / direct:.2f}")


if __name__ == "__main__":
    main()
