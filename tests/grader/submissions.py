"""Submissions for the grader's tests: a copy of the reference, with or without one edit, and a one-module probe.

A module of its own (not conftest.py) so that test files import it by a name no other test folder uses.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grader.sandbox.client import Submission, Worker, close_all
from grader.sandbox.limits import Limits
from grader.submission import stage
from tests.conftest import SOLUTIONS


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


@contextmanager
def probe_submission(tmp_path: Path, source: str, limits: Limits) -> Iterator[Submission]:
    """A submission of one module, ``probe.py`` holding ``source``, in a worker of its own, closed at the end."""
    folder = tmp_path / "source"
    folder.mkdir()
    (folder / "probe.py").write_text(source)
    stage(folder, ["probe.py"], tmp_path / "root")
    worker = Worker(tmp_path / "root", limits)
    try:
        yield Submission(worker)
    finally:
        close_all([worker])
