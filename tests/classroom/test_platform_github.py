"""GitHub Classroom's workflow: a result reaches the student even when nn-grader cannot grade, and actionlint (when
installed) passes it."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grader.classroom.checkout import checkout
from grader.classroom.release import RELEASE_TEMPLATES, Release, write_project_files

WORKFLOW = RELEASE_TEMPLATES / "classroom.yml"


def steps() -> list[dict]:
    return yaml.safe_load(WORKFLOW.read_text())["jobs"]["run-autograding-tests"]["steps"]


def test_the_grading_step_sends_a_failed_result_when_nn_grader_exits_2(tmp_path):
    fake = tmp_path / "bin" / "nn-grader"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'exercises: no such folder' >&2\nexit 2\n")
    fake.chmod(0o755)
    grading = next(s for s in steps() if s.get("id") == "nn-grader")
    (tmp_path / "step.sh").write_text(grading["run"])
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
    run = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "step.sh"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    key, _, encoded = output.read_text().strip().partition("=")
    result = json.loads(base64.b64decode(encoded))
    assert key == "result" and result["status"] == "error" and result["max_score"] == 1
    (test,) = result["tests"]
    assert test["score"] == 0 and test["line_no"] == 0 and "grading failed (exit 2)" in test["message"]
    assert summary.read_text().startswith("Points 0/1\n\nGrading failed (exit 2)")


def test_the_reporter_runs_whatever_happened_before_it():
    grading, reporter = steps()[-2:]
    assert grading["if"] == reporter["if"] == "always()"


def actionlint() -> str | None:
    """The actionlint command: the dev extra's pinned one beside this interpreter (a test run as `.venv/bin/python
    -m pytest` does not put the venv on PATH), else one on PATH."""
    beside = Path(sys.executable).with_name("actionlint")
    return str(beside) if beside.is_file() else shutil.which("actionlint")


@pytest.mark.skipif(actionlint() is None, reason="actionlint is not installed (pyproject.toml's dev extra has it)")
def test_actionlint_passes_the_released_workflow(tmp_path):
    # the workflow as `nn-grader release` writes it into the student copy, without building a whole copy
    write_project_files(checkout(), tmp_path, Release(tmp_path, public_checks=1, public_points=1))
    run = subprocess.run([str(actionlint()), str(Path(".github/workflows/classroom.yml"))],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
