"""A plain `pip install .` (a wheel, not an editable checkout) is a working nn-grader: it ships the quizzes and the
licence, and the commands that need a checkout say so in one line instead of a traceback.

The wheel is built offline from a copy of the checkout with the running environment's setuptools, and installed
into a fresh venv that borrows the running environment's packages (tests/venvs.py), with no checkout around.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.venvs import OFFLINE_PIP, offline_venv, pip_install

SHIPPED = sorted(p.name for p in (ROOT / "quizzes").glob("*.yaml"))
# What a source tree of the project holds besides the package: none of it belongs in the copy the wheel is built from.
NOT_SOURCE = (".git", "tests", "build", "dist", "*.egg-info", "__pycache__", ".venv", ".pytest_cache")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip install .` would install, built offline from a copy of this checkout."""
    source = tmp_path_factory.mktemp("source") / "nn-grader"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    dist = source.parent / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", *OFFLINE_PIP, "--wheel-dir", str(dist), str(source)],
                           capture_output=True, text=True, timeout=600, check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = dist.glob("nn_grader-*.whl")
    return found


@pytest.fixture(scope="module")
def nn_grader(tmp_path_factory: pytest.TempPathFactory, wheel: Path):
    """Run the installed `nn-grader` in a folder of its own, far from any checkout: (args, cwd) -> completed."""
    python = offline_venv(tmp_path_factory.mktemp("plain") / "venv")
    installed = pip_install(python, str(wheel))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    command = python.parent / "nn-grader"
    env = {k: v for k, v in os.environ.items() if k not in ("NN_GRADER_QUIZZES", "PYTHONPATH", "NN_GRADER_LANG")}

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run([str(command), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                              check=False)

    return run


def test_the_wheel_holds_the_quizzes_and_the_licence(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert sorted(n.removeprefix("quizzes/") for n in names if n.startswith("quizzes/")) == SHIPPED
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: MIT" in metadata and "License-File: LICENSE" in metadata
    assert "Classifier: Intended Audience :: Education" in metadata


def test_quiz_list_finds_the_shipped_quizzes_without_a_checkout(nn_grader, tmp_path):
    listed = nn_grader("quiz", "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == len(SHIPPED) and "first-network" in listed.stdout
    assert all("site-packages" in line and str(ROOT) not in line for line in lines)  # the installed copies


def test_a_folders_own_quizzes_come_first_and_the_shipped_ones_still_work(nn_grader, tmp_path):
    own = yaml.safe_load((ROOT / "quizzes" / "first-network.yaml").read_text(encoding="utf-8"))
    own["id"] = "my-own-quiz"
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "mine.yaml").write_text(yaml.safe_dump(own, allow_unicode=True), encoding="utf-8")
    listed = nn_grader("quiz", "list", cwd=tmp_path)
    assert listed.returncode == 0 and listed.stdout.splitlines()[0].startswith("my-own-quiz")
    exported = nn_grader("quiz", "export", "first-network", "--html", "pages/first.html", "--cost", "256", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "pages" / "first.html").is_file()


def test_stubs_check_without_a_checkout_says_it_needs_the_folders(nn_grader, tmp_path):
    result = nn_grader("stubs", "--check", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "solutions" in line and "exercises" in line and "checkout" in line


def test_release_without_a_checkout_says_why_in_one_line(nn_grader, tmp_path):
    result = nn_grader("release", "copy", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "checkout" in line and "pyproject.toml" in line
    assert not (tmp_path / "copy").exists()
