"""The HTML report's figures: what the student's code does beside what the reference does, as plain data.

``plan`` picks the figures a grade calls for, ``gather`` computes them (the student's side in a worker of its own,
but for a training run the grade left in ``GradeResult.runs``),
``draw`` turns them into inline SVG with matplotlib, the optional extra ``nn-grader[plots]``, and ``drawer`` does
that in a process started before the grade, so that ``check --html`` need not wait for matplotlib to load.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from grader.figures.model import Figure, Figures, Line, Panel, Point
from grader.i18n import language, tr
from grader.results import GradeResult
from grader.sandbox.limits import Limits

__all__ = ["Figure", "Figures", "Line", "Panel", "Point", "report_figures"]


def report_figures(result: GradeResult, source: Path, limits: Limits | None = None,
                   built: Callable[[int, Figure], None] | None = None) -> Figures | None:
    """The figures of ``result``'s report from the submission in ``source``; None when matplotlib is not installed
    (nothing is run then: the report shows a note instead). ``built(index, figure)`` is told of each figure as soon
    as it is gathered.

    A student's copy (``nn-grader release``) draws none: the reference's side of a figure is computed on inputs
    chosen where the student's answer differs, which no recording made at build time can hold. Its report says so.
    """
    from grader import reference
    from grader.figures.draw import plotting_available

    if not plotting_available():
        return None
    if reference.is_replayed():
        with language(result.language):
            return Figures(note=tr("report.no_figures_in_copy"))
    from grader.figures.gather import gather_figures  # names the hidden checks, so a student's copy leaves it out

    return gather_figures(result, source, limits, built)
