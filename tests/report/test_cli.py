"""`nn-grader check --html FILE` and `nn-grader autograde --html`: the page is written, the rest is unchanged."""

from __future__ import annotations

import json
import re
import shutil

from click.testing import CliRunner

from grader import parts as course
from grader.classroom.records import load_record
from grader.cli import main
from grader.runner import list_checks
from tests.report.conftest import SOLUTIONS, Page, copy_reference


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def without_duration(text: str) -> str:
    return re.sub(r"\(\d+\.\d+ s\)", "(… s)", text)


def test_check_writes_the_page_and_leaves_the_terminal_report_as_it_was(wrong_elu, tmp_path):
    page_file = tmp_path / "report.html"
    plain = run("check", "activations", "--submission", str(wrong_elu))
    with_page = run("check", "activations", "--submission", str(wrong_elu), "--html", str(page_file))
    assert with_page.exit_code == plain.exit_code == 1
    assert without_duration(with_page.stdout) == without_duration(plain.stdout)
    assert "test_activation_matches_reference[elu]" not in with_page.stdout  # the text report, not the page
    page = Page(page_file.read_text(encoding="utf-8"))
    assert [f["id"] for f in page.all("figure")] == ["fig-activation-activations-elu"]
    assert page.all("svg") and "activations.elu" in page.text


def test_check_with_another_format_still_writes_it(tmp_path):
    result_file, page_file = tmp_path / "result.json", tmp_path / "report.html"
    outcome = run("check", "metrics", "--submission", str(SOLUTIONS), "--format", "json", "--output",
                  str(result_file), "--html", str(page_file))
    assert outcome.exit_code == 0
    worth = sum(c.points for c in list_checks(course.select(["metrics"])))
    assert json.loads(result_file.read_text())["points"] == worth
    assert f"{worth:g} / {worth:g}" in Page(page_file.read_text(encoding="utf-8")).text


def test_autograde_writes_each_students_page_beside_their_feedback(wrong_elu, tmp_path):
    submissions = tmp_path / "submissions"
    copy_reference(submissions / "right")
    shutil.copytree(wrong_elu, submissions / "elu")
    output = tmp_path / "graded"
    outcome = CliRunner().invoke(main, ["autograde", str(submissions), "--output", str(output), "--html",
                                       "--workers", "2", "activations"], catch_exceptions=False)
    assert outcome.exit_code == 0, outcome.output
    for student, figures in (("right", []), ("elu", ["fig-activation-activations-elu"])):
        record = load_record(output / "students" / f"{student}.json")
        assert record["status"] == "graded" and record["message"] == ""
        assert (output / "students" / f"{student}.md").is_file()
        page = Page((output / "students" / f"{student}.html").read_text(encoding="utf-8"))
        assert [f["id"] for f in page.all("figure")] == figures
        assert f"{record['code_points']:g} / {record['code_max']:g}" in page.text
    again = CliRunner().invoke(main, ["autograde", str(submissions), "--output", str(output), "activations"],
                               catch_exceptions=False)
    assert "graded 2" in again.output  # a record made with its page is not current for a run without pages
