"""Shared fixtures for the grader's own tests: the reference and the stubs, each graded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.grading import grade
from grader.results import GradeResult

from submissions import SOLUTIONS


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
