"""Gradescope: hidden checks' details stay hidden until the configured time, the seed varies per submission, and
the top-level output states the total the tests add up to (quizzes included)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.classroom import gradescope_run
from grader.classroom.gradescope_run import run_autograder
from grader.cli import main
from grader.grading import grade
from grader.report.common import public_check_ids
from grader.report.gradescope import gradescope_document
from tests.classroom.conftest import BUGS, QUIZ, RIGHT, answer, copy_reference

BUG_CODE, BUG_CHECK = BUGS["relu"]


@pytest.fixture(scope="module")
def buggy_grade(tmp_path_factory):
    folder = copy_reference(tmp_path_factory.mktemp("gs") / "ex", BUG_CODE)
    return grade(folder, ["activations"])


def test_hidden_checks_wait_for_publication_and_only_their_total_shows(buggy_grade):
    document = gradescope_document(buggy_grade)
    public = public_check_ids(buggy_grade)
    by_id = {t["extra_data"]["id"]: t for t in document["tests"] if "extra_data" in t}
    hidden = [i for i in by_id if i not in public]
    assert public and hidden
    assert all(by_id[i]["visibility"] == "visible" for i in public)
    assert all(by_id[i]["visibility"] == "after_published" for i in hidden)
    shown = [t for t in document["tests"] if t["visibility"] == "visible"]
    (summary,) = [t for t in shown if "hidden" in t["tags"]]
    hidden_points = sum(by_id[i]["score"] for i in hidden)
    hidden_max = sum(by_id[i]["max_score"] for i in hidden)
    assert summary["name"].startswith(f"Hidden checks: {hidden_points:g}/{hidden_max:g} points")
    assert summary["score"] == summary["max_score"] == 0 and "published" in summary["output"]
    # what a student can read before publication names no hidden check and none of its failure messages
    readable = json.dumps(shown) + document["output"]
    failing_hidden = [by_id[i] for i in hidden if by_id[i]["status"] == "failed"]
    assert failing_hidden and not any(t["name"] in readable for t in failing_hidden)
    assert sum(t.get("score", 0) for t in document["tests"]) == document["score"]


def test_visible_shows_every_check_and_no_summary(buggy_grade):
    document = gradescope_document(buggy_grade, hidden_visibility="visible")
    assert {t["visibility"] for t in document["tests"]} == {"visible"}
    assert not [t for t in document["tests"] if "hidden" in t["tags"]]


def test_check_takes_the_hidden_visibility(tmp_path):
    folder = copy_reference(tmp_path / "ex", BUG_CODE)
    out = tmp_path / "results.json"
    run = CliRunner().invoke(main, ["check", "activations", "-s", str(folder), "--format", "gradescope",
                                    "--hidden-visibility", "after_due_date", "-o", str(out)])
    assert run.exit_code == 1, run.output
    visibilities = {t["visibility"] for t in json.loads(out.read_text())["tests"]}
    assert visibilities == {"visible", "after_due_date"}


def activations_only(code: Path, **options):  # type: ignore[no-untyped-def]
    return grade(code, ["activations"], **options)


@pytest.fixture
def root(tmp_path, monkeypatch):
    """An /autograder with the reference (activations graded only, to stay fast) and a right quiz answers file."""
    monkeypatch.setattr(gradescope_run, "grade", activations_only)
    copy_reference(tmp_path / "submission")
    answer(tmp_path / "submission", RIGHT)
    return tmp_path


def metadata(root: Path, submission_id: object) -> None:
    (root / "submission_metadata.json").write_text(json.dumps({"id": submission_id, "users": [{"sid": "s1"}]}))


def test_the_output_states_the_total_the_tests_add_up_to_with_the_quiz(root):
    metadata(root, 7)
    document = run_autograder(root, seed=1, quizzes=[QUIZ])
    quiz = [t for t in document["tests"] if "quiz" in t["tags"]]
    assert quiz and quiz[0]["score"] == 2
    total = sum(t.get("score", 0) for t in document["tests"])
    most = sum(t.get("max_score", 0) for t in document["tests"])
    assert document["score"] == total and document["output"].startswith(f"{total:g}/{most:g} points.")
    numbers = [t["number"] for t in document["tests"]]
    assert len(set(numbers)) == len(numbers)


def test_each_submission_draws_its_own_seed_and_a_regrade_the_same(root):
    metadata(root, 1001)
    first = run_autograder(root, seed=1)["extra_data"]["seed"]
    again = run_autograder(root, seed=1)["extra_data"]["seed"]
    metadata(root, 1002)
    other = run_autograder(root, seed=1)["extra_data"]["seed"]
    assert first == again
    assert first != other and 1 not in (first, other)
    assert run_autograder(root, seed=1, seed_per="course")["extra_data"]["seed"] == 1
