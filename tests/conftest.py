"""The checkout's folders, computed once for every test folder: ``from tests.conftest import ROOT, SOLUTIONS``."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: pyproject.toml, grader/, solutions/, quizzes/ ...
GRADER = ROOT / "grader"
SOLUTIONS = ROOT / "solutions"  # the reference
EXERCISES = ROOT / "exercises"  # the stubs, generated from solutions/ by `nn-grader stubs`
QUIZZES = ROOT / "quizzes"
DOCS = ROOT / "docs"
README = ROOT / "README.md"
