"""A panel's legend: what it names, how its entries are laid out, and where inside the axes it goes.

Entries are read from the panel itself (:func:`entries`), in the order the panel is drawn, so the layout can make
room for a legend before anything is drawn. A legend sits inside the axes, where it covers the fewest of the data's
pixels (:func:`best_place`), or below the axes in rows of up to ``BELOW_COLUMNS`` entries.
"""

from __future__ import annotations

import math

import numpy as np

from grader.figures.model import Panel
from grader.figures.style import (
    INK,
    THRESHOLD_STYLE,
    bar_fills,
    colour_of,
    drawing_order,
    grouped,
    line_style,
)
from grader.figures.svg import Swatch, hollow_circle, line_swatch, marker_swatch, patch_swatch, text, text_width
from grader.i18n import tr

SIZE = 12  # the legend's text
ROW = 16  # one row of entries
SAMPLE = 26  # an entry's sample and the gap before its name
BELOW_COLUMNS = 3
PAD = 6.0  # between the legend and the axes' edges

Entry = tuple[Swatch, str]


def entries(panel: Panel, salt: str) -> list[Entry]:
    """What the legend names, in the order the panel draws it: its lines, named points, the circles where the curves
    differ, the threshold; or a bar panel's two kinds of bar (its hatching pattern's id salted with ``salt``)."""
    if panel.kind == "bars":
        named = [(patch_swatch(bar_fills(False, salt)), tr("report.series.within")),
                 (patch_swatch(bar_fills(True, salt)), tr("report.series.above"))]
    else:
        several = grouped(panel)
        named = [(line_swatch(line_style(ln, several)), ln.label) for ln in drawing_order(panel.lines)]
        named += [(marker_swatch(p.role, colour_of(p, several)), p.label) for p in panel.points]
        named += [(hollow_circle, tr("report.series.differs"))] if panel.marks is not None else []
    if panel.threshold is not None and panel.threshold_label:
        named.append((line_swatch(THRESHOLD_STYLE), panel.threshold_label))
    return named


def columns_of(named: list[Entry], most: int, room: float) -> list[float]:
    """The widths of the legend's columns: as many as ``most`` (entries laid out row by row) but no wider in all than
    ``room``, down to one column."""
    widths = [SAMPLE + text_width(label, SIZE) for _, label in named]
    for columns in range(min(most, len(named)), 0, -1):
        column_widths = [max(widths[i::columns]) + 12 for i in range(columns)]
        if columns == 1 or sum(column_widths) + 8 <= room:
            return column_widths
    return []


def size_of(named: list[Entry], column_widths: list[float]) -> tuple[float, float]:
    rows = math.ceil(len(named) / len(column_widths)) if column_widths else 0
    return sum(column_widths) + 8, rows * ROW + 6


def box(named: list[Entry], column_widths: list[float], left: float, top: float) -> str:
    """The legend with its top left corner at (left, top), on a white ground that lets the grid show through."""
    width, height = size_of(named, column_widths)
    parts = [f'<g class="legend" font-size="{SIZE}"><rect x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" '
             f'height="{height:.1f}" fill="white" fill-opacity="0.85"/>']
    for i, (swatch, label) in enumerate(named):
        row, column = divmod(i, len(column_widths))
        x = left + 4 + sum(column_widths[:column])
        y = top + 3 + row * ROW + ROW / 2
        parts += [swatch(x + 11, y), text(x + SAMPLE, y, label, size=SIZE, fill=INK)]
    return "".join(parts) + "</g>"


def best_place(width: float, height: float, area: tuple[float, float, float, float],
               occupied: np.ndarray) -> tuple[float, float]:
    """The top left corner for a legend of ``width`` x ``height`` inside ``area`` (left, top, right, bottom): the first
    of the usual places (upper right, upper left, lower left, lower right, the middles of the sides) that covers the
    fewest of the ``occupied`` pixels (n, 2)."""
    left, top, right, bottom = area
    x_right, x_left, x_middle = right - PAD - width, left + PAD, (left + right - width) / 2
    y_top, y_bottom, y_middle = top + PAD, bottom - PAD - height, (top + bottom - height) / 2
    places = [(x_right, y_top), (x_left, y_top), (x_left, y_bottom), (x_right, y_bottom), (x_right, y_middle),
              (x_left, y_middle), (x_middle, y_bottom), (x_middle, y_top)]

    def covered(place: tuple[float, float]) -> int:
        x, y = place
        inside = ((occupied[:, 0] >= x) & (occupied[:, 0] <= x + width) & (occupied[:, 1] >= y)
                  & (occupied[:, 1] <= y + height))
        return int(np.count_nonzero(inside))

    return min(places, key=covered)


def along(points: np.ndarray, area: tuple[float, float, float, float], spacing: float = 4.0) -> np.ndarray:
    """The pixels a line through ``points`` (n, 2) covers within ``area`` (left, top, right, bottom), every
    ``spacing`` pixels of it (a steep segment between two far-apart points crosses what lies between them), leaving
    out the breaks where a point is not finite."""
    left, top, right, bottom = area
    points = np.column_stack([np.clip(points[:, 0], left, right), np.clip(points[:, 1], top, bottom)])
    start, end = points[:-1], points[1:]
    drawn = np.all(np.isfinite(start), axis=1) & np.all(np.isfinite(end), axis=1)
    start, end = start[drawn], end[drawn]
    steps = np.maximum(1, np.ceil(np.hypot(*(end - start).T) / spacing)).astype(int)
    t = np.concatenate([np.arange(n) / n for n in steps]) if steps.size else np.zeros(0)
    covered = np.repeat(start, steps, axis=0) + t[:, None] * np.repeat(end - start, steps, axis=0)
    last = points[np.all(np.isfinite(points), axis=1)][-1:]
    return np.concatenate([covered, last])
