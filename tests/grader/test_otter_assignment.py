"""The otter side-by-side benchmark compares like with like: its assignment grades as the README says it does.

benchmarks/otter_side_by_side.py times `otter run` on a correct and a buggy notebook beside `nn-grader check` on
the reference and on a copy with the same bugs. Its figures only mean something if the otter assignment's own
solution passes its tests, the correct notebook scores full marks and the buggy one loses points on each buggy
function. These tests read the notebooks with nbformat and run otter's exception-based test cells in this process,
so they need no otter install.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import nbformat
import pytest
import yaml

from tests.conftest import ROOT

OTTER = ROOT / "benchmarks" / "otter"
FUNCTIONS = ["sigmoid", "relu", "sigmoid_grad", "softmax"]


@dataclass
class Question:
    """One ``# BEGIN QUESTION`` block of an otter assign master notebook: its solution and its test cells."""

    name: str
    solution: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)


@dataclass
class Master:
    setup: list[str]  # code outside any question (the imports)
    questions: list[Question]


def read_master() -> Master:
    """The master notebook's setup code and questions, split at otter assign's raw-cell markers."""
    setup: list[str] = []
    questions: list[Question] = []
    block = None  # "solution" or "tests" while inside one
    for cell in nbformat.read(OTTER / "activations.ipynb", as_version=4).cells:
        first, _, rest = cell.source.partition("\n")
        marker = first.strip().lower()
        if cell.cell_type == "raw" and marker == "# begin question":
            questions.append(Question(yaml.safe_load(rest)["name"]))
        elif cell.cell_type == "raw" and marker in ("# begin solution", "# begin tests"):
            block = marker.split()[-1]
        elif cell.cell_type == "raw" and marker in ("# end solution", "# end tests"):
            block = None
        elif cell.cell_type == "code" and block == "solution":
            questions[-1].solution.append(cell.source)
        elif cell.cell_type == "code" and block == "tests":
            questions[-1].tests.append(cell.source)
        elif cell.cell_type == "code":
            setup.append(cell.source)
    return Master(setup, questions)


def submission_code(kind: str) -> list[str]:
    """The student's code cells of a submission notebook: all but otter's locked init and check cells."""
    notebook = nbformat.read(OTTER / "submissions" / kind / "activations.ipynb", as_version=4)
    return [c.source for c in notebook.cells if c.cell_type == "code" and c.metadata.get("editable", True)]


def failed_tests(code: list[str], master: Master) -> dict[str, list[str]]:
    """Each question's failing test cells (their error) after running ``code``: a test cell defines and calls one."""
    namespace: dict[str, object] = {}
    for source in code:
        exec(source, namespace)  # the notebook's own cells, in order, as its kernel would run them
    failures: dict[str, list[str]] = {}
    for question in master.questions:
        for test in question.tests:
            try:
                exec(test, dict(namespace))
            except Exception as error:  # otter counts any exception as a failed test case
                failures.setdefault(question.name, []).append(f"{type(error).__name__}: {error}")
    return failures


@pytest.fixture(scope="module")
def master() -> Master:
    return read_master()


def test_the_assignment_has_the_four_functions_and_ten_tests(master: Master) -> None:
    assert [q.name for q in master.questions] == FUNCTIONS
    assert sum(len(q.tests) for q in master.questions) == 10
    assert all(q.solution and q.tests for q in master.questions)


def test_the_master_solution_passes_every_one_of_its_tests(master: Master) -> None:
    solution = master.setup + [source for q in master.questions for source in q.solution]
    assert failed_tests(solution, master) == {}


def test_the_correct_submission_scores_full_marks(master: Master) -> None:
    assert failed_tests(submission_code("correct"), master) == {}


def test_the_buggy_submission_loses_points_on_each_buggy_function_only(master: Master) -> None:
    failures = failed_tests(submission_code("buggy"), master)
    # sigmoid_grad is written right but calls the buggy sigmoid, as the nn-grader copy's does
    assert sorted(failures) == ["sigmoid", "sigmoid_grad", "softmax"]
    assert len(failures["softmax"]) == 1  # the max shift only matters for large scores


def test_the_buggy_notebook_holds_the_bugs_nn_grader_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))  # the benchmark imports its neighbours by bare name
    benchmark = importlib.import_module("otter_side_by_side")
    buggy = [source.strip() for source in submission_code("buggy")]
    assert [bug.strip() in buggy for bug in benchmark.NN_GRADER_BUGS] == [True, True]
