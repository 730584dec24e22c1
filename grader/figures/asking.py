"""Asking the student's code for a figure's data: within the report's time budget, and only for plain numbers back.

Whatever goes wrong on the student's side -- not implemented, an exception, a hang, a crash, a reply that is not an
array of the right shape -- becomes the figure's ``problem``, in the student's words, and the figure is still drawn
with the reference's side. Nothing here ever fails the report.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from grader.compare import describe_value
from grader.figures.model import Figure
from grader.i18n import tr
from grader.sandbox.client import PendingCall, RemoteObject, Submission
from grader.sandbox.faults import SubmissionFault

CALL_SECONDS = 2.0  # one call for a figure: a curve is one vectorised call that takes microseconds


class Unusable(Exception):
    """The student's side of a figure cannot be drawn; the message says why, for the student."""


class Asker:
    """The student's package, as the figures reach it: each call bounded by ``CALL_SECONDS`` and the time left.

    With ``refusal`` set, nothing is run and every call raises ``Unusable(refusal)``: used where the check the
    figure explains already timed out or crashed, so a hanging function does not cost its time limit twice.
    """

    def __init__(self, submission: Submission | None, deadline: float, budget: float, refusal: str = "") -> None:
        self.submission, self.deadline, self.budget, self.refusal = submission, deadline, budget, refusal

    def refusing(self, reason: str) -> Asker:
        return Asker(None, self.deadline, self.budget, reason)

    def call(self, target: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        return self._submission().call(target, *args, timeout=self._timeout(timeout), **kwargs)

    def start(self, target: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> PendingCall:
        """:meth:`call` sent without waiting (``Submission.start``): the reference computes meanwhile."""
        return self._submission().start(target, *args, timeout=self._timeout(timeout), **kwargs)

    def new(self, target: str, *args: Any, **kwargs: Any) -> RemoteObject:
        submission = self._submission()
        self._timeout(None)
        return submission.new(target, *args, **kwargs)

    def _submission(self) -> Submission:
        if self.refusal or self.submission is None:
            raise Unusable(self.refusal)
        return self.submission

    def _timeout(self, wanted: float | None) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0.05:
            raise Unusable(tr("report.problem.out_of_time", seconds=f"{self.budget:g}"))
        return min(wanted or CALL_SECONDS, left)


@contextlib.contextmanager
def student_side(figure: Figure) -> Iterator[None]:
    """Within the block, the student's code is asked; a fault or an unusable reply becomes ``figure.problem``."""
    try:
        yield
    except SubmissionFault as fault:
        figure.problem = fault.student_message()
    except Unusable as unusable:
        figure.problem = str(unusable)


def as_array(value: Any, target: str, shape: tuple[int, ...]) -> np.ndarray:
    """The student's reply as a float64 array of ``shape``; ``Unusable`` for anything else."""
    if type(value) is not np.ndarray or value.shape != shape or value.dtype.kind not in "biuf":
        raise Unusable(tr("report.problem.not_array", target=target, got=describe_value(value), shape=shape))
    return value.astype(np.float64)


def as_number(value: Any, target: str) -> float:
    """The student's reply as a float (a Python or numpy number, or a 0-d array); ``Unusable`` for anything else."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise Unusable(tr("report.problem.not_number", target=target, got=describe_value(value)))
    return float(value)
