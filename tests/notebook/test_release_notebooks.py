"""`nn-grader release --notebooks`: the student copy holds the notebooks, and check() in it runs the public checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from grader.cli import main
from tests.notebook.cells import code_cells, with_reference

pytestmark = pytest.mark.slow  # a whole release, verified by its own grader


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("instructor") / "course"
    built = CliRunner().invoke(main, ["release", str(out), "--notebooks", "--install-from",
                                      "https://example.org/course.zip"])
    assert built.exit_code == 0, built.output
    return out


def test_the_copy_holds_both_languages_notebooks_that_install_it(copy):
    names = sorted(p.name for p in (copy / "notebooks").iterdir())
    assert len(names) == 14 and "01_activations.ipynb" in names and "01_activations.ko.ipynb" in names
    setup = nbformat.read(copy / "notebooks" / "04_network.ipynb", as_version=4).cells[0].source
    assert "%pip install -q 'https://example.org/course.zip'" in setup
    assert "sys.path.insert(0, '../exercises')" in setup


def test_check_in_the_copy_runs_the_public_checks_and_says_how_many_are_hidden(copy):
    notebook = nbformat.read(copy / "notebooks" / "01_activations.ipynb", as_version=4)
    cells = code_cells(with_reference(notebook, "activations"))
    script = ("import json, sys\nfrom grader.notebook import check\n"
              "report = check('activations', cells=json.loads(sys.argv[1]), exercises=sys.argv[2])\n"
              "print(repr(report))\nimport grader; print(grader.__file__)\n")
    env = {**os.environ, "PYTHONPATH": str(copy)}  # the copy's grader, as a student's kernel imports it
    run = subprocess.run([sys.executable, "-c", script, json.dumps(cells), str(copy / "exercises")], env=env,
                         cwd=copy / "notebooks", capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == str(copy / "grader" / "__init__.py")
    assert "hidden checks worth" in run.stdout and "are not run here" in run.stdout
    total = next(line for line in run.stdout.splitlines() if line.startswith("Total:"))
    points, top = total.split()[1].split("/")
    assert points == top  # every public check passes on the reference
