"""Grading one submission: stage its files, start a worker, run the hidden suites, collect a ``GradeResult``.

Data flows one way: submission -> sandbox -> checks -> results. Nothing here formats output.

A student's copy of the course (``nn-grader release``) carries ``grader/release.json``: the seed its reference values
were recorded with (the only seed it can grade with), the exercise modules, and how many checks and points each
part keeps hidden, which every result of the copy reports.
"""

from __future__ import annotations

import contextvars
import functools
import importlib
import json
import platform
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from grader import __version__
from grader import parts as course
from grader.callees import note_callee_failures
from grader.i18n import language, tr
from grader.reference import REFERENCE_PACKAGE
from grader.results import GradeResult, HiddenChecks, PartResult
from grader.runner import SuiteRun, run_suites
from grader.sandbox.client import Submission, Worker, close_all
from grader.sandbox.limits import Limits
from grader.submission import StagedSubmission, SubmissionError, stage, stage_alone

DEFAULT_SEED = 20260101
RELEASE_MANIFEST = Path(__file__).with_name("release.json")


class SeedNotRecorded(SubmissionError):
    """A student's copy was asked to grade with a seed other than the one its reference values were recorded with.

    A usage error, reported as such wherever a submission that cannot be used is.
    """


def grade(source: Path, part_names: list[str] | None = None, *, seed: int = DEFAULT_SEED, lang: str = "en",
          limits: Limits | None = None) -> GradeResult:
    """Grade the submission in folder ``source`` on the named parts (all parts when none are named).

    Raises ``SubmissionError`` when ``source`` is not a folder and ``UnknownPart`` for a part that does not exist;
    anything wrong with the student's code is reported inside the result instead.
    """
    started = time.monotonic()
    manifest = release_manifest()
    if manifest is not None and seed != manifest["seed"]:
        raise SeedNotRecorded(f"this copy of the course grades with seed {manifest['seed']} only (its reference values "
                              f"were recorded with it), not {seed}; leave --seed out")
    selected = course.select(part_names)
    with language(lang), tempfile.TemporaryDirectory(prefix="nn-grader-") as tmp:
        staged = stage(Path(source), exercise_module_files(), Path(tmp))
        known = {f.removesuffix(".py"): tr(f"submission.{why}", file=f) for f, why in staged.problems.items()}
        worker = Worker(Path(tmp), limits, wait=False)  # it confines itself while a process's first grade collects
        student = Submission(worker)
        alone = PartsAlone(staged, limits)
        try:
            # The reference's matrices here are tiny: a second BLAS thread makes nothing faster, but OpenBLAS's
            # threads spin between calls, burning about 0.2 s of CPU per grade on the core the worker (or another
            # grading slot) needs. Workers are single-threaded by their environment (sandbox.limits).
            with threadpool_limits(limits=1, user_api="blas"):
                run = run_suites(student, selected, seed=seed, missing=known, before_checks=worker.wait_ready)
                again = failed_on_the_whole(run) if manifest is None else []  # a copy has no reference to stage
                if again:
                    run = run.with_rerun(run_suites(student, selected, seed=seed, missing=run.diagnostics,
                                                    alone=alone, only=again))
        finally:
            close_all([worker, *alone.stop_starting()])
        note_callee_failures(run.checks, selected, staged.package_dir, run.integrated)
        hidden = hidden_checks()
        results = [PartResult(p.name, p.title, [c for c in run.checks if c.part == p.name],
                              run.diagnostics.get(p.name, ""), hidden.get(p.name, HiddenChecks())) for p in selected]
    return GradeResult(
        submission=str(source),
        parts=results,
        seed=seed,
        versions=versions(),
        suite_hash=course.suite_hash(selected),
        duration=time.monotonic() - started,
        language=lang,
        isolation=worker.isolation,
        notes=staged.notes,
        runs=run.runs,
    )


def failed_on_the_whole(run: SuiteRun) -> list[tuple[str, str]]:
    """The checks that take the fixture ``alone`` and did not pass on the whole submission: they run again, each
    part's module among the reference's others, and that verdict counts. (A check of a part whose module could not be
    imported never takes a fixture: it is not among them.)

    A check of a part that calls others runs on the student's whole submission first: where it passes, no bug of
    another part cost it anything, and the parts graded alone need no worker of their own (a correct submission, most
    of a class, needs one worker, not one more per such part). Where it fails, the bug may lie in a part it calls,
    so it is judged again with the reference's callees, as ``alone`` promises; unless it stopped at a
    NotImplementedError of its own part's module (see ``SuiteRun.alone_judges``): that part is not written yet, whoever
    its callees are (a part left as the stub, in most classes the costliest rerun of all).
    """
    return [(c.part, c.name) for c in run.checks
            if (c.part, c.name) in run.alone_judges and not c.passed]


