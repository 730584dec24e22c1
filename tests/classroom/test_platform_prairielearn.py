"""PrairieLearn's external grader as the example question runs it: the shipped entrypoint, inside a copy of the
checkout placed where serverFilesCourse puts it, against a folder laid out like PrairieLearn's ``/grade``
(docs/externalGrading.md in PrairieLearn/PrairieLearn), and the results it writes, field by field."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import numpy as np
import pytest

from grader.classroom.prairielearn_run import submission_seed
from grader.figures.model import Figure, Figures, Line, Panel
from grader.grading import grade
from grader.report.common import public_check_ids
from grader.report.prairielearn import MAX_IMAGES, prairielearn_document
from grader.results import GradeResult
from tests.classroom.conftest import BUGS, copy_reference
from tests.classroom.documented import ROOT
from tests.notebook.cells import generated, with_reference

TEMPLATE = ROOT / "grader" / "classroom" / "templates" / "prairielearn"
ENTRYPOINT = "grader/classroom/templates/prairielearn/entrypoint.sh"


@pytest.fixture(scope="module")
def grade_root(tmp_path_factory) -> Path:
    """``/grade`` with the checkout in serverFilesCourse/nn-grader, as the example question's info.json asks."""
    root = tmp_path_factory.mktemp("grade")
    source = root / "serverFilesCourse" / "nn-grader"
    ignore = shutil.ignore_patterns("__pycache__")
    for package in ("grader", "solutions"):
        shutil.copytree(ROOT / package, source / package, ignore=ignore)
    return root


def run_entrypoint(root: Path, fill, *args: str) -> dict:  # type: ignore[no-untyped-def]
    """Put a submission in ``root/student`` (``fill`` writes it), run the entrypoint, read results.json."""
    for folder in ("student", "results", "data"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "student").mkdir()
    (root / "data").mkdir()
    (root / "data" / "data.json").write_text(json.dumps({"variant_seed": 1234, "params": {}}))
    fill(root / "student")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NN_GRADER_"))}
    run = subprocess.run(["bash", str(root / "serverFilesCourse" / "nn-grader" / ENTRYPOINT), "--part", "activations",
                          *args], capture_output=True, text=True, timeout=600,
                         env={**env, "NN_GRADER_PL_ROOT": str(root), "NN_GRADER_PYTHON": sys.executable})
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads((root / "results" / "results.json").read_text())


def reference(student: Path) -> None:
    for module in copy_reference(student / "tmp").glob("*.py"):
        module.rename(student / module.name)  # PrairieLearn puts the submitted files at the top of /grade/student
    (student / "tmp").rmdir()


def test_the_example_question_is_laid_out_as_prairielearn_documents():
    info = json.loads((TEMPLATE / "info.json").read_text())
    options = info["externalGradingOptions"]
    assert info["gradingMethod"] == "External" and options["image"] and 0 < options["timeout"] <= 600
    assert options["entrypoint"][0] == f"/grade/serverFilesCourse/nn-grader/{ENTRYPOINT}"
    assert options["serverFilesCourse"] == ["nn-grader/"]
    html = (TEMPLATE / "question.html").read_text()
    assert "<pl-file-editor" in html and "<pl-external-grader-results>" in html and "pl-file-upload" in html


def test_the_image_installs_what_the_grader_needs_to_draw_and_grade():
    # the Dockerfile's list is written by hand: every requirement of the package must be in it (the figures are drawn
    # by the package itself)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    installed = set(re.findall(r'"([A-Za-z0-9_.-]+[<>=!~][^"]*)"', (TEMPLATE / "Dockerfile").read_text()))
    assert installed == set(project["dependencies"])


def test_the_reference_gets_full_marks(grade_root):
    results = run_entrypoint(grade_root, reference)
    assert results["gradable"] is True and results["score"] == 1.0
    assert all(t["points"] == t["max_points"] for t in results["tests"])
    assert "images" not in results  # nothing failed: no figure to explain it
    assert results["nn_grader"]["seed"] == submission_seed(grade_root, 20260101) != 20260101


