"""The `nn-grader` command: exit codes, formats, output files, usage errors."""

import json
import subprocess
import sys

from click.testing import CliRunner

from grader.cli import main

from submissions import SOLUTIONS


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_of_the_reference_exits_0(tmp_path):
    out = tmp_path / "result.json"
    result = run("check", "activations", "--submission", str(SOLUTIONS), "--format", "json", "--output", str(out))
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert data["points"] == data["max_points"] > 0


def test_check_of_the_stubs_exits_1(stub_folder):
    result = run("check", "metrics", "--submission", str(stub_folder))
    assert result.exit_code == 1
    assert "not started" in result.output


def test_unknown_part_is_a_usage_error_naming_the_parts():
    result = run("check", "convolutions", "--submission", str(SOLUTIONS))
    assert result.exit_code == 2
    assert "unknown part 'convolutions'" in result.output and "activations" in result.output


def test_missing_submission_folder_is_a_usage_error(tmp_path):
    result = run("check", "--submission", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_list_shows_every_part_and_100_points():
    result = run("list")
    assert result.exit_code == 0
    assert "total: 100 points" in result.output
    for part in ("activations", "losses", "layers", "network", "optimizers", "metrics", "training"):
        assert f"\n{part} " in "\n" + result.output


def test_module_entry_point_runs_the_same_command():
    completed = subprocess.run([sys.executable, "-m", "grader", "--version"], capture_output=True, text=True)
    assert completed.returncode == 0
    assert "nn-grader" in completed.stdout
