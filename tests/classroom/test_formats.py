"""The Gradescope, GitHub Classroom and PrairieLearn formats, checked field by field against their specs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.grading import grade
from grader.report import RENDERERS
from tests.classroom.conftest import BUGS, LIMITS, copy_reference

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def buggy(tmp_path_factory):
    """A grade with passes and failures: the reference with sigmoid wrong, on the activations part."""
    folder = copy_reference(tmp_path_factory.mktemp("buggy") / "s", BUGS["sigmoid"][0])
    result = grade(folder, ["activations"], limits=LIMITS)
    assert 0 < result.points < result.max_points
    return result


def test_gradescope_results_follow_the_autograder_spec(buggy):
    doc = json.loads(RENDERERS["gradescope"](buggy))
    assert isinstance(doc["execution_time"], (int, float)) and doc["execution_time"] >= 0
    assert doc["score"] == buggy.points == sum(t["score"] for t in doc["tests"])
    assert doc["output_format"] == doc["test_output_format"] == "md" and doc["visibility"] in VISIBILITY
    assert doc["extra_data"]["seed"] == buggy.seed and doc["extra_data"]["suite_hash"] == buggy.suite_hash
    assert {"python", "numpy"} <= set(doc["extra_data"]["versions"])
    numbers = [t["number"] for t in doc["tests"]]
    assert len(set(numbers)) == len(numbers) == len(buggy.checks) + 1  # and the hidden checks' total
    for test in doc["tests"]:
        assert set(test) >= {"score", "max_score", "status", "name", "number", "output", "output_format", "tags",
                             "visibility"}
        assert test["status"] in ("passed", "failed") and test["visibility"] in VISIBILITY
        if "hidden" not in test["tags"]:  # the total of the hidden checks: its status is theirs, its points 0/0
            assert (test["status"] == "passed") == (test["score"] == test["max_score"])
        assert isinstance(test["tags"], list) and all(isinstance(t, str) for t in test["tags"])
    failed = [t for t in doc["tests"] if t["status"] == "failed" and "hidden" not in t["tags"]]
    assert failed and all("**failed**" in t["output"] for t in failed)


def test_github_classroom_result_gives_the_reporter_its_points(buggy):
    doc = json.loads(RENDERERS["github"](buggy))
    passed = sum(c.passed for c in buggy.checks)
    assert doc["version"] == 3 and doc["status"] == "fail" and doc["max_score"] == len(buggy.checks)
    # what the reporter posts to the classroom (the sum of the tests' scores over max_score) is what its table shows
    # (passed tests / tests * max_score): one whole point per check
    tests = doc["tests"]
    table = sum(t["status"] == "pass" for t in tests) / len(tests) * doc["max_score"]
    assert sum(t["score"] for t in tests) == passed == table
    assert (doc["points"], doc["max_points"]) == (buggy.points, buggy.max_points)
    for test in tests:
        assert test["status"] in ("pass", "fail", "error") and test["execution_time"].endswith("ms")
        assert (test["message"] is None) == (test["status"] == "pass")
        assert test["line_no"] == 0 and test["score"] in (0, 1)
    summary = RENDERERS["github-summary"](buggy)
    assert summary.splitlines()[0] == f"Points {passed}/{len(buggy.checks)}" and doc["summary"] == summary
    assert f"{buggy.points:g}/{buggy.max_points:g}" in summary


def test_prairielearn_result_scores_a_fraction(buggy):
    doc = json.loads(RENDERERS["prairielearn"](buggy))
    assert doc["gradable"] is True and 0 < doc["score"] < 1
    assert abs(doc["score"] - buggy.points / buggy.max_points) <= 5e-7  # the fraction, rounded to 6 decimals
    assert sum(t["points"] for t in doc["tests"]) == buggy.points
    for test in doc["tests"]:
        assert set(test) >= {"name", "description", "points", "max_points", "message", "output"}
    assert str(buggy.seed) in doc["output"] and buggy.suite_hash in doc["output"]


@pytest.mark.parametrize("fmt", ["gradescope", "github", "prairielearn"])
def test_check_writes_each_format(tmp_path, fmt):
    out = tmp_path / "results.json"
    folder = copy_reference(tmp_path / "s")
    result = CliRunner().invoke(main, ["check", "activations", "--submission", str(folder), "--format", fmt,
                                       "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))


def test_junit_and_prairielearn_say_what_a_students_copy_does_not_run(buggy):
    from dataclasses import replace

    from grader.results import HiddenChecks

    copy = replace(buggy, parts=[replace(p, hidden=HiddenChecks(5, 4.5)) for p in buggy.parts])
    junit = RENDERERS["junit"](copy)
    assert '<property name="hidden_checks" value="5" />' in junit
    assert '<property name="hidden_points" value="4.5" />' in junit
    assert '<property name="hidden_checks" value="0" />' in RENDERERS["junit"](buggy)
    message = json.loads(RENDERERS["prairielearn"](copy))["message"]
    assert "5 hidden checks worth 4.5 points are not run here" in message
    assert "hidden" not in json.loads(RENDERERS["prairielearn"](buggy))["message"]