class PartsAlone:
    """The student's module of one part among the reference's other modules, each in a worker of its own (the
    fixture ``alone``): how the checks of a part that calls other parts measure that part alone.

    A worker of its own each, never the submission's worker nor one worker for two parts: a part's worker holds the
    reference of every other part, and the student's code can reach whatever its process holds (an activations.py
    that imported the reference's activations staged for another part would pass every activations check).

    Once the checks are collected, ``prepare`` stages and starts the workers of the parts that will ask, one after
    the other on a thread of their own, while the checks of the earlier parts run: a worker's start is mostly waiting
    for it to fork and confine itself. No student code runs until a check asks; a part not prepared is started when
    first asked for.

    ``grade`` uses it only outside a student's copy, which has no reference code to stage: there such checks run on
    the student's own pieces alone.
    """

    def __init__(self, staged: StagedSubmission, limits: Limits | None) -> None:
        self.staged, self.limits = staged, limits
        self.starting: dict[str, Future[Submission]] = {}
        self.starter: ThreadPoolExecutor | None = None
        self.submissions: dict[str, Submission | Exception] = {}  # a part's, or why it could not start
        self.workers: list[Worker] = []

    def prepare(self, parts: list[str]) -> None:
        if not parts:
            return
        self.starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nn-grader-alone")
        for part in parts:
            # Each start in a copy of this context: the language of its messages is the grading's.
            self.starting[part] = self.starter.submit(contextvars.copy_context().run, self._start, part)

    def __call__(self, part: str) -> Submission:
        if part not in self.submissions:
            started = self.starting.pop(part, None)
            try:
                self.submissions[part] = started.result() if started is not None else self._start(part)
            except Exception as failure:  # every check that asks gets this failure, not a start of its own
                self.submissions[part] = failure
        kept = self.submissions[part]
        if isinstance(kept, Exception):
            raise kept
        return kept

    def _start(self, part: str) -> Submission:
        root = self.staged.root / f"alone-{part}"
        stage_alone(self.staged, f"{part}.py", reference_dir(), exercise_module_files(), root)
        worker = Worker(root, self.limits)
        self.workers.append(worker)
        return Submission(worker)

    def stop_starting(self) -> list[Worker]:
        """Start no more workers, wait for those still starting, and give every worker started, for the caller to
        close."""
        if self.starter is not None:
            self.starter.shutdown(wait=True, cancel_futures=True)
        return self.workers


def reference_dir() -> Path:
    """The folder of the reference package (the instructor's copy only)."""
    return Path(importlib.import_module(REFERENCE_PACKAGE).__path__[0])


def exercise_module_files() -> list[str]:
    """The allow-list: every module of the reference package, and every graded part's module.

    All of them are staged whatever parts are graded, because the modules import each other (network.py imports
    activations.py, training.py imports network.py). A student's copy has no reference package: its manifest lists
    the modules.
    """
    manifest = release_manifest()
    if manifest is not None:
        return sorted(set(manifest["modules"]) | {p.module_file for p in course.discover()})
    names = {p.name for p in reference_dir().glob("*.py") if not p.name.startswith("_")}
    return sorted(names | {p.module_file for p in course.discover()})


def versions() -> dict[str, str]:
    return {"nn-grader": __version__, "python": platform.python_version(), "numpy": np.__version__}


@functools.cache
def release_manifest() -> dict | None:
    """``grader/release.json`` of a student's copy, or None in the instructor's full copy."""
    if not RELEASE_MANIFEST.is_file():
        return None
    return json.loads(RELEASE_MANIFEST.read_text(encoding="utf-8"))


def hidden_checks() -> dict[str, HiddenChecks]:
    """Per part, the checks (and their points) a student's copy does not run; empty in the full copy."""
    manifest = release_manifest()
    if manifest is None:
        return {}
    return {part: HiddenChecks(int(h["checks"]), float(h["points"])) for part, h in manifest["hidden"].items()}
