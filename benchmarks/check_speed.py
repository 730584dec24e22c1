"""Every speed figure of the README's table in one run: a single check, its isolation cost, and a class.

Prints the median wall time (over several runs) of grading the shipped reference:
  - `nn-grader check` from a fresh shell, with the workers forked from a zygote and started afresh
    (NN_GRADER_ZYGOTE=0), and `nn-grader check --html`, all byte-compiled as an installed copy runs;
  - a notebook's check cell (``check("activations")``) in a warm kernel;
  - isolated: ``grade()`` in a warm process (fresh workers per submission, pytest in the grader's process);
  - in-process: the same hidden checks on the reference, each call encoded and answered by the worker's own code in
    this process: no worker process, pipe or jail at all (the floor under every isolation cost);
  - a class (``autograde_speed.py``'s mix) with 1 and 2 grading processes: seconds per submission, and per core.
Beside each figure, its ratio to the previous release's (``previous_release.json``; ``--json FILE`` writes this run's
figures in that form). It states the machine and its load, and asserts nothing: the figures depend on the machine.
The side-by-side with otter-grader is ``otter_side_by_side.py`` (it installs otter into a venv of its own); with
another commit of nn-grader, in one sitting, ``side_by_side.py REV``.

    python benchmarks/check_speed.py [--runs 7] [--students 30] [--workers 1 2] [--json FILE]
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from grader import __version__
from grader import parts as course
from grader.grading import DEFAULT_SEED, exercise_module_files, grade
from grader.runner import SuiteRun, run_suites
from grader.sandbox import protocol
from grader.sandbox.client import Sent, Submission
from grader.sandbox.limits import Limits
from grader.submission import stage

ROOT = Path(__file__).resolve().parents[1]
PREVIOUS = Path(__file__).with_name("previous_release.json")
sys.path.insert(0, str(Path(__file__).parent))  # the sibling benchmarks, imported by name

from sitting import load_line, machine_line, per_core  # noqa: E402


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

    def send(self, target: str, header: dict, args: list, kwargs: dict, timeout: float) -> Sent:
        blobs: list[bytes] = []
        return self._answer(target, protocol.with_arguments(header, args, kwargs, blobs), blobs, timeout)

    def send_batch(self, label: str, calls: list[tuple[dict, list, dict]], timeout: float) -> Sent:
        blobs: list[bytes] = []
        return self._answer(label, protocol.batch_of(calls, blobs), blobs, timeout)

    def _answer(self, target: str, header: dict, blobs: list[bytes], timeout: float) -> Sent:
        self.reply = self.server.handle(header, blobs)  # answered at once: there is nothing to overlap
        return Sent(target, math.inf, timeout)

    def receive(self, sent: Sent) -> tuple[dict, list[bytes]]:
        return self.reply

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


def installed_environment(**variables: str) -> dict[str, str]:
    """This environment as an installed copy runs in: byte-compiled modules (a shell that sets
    PYTHONDONTWRITEBYTECODE would make every run compile the grader and pytest from source)."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return dict(environment, **variables)


def fresh_shell_check(runs: int, *options: str, submission: Path = ROOT / "solutions", zygote: bool = True) -> float:
    """Median wall time of ``nn-grader check [options]`` on ``submission`` (the reference), each run in a new
    interpreter (after one unmeasured run, which writes the byte-compiled modules as installing would)."""
    environment = installed_environment(NN_GRADER_ZYGOTE="1" if zygote else "0")
    command = [sys.executable, "-m", "grader", "check", "--submission", str(submission), *options]
    # Not check=True: a submission that loses points exits 1, and its time still counts.
    subprocess.run(command, capture_output=True, env=environment)
    return median_seconds(lambda: subprocess.run(command, capture_output=True, env=environment), runs)


def notebook_cell_seconds(runs: int) -> float:
    """Median wall time of a check cell (``check("activations")``) on the reference's notebook, in a warm kernel."""
    from notebook_speed import PART, reference_cells

    from grader.notebook import check

    cells = reference_cells()
    check(PART, cells=cells)  # a kernel that has run a cell before
    return median_seconds(lambda: check(PART, cells=cells), runs)


def class_seconds(students: int, workers: int) -> float:
    """Seconds per submission of ``autograde_speed.py``'s class graded with ``workers`` processes."""
    from autograde_speed import grade_class

    return grade_class(students, workers)[0]


LABELS = {
    "check": "`nn-grader check`, fresh shell, zygote:",
    "check_fresh_worker": "  the same, workers started afresh:",
    "check_html": "`nn-grader check --html`:",
    "notebook_cell": 'check("activations") in a warm notebook kernel:',
    "grade": "grade(), isolated workers, warm process:",
    "in_process": "the same checks in-process (the floor):",
}


def previous_release() -> dict:
    """The figures the previous release's README table quotes (``previous_release.json``), by name."""
    return json.loads(PREVIOUS.read_text(encoding="utf-8"))


def compared(name: str, seconds: float, previous: dict) -> str:
    """``seconds`` and, where the previous release has the figure, its ratio to it."""
    before = previous["figures"].get(name)
    return f"{seconds:.3f} s" + (f"  (x{seconds / before:.2f} of {before:.2f} s)" if before else "")


def measure(args: argparse.Namespace) -> dict[str, float]:
    """Every figure, by name, as medians of ``args.runs`` runs."""
    runs, solutions = args.runs, ROOT / "solutions"
    figures: dict[str, float] = {}
    figures["check"] = fresh_shell_check(runs)
    figures["check_fresh_worker"] = fresh_shell_check(runs, zygote=False)
    with tempfile.TemporaryDirectory(prefix="nn-grader-bench-") as tmp:
        figures["check_html"] = fresh_shell_check(runs, "--html", str(Path(tmp, "report.html")))
    figures["notebook_cell"] = notebook_cell_seconds(runs)
    grade(solutions)  # warm imports and collection once
    figures["grade"] = median_seconds(lambda: grade(solutions), runs)
    selected = course.select(None)
    with threadpool_limits(limits=1, user_api="blas"):  # as grade() runs the checks
        figures["in_process"] = median_seconds(lambda: in_process_suites(selected), runs)
    for workers in args.workers:
        figures[f"class_{workers}"] = class_seconds(args.students, workers)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", type=Path, help="also write the figures here (the next previous_release.json)")
    args = parser.parse_args()
    print(machine_line(f"medians of {args.runs} runs"))
    figures, previous = measure(args), previous_release()
    checks = len(grade(ROOT / "solutions").checks)

    print(f"checks per submission: {checks}; ratios to the previous release ({previous['release']})")
    for name, label in LABELS.items():
        if name in figures:
            print(f"{label:<46}{compared(name, figures[name], previous)}")
    print(f"  --html is x{figures['check_html'] / figures['check']:.2f} a plain check; isolation costs "
          f"x{figures['grade'] / figures['in_process']:.2f} the in-process floor")
    for workers in args.workers:
        name, seconds = f"class_{workers}", figures[f"class_{workers}"]
        label = f"class of {args.students}, {workers} grading process(es):"
        print(f"{label:<46}{compared(name, seconds, previous)} per submission, "
              f"{per_core(seconds, workers):.3f} s per submission per core")
    print(load_line())
    if args.json:
        args.json.write_text(json.dumps({"release": f"nn-grader {__version__}", "figures": figures}, indent=1) + "\n",
                             encoding="utf-8")


if __name__ == "__main__":
    main()
