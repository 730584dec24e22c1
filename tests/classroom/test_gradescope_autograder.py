"""`nn-grader gradescope build` as the README shows it: the zip, unpacked into a folder laid out like Gradescope's
``/autograder``, installs with its setup.sh and grades submissions with its run_autograder, hidden checks included."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from grader import parts as course
from grader.classroom.gradescope_run import submission_seed
from grader.quiz.loader import require_quiz
from grader.runner import list_checks
from tests.classroom.conftest import BUGS, copy_reference
from tests.classroom.documented import CLASSROOM_DOC, ROOT, documented, run_nn_grader
from tests.conftest import README
from tests.venvs import OFFLINE_PIP, offline_venv

pytestmark = pytest.mark.slow
ROOT_ENV = "NN_GRADER_AUTOGRADER_ROOT"
# setup.sh makes its venv over the one offline_venv left, keeping the borrowed packages (tests/venvs.py)
OFFLINE = {"NN_GRADER_VENV_OPTIONS": "--without-pip", "NN_GRADER_PIP_OPTIONS": " ".join((*OFFLINE_PIP, "--quiet"))}


@pytest.fixture(scope="module")
def zip_path(tmp_path_factory) -> Path:
    # the README and docs/classroom.md show the same command
    (command,) = set(documented(README, "nn-grader gradescope") + documented(CLASSROOM_DOC, "nn-grader gradescope"))
    work = tmp_path_factory.mktemp("instructor")
    (work / "quizzes").symlink_to(ROOT / "quizzes")  # run where the instructor would: beside quizzes/
    run = run_nn_grader(command, work)
    assert run.returncode == 0, run.stderr
    return work / shlex.split(command)[3]


@pytest.fixture(scope="module")
def autograder(zip_path, tmp_path_factory) -> Path:
    """A folder laid out like Gradescope's /autograder, after setup.sh: source/, nn-grader-venv/, run_autograder."""
    root = tmp_path_factory.mktemp("autograder")
    offline_venv(root / "nn-grader-venv")  # as an image whose Python already has numpy, pytest, click and pyyaml
    with zipfile.ZipFile(zip_path) as bundle:
        bundle.extractall(root / "source")
    run = subprocess.run(["bash", str(root / "source" / "setup.sh")], cwd=root / "source", capture_output=True,
                         text=True, env={**clean_environment(), ROOT_ENV: str(root), **OFFLINE}, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    shutil.copyfile(root / "source" / "run_autograder", root / "run_autograder")  # as Gradescope does
    return root


def clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NN_GRADER_"))}


def grade_submission(root: Path, fill) -> dict:  # type: ignore[no-untyped-def]
    """Put a submission in place (``fill`` writes it), run run_autograder, read results.json."""
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    fill(root / "submission")
    users = [{"email": "kim@example.edu", "sid": "s42"}]
    (root / "submission_metadata.json").write_text(json.dumps({"id": 4242, "users": users}))
    run = subprocess.run(["bash", str(root / "run_autograder")], capture_output=True, text=True, timeout=600,
                         env={**clean_environment(), ROOT_ENV: str(root)})
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_the_zip_holds_the_scripts_and_the_instructors_checkout(zip_path):
    with zipfile.ZipFile(zip_path) as bundle:
        entries = {info.filename: info for info in bundle.infolist()}
    for script in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(entries[script].external_attr >> 16) == 0o755
    assert {"nn-grader/pyproject.toml", "nn-grader/solutions/activations.py", "nn-grader/grader/suites/check_losses.py",
            "quizzes/first-network.yaml"} <= set(entries)
    assert not [name for name in entries if "__pycache__" in name or name.startswith("nn-grader/tests/")]


def test_setup_installs_the_grader_out_of_the_workers_reach(autograder):
    python = autograder / "nn-grader-venv" / "bin" / "python"
    where = subprocess.run([str(python), "-I", "-c", "import grader, solutions; print(grader.__file__); "
                                                     "print(solutions.__file__)"],
                           capture_output=True, text=True, env=clean_environment(), check=True).stdout.split()
    for module in where:
        package = Path(module).parent
        assert package.is_relative_to(autograder / "nn-grader-venv")  # the bundled copy, not this checkout
        assert stat.S_IMODE(package.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE((autograder / "source").stat().st_mode) & 0o077 == 0


def right_answers(submission: Path) -> None:
    quiz = require_quiz(ROOT / "quizzes" / "first-network.yaml", seeds=10)
    answers = {q.id: next(slot for slot, key in q.key.options.items() if key.correct) for q in quiz.questions}
    (submission / "first-network.answers.yaml").write_text(yaml.safe_dump({"quiz": quiz.id, "answers": answers}))


def test_the_reference_in_a_repository_gets_every_point_and_its_quiz_too(autograder):
    def reference_repository(submission: Path) -> None:
        copy_reference(submission / "exercises")
        (submission / "README.md").write_text("my work\n")
        right_answers(submission)

    results = grade_submission(autograder, reference_repository)
    checks = list_checks(course.discover())  # every check, the hidden ones included
    code = [t for t in results["tests"] if not {"quiz", "hidden"} & set(t["tags"])]  # not the hidden-checks total
    assert len(code) == len(checks) and all(t["status"] == "passed" for t in code)
    (quiz,) = [t for t in results["tests"] if "quiz" in t["tags"]]
    assert quiz["name"] == "quiz: first-network" and quiz["score"] == quiz["max_score"] == 4
    assert results["score"] == sum(c.points for c in checks) + 4 and "hidden check" not in results["output"]
    assert results["extra_data"]["seed"] == submission_seed(autograder, 20260101) != 20260101  # per submission
    assert {t["visibility"] for t in code} == {"visible", "after_published"}


def test_a_buggy_submission_loses_the_checks_it_fails(autograder):
    code, failing = BUGS["relu"]
    results = grade_submission(autograder, lambda submission: copy_reference(submission / "hw1", code))
    failed = {t["extra_data"]["id"] for t in results["tests"]
              if t["status"] == "failed" and not {"quiz", "hidden"} & set(t["tags"])}
    assert failing in failed and 0 < results["score"] < 100
    (quiz,) = [t for t in results["tests"] if "quiz" in t["tags"]]
    assert quiz["score"] == 0 and "no first-network.answers.yaml in the submission" in quiz["output"]


def test_run_without_a_submission_is_a_usage_error(tmp_path):
    run = subprocess.run([sys.executable, "-m", "grader", "gradescope", "run", "--root", str(tmp_path)],
                         capture_output=True, text=True, env=clean_environment())
    assert run.returncode == 2 and "Gradescope puts the submission there" in run.stderr
