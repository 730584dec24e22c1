"""Grading one submission: stage its files, start a worker, run the hidden suites, collect a ``GradeResult``.

Data flows one way: submission -> sandbox -> checks -> results. Nothing here formats output.
"""

from __future__ import annotations

import importlib
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from grader import __version__, parts as course
from grader.i18n import language, tr
from grader.reference import REFERENCE_PACKAGE
from grader.results import GradeResult, PartResult
from grader.runner import run_suites
from grader.sandbox.client import Submission, Worker
from grader.sandbox.limits import Limits
from grader.submission import stage

DEFAULT_SEED = 20260101


def grade(source: Path, part_names: list[str] | None = None, *, seed: int = DEFAULT_SEED, lang: str = "en",
          limits: Limits | None = None) -> GradeResult:
    """Grade the submission in folder ``source`` on the named parts (all parts when none are named).

    Raises ``SubmissionError`` when ``source`` is not a folder and ``UnknownPart`` for a part that does not exist;
    anything wrong with the student's code is reported inside the result instead.
    """
    started = time.monotonic()
    selected = course.select(part_names)
    with language(lang), tempfile.TemporaryDirectory(prefix="nn-grader-") as tmp:
        staged = stage(Path(source), exercise_module_files(), Path(tmp))
        known = {f.removesuffix(".py"): tr(f"submission.{why}", file=f) for f, why in staged.problems.items()}
        worker = Worker(Path(tmp), limits)
        try:
            run = run_suites(Submission(worker), selected, seed=seed, missing=known)
        finally:
            worker.close()
    results = [PartResult(p.name, p.title, [c for c in run.checks if c.part == p.name], run.diagnostics.get(p.name, ""))
               for p in selected]
    return GradeResult(
        submission=str(source),
        parts=results,
        seed=seed,
        versions=versions(),
        suite_hash=course.suite_hash(selected),
        duration=time.monotonic() - started,
        language=lang,
    )


def exercise_module_files() -> list[str]:
    """The allow-list: every module of the reference package, and every graded part's module.

    All of them are staged whatever parts are graded, because the modules import each other (network.py imports
    activations.py, training.py imports network.py).
    """
    reference_dir = Path(importlib.import_module(REFERENCE_PACKAGE).__path__[0])
    names = {p.name for p in reference_dir.glob("*.py") if not p.name.startswith("_")}
    return sorted(names | {p.module_file for p in course.discover()})


def versions() -> dict[str, str]:
    return {"nn-grader": __version__, "python": platform.python_version(), "numpy": np.__version__}
