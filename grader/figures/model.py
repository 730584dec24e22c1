"""The data of the HTML report's figures: plain arrays and short texts, and nothing that can run or draw.

``grader.figures.gather`` fills these from the student's code (through the worker) and from the reference (in the
grader's process); ``grader.figures.draw`` turns them into SVG. A figure is one or more side-by-side panels; a
panel holds lines (or bars), each the reference's or the student's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# The vanishing-gradient figure's stack: DEPTH dense layers of WIDTH units (its computation and its caption).
DEPTH, WIDTH = 10, 32

REFERENCE, STUDENT = "reference", "student"
# Figures of the report's training section (drawn whenever their parts were graded), not of one part's checks.
TRAINING_KINDS = ("training", "overfitting", "depth")


@dataclass
class Line:
    """One curve, or one row of bars: ``y`` over ``x`` (both 1-d float64 arrays of one length).

    ``role`` says whose it is (``"reference"`` or ``"student"``); ``group`` which of several quantities of one
    panel it shows (plain SGD and momentum, sigmoid and ReLU): one group is drawn in one colour.
    """

    label: str
    x: np.ndarray
    y: np.ndarray
    role: str = REFERENCE
    group: int = 0


@dataclass
class Point:
    """One marked point of a line, named in the legend (the lowest validation loss): drawn in the colour of the
    ``role`` and ``group`` whose line it lies on."""

    label: str
    x: float
    y: float
    role: str = REFERENCE
    group: int = 0


@dataclass
class Panel:
    """One set of axes. ``kind`` is ``"lines"`` or ``"bars"`` (bars are drawn on ``x`` and labelled ``ticks``).

    ``marks`` are the points ``(x, y)`` where the student's curve differs from the reference's; ``threshold`` a
    horizontal line (a gradient check's tolerance, the capstone's target loss) named ``threshold_label``; ``points``
    single points of a line worth naming (the lowest validation loss).
    """

    title: str
    xlabel: str
    ylabel: str
    lines: list[Line] = field(default_factory=list)
    kind: str = "lines"
    xscale: str = "linear"  # "linear" or "symlog" (linear within [-5, 5], logarithmic beyond)
    yscale: str = "linear"  # "linear" or "log"
    ticks: list[str] = field(default_factory=list)
    threshold: float | None = None
    threshold_label: str = ""
    marks: tuple[np.ndarray, np.ndarray] | None = None
    points: list[Point] = field(default_factory=list)
    legend_below: bool = False  # below the axes rather than over them, where the curves leave no room for it

    def line(self, role: str, group: int = 0) -> Line | None:
        """The panel's line of ``role`` and ``group``, or None when there is none (the student's code failed)."""
        return next((ln for ln in self.lines if ln.role == role and ln.group == group), None)


@dataclass
class Figure:
    """One figure of the report, explaining the checks ``checks`` (their ids) of ``part``.

    ``kind``: ``"activation"``, ``"derivative"``, ``"loss"``, ``"gradient"`` (per-element gradient-check error),
    ``"training"`` (the capstone's loss curves), ``"overfitting"`` (training and validation loss) or ``"depth"``
    (gradient norm per layer). ``summary`` says in one sentence what the data shows; ``problem`` why the student's
    side is missing or partial.
    """

    id: str
    part: str
    kind: str
    target: str
    checks: list[str] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    summary: str = ""
    problem: str = ""

    def lines(self, role: str) -> list[Line]:
        return [ln for p in self.panels for ln in p.lines if ln.role == role]


@dataclass
class Figures:
    """Every figure of one report. ``note`` says why some student data could not be gathered at all."""

    items: list[Figure] = field(default_factory=list)
    note: str = ""

    def of_part(self, part: str) -> list[Figure]:
        return [f for f in self.items if f.part == part and f.kind not in TRAINING_KINDS]

    def of_training(self) -> list[Figure]:
        return [f for f in self.items if f.kind in TRAINING_KINDS]

    def find(self, kind: str, target: str) -> Figure | None:
        return next((f for f in self.items if f.kind == kind and f.target == target), None)
