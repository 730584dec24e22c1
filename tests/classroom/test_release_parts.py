"""The pieces of `nn-grader release`, one at a time: catalogues, commands, leaks, pyproject."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from grader.classroom.checkout import ReleaseError
from grader.classroom.leaks import find_leaks, solution_lines
from grader.classroom.release import Release
from grader.classroom.release_commands import drop_absent_commands, find_module
from grader.classroom.release_package import filter_catalogues
from grader.classroom.release_pyproject import write_pyproject
from grader.classroom.release_readme import student_readme
from grader.results import HiddenChecks
from tests.conftest import ROOT


def test_catalogues_lose_every_message_of_a_hidden_check(tmp_path):
    catalogue = tmp_path / "locale" / "en" / "check_losses.yaml"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text(
        "# check.losses.test_grad_is_right is described below\n"
        'check.losses.test_value_is_right: "the value"\n'
        'check.losses.test_grad_is_right: "the gradient"\n'
        'check.losses.test_grad_is_right.hint: "subtract, then divide"\n'
        'check.metrics.test_grad_is_right: "another part\'s public check of the same name"\n'
        'suite.losses.clip: "clip first"\n', encoding="utf-8")
    filter_catalogues(tmp_path / "locale", {("losses", "test_grad_is_right")})
    text = catalogue.read_text(encoding="utf-8")
    assert yaml.safe_load(text) == {"check.losses.test_value_is_right": "the value",
                                    "check.metrics.test_grad_is_right": "another part's public check of the same name",
                                    "suite.losses.clip": "clip first"}
    assert "check.losses.test_grad_is_right" not in text  # the comment that named it is gone too


def write_cli(root: Path, table: str) -> Path:
    (root / "grader" / "quiz").mkdir(parents=True)
    (root / "grader" / "quiz" / "cli.py").write_text("")
    cli = root / "grader" / "cli.py"
    cli.write_text(f"import click\n\nLAZY_COMMANDS = {table}\n")
    return cli


def test_commands_whose_module_is_left_out_are_not_offered(tmp_path):
    cli = write_cli(tmp_path, '{\n    "quiz": "grader.quiz.cli:quiz",\n'
                              '    "audit": "grader.audit:audit_command",  # a comment\n'
                              '    "release": "grader.classroom.release_cli:release",\n}')
    drop_absent_commands(cli, tmp_path)
    assert cli.read_text() == 'import click\n\nLAZY_COMMANDS = {\n    "quiz": "grader.quiz.cli:quiz",\n}\n'


def test_a_command_table_that_cannot_be_filtered_stops_the_build(tmp_path):
    cli = write_cli(tmp_path, '{"quiz": "grader.quiz.cli:quiz", "audit": "grader.audit:audit_command"}')
    with pytest.raises(ReleaseError, match="LAZY_COMMANDS still names audit"):
        drop_absent_commands(cli, tmp_path)


def test_leaks_are_found_with_file_and_line(tmp_path):
    lines = solution_lines(ROOT / "solutions")
    line, origin = next((text, where) for text, where in lines.items() if where.startswith("activations.py"))
    assert "x = _float_array(x)" not in lines  # given code, in the stubs too: not a solution line
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text(f"intro\n    {line}  # copied\ntest_x_is_hidden, test_x_is_hidden_too\n")
    (tmp_path / "b.py").write_text("def test_x_is_hidden_not():\n    pass\n")
    leaks = find_leaks(tmp_path, ROOT / "solutions", ["test_x_is_hidden", "test_y"])
    assert leaks == [f"notes/a.md:2: the solution line {line!r} ({origin})",  # b.py's longer name is another word
                     "notes/a.md:3: the hidden check test_x_is_hidden"]


def test_the_release_pyproject_installs_the_grader_only(tmp_path):
    written_to = tmp_path / "pyproject.toml"
    settings = write_pyproject(ROOT, written_to)
    written = tomllib.loads(written_to.read_text(encoding="utf-8"))
    assert written["tool"]["setuptools"]["packages"]["find"]["include"] == ["grader*"]
    assert {"release.json", "reference_values.json", "reference_values.npz"} <= set(
        written["tool"]["setuptools"]["package-data"]["grader"])
    assert written["project"]["dependencies"] == settings["project"]["dependencies"]
    assert written["project"]["scripts"] == {"nn-grader": "grader.cli:run"}
    assert "dev" not in written["project"].get("optional-dependencies", {}) and "pytest" not in written["tool"]


def test_the_release_pyproject_keeps_arrays_of_tables(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\n\n[project]\nname = "course"\n'
        'authors = [{ name = "Ada", email = "ada@example.org" }, { name = "B\\"x" }]\n'
        'license = { text = "MIT" }\n', encoding="utf-8")
    write_pyproject(tmp_path, tmp_path / "copy.toml")
    written = tomllib.loads((tmp_path / "copy.toml").read_text(encoding="utf-8"))
    assert written["project"]["authors"] == [{"name": "Ada", "email": "ada@example.org"}, {"name": 'B"x'}]
    assert written["project"]["license"] == {"text": "MIT"}


def test_lazy_command_modules_are_found_in_the_copy_not_in_this_process(tmp_path):
    write_cli(tmp_path, "{}")
    assert find_module(tmp_path, "grader.quiz.cli").origin == str(tmp_path / "grader" / "quiz" / "cli.py")
    assert find_module(tmp_path, "grader.cli") is not None
    for absent in ("grader.audit", "grader.classroom.release_cli", "grader.cli.quiz", "elsewhere"):
        assert find_module(tmp_path, absent) is None, absent


def test_a_command_on_the_tables_first_line_stops_the_build(tmp_path):
    cli = write_cli(tmp_path, '{"audit": "grader.audit:audit_command",\n    "quiz": "grader.quiz.cli:quiz",\n}')
    with pytest.raises(ReleaseError, match="LAZY_COMMANDS still names audit"):
        drop_absent_commands(cli, tmp_path)
    assert "audit" in cli.read_text()  # left as it was


def test_the_student_readme_fills_every_placeholder():
    release = Release(Path("copy"), public_checks=7, public_points=3.5, hidden={"activations": HiddenChecks(2, 1.0)},
                      quizzes={"long": 9, "short": 3}, quiz_tier="ci")
    text = student_readme({"description": "Course"}, release)
    assert text.startswith("# Course: your copy\n")
    assert "7 checks worth 3.5 points" in text and "nn-grader quiz take short " in text
    assert "answers.yaml` files" in text and "$" not in text
