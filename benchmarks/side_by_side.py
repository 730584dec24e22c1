"""This checkout's speed beside another commit's, measured in one sitting with the runs interleaved.

A shared machine's speed drifts by a third between sittings, so figures measured on different days compare badly
(the README's speed table keeps both). This checks REV out into a temporary git worktree and measures the two trees
alternately, run by run, each grading its own reference with its own grader package (put first on ``sys.path``) and
this script's measurements:
  - `nn-grader check` from a fresh shell, and with `--html` (byte-compiled, as an installed copy runs);
  - ``grade()`` in a warm process (a new process per run: one unmeasured grade, then the measured one);
  - a class (``autograde_speed.py``'s mix) with 1 and 2 grading processes: seconds per submission.
It prints each figure's medians and their ratio, states the machine and its load, and asserts nothing.

    python benchmarks/side_by_side.py REV [--runs 7] [--students 30] [--class-runs 1]
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))  # the sibling benchmarks, imported by name

from check_speed import installed_environment  # noqa: E402
from sitting import load_line, machine_line  # noqa: E402

# Each snippet runs in a new interpreter with its tree first on sys.path and prints one number of seconds.
PRELUDE = "import sys, time; from pathlib import Path; TREE = Path({tree!r}); sys.path.insert(0, str(TREE))\n"
CLI = PRELUDE + "sys.argv = ['nn-grader', 'check', '--submission', str(TREE / 'solutions'), *{options!r}]\n" \
    "from grader.cli import run\nrun()\n"
GRADE = PRELUDE + """from grader.grading import grade
grade(TREE / 'solutions')
started = time.perf_counter(); grade(TREE / 'solutions'); print(time.perf_counter() - started)
"""
# The class is built from the tree's own reference (autograde_speed.build_class uses the grader imported).
CLASS = PRELUDE + """sys.path.insert(1, {benchmarks!r})
from autograde_speed import grade_class
print(grade_class({students}, {workers})[0])
"""


def timed(code: str, tree: Path, *, prints_seconds: bool) -> float | None:
    """The seconds the snippet ``code`` printed last when it ``prints_seconds`` (it times its own part), else its
    wall time (a command, whose output is its report); None if it failed."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tree,
                          env=installed_environment())
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: a check that lost points, which still counts
        return None
    if not prints_seconds:
        return elapsed
    printed = done.stdout.strip().splitlines()
    try:
        return float(printed[-1])
    except (IndexError, ValueError):
        return None


def interleaved(snippet: Callable[[Path], str], trees: list[Path], runs: int, *,
                prints_seconds: bool = True) -> list[float | None]:
    """The median of ``runs`` runs of ``snippet(tree)`` for each tree, the trees taking turns run by run."""
    times: list[list[float]] = [[] for _ in trees]
    for tree in trees:
        timed(snippet(tree), tree, prints_seconds=prints_seconds)  # once unmeasured: byte-compiles, as installing would
    for _ in range(runs):
        for i, tree in enumerate(trees):
            seconds = timed(snippet(tree), tree, prints_seconds=prints_seconds)
            if seconds is not None:
                times[i].append(seconds)
    return [statistics.median(t) if t else None for t in times]


def class_snippet(students: int, workers: int) -> Callable[[Path], str]:
    """The snippet that grades ``autograde_speed.py``'s class of ``students`` with ``workers`` processes."""
    return lambda tree: CLASS.format(tree=str(tree), benchmarks=str(ROOT / "benchmarks"), students=students,
                                     workers=workers)


def worktree(rev: str, where: Path) -> Path:
    """``rev`` checked out at ``where`` (a detached git worktree of this repository)."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(where), rev], check=True)
    return where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rev", help="the commit to compare with (a hash, a tag, HEAD~5, ...)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--class-runs", type=int, default=1, help="runs of each class (a class takes a while)")
    args = parser.parse_args()
    print(machine_line(f"medians of {args.runs} runs ({args.class_runs} per class), {args.rev} and this checkout "
                       f"taking turns"))
    # A run stopped with SIGTERM (kill, a CI time-out) still removes its worktree: the finally below runs.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    with tempfile.TemporaryDirectory(prefix="nn-grader-side-by-side-") as tmp:
        other = Path(tmp, "other")
        try:
            trees = [worktree(args.rev, other), ROOT]
            html = str(Path(tmp, "report.html"))
            rows = {
                "`nn-grader check`, fresh shell": interleaved(lambda t: CLI.format(tree=str(t), options=[]),
                                                              trees, args.runs, prints_seconds=False),
                "`nn-grader check --html`": interleaved(lambda t: CLI.format(tree=str(t), options=["--html", html]),
                                                        trees, args.runs, prints_seconds=False),
                "grade(), warm process": interleaved(lambda t: GRADE.format(tree=str(t)), trees, args.runs),
            }
            for workers in (1, 2):
                rows[f"class of {args.students}, {workers} process(es), per submission"] = interleaved(
                    class_snippet(args.students, workers), trees, args.class_runs)
        finally:  # also after a kill while the worktree was being made: prune forgets one half made
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], check=False,
                           capture_output=True)
            subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], check=False)
    print(f"{'':<52}{args.rev[:12]:>12}{'this':>10}{'ratio':>8}")
    for name, (before, now) in rows.items():
        ratio = f"x{now / before:.2f}" if before and now else "n/a"
        print(f"{name:<52}{_seconds(before):>12}{_seconds(now):>10}{ratio:>8}")
    print(load_line())
    print(json.dumps({name: {"before": b, "now": n} for name, (b, n) in rows.items()}))


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f} s"


if __name__ == "__main__":
    main()
