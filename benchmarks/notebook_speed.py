"""How long a notebook's check cell takes, beside `nn-grader check` of the same part.

Prints the median wall time (over several runs) of:
  - ``grader.notebook.check("activations")`` as a check cell runs it in a warm kernel: the cells of the generated
    activations notebook with the reference pasted into its stub cells, read, written out and graded in a worker;
  - `nn-grader check activations` on the reference from a fresh shell.
It states the machine and its load, and asserts nothing: the figures depend on the machine.

    python benchmarks/notebook_speed.py [--runs 7]
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from check_speed import fresh_shell_check, notebook_cell_seconds
from sitting import load_line, machine_line

from grader.notebook import check

ROOT = Path(__file__).resolve().parents[1]
PART = "activations"


def reference_cells() -> list[str]:
    """The generated notebook's code cells as IPython's ``In`` holds them after a student filled in the reference."""
    sys.path.insert(0, str(ROOT))  # the notebook tests' helpers build the notebook
    # imported by name: mypy checks benchmarks/, not tests/ (which it would otherwise follow into and judge)
    cells = importlib.import_module("tests.notebook.cells")
    return cells.code_cells(cells.with_reference(cells.generated(PART), PART))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    print(machine_line(f"medians of {runs} runs"))
    report = check(PART, cells=reference_cells())  # what the figures below grade, counted
    cell, shell = notebook_cell_seconds(runs), fresh_shell_check(runs, PART)
    print(f"checks in part {PART}:                {len(report.result.checks)} "
          f"({report.result.points:g}/{report.result.max_points:g} points, isolation {report.result.isolation})")
    print(f'check("{PART}") in a notebook cell:  {cell:.3f} s (warm kernel)')
    print(f"`nn-grader check {PART}`:            {shell:.3f} s (fresh shell)")
    print(load_line())


if __name__ == "__main__":
    main()
