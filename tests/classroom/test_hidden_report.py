"""A student's copy says how many hidden checks it does not run, in every report; the full copy says nothing."""

from __future__ import annotations

import json

import jsonschema
import pytest

from grader import grading
from grader.report import render_github, render_github_summary, render_gradescope, render_json, render_text
from grader.report.json_report import SCHEMA_PATH
from grader.results import CheckResult, GradeResult, HiddenChecks, PartResult


def result(hidden: bool, lang: str = "en") -> GradeResult:
    parts = [
        PartResult("activations", "Activation functions", [CheckResult("activations", "test_a", "a", 1.0, "passed")],
                   hidden=HiddenChecks(16, 14.0) if hidden else HiddenChecks()),
        PartResult("metrics", "Metrics", [CheckResult("metrics", "test_m", "m", 1.0, "failed", "wrong")],
                   hidden=HiddenChecks(1, 0.5) if hidden else HiddenChecks()),
    ]
    return GradeResult("exercises", parts, 20260101, {"nn-grader": "0", "python": "3", "numpy": "2"},
                       "0123456789abcdef", language=lang)


def test_the_text_report_says_it_per_part_and_in_total():
    text = render_text(result(hidden=True))
    assert "    16 hidden checks worth 14 points are not run here" in text
    assert "    1 hidden check worth 0.5 points is not run here" in text
    assert text.rstrip().endswith("In all, 17 hidden checks worth 14.5 points are not run here: your instructor's "
                                  "grader runs them, so a full score here is not your grade.")
    assert "Total: 1/2 points" in text


def test_the_text_report_says_it_in_korean():
    text = render_text(result(hidden=True, lang="ko"))
    assert "숨겨진 검사 16개(14점)는 여기에서 실행되지 않습니다" in text
    assert "모두 합쳐 숨겨진 검사 17개(14.5점)는 여기에서 실행되지 않습니다" in text


def test_a_grade_with_every_check_mentions_no_hidden_checks():
    full = result(hidden=False)
    for text in (render_text(full), render_github(full), render_github_summary(full)):
        assert "hidden check" not in text
    # Gradescope still withholds the details of the checks a student copy does not ship, but runs them all
    assert "not run here" not in render_gradescope(full)
    assert json.loads(render_json(full))["hidden"] == {"checks": 0, "points": 0.0}


def test_the_json_report_carries_the_counts_in_the_published_schema():
    data = json.loads(render_json(result(hidden=True)))
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert data["hidden"] == {"checks": 17, "points": 14.5}
    assert [p["hidden"] for p in data["parts"]] == [{"checks": 16, "points": 14.0}, {"checks": 1, "points": 0.5}]


def test_the_platform_formats_say_it_where_a_field_fits():
    copy = result(hidden=True)
    assert "In all, 17 hidden checks worth 14.5 points" in json.loads(render_gradescope(copy))["output"]
    github = json.loads(render_github(copy))
    assert github["hidden"] == {"checks": 17, "points": 14.5} and github["max_score"] == 2
    summary = render_github_summary(copy).splitlines()
    assert summary[0] == "Points 1/2" and any(line.startswith("In all, 17 hidden checks") for line in summary)


def test_a_copy_grades_with_its_recorded_seed_only(monkeypatch, tmp_path):
    monkeypatch.setattr(grading, "release_manifest", lambda: {"seed": 5, "modules": [], "hidden": {}})
    with pytest.raises(grading.SeedNotRecorded, match="grades with seed 5 only .* not 6; leave --seed out"):
        grading.grade(tmp_path, seed=6)
