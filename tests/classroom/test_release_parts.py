"""The pieces of `nn-grader release`, one at a time: catalogues, commands, leaks, pyproject."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from grader.classroom.leaks import find_leaks, solution_lines
from grader.classroom.release import (ReleaseError, drop_absent_commands, filter_catalogues, release_pyproject,
                                      toml_text)

ROOT = Path(__file__).resolve().parents[2]


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


def test_the_release_pyproject_installs_the_grader_only():
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    written = tomllib.loads(toml_text(release_pyproject(settings)))
    assert written["tool"]["setuptools"]["packages"]["find"]["include"] == ["grader*"]
    assert {"release.json", "reference_values.json", "reference_values.npz"} <= set(
        written["tool"]["setuptools"]["package-data"]["grader"])
    assert written["project"]["dependencies"] == settings["project"]["dependencies"]
    assert written["project"]["scripts"] == {"nn-grader": "grader.cli:main"}
    assert "dev" not in written["project"].get("optional-dependencies", {}) and "pytest" not in written["tool"]
