"""Drawing a figure as SVG: inline in the HTML report, or a standalone document for a platform's image.

A figure (:mod:`grader.figures.model`) is a row of panels, each a set of axes with lines or bars. It is written
straight as SVG markup, in a few milliseconds and with nothing but numpy: the axes' scales and ticks come from
:mod:`grader.figures.scales`, the layout is fixed in pixels (no text is measured, only estimated, since the browser
sets the text in its own fonts, Korean included). Text stays text, for screen readers and search; the ``<svg>`` has a
``<title>``, and ids salted per figure, so no two figures of a page share one.

Colours are from the Okabe-Ito palette (distinguishable with any colour vision), and the student's lines are also
dashed, so no distinction rests on colour alone: the reference's line is a broad pale band, the student's a dashed
line on top of it, so a correct curve runs inside the band.
"""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import numpy as np

from grader.figures.model import REFERENCE, STUDENT, Figure, Line, Panel, Point
from grader.figures.scales import Axis, tick_label
from grader.i18n import language, tr

ROLE_COLOURS = {REFERENCE: "#0072B2", STUDENT: "#D55E00"}  # blue, vermillion
GROUP_COLOURS = ("#0072B2", "#009E73", "#CC79A7", "#E69F00")  # blue, green, purple, orange
INK, AXIS_INK, TICK_INK, GRID_INK = "#24292f", "#57606a", "#424a53", "#d8dee4"
FLOOR = 1e-17  # a relative error of 0 is drawn at this height of a log axis
ROTATE_TICKS = 6  # more bar labels than this are written upwards
MARKS = 15  # at most this many of the points where the curves differ are circled, spread evenly

# The layout, in pixels of the SVG's own coordinates (the page scales the picture to its column).
WIDTHS = {1: 620, 2: 1000}  # by the number of panels; more panels share WIDE
WIDE, HEIGHT = 1150, 340
LEFT, RIGHT, TOP, BOTTOM = 66, 14, 14, 46  # around the axes: tick labels and the axes' labels
TITLE_ROOM = 22  # above the axes, for panel titles
GAP, SHARED_GAP = 74, 22  # between two panels: room for the next one's y labels, or only ticks when y is shared
FONT, SMALL, BAR_LABEL = 13, 12, 10.5  # font sizes: labels and titles, ticks and legend, bar labels
ROW = 16  # a legend's row
BELOW_COLUMNS = 3  # a legend below the axes: rows of up to three entries
TICK_GAP_X, TICK_GAP_Y = 8, 14  # the least room between two tick labels' edges (x) or centres (y)
TICK_BAND = 14  # below the x axis: its tick labels' row (more when written upwards, see rotated_room)
DASH = "9 4.5"  # the student's lines


@dataclass(frozen=True)
class Drawing:
    """A figure to draw as an inline ``<svg>`` titled ``title``, its ids salted with ``salt`` (see :func:`svg_of`),
    its own words (legend entries, "no data") in ``lang``, as the page around it."""

    figure: Figure
    title: str
    salt: str
    lang: str


@dataclass(frozen=True)
class NotDrawn:
    """Why a figure could not be drawn: ``"ValueError: ..."``."""

    detail: str


def draw_all(drawings: list[Drawing]) -> list[str | NotDrawn]:
    """Each drawing's SVG, or why it could not be drawn: one figure that cannot be drawn must not cost the page."""
    pictures: list[str | NotDrawn] = []
    for drawing in drawings:
        try:
            with language(drawing.lang):
                pictures.append(svg_of(drawing.figure, title=drawing.title, salt=drawing.salt))
        except Exception as exc:  # noqa: BLE001 -- reported on the figure instead
            pictures.append(NotDrawn(f"{type(exc).__name__}: {exc}"))
    return pictures


def svg_of(figure: Figure, *, title: str, salt: str) -> str:
    """``figure`` as an inline ``<svg>`` element titled ``title``; ``salt`` makes its ids unique in the page. It has
    no size of its own: it takes its container's width, keeping its proportions (``viewBox``)."""
    width, height, body = layout(figure, salt)
    return (f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="{salt}-title" '
            f'preserveAspectRatio="xMidYMid meet" font-family="DejaVu Sans, Noto Sans, sans-serif" '
            f'font-size="{FONT}"><title id="{salt}-title">{escape(title)}</title>{body}</svg>')


