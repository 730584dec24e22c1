"""The HTML report's figures: what the student's code does beside what the reference does, as plain data.

``plan`` picks the figures a grade calls for, ``gather`` computes them (the student's side in a worker of its own),
``draw`` turns them into inline SVG with matplotlib, the optional extra ``nn-grader[plots]``.
"""

from __future__ import annotations

from pathlib import Path

from grader.figures.model import Figure, Figures, Line, Panel
from grader.results import GradeResult
from grader.sandbox.limits import Limits

__all__ = ["Figure", "Figures", "Line", "Panel", "report_figures"]


def report_figures(result: GradeResult, source: Path, limits: Limits | None = None) -> Figures | None:
    """The figures of ``result``'s report from the submission in ``source``; None when matplotlib is not installed
    (nothing is run then: the report shows a note instead)."""
    from grader.figures.draw import plotting_available
    from grader.figures.gather import gather_figures

    if not plotting_available():
        return None
    return gather_figures(result, source, limits)
