"""Every file the grader reads from its own folder ships with it: pyproject.toml's package-data names it.

A file left out installs fine and fails only when a user reaches the code that reads it (a student copy's
`nn-grader check --html`, a Gradescope build), far from the change that forgot it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import PurePosixPath

from tests.conftest import GRADER, ROOT


def glob_regex(glob: str) -> re.Pattern:
    """A package-data glob as a regex: ``*`` matches within one folder."""
    return re.compile("".join("[^/]*" if c == "*" else re.escape(c) for c in glob) + r"\Z")


def covered(relative: PurePosixPath, package_data: dict[str, list[str]]) -> bool:
    """Whether a package-data glob matches the file ``relative`` (to grader/)."""
    for package, globs in package_data.items():
        if package == "*":  # every package, relative to its own folder
            folder = relative.parent if (GRADER / relative.parent / "__init__.py").exists() else None
        else:
            folder = PurePosixPath(*package.split(".")[1:])  # "grader.report" -> report/, "grader" -> .
        if folder is not None and relative.is_relative_to(folder) and any(
                glob_regex(g).match(relative.relative_to(folder).as_posix()) for g in globs):
            return True
    return False


def test_every_data_file_of_the_grader_is_package_data():
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]
    data = sorted(PurePosixPath(p.relative_to(GRADER).as_posix()) for p in GRADER.rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts)
    assert {"report/html.css", "quiz/page/quiz.css", "suites/pytest.ini"} <= {f.as_posix() for f in data}
    assert [f.as_posix() for f in data if not covered(f, package_data)] == []
