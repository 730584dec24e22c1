"""What every test folder shares: the checkout's folders, computed once (``from tests.conftest import ROOT``), and
the guard that no command a test runs ends in a traceback."""

from __future__ import annotations

from pathlib import Path

import click.testing
import pytest

ROOT = Path(__file__).resolve().parent.parent  # the checkout: pyproject.toml, grader/, solutions/, quizzes/ ...
GRADER = ROOT / "grader"
SOLUTIONS = ROOT / "solutions"  # the reference
EXERCISES = ROOT / "exercises"  # the stubs, generated from solutions/ by `nn-grader stubs`
QUIZZES = ROOT / "quizzes"
DOCS = ROOT / "docs"
README = ROOT / "README.md"


# -- no command shows a traceback -----------------------------------------------------------------------------------

TRACEBACK = "Traceback (most recent call last)"


@pytest.fixture(autouse=True)
def no_command_shows_a_traceback(monkeypatch):
    """Every command a test runs through click's runner ends in a message, never in an uncaught exception.

    A test that expects a usage or input error still sees its exit code and message; an exception that escaped a
    command (which a user would see as a traceback, and CI as a grade) fails the test wherever it happens.
    """
    invoke = click.testing.CliRunner.invoke

    def guarded(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = invoke(self, *args, **kwargs)
        escaped = result.exception if not isinstance(result.exception, SystemExit) else None
        assert escaped is None, f"the command raised {escaped!r}: a user would see a traceback"
        assert TRACEBACK not in result.output, result.output
        return result

    monkeypatch.setattr(click.testing.CliRunner, "invoke", guarded)
