"""Gathering a report's figures: the student's side from a worker of its own (but the overfitting picture, which
draws the run the grade judged), the reference's in this process.

The grade is already decided when this runs; nothing here changes it. The submission is staged afresh and a new
worker started through the sandbox client (student code never runs in this process). The student's side of every
figure shares ``FIGURE_SECONDS``, each call is bounded by ``asking.CALL_SECONDS`` (a whole training run by
``training.FIT_SECONDS``), and a function whose check already timed out or crashed is not run again. Past the budget
the remaining figures show the reference's side with a note.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from grader.figures.asking import CALL_SECONDS, Asker
from grader.figures.curves import activation_curve, loss_curve
from grader.figures.gradients import gradient_errors
from grader.figures.model import Figure, Figures
from grader.figures.plan import Request, plan
from grader.figures.training import NOT_KEPT, capstone_curves, depth_norms, overfitting_curves
from grader.grading import exercise_module_files
from grader.i18n import language, tr
from grader.inputs import OVERFITTING_RUN, run_seed
from grader.results import GradeResult
from grader.sandbox.client import Submission, Worker
from grader.sandbox.isolation import SandboxError
from grader.sandbox.limits import Limits
from grader.submission import stage

FIGURE_SECONDS = 15.0  # the student's side of all figures of one report together
CAPSTONE_SEED = 0  # the seed the capstone's docstring describes (weights and shuffling)
ALREADY_FAILED = ("timeout", "crashed")

BUILDERS: dict[str, Callable[[Request, Asker, GradeResult], Figure]] = {
    "activation": lambda request, ask, result: activation_curve(request, ask),
    "derivative": lambda request, ask, result: activation_curve(request, ask),
    "loss": lambda request, ask, result: loss_curve(request, ask),
    "gradient": lambda request, ask, result: gradient_errors(request, ask, result.seed),
    "training": lambda request, ask, result: capstone_curves(request, ask, CAPSTONE_SEED),
    "overfitting": lambda request, ask, result: overfitting_curves(request, ask, *judged_run(result)),
    "depth": lambda request, ask, result: depth_norms(request, ask, result.seed),
}


def judged_run(result: GradeResult) -> tuple[int, Any]:
    """The seed of the overfitting run the validation checks judged, and the student's fit's reply in it as the grade
    left it (``GradeResult.runs``: the whole submission's, which the figure would run again), or ``NOT_KEPT``."""
    return run_seed(result.seed, OVERFITTING_RUN), result.runs.get(OVERFITTING_RUN, NOT_KEPT)


def gather_figures(result: GradeResult, source: Path, limits: Limits | None = None) -> Figures:
    """The figures ``result`` calls for (see ``grader.figures.plan``), in the plan's order, from the submission in
    folder ``source``."""
    requests = plan(result)
    with language(result.language):
        if not requests:
            return Figures()
        items: dict[int, Figure] = {}

        def gather(indices: list[int], ask: Asker) -> None:
            for index in indices:
                items[index] = build(requests[index], ask, result)

        # The figures that ask the student's code nothing need no worker: when they are all there is, none starts
        kept = [i for i, request in enumerate(requests) if asks_nothing(request, result)]
        gather(kept, Asker(None, time.monotonic() + FIGURE_SECONDS, FIGURE_SECONDS))
        asking = [i for i in range(len(requests)) if i not in kept]
        note = ""
        if asking:
            with tempfile.TemporaryDirectory(prefix="nn-grader-figures-") as tmp:
                stage(Path(source), exercise_module_files(), Path(tmp))
                worker, note = _start_worker(Path(tmp), limits)
                try:
                    gather(asking, Asker(Submission(worker) if worker else None, time.monotonic() + FIGURE_SECONDS,
                                         FIGURE_SECONDS, refusal=note))
                finally:
                    if worker is not None:
                        worker.close()
        return Figures([items[i] for i in range(len(requests))], note)


def asks_nothing(request: Request, result: GradeResult) -> bool:
    """Whether the figure draws what the grade kept (the overfitting run, ``judged_run``), asking the student's code
    nothing."""
    return request.kind == "overfitting" and judged_run(result)[1] is not NOT_KEPT


def build(request: Request, ask: Asker, result: GradeResult) -> Figure:
    """One figure; a fault of the grader's own becomes the figure's problem, so the report still renders."""
    failed = [c for c in request.checks if c.outcome in ALREADY_FAILED]
    if failed and len(failed) == len(request.checks):
        ask = ask.refusing(tr("report.problem.from_check", message=failed[0].message))
    try:
        return BUILDERS[request.kind](request, ask, result)
    except Exception as exc:  # a bug of the grader's must not cost the student their report
        return Figure(request.id, request.part, request.kind, request.target, [c.id for c in request.checks],
                      problem=tr("report.problem.figure_error", detail=f"{type(exc).__name__}: {exc}"))


def _start_worker(root: Path, limits: Limits | None) -> tuple[Worker | None, str]:
    base = limits or Limits()
    try:
        return Worker(root, replace(base, call_seconds=min(base.call_seconds, CALL_SECONDS))), ""
    except (SandboxError, OSError) as exc:
        return None, tr("report.problem.no_worker", detail=str(exc))
