"""nn-grader beside otter-grader on the same small exercise: a correct and a buggy submission, graded by each.

The exercise is four functions of nn-grader's `activations` part (sigmoid, relu, sigmoid_grad, softmax). For otter
it is written as an `otter assign` master notebook with ten tests (benchmarks/otter/activations.ipynb), and the two
submissions are otter's student notebook filled in (benchmarks/otter/submissions/): correct, and buggy with the
sigmoid via tanh and the softmax without its max shift -- the same two bugs the nn-grader side appends to a copy of
the reference (autograde_speed.py's BUGS).

The script creates (or reuses) a venv of its own holding a pinned otter-grader, never the project's venv; runs
`otter assign` once into a temporary folder; then prints the median wall time (over ``--runs`` runs, after one
untimed run that also counts the checks) of:
  - `otter --version`, the start of otter's command line alone, which every `otter run` pays;
  - `otter run` of the autograder zip on each submission (each run unpacks the zip, starts a Jupyter kernel,
    executes the whole notebook in it and then runs the tests);
  - `nn-grader check activations` from a fresh shell on the reference and on a copy with the same bugs (nn-grader
    grades all twenty functions of the part, so its checks outnumber otter's ten: see the checks-per-second line).
It states the machine and its load, and asserts nothing: the figures depend on the machine.

    python benchmarks/otter_side_by_side.py [--runs 5] [--venv ~/.cache/nn-grader-bench/otter-venv]

The first run downloads otter-grader and its dependencies (Jupyter, pandas, nbconvert...) from PyPI into the venv.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograde_speed import BUGS, with_bugs
from check_speed import fresh_shell_check, median_seconds
from sitting import load_line, machine_line

from grader.audit import reference_copy

ROOT = Path(__file__).resolve().parents[1]
OTTER_FOLDER = Path(__file__).resolve().parent / "otter"
MASTER = OTTER_FOLDER / "activations.ipynb"
SUBMISSIONS = {kind: OTTER_FOLDER / "submissions" / kind / "activations.ipynb" for kind in ("correct", "buggy")}
# 7.0.0 is the newest release (2026-12) and supports Python 3.10-3.14; [grading] brings ipykernel and jupyter_client,
# which `otter run` needs to execute the notebook
OTTER_REQUIREMENT = "otter-grader[grading]==7.0.0"
OTTER_VERSION = OTTER_REQUIREMENT.rpartition("==")[2]
DEFAULT_VENV = Path.home() / ".cache" / "nn-grader-bench" / "otter-venv"
NN_GRADER_BUGS = (BUGS[0], BUGS[3])  # sigmoid via tanh; softmax without the max shift: the buggy notebook's two
PART = "activations"


@dataclass
class Graded:
    """One grader on one submission: its median wall time, the checks it ran and the points they gave."""

    seconds: float
    checks: int
    points: float
    max_points: float


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def installed_otter_version(venv: Path) -> str | None:
    """The otter-grader version importable in ``venv``, or None when the venv or otter is missing."""
    if not venv_python(venv).exists():
        return None
    found = subprocess.run([str(venv_python(venv)), "-c", "import otter; print(otter.__version__)"],
                           capture_output=True, text=True)
    return found.stdout.strip() if found.returncode == 0 else None


def ensure_otter_venv(venv: Path) -> None:
    """Create ``venv`` with the pinned otter-grader, unless it already holds that version."""
    if installed_otter_version(venv) == OTTER_VERSION:
        return
    print(f"installing {OTTER_REQUIREMENT} into {venv} (once)...", flush=True)
    if not venv_python(venv).exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # a venv of the base interpreter
    subprocess.run([str(venv_python(venv)), "-m", "pip", "install", "-q", OTTER_REQUIREMENT], check=True)


def otter_environment(jupyter_data: Path) -> dict[str, str]:
    """The environment of the otter commands: the kernel `otter run` starts must be the venv's own python3.

    A python3 kernelspec in the user's Jupyter folder would otherwise win, and run another interpreter.
    """
    environment = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_PATH", "PYTHONPATH", "VIRTUAL_ENV")}
    return dict(environment, JUPYTER_DATA_DIR=str(jupyter_data))


def otter_assign(venv: Path, folder: Path, environment: dict[str, str]) -> Path:
    """Run `otter assign` on the master notebook into ``folder``; the autograder zip it wrote."""
    subprocess.run([str(venv / "bin" / "otter"), "assign", str(MASTER), str(folder)],
                   check=True, capture_output=True, env=environment)
    return next((folder / "autograder").glob("*.zip"))


def otter_test_count(autograder: Path) -> int:
    """The test cases in the autograder zip: one ``@test_case`` decorator each (exception-based test files)."""
    with zipfile.ZipFile(autograder) as bundle:
        return sum(bundle.read(name).decode().count("@test_case(")
                   for name in bundle.namelist() if name.startswith("tests/") and name.endswith(".py"))


def time_otter_run(venv: Path, autograder: Path, submission: Path, runs: int, work: Path,
                   environment: dict[str, str]) -> Graded:
    """`otter run` on ``submission``: its median wall time and the score of its results.json."""
    output = work / f"results-{submission.parent.name}"
    output.mkdir()
    command = [str(venv / "bin" / "otter"), "run", "--no-logo", "-a", str(autograder), "-o", str(output),
               str(submission)]
    finished = subprocess.run(command, capture_output=True, text=True, env=environment)
    results = output / "results.json"
    if not results.exists():
        sys.exit(f"otter run wrote no results for {submission}:\n{finished.stdout}\n{finished.stderr}")
    # the first entry, "Public Tests", repeats the questions' output and carries no score
    questions = [t for t in json.loads(results.read_text())["tests"] if "max_score" in t]
    seconds = median_seconds(lambda: subprocess.run(command, capture_output=True, env=environment), runs)
    return Graded(seconds, otter_test_count(autograder), sum(float(t["score"]) for t in questions),
                  sum(float(t["max_score"]) for t in questions))


def buggy_reference_copy(folder: Path) -> Path:
    """A copy of the reference with the buggy notebook's two bugs appended to activations.py."""
    return with_bugs(reference_copy(folder), NN_GRADER_BUGS)