def svg_data_url(figure: Figure, *, title: str) -> str:
    """``figure`` as a standalone SVG document in a ``data:`` URL, for a platform that shows pictures as images
    (PrairieLearn's ``images``): with its namespace and a size of its own, which an image needs."""
    width, height, body = layout(figure, "figure")
    document = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Noto Sans, sans-serif" '
                f'font-size="{FONT}"><title>{escape(title)}</title>{body}</svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(document.encode("utf-8")).decode("ascii")


# -- the layout ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A rectangle of the picture, in pixels from its top left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


def layout(figure: Figure, salt: str) -> tuple[int, int, str]:
    """The picture's width and height, and its markup: the panels side by side, then a legend below them if one
    asks for it. Two or more log panels share one y axis (its labels on the first only)."""
    panels = figure.panels
    if not panels:
        raise ValueError("a figure without panels")
    shared = len({p.yscale for p in panels}) == 1 and panels[0].yscale == "log" and len(panels) > 1
    rotated = max((rotated_room(p) for p in panels), default=0.0)
    below = max((-(-legend_size(p) // BELOW_COLUMNS) * ROW + 8 for p in panels if p.legend_below), default=0)
    width = WIDTHS.get(len(panels), WIDE)
    height = int(HEIGHT + rotated + below)
    top = TOP + (TITLE_ROOM if any(p.title for p in panels) else 0)
    gap = SHARED_GAP if shared else GAP
    panel_width = (width - LEFT - RIGHT - gap * (len(panels) - 1)) / len(panels)
    boxes = [Box(LEFT + i * (panel_width + gap), top, panel_width, height - top - BOTTOM - rotated - below)
             for i in range(len(panels))]
    y_axes = [y_axis_of(p) for p in panels]
    if shared:  # over the panels that have data: an empty one's default view would only squash the others
        spans = [a for a, p in zip(y_axes, panels, strict=True) if p.lines] or y_axes
        common = Axis("log", min(a.low for a in spans), max(a.high for a in spans))
        y_axes = [common] * len(panels)
    # A panel with nothing to draw (the student's code failed) takes the x axis of one that has, for comparison
    with_data = [x_axis_of(p) for p in panels if p.lines]
    x_axes = [x_axis_of(p) if p.lines or not with_data else with_data[0] for p in panels]
    parts = ['<rect width="100%" height="100%" fill="white"/>']
    for i, (panel, box, x_axis, y_axis) in enumerate(zip(panels, boxes, x_axes, y_axes, strict=True)):
        drawing = PanelDrawing(panel, box, x_axis, y_axis, f"{salt}-{i}")
        # Bar panels side by side have the same legend: the first one shows it
        legend = i == 0 or panel.kind != "bars"
        parts.append(drawing.svg(y_labels=i == 0 or not shared, legend=legend,
                                 legend_area=Box(0, height - below, width, below) if below else None))
    return width, height, "".join(parts)


def legend_size(panel: Panel) -> int:
    """How many entries ``panel``'s legend has (see ``PanelDrawing``: lines, points, marks, threshold, or bars')."""
    if panel.kind == "bars":
        return 2 + bool(panel.threshold is not None and panel.threshold_label)
    return (len(panel.lines) + len(panel.points) + (panel.marks is not None)
            + bool(panel.threshold is not None and panel.threshold_label))


def rotated_room(panel: Panel) -> float:
    """Room taken below a bar panel by its labels written upwards beyond that of a row of level labels (none when
    they are few and level)."""
    if panel.kind != "bars" or len(panel.ticks) <= ROTATE_TICKS:
        return 0.0
    return max(0.0, min(90.0, max(text_width(t, BAR_LABEL) for t in panel.ticks)) - TICK_BAND)


def x_axis_of(panel: Panel) -> Axis:
    """Bars: a unit of room around each bar; lines: fitted to every line, point and mark."""
    xs = [ln.x for ln in panel.lines]
    if panel.kind == "bars":
        x = np.concatenate(xs) if xs else np.zeros(1)
        return Axis("linear", float(x.min()) - 0.6, float(x.max()) + 0.6)
    xs += [np.array([p.x for p in panel.points])] + ([panel.marks[0]] if panel.marks is not None else [])
    return Axis.fitted(panel.xscale, np.concatenate(xs))


def y_axis_of(panel: Panel) -> Axis:
    """Bars: from below the smallest error up to 1e4, leaving room above an error of 1 for the legend. Lines on a
    linear axis: :func:`y_limits`. Otherwise fitted to every line, point and the threshold."""
    if panel.kind == "bars":
        heights = np.concatenate([bar_heights(ln) for ln in panel.lines] or [np.ones(1)])
        return Axis("log", min(1e-9, float(heights.min()) / 5), 1e4)
    if panel.yscale == "linear" and panel.lines:
        return Axis("linear", *y_limits(panel))
    ys = [drawable(ln.y, panel.yscale) for ln in panel.lines] + [np.array([p.y for p in panel.points])]
    ys += [np.array([panel.threshold])] if panel.threshold is not None else []
    return Axis.fitted(panel.yscale, np.concatenate(ys))


def y_limits(panel: Panel) -> tuple[float, float]:
    """The reference's range, widened to the student's values and the threshold but by at most twice its own height
    either way, so a student's curve that runs off to 1e300 still leaves the reference's shape visible."""
    reference = np.concatenate([ln.y[np.isfinite(ln.y)] for ln in panel.lines if ln.role == REFERENCE] or [[0.0]])
    everything = np.concatenate([ln.y[np.isfinite(ln.y)] for ln in panel.lines] or [[0.0]])
    if panel.threshold is not None:
        everything = np.append(everything, panel.threshold)
    low, high = float(reference.min()), float(reference.max())
    span = (high - low) or 1.0
    low, high = max(float(everything.min()), low - 2 * span), min(float(everything.max()), high + 2 * span)
    pad = 0.06 * ((high - low) or 1.0)
    return low - pad, high + pad


def drawable(y: np.ndarray, scale: str) -> np.ndarray:
    """``y`` with what cannot be drawn (NaN, infinities, and values <= 0 on a log axis) left out of the line."""
    keep = np.isfinite(y) & ((y > 0) if scale == "log" else True)
    return np.where(keep, y, np.nan)


def bar_heights(line: Line) -> np.ndarray:
    """A bar's height: its error, at least ``FLOOR`` (0 on a log axis), and 1 (the most there is) where it is not
    a number."""
    return np.clip(np.where(np.isfinite(line.y), line.y, 1.0), FLOOR, None)


def colour_of(item: Line | Point, grouped: bool) -> str:
    """A line's (or a marked point's) colour: its group's when the panel holds several groups, else its role's."""
    return GROUP_COLOURS[item.group % len(GROUP_COLOURS)] if grouped else ROLE_COLOURS[item.role]


# -- one panel -------------------------------------------------------------------------------------------------------


Swatch = Callable[[float, float], str]  # draws a legend entry's sample centred at (x, y)


class PanelDrawing:
    """One panel drawn in ``box``: grid, data (clipped to the box), axes, labels and legend."""

    def __init__(self, panel: Panel, box: Box, x_axis: Axis, y_axis: Axis, salt: str) -> None:
        self.panel, self.box, self.x_axis, self.y_axis, self.salt = panel, box, x_axis, y_axis, salt
        self.legend: list[tuple[Swatch, str]] = []  # in the order drawn
        self.occupied: list[np.ndarray] = []  # the data's pixels, (n, 2): a legend goes where it covers fewest

    def px(self, x: np.ndarray) -> np.ndarray:
        return self.box.x + self.x_axis.fraction(x) * self.box.width

    def py(self, y: np.ndarray) -> np.ndarray:
        return self.box.bottom - self.y_axis.fraction(y) * self.box.height

    def x_px(self, x: float) -> float:
        return float(self.px(np.array([x]))[0])

    def y_px(self, y: float) -> float:
        return float(self.py(np.array([y]))[0])

    def svg(self, *, y_labels: bool, legend: bool, legend_area: Box | None) -> str:
        panel, box = self.panel, self.box
        clip = f"{self.salt}-clip"
        data = self.bars() if panel.kind == "bars" else self.lines()
        if panel.threshold is not None:
            data += self.threshold()
        parts = [f'<defs><clipPath id="{clip}"><rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" '
                 f'height="{box.height:.1f}"/></clipPath>{hatch_pattern(self.salt) if panel.kind == "bars" else ""}'
                 "</defs>",
                 *self.grid_and_ticks(y_labels), f'<g clip-path="url(#{clip})">', *data, "</g>", self.spines(),
                 *self.labels(y_labels)]
        if not panel.lines:
            parts.append(text(box.x + box.width / 2, box.y + box.height / 2, tr("report.figure.no_data"),
                              fill=AXIS_INK, anchor="middle"))
        if legend:
            parts.append(self.drawn_legend(legend_area if panel.legend_below else None))
        return "".join(parts)

    # -- data ------------------------------------------------------------------------------------------------------

    def lines(self) -> list[str]:
        """Each line coloured by its role (one group) or its group (several), the student's dashed and on top; the
        named points; the points where the curves differ circled (at most ``MARKS`` of those in view)."""
        panel = self.panel
        grouped = len({ln.group for ln in panel.lines}) > 1
        parts = []
        for line in sorted(panel.lines, key=lambda ln: ln.role == STUDENT):
            colour = colour_of(line, grouped)
            x, y = self.px(line.x), self.py(drawable(line.y, panel.yscale))
            self.occupied.append(np.column_stack([x, y]))
            if line.role == REFERENCE:
                style = f'stroke="{colour}" stroke-width="4" stroke-opacity="0.45"'
            else:
                style = f'stroke="{colour}" stroke-width="1.8" stroke-dasharray="{DASH}"'
            parts.append(f'<path d="{path_of(x, y)}" fill="none" {style} stroke-linecap="round" '
                         'stroke-linejoin="round"/>')
            self.legend.append((line_swatch(style), line.label))
        for point in panel.points:  # in its line's colour, and shaped by whose it is, so shape alone tells them apart
            swatch = marker_swatch(point.role, colour_of(point, grouped))
            parts.append(swatch(self.x_px(point.x), self.y_px(point.y)))
            self.legend.append((swatch, point.label))
        if panel.marks is not None:
            parts += self.marks()
        return parts

    def marks(self) -> list[str]:
        assert self.panel.marks is not None
        x, y = self.panel.marks
        low, high = sorted((self.y_axis.low, self.y_axis.high))
        inside = (y >= low) & (y <= high)  # circle only what is in view, and at most MARKS of it
        x, y = x[inside], y[inside]
        shown = np.unique(np.linspace(0, x.size - 1, min(x.size, MARKS)).astype(int))  # none when x is empty
        circles = [hollow_circle(cx, cy) for cx, cy in zip(self.px(x[shown]), self.py(y[shown]), strict=True)]
        self.legend.append((hollow_circle, tr("report.series.differs")))
        return circles

    def threshold(self) -> list[str]:
        assert self.panel.threshold is not None
        y = self.y_px(self.panel.threshold)
        style = f'stroke="{INK}" stroke-width="1.1" stroke-dasharray="4 3"'
        self.occupied.append(np.column_stack([np.linspace(self.box.x, self.box.right, 20), np.full(20, y)]))
        if self.panel.threshold_label:
            self.legend.append((line_swatch(style), self.panel.threshold_label))
        return [f'<line x1="{self.box.x:.1f}" y1="{y:.1f}" x2="{self.box.right:.1f}" y2="{y:.1f}" {style}/>']

    def bars(self) -> list[str]:
        """One bar per element, vermillion and hatched above the threshold, blue within it."""
        panel, parts = self.panel, []
        limit = panel.threshold if panel.threshold is not None else np.inf
        for line in panel.lines:
            heights, above = bar_heights(line), line.y > limit
            width = 0.7 * (float(np.min(np.diff(line.x))) if line.x.size > 1 else 1.0)
            left, right = self.px(line.x - width / 2), self.px(line.x + width / 2)
            tops = np.maximum(self.py(heights), self.box.y - 2)
            for x0, x1, top, over in zip(left, right, tops, above, strict=True):
                colour = ROLE_COLOURS[STUDENT if over else REFERENCE]
                rect = f'x="{x0:.1f}" y="{top:.1f}" width="{x1 - x0:.1f}" height="{self.box.bottom - top:.1f}"'
                parts.append(f'<rect {rect} fill="{colour}"/>')
                if over:  # hatched too, for readers who cannot tell the colours apart
                    parts.append(f'<rect {rect} fill="url(#{self.salt}-hatch)"/>')
        self.legend += [(patch(ROLE_COLOURS[REFERENCE]), tr("report.series.within")),
                        (patch(ROLE_COLOURS[STUDENT], f"{self.salt}-hatch"), tr("report.series.above"))]
        return parts

    # -- axes ------------------------------------------------------------------------------------------------------

    def grid_and_ticks(self, y_labels: bool) -> list[str]:
        """Grid lines, tick marks and tick labels of both axes (a shared y axis' labels on its first panel only)."""
        box, panel, parts = self.box, self.panel, []
        for value, label in self.y_ticks():
            y = self.y_px(value)
            parts.append(f'<line x1="{box.x:.1f}" y1="{y:.1f}" x2="{box.right:.1f}" y2="{y:.1f}" stroke="{GRID_INK}" '
                         f'stroke-width="0.6"/><line x1="{box.x - 4:.1f}" y1="{y:.1f}" x2="{box.x:.1f}" y2="{y:.1f}" '
                         f'stroke="{TICK_INK}" stroke-width="0.8"/>')
            if y_labels:
                parts.append(text(box.x - 7, y, label, size=SMALL, fill=TICK_INK, anchor="end"))
        rotate = panel.kind == "bars" and len(panel.ticks) > ROTATE_TICKS
        for value, label in self.x_ticks():
            x = self.x_px(value)
            if panel.kind != "bars":
                parts.append(f'<line x1="{x:.1f}" y1="{box.y:.1f}" x2="{x:.1f}" y2="{box.bottom:.1f}" '
                             f'stroke="{GRID_INK}" stroke-width="0.6"/>')
            parts.append(f'<line x1="{x:.1f}" y1="{box.bottom:.1f}" x2="{x:.1f}" y2="{box.bottom + 4:.1f}" '
                         f'stroke="{TICK_INK}" stroke-width="0.8"/>')
            size = BAR_LABEL if panel.kind == "bars" else SMALL
            if rotate:
                parts.append(text(x, box.bottom + 7, label, size=size, fill=TICK_INK, anchor="end", upwards=True))
            else:
                parts.append(text(x, box.bottom + 7 + size * 0.8, label, size=size, fill=TICK_INK, anchor="middle"))
        return parts

    def y_ticks(self) -> list[tuple[float, str]]:
        axis, bars = self.y_axis, self.panel.kind == "bars"
        ticks = axis.ticks()
        step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
        # A bar panel's axis runs past 1 only to make room for the legend: a relative error is <= 1
        labelled = [(t, "" if bars and t > 1 else tick_label(t, axis.kind, step)) for t in ticks]
        return thinned(labelled, lambda t: -self.y_px(t), lambda label: TICK_GAP_Y)

    def x_ticks(self) -> list[tuple[float, str]]:
        panel, axis = self.panel, self.x_axis
        if panel.kind == "bars":
            return list(zip(panel.lines[0].x, panel.ticks, strict=True)) if panel.lines and panel.ticks else []
        whole = bool(panel.lines) and all(np.all(ln.x == np.round(ln.x)) for ln in panel.lines)  # epochs, layers
        ticks = axis.ticks(integer=whole)
        step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
        labelled = [(t, tick_label(t, axis.kind, step)) for t in ticks]
        return thinned(labelled, self.x_px, lambda label: text_width(label, SMALL) + TICK_GAP_X)

    def spines(self) -> str:
        box = self.box
        return (f'<path d="M{box.x:.1f},{box.y:.1f}V{box.bottom:.1f}H{box.right:.1f}" fill="none" '
                f'stroke="{AXIS_INK}" stroke-width="0.8"/>')

    def labels(self, y_labels: bool) -> list[str]:
        box, panel = self.box, self.panel
        rotated = rotated_room(panel)
        below_ticks = box.bottom + 8 + TICK_BAND + rotated
        parts = [text(box.x + box.width / 2, below_ticks + 12, panel.xlabel, anchor="middle")]
        if y_labels and panel.ylabel:
            parts.append(text(box.x - LEFT + 14, box.y + box.height / 2, panel.ylabel, anchor="middle", upwards=True))
        if panel.title:
            parts.append(text(box.x + box.width / 2, box.y - 9, panel.title, size=FONT + 1, anchor="middle",
                              weight="bold"))
        return parts

    # -- legend ----------------------------------------------------------------------------------------------------

    def drawn_legend(self, below: Box | None) -> str:
        """The legend: in ``below`` (centred, rows of up to three), at the top centre of a bar panel (one row), or
        inside the axes where it covers the fewest of the data's points."""
        entries = self.legend
        if not entries:
            return ""
        widths = [26 + text_width(label, SMALL) for _, label in entries]
        if below is not None:
            columns = min(BELOW_COLUMNS, len(entries))
        elif self.panel.kind == "bars":  # one row, or as many columns as the axes' width holds
            columns = len(entries)
            while columns > 1 and sum(legend_columns(widths, columns)) + 8 > self.box.width:
                columns -= 1
        else:
            columns = 1
        column_widths = legend_columns(widths, columns)
        rows = -(-len(entries) // columns)
        width, height = sum(column_widths) + 8, rows * ROW + 6
        if below is not None:
            left, top = below.x + (below.width - width) / 2, below.y
        elif self.panel.kind == "bars":
            left, top = self.box.x + (self.box.width - width) / 2, self.box.y + 4
        else:
            left, top = self.best_place(width, height)
        parts = [f'<g font-size="{SMALL}"><rect x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" '
                 f'height="{height:.1f}" fill="white" fill-opacity="0.85"/>']
        for i, (swatch, label) in enumerate(entries):
            row, column = divmod(i, columns)
            x = left + 4 + sum(column_widths[:column])
            y = top + 3 + row * ROW + ROW / 2
            parts += [swatch(x + 11, y), text(x + 26, y, label, size=SMALL, fill=INK)]
        return "".join(parts) + "</g>"

    def best_place(self, width: float, height: float) -> tuple[float, float]:
        """The top left corner of the legend's box inside the axes: the first of the usual places (upper right,
        upper left, lower left, lower right, the middles of the sides) that covers the fewest data points."""
        box, pad = self.box, 6.0
        xs = (box.right - pad - width, box.x + pad, box.x + pad, box.right - pad - width, box.right - pad - width,
              box.x + pad, box.x + (box.width - width) / 2, box.x + (box.width - width) / 2)
        ys = (box.y + pad, box.y + pad, box.bottom - pad - height, box.bottom - pad - height,
              box.y + (box.height - height) / 2, box.y + (box.height - height) / 2, box.bottom - pad - height,
              box.y + pad)
        points = np.concatenate([along(p) for p in self.occupied] or [np.zeros((0, 2))])

        def covered(corner: tuple[float, float]) -> int:
            x, y = corner
            inside = ((points[:, 0] >= x) & (points[:, 0] <= x + width) & (points[:, 1] >= y)
                      & (points[:, 1] <= y + height))
            return int(np.count_nonzero(inside))

        return min(zip(xs, ys, strict=True), key=covered)


# -- SVG pieces ------------------------------------------------------------------------------------------------------


def path_of(x: np.ndarray, y: np.ndarray) -> str:
    """An SVG path through the points (x, y), broken where either is not finite; far-off points are held a little
    outside the picture (the axes clip them anyway), so that no coordinate is absurd."""
    x, y = np.clip(x, -1e4, 1e4), np.clip(y, -1e4, 1e4)
    finite = np.isfinite(x) & np.isfinite(y)
    commands, drawing = [], False
    for px, py, ok in zip(x, y, finite, strict=True):
        if ok:
            commands.append(f"{'L' if drawing else 'M'}{px:.1f},{py:.1f}")
        drawing = bool(ok)
    return "".join(commands) or "M0,0"


def legend_columns(widths: list[float], columns: int) -> list[float]:
    """The width of each of a legend's ``columns``, its entries (of ``widths``) laid out row by row."""
    return [max(widths[i::columns]) + 12 for i in range(columns)]


def along(points: np.ndarray, spacing: float = 4.0) -> np.ndarray:
    """The pixels a line through ``points`` (n, 2) covers, every ``spacing`` pixels of it (a steep segment between two
    far-apart points crosses what lies between them), leaving out the breaks where a point is not finite."""
    points = np.clip(points, -1e4, 1e4)
    start, end = points[:-1], points[1:]
    drawn = np.all(np.isfinite(start), axis=1) & np.all(np.isfinite(end), axis=1)
    start, end = start[drawn], end[drawn]
    steps = np.maximum(1, np.ceil(np.hypot(*(end - start).T) / spacing)).astype(int)
    t = np.concatenate([np.arange(n) / n for n in steps]) if steps.size else np.zeros(0)
    origin = np.repeat(start, steps, axis=0)
    single = points[np.all(np.isfinite(points), axis=1)][-1:] if points.size else np.zeros((0, 2))
    return np.concatenate([origin + t[:, None] * np.repeat(end - start, steps, axis=0), single])


def thinned(ticks: list[tuple[float, str]], position: Callable[[float], float],
            room: Callable[[str], float]) -> list[tuple[float, str]]:
    """``ticks`` (value, label) without those whose labels would come too close to the last one kept: each needs
    ``room(label)`` pixels from the previous position (as ``position`` gives them, increasing)."""
    kept: list[tuple[float, str]] = []
    last, last_label = -np.inf, ""
    for value, label in ticks:
        where = position(value)
        if not kept or where - last >= (room(label) + room(last_label)) / 2:
            kept.append((value, label))
            last, last_label = where, label
    return kept


def text_width(words: str, size: float) -> float:
    """About how wide ``words`` are set at ``size`` pixels: wide (Hangul, CJK) characters take a whole em, others
    about 0.6 of one."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in words)


def text(x: float, y: float, words: str, *, size: float = FONT, fill: str = INK, anchor: str = "start",
         upwards: bool = False, weight: str = "") -> str:
    """``words`` at (x, y), vertically centred there, aligned by ``anchor``; ``upwards`` turns them to read bottom to
    top, as a y label does."""
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if upwards else ""
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" dy="0.35em" font-size="{size}" fill="{fill}" text-anchor="{anchor}"'
            f'{turn}{bold}>{escape(words)}</text>')


def marker(role: str, x: float, y: float, colour: str) -> str:
    """A marked point: a large disc on the reference's line, a smaller diamond on yours, so that both show where they
    meet."""
    if role == REFERENCE:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{colour}" stroke="{INK}" stroke-width="1"/>'
    return (f'<path d="M{x:.1f},{y - 4.5:.1f}L{x + 4.5:.1f},{y:.1f}L{x:.1f},{y + 4.5:.1f}L{x - 4.5:.1f},{y:.1f}Z" '
            f'fill="{colour}" stroke="{INK}" stroke-width="1"/>')


def marker_swatch(role: str, colour: str) -> Swatch:
    return lambda x, y: marker(role, x, y, colour)


def hollow_circle(x: float, y: float) -> str:
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.2" fill="none" stroke="{INK}" stroke-width="1.1"/>'


def line_swatch(style: str) -> Swatch:
    return lambda x, y: (f'<line x1="{x - 10:.1f}" y1="{y:.1f}" x2="{x + 10:.1f}" y2="{y:.1f}" {style} '
                         'stroke-linecap="round"/>')


def patch(colour: str, hatch: str = "") -> Swatch:
    def draw(x: float, y: float) -> str:
        rect = f'x="{x - 9:.1f}" y="{y - 5:.1f}" width="18" height="10"'
        return f'<rect {rect} fill="{colour}"/>' + (f'<rect {rect} fill="url(#{hatch})"/>' if hatch else "")
    return draw


def hatch_pattern(salt: str) -> str:
    """White diagonal lines, laid over a bar above the threshold."""
    return (f'<pattern id="{salt}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="white" stroke-width="1.6"/>'
            "</pattern>")

