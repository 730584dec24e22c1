"""The instructor's checkout that the copies of the course leaving it are built from (``nn-grader release`` and
``nn-grader gradescope build``), and the error such a copy raises when it cannot be built soundly."""

from __future__ import annotations

from pathlib import Path

import grader
from grader.errors import UserError

# What `nn-grader release` writes around the grader package (README, workflow, .gitignore, the mistakes stub).
RELEASE_TEMPLATES = Path(__file__).with_name("templates") / "release"


class ReleaseError(UserError, RuntimeError):
    """The copy cannot be built, or would not be sound; nothing was written to OUT."""


def checkout() -> Path:
    """The instructor's checkout this nn-grader runs from: it holds pyproject.toml, solutions/ and quizzes/."""
    root = Path(grader.__file__).resolve().parent.parent
    missing = [name for name in ("pyproject.toml", "solutions", "quizzes") if not (root / name).exists()]
    if missing:
        raise ReleaseError(f"nn-grader builds a student copy from an instructor's checkout (pyproject.toml, grader/, "
                           f"solutions/, quizzes/); this one runs from {root}, which has no {', '.join(missing)}. "
                           f"Install the checkout with `python -m pip install -e .`")
    return root
