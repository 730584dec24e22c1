"""check() in a notebook cell (grader/notebook.py), called with the cells' sources as the kernel's In holds them."""

from __future__ import annotations

import html

import pytest

import grader.sandbox.client
from grader import parts as course
from grader.errors import UserError
from grader.i18n import catalogue
from grader.notebook import check
from grader.results import Outcome
from grader.sandbox.isolation import SandboxError, choose_level
from tests.conftest import EXERCISES, SOLUTIONS
from tests.notebook.cells import SIGMOID_BUG, code_cells, generated, with_reference


def test_the_reference_pasted_into_the_stub_cells_gets_full_marks():
    report = check("activations", cells=code_cells(with_reference(generated("activations"), "activations")))
    assert report.result.points == report.result.max_points > 0
    assert all(c.passed for c in report.result.checks)
    assert report.skipped == []  # the set-up and check cells' statements are not worth a note
    assert "Total: 22/22 points" in repr(report)
    assert repr(report).startswith("nn-grader: this notebook (part activations)  (seed ")


@pytest.mark.parametrize("part", [p.name for p in course.discover()])
def test_every_untouched_notebook_is_not_started(part):
    report = check(part, cells=code_cells(generated(part)), exercises=EXERCISES)
    assert report.result.points == 0
    assert {c.outcome for c in report.result.checks} == {Outcome.NOT_IMPLEMENTED}


def test_one_bug_is_named():
    notebook = with_reference(generated("activations"), "activations", bug=SIGMOID_BUG)
    report = check("activations", cells=code_cells(notebook))
    failing = [c for c in report.result.checks if not c.passed]
    assert failing and {c.mistake for c in failing} == {"sigmoid-grad-of-x"}
    assert "sigmoid_grad" in repr(report)


def test_a_part_that_imports_another_grades_with_the_exercises_folder_it_names():
    cells = code_cells(with_reference(generated("network"), "network"))
    report = check("network", cells=cells, exercises=SOLUTIONS)  # the reference's activations.py and layers.py
    assert report.result.points == report.result.max_points > 0


def test_a_statement_beside_a_definition_is_listed_under_the_report():
    cells = code_cells(with_reference(generated("activations"), "activations"))
    cells.append("def relu(x):\n    return np.maximum(x, 0.0)\n\nprint(relu(np.array([-1.0, 2.0])))\n")
    report = check("activations", cells=cells)
    assert [(s.line, s.what) for s in report.skipped] == [(4, "print(relu(np.array([-1.0, 2.0])))")]
    assert "print(relu(np.array([-1.0, 2.0])))" in repr(report).splitlines()[-1]


def test_a_long_list_of_statements_left_out_is_cut_and_counted_in_the_students_language():
    cells = code_cells(with_reference(generated("activations"), "activations"))
    cells.append("def relu(x):\n    return np.maximum(x, 0.0)\n\n" + "".join(f"print({i})\n" for i in range(15)))
    report = check("activations", cells=cells, lang="ko")
    note = report.notes()[-1]
    assert "print(11)" in note and "print(12)" not in note and note.endswith("그 밖에 3개")


def test_where_the_jail_is_refused_it_grades_at_the_self_grading_level_with_a_note(monkeypatch):
    def refusing(requested: str) -> tuple[str, str | None]:  # as a machine that refuses namespaces and users
        if requested != "process":
            raise SandboxError("cannot create namespaces: [Errno 1] Operation not permitted")
        return choose_level(requested)

    monkeypatch.setattr(grader.sandbox.client.isolation, "choose_level", refusing)
    report = check("activations", cells=code_cells(with_reference(generated("activations"), "activations")))
    assert report.result.isolation == "process"
    assert report.result.points == report.result.max_points
    assert report.fallback.startswith("Note: this machine does not allow the grader's strongest isolation "
                                      "(cannot create namespaces")
    assert repr(report).splitlines()[-1] == report.fallback


def test_the_report_shows_as_html_in_a_frame_and_in_korean():
    report = check("activations", cells=code_cells(generated("activations")), lang="ko")
    page = report._repr_html_()
    assert page.startswith('<iframe srcdoc="') and "<script" not in page
    assert html.escape(catalogue("ko")["part.activations.title"]) in page
    assert catalogue("ko")["part.activations.title"] in repr(report)


def test_outside_a_kernel_and_for_an_unknown_part_it_says_so_in_one_line():
    with pytest.raises(UserError, match="check\\(\\) runs inside a Jupyter or IPython kernel"):
        check("activations")
    with pytest.raises(UserError, match="unknown part 'activation'; the parts are: activations, "):
        check("activation", cells=[])
