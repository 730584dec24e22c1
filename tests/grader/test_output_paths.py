"""Every command that writes a file or a folder: missing folders are made, ``-`` is standard output, and a path that
cannot be written is one line and exit 2 -- never a traceback, never exit 1 (which CI reads as a grade)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from tests.conftest import ROOT

from submissions import SOLUTIONS

FIRST_NETWORK = ROOT / "quizzes" / "first-network.yaml"
FAST_COST = "256"  # sealing cost: the format is the same, each lock opens in well under a millisecond


def run(*args: str | Path):
    # catch_exceptions=False: a traceback the user would see fails the test with that traceback
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def assert_one_line_usage_error(result, *words: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    for word in words:
        assert word in lines[0]


@pytest.fixture
def blocker(tmp_path: Path) -> Path:
    """A file where a command would need a folder."""
    path = tmp_path / "blocker"
    path.write_text("not a folder\n")
    return path


# --- nn-grader check --------------------------------------------------------------------------------------------


def test_prairielearn_results_file_is_written_when_its_folders_do_not_exist_yet(tmp_path):
    out = tmp_path / "grade" / "results" / "results.json"  # PrairieLearn's documented path, before /grade/results
    result = run("check", "activations", "--submission", SOLUTIONS, "--format", "prairielearn", "--output", out)
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text())["score"] == 1


def test_html_report_is_written_into_new_folders(tmp_path):
    page = tmp_path / "reports" / "today" / "report.html"
    result = run("check", "activations", "--submission", SOLUTIONS, "--html", page)
    assert result.exit_code == 0, result.stderr
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_output_dash_is_standard_output_not_a_file_named_dash(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check", "activations", "--submission", SOLUTIONS, "--format", "json", "--output", "-")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["points"] > 0
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("option", ["--output", "--html"])
def test_check_into_a_file_in_the_way_is_one_line_and_exit_2_before_grading(blocker, option):
    result = run("check", "--submission", blocker.parent / "never-graded", option, blocker / "sub" / "x.json")
    # the submission does not exist either: the output path is refused first, so nothing is graded for nothing
    assert_one_line_usage_error(result, str(blocker), "is a file")


def test_check_into_an_existing_folder_is_refused(tmp_path):
    result = run("check", "--submission", SOLUTIONS, "--output", tmp_path)
    assert result.exit_code == 2 and "Traceback" not in result.stdout + result.stderr


def test_output_errors_speak_the_chosen_language(blocker):
    result = run("check", "--submission", SOLUTIONS, "--lang", "ko", "--output", blocker / "x.json")
    assert_one_line_usage_error(result, "폴더")


# --- nn-grader stubs --------------------------------------------------------------------------------------------


def test_stubs_check_outside_a_checkout_says_what_it_needs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("stubs", "--check")
    assert_one_line_usage_error(result, "solutions", "exercises", "--solutions")


def test_stubs_check_with_a_marker_mistake_names_the_file_and_line(tmp_path):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    (solutions / "broken.py").write_text("def f():\n    # BEGIN SOLUTION\n    return 1\n")
    (tmp_path / "exercises").mkdir()
    result = run("stubs", "--check", "--solutions", solutions, "--exercises", tmp_path / "exercises")
    assert result.exit_code == 2  # an input error (the instructor's file), not "out of date" (1)
    assert "broken.py:2" in result.stderr and "Traceback" not in result.stdout + result.stderr


def test_stubs_into_a_file_in_the_way_is_one_line(blocker):
    result = run("stubs", "--solutions", SOLUTIONS, "--exercises", blocker / "exercises")
    assert_one_line_usage_error(result, str(blocker))


# --- nn-grader quiz seal | export -------------------------------------------------------------------------------


def test_quiz_seal_writes_into_new_folders_and_to_standard_output(tmp_path):
    copy = tmp_path / "release" / "quizzes" / "first-network.yaml"
    result = run("quiz", "seal", FIRST_NETWORK, "--tier", "ci", "--output", copy)
    assert result.exit_code == 0, result.stderr
    assert "tier: ci" in copy.read_text(encoding="utf-8")
    to_stdout = run("quiz", "seal", FIRST_NETWORK, "--tier", "ci", "--output", "-")
    assert to_stdout.exit_code == 0 and to_stdout.stdout == copy.read_text(encoding="utf-8")
    assert "Wrote" in to_stdout.stderr  # the note goes beside the YAML, not into it


def test_quiz_export_into_new_folders_and_into_a_file_in_the_way(tmp_path, blocker):
    page = tmp_path / "site" / "quiz" / "index.html"
    result = run("quiz", "export", FIRST_NETWORK, "--html", page, "--cost", FAST_COST)
    assert result.exit_code == 0, result.stderr
    assert page.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")
    refused = run("quiz", "export", FIRST_NETWORK, "--html", blocker / "index.html", "--cost", FAST_COST)
    assert_one_line_usage_error(refused, str(blocker))


def test_an_unknown_quiz_id_says_where_ids_were_looked_up(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NN_GRADER_QUIZZES", str(tmp_path / "none"))
    result = run("quiz", "export", "no-such-quiz", "--html", tmp_path / "x.html")
    assert result.exit_code == 2 and "Traceback" not in result.stdout + result.stderr
    assert "searched" in result.stderr and str(ROOT / "quizzes") in result.stderr


# --- the classroom commands -------------------------------------------------------------------------------------


def test_release_into_a_file_in_the_way_is_one_line(blocker):
    result = run("release", blocker / "copy")
    assert result.exit_code == 2 and "Traceback" not in result.stdout + result.stderr
    assert str(blocker) in result.stderr


def test_gradescope_build_into_a_file_in_the_way_is_one_line(blocker):
    result = run("gradescope", "build", blocker / "autograder.zip")
    assert result.exit_code == 2 and "Traceback" not in result.stdout + result.stderr
    assert str(blocker) in result.stderr


def test_autograde_output_folder_in_the_way_is_one_line(tmp_path, blocker):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    result = run("autograde", submissions, "--output", blocker / "graded")
    assert_one_line_usage_error(result, str(blocker))


def test_gradebook_merge_into_a_file_in_the_way_is_one_line(blocker):
    result = run("gradebook", "merge", blocker / "merged")
    assert_one_line_usage_error(result, str(blocker))


def test_gradescope_run_with_a_file_where_results_go_is_one_line(tmp_path):
    (tmp_path / "submission").mkdir()
    (tmp_path / "results").write_text("in the way\n")
    result = run("gradescope", "run", "--root", tmp_path)
    assert_one_line_usage_error(result, str(tmp_path / "results"), "is a file")


# --- the reasons, as the user reads them ------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "words"), [(errno.EACCES, "permission denied"), (errno.ENOSPC, "disk is full"),
                                               (errno.EROFS, "read-only")])
def test_a_refused_write_says_why_in_words(tmp_path, number, words):
    from grader.output import reason

    assert words in reason(tmp_path / "x.json", OSError(number, os.strerror(number)))