def time_nn_grader_check(submission: Path, runs: int) -> Graded:
    """`nn-grader check activations` on ``submission`` from a fresh shell, as check_speed.py runs it."""
    command = [sys.executable, "-m", "grader", "check", PART, "--submission", str(submission), "--format", "json"]
    report = json.loads(subprocess.run(command, capture_output=True, text=True).stdout)
    (part,) = report["parts"]
    seconds = fresh_shell_check(runs, PART, submission=submission)
    return Graded(seconds, len(part["checks"]), float(part["points"]), float(part["max_points"]))


def print_row(label: str, graded: Graded) -> None:
    points = f"{graded.points:g}/{graded.max_points:g}"
    print(f"{label:<38} {graded.seconds:7.3f} s  {graded.checks:4d} checks  {points:>9} points  "
          f"{graded.checks / graded.seconds:6.1f} checks/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="otter-grader's own venv (created if absent)")
    args = parser.parse_args()
    venv, runs = args.venv.expanduser().resolve(), args.runs
    ensure_otter_venv(venv)
    print(machine_line(f"otter-grader {installed_otter_version(venv)}; medians of {runs} runs"))
    with tempfile.TemporaryDirectory(prefix="nn-grader-otter-") as tmp:
        work = Path(tmp)
        environment = otter_environment(work / "jupyter-data")
        started = time.perf_counter()
        autograder = otter_assign(venv, work / "dist", environment)
        print(f"otter assign (once, runs the tests on the solution): {time.perf_counter() - started:.3f} s")
        cli = median_seconds(lambda: subprocess.run([str(venv / "bin" / "otter"), "--version"], capture_output=True,
                                                     env=environment), runs)
        print(f"otter's command line alone (otter --version): {cli:.3f} s, part of every otter run")
        otter = {kind: time_otter_run(venv, autograder, path, runs, work, environment)
                 for kind, path in SUBMISSIONS.items()}
        nn_grader = {"correct": time_nn_grader_check(ROOT / "solutions", runs),
                     "buggy": time_nn_grader_check(buggy_reference_copy(work / "buggy-reference"), runs)}
    for kind in SUBMISSIONS:
        print_row(f"otter run, {kind}", otter[kind])
        print_row(f"nn-grader check {PART}, {kind}", nn_grader[kind])
    for kind in SUBMISSIONS:
        mine, theirs = nn_grader[kind], otter[kind]
        print(f"{kind}: otter run takes x{theirs.seconds / mine.seconds:.1f} the time of nn-grader check; "
              f"nn-grader runs x{(mine.checks / mine.seconds) / (theirs.checks / theirs.seconds):.0f} "
              f"the checks per second")
    print(load_line())


if __name__ == "__main__":
    main()