def test_an_empty_submission_is_not_gradable_and_costs_no_attempt(grade_root):
    results = run_entrypoint(grade_root, lambda student: None)
    assert results["gradable"] is False and "score" not in results
    assert results["format_errors"] == ["activations: activations.py is missing from your submission folder."]


def test_a_submission_that_does_not_import_is_not_gradable(grade_root):
    results = run_entrypoint(grade_root, lambda student: (student / "activations.py").write_text("def (:\n"))
    assert results["gradable"] is False and results["format_errors"][0].startswith("activations: ")


def buggy(student: Path) -> None:
    reference(student)
    with (student / "activations.py").open("a") as module:
        module.write(BUGS["relu"][0])  # fails a hidden check: its inputs and expected values must not reach the student


@pytest.fixture(scope="module")
def buggy_results(grade_root) -> tuple[dict, dict]:
    """The buggy submission's results with hidden details withheld (the default) and with them shown."""
    return run_entrypoint(grade_root, buggy), run_entrypoint(grade_root, buggy, "--hidden-visibility", "visible")


def test_a_buggy_submission_fails_with_the_hidden_checks_details_withheld(buggy_results):
    withheld, visible = buggy_results
    assert withheld["gradable"] is True and withheld["score"] == visible["score"] and 0 < withheld["score"] < 1
    assert not any(t["name"].startswith("Hidden checks:") for t in visible["tests"])
    listed = {t["name"] for t in withheld["tests"]}
    public_messages = {t["message"] for t in withheld["tests"]}
    hidden_failed = [t for t in visible["tests"] if t["points"] < t["max_points"] and t["name"] not in listed]
    assert hidden_failed
    shown = json.dumps(withheld, ensure_ascii=False)
    for test in hidden_failed:  # the hidden check's name and message (its inputs, expected values) appear nowhere
        assert test["name"] not in shown
        assert test["message"] in public_messages or test["message"] not in shown
    (total,) = [t for t in withheld["tests"] if t["name"].startswith("Hidden checks:")]
    assert total["points"] < total["max_points"] and total["message"] == total["output"] == ""
    points = sum(t["points"] for t in withheld["tests"])
    assert points == sum(t["points"] for t in visible["tests"])  # the total still counts every check


def curve(check_id: str, n: int) -> Figure:
    x = np.linspace(-1.0, 1.0, 5)
    panel = Panel(title="", xlabel="x", ylabel="y", lines=[Line("reference", x, x), Line("yours", x, -x, "student")])
    return Figure(id=f"f{n}", part="activations", kind="activation", target=f"f{n}", checks=[check_id],
                  panels=[panel])


@pytest.fixture(scope="module")
def failed_grade(tmp_path_factory) -> GradeResult:
    return grade(copy_reference(tmp_path_factory.mktemp("pl") / "ex", BUGS["relu"][0]), ["activations"])


def test_figures_become_bounded_svg_images_and_never_explain_a_hidden_check(failed_grade):
    public = sorted(public_check_ids(failed_grade))
    hidden = next(c.id for c in failed_grade.checks if c.id not in public)
    figures = Figures(items=[curve(hidden, 0)] + [curve(public[0], n) for n in range(1, 8)])
    images = prairielearn_document(failed_grade, figures=figures)["images"]
    assert len(images) == MAX_IMAGES and [i["label"] for i in images][0] == "f1: your curve and the reference's"
    prefix, _, encoded = images[0]["url"].partition(",")
    assert prefix == "data:image/svg+xml;base64"
    document = base64.b64decode(encoded).decode("utf-8")
    assert re.search(r'<svg\b[^>]*\sxmlns="http://www\.w3\.org/2000/svg"', document)
    everything = prairielearn_document(failed_grade, figures=figures, hidden_visibility="visible")["images"]
    assert everything[0]["label"] == "f0: your curve and the reference's"


def test_a_notebook_submission_is_graded_like_modules(grade_root):
    # a student who works in Jupyter uploads the notebook itself (pl-file-upload), not the modules
    def notebook(student: Path) -> None:
        nbformat.write(with_reference(generated("activations"), "activations"), student / "activations.ipynb")

    results = run_entrypoint(grade_root, notebook)
    assert results["gradable"] is True and results["score"] == 1.0
