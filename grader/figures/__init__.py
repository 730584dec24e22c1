"""The HTML report's figures: what the student's code does beside what the reference does, as plain data.

``plan`` picks the figures a grade calls for, ``gather`` computes them (the student's side in a worker of its own,
but for a training run the grade left in ``GradeResult.runs``), and ``draw`` turns them into SVG with nn-grader's
own writer.
"""

from __future__ import annotations

from pathlib import Path

from grader.figures.model import Figure, Figures, Line, Panel, Point
from grader.i18n import language, tr
from grader.results import GradeResult
from grader.sandbox.limits import Limits

__all__ = ["Figure", "Figures", "Line", "Panel", "Point", "report_figures"]


def report_figures(result: GradeResult, source: Path, limits: Limits | None = None) -> Figures:
    """The figures of ``result``'s report from the submission in ``source``.

    A student's copy (``nn-grader release``) draws none: the reference's side of a figure is computed on inputs
    chosen where the student's answer differs, which no recording made at build time can hold. Its report says so.
    """
    from grader import reference

    if reference.is_replayed():
        with language(result.language):
            return Figures(note=tr("report.no_figures_in_copy"))
    from grader.figures.gather import gather_figures  # names the hidden checks, so a student's copy leaves it out

    return gather_figures(result, source, limits)
