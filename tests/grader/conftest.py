"""Shared fixtures for the grader's own tests: the reference and the stubs, each graded once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.grading import grade
from grader.results import GradeResult

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"


@pytest.fixture(scope="session")
def reference_result() -> GradeResult:
    return grade(SOLUTIONS)


@pytest.fixture(scope="session")
def stub_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stubs generated fresh from the solutions (the same text as exercises/, which a drift test guards)."""
    from grader.stubgen import write_exercises

    folder = tmp_path_factory.mktemp("stubs")
    write_exercises(SOLUTIONS, folder)
    return folder


@pytest.fixture(scope="session")
def stub_result(stub_folder: Path) -> GradeResult:
    return grade(stub_folder)


def copy_reference(tmp_path: Path) -> Path:
    folder = tmp_path / "submission"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def make_submission(tmp_path: Path, module: str, old: str, new: str) -> Path:
    """A copy of the reference with one edit in ``module``.py: ``old`` (which must occur once) becomes ``new``."""
    folder = copy_reference(tmp_path)
    path = folder / f"{module}.py"
    source = path.read_text(encoding="utf-8")
    assert source.count(old) == 1, f"the edit must match exactly once in {module}.py: {old!r}"
    path.write_text(source.replace(old, new), encoding="utf-8")
    return folder
