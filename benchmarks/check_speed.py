"""Every speed figure of the README's table in one run: a single check, its isolation cost, and a class.

Prints the median wall time (over several runs) of grading the shipped reference:
  - `nn-grader check` from a fresh shell, with the worker forked from a zygote and started afresh (NN_GRADER_ZYGOTE=0),
    and `nn-grader check --html`;
  - isolated: ``grade()`` in a warm process (a worker per submission, pytest in the grader's process);
  - in-process: the same hidden checks on the reference, each call encoded and answered by the worker's own code in
    this process: no worker process, pipe or jail at all (the floor under every isolation cost);
  - a class (``autograde_speed.py``'s mix) with 1 and 2 grading processes: seconds per submission, and per core.
It states the machine and its load, and asserts nothing: the figures depend on the machine.

    python benchmarks/check_speed.py [--runs 7] [--students 30] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from grader import parts as course
from grader.grading import DEFAULT_SEED, exercise_module_files, grade
from grader.runner import SuiteRun, run_suites
from grader.sandbox import protocol
from grader.sandbox.client import Submission
from grader.sandbox.limits import Limits
from grader.submission import stage

ROOT = Path(__file__).resolve().parents[1]


class InProcessWorker:
    """The worker's side of the protocol answered in this process: the floor under every isolation cost.

    Each request is encoded as the grader sends it and answered by the worker's own ``Server`` over the staged
    reference (the package ``submission``), and the reply is decoded as the grader decodes it: the checks, the
    reference answers and the wire format's copies all cost what they cost in a real grade. What is missing is
    everything isolation adds: the worker processes, their jail and limits, the pipes and the round trips.
    """

    isolation = "none"
    leftover_threads = 0

    def __init__(self, root: Path) -> None:
        self.limits = Limits()
        self.holds_objects = False
        self.server = _worker_module().Server(str(root / protocol.SUBMISSION_PACKAGE))

    def request(self, header: dict, args: list, kwargs: dict, timeout: float) -> tuple[dict, list[bytes]]:
        blobs: list[bytes] = []
        header = dict(header, args=protocol.encode(list(args), blobs), kwargs=protocol.encode(kwargs, blobs))
        return self.server.handle(header, blobs)

    def retire_if_left_busy(self) -> bool:
        return False

    def take_output(self) -> str:
        return ""


def _worker_module():
    """``grader/sandbox/worker.py`` as a worker process has it: beside its sibling files, numpy and the wire format
    imported (it imports them itself only once confined)."""
    sandbox = str(ROOT / "grader" / "sandbox")
    sys.path.insert(0, sandbox)
    try:
        worker = importlib.import_module("worker")
    finally:
        sys.path.remove(sandbox)
    vars(worker).update(np=np, protocol=protocol)
    return worker


def in_process_suites(selected) -> SuiteRun:
    """The hidden checks of ``selected`` on the reference, staged as a submission and served in this process."""
    root = Path(tempfile.mkdtemp(prefix="nn-grader-floor-"))
    stage(ROOT / "solutions", exercise_module_files(), root)
    if str(root) not in sys.path:  # the staged package is imported as ``submission``, as in a worker
        sys.path.append(str(root))
    try:
        return run_suites(Submission(InProcessWorker(root)), selected, seed=DEFAULT_SEED)  # type: ignore[arg-type]
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == protocol.SUBMISSION_PACKAGE or
                     m.startswith(protocol.SUBMISSION_PACKAGE + ".")]:
            del sys.modules[name]  # the next run imports its own staged copy, as a fresh worker would
        shutil.rmtree(root, ignore_errors=True)


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
    direct = median_seconds(lambda: in_process_suites(selected), runs)
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
