"""Drawing a figure as SVG: inline in the HTML report, or a standalone document for a platform's image.

A figure (:mod:`grader.figures.model`) is a row of panels, each a set of axes with lines or bars. It is written
straight as SVG markup, in a few milliseconds and with nothing but numpy: the axes' scales and ticks come from
:mod:`grader.figures.scales`, the legend from :mod:`grader.figures.legend`, the look from
:mod:`grader.figures.style`, the markup's pieces from :mod:`grader.figures.svg`. The layout is fixed in pixels; text
is not measured, only estimated, since the browser sets it in its own fonts, Korean included. Text stays text, for
screen readers and search; the ``<svg>`` has a ``<title>``, and ids salted per figure, so no two figures of a page
share one.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import numpy as np

from grader.figures import legend
from grader.figures.model import REFERENCE, Figure, Line, Panel
from grader.figures.scales import Axis, drawable, forward, tick_label
from grader.figures.style import (
    AXIS_INK,
    GRID_STYLE,
    THRESHOLD_STYLE,
    TICK_INK,
    TICK_STYLE,
    bar_fills,
    colour_of,
    drawing_order,
    grouped,
    hatch_id,
    line_style,
)
from grader.figures.svg import (
    FONT,
    hatch_pattern,
    hollow_circle,
    line,
    marker,
    path_of,
    rect,
    text,
    text_block,
    text_width,
)
from grader.i18n import language, tr

FLOOR = 1e-17  # a relative error of 0 is drawn at this height of a log axis
ROTATE_TICKS = 6  # more bar labels than this are written upwards
MARKS = 15  # at most this many of the points where the curves differ are circled, spread evenly

# The layout, in pixels of the SVG's own coordinates (the page scales the picture to its column).
WIDTHS = {1: 620, 2: 1000}  # by the number of panels; more panels share WIDE
WIDE, HEIGHT = 1150, 340
LEFT, RIGHT, TOP, BOTTOM = 66, 14, 14, 46  # around the axes: tick labels and the axes' labels
TITLE_ROOM = 22  # above the axes, for panel titles
GAP, SHARED_GAP = 74, 22  # between two panels: room for the next one's y labels, or only ticks when y is shared
SMALL, BAR_LABEL = 12, 10.5  # font sizes: ticks, bar labels
TICK_GAP_X, TICK_GAP_Y = 8, 14  # the least room between two tick labels' edges (x) or centres (y)
TICK_BAND = 14  # below the x axis: its tick labels' row (more when written upwards, see rotated_room)
FIGURE_FONTS = "DejaVu Sans, Noto Sans, sans-serif"


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
            f'preserveAspectRatio="xMidYMid meet" font-family="{FIGURE_FONTS}" font-size="{FONT}">'
            f'<title id="{salt}-title">{escape(title)}</title>{body}</svg>')


def svg_data_url(figure: Figure, *, title: str) -> str:
    """``figure`` as a standalone SVG document in a ``data:`` URL, for a platform that shows pictures as images
    (PrairieLearn's ``images``): with its namespace and a size of its own, which an image needs."""
    width, height, body = layout(figure, "figure")
    document = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}" font-family="{FIGURE_FONTS}" font-size="{FONT}">'
                f"<title>{escape(title)}</title>{body}</svg>")
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

    @property
    def edges(self) -> tuple[float, float, float, float]:
        return self.x, self.y, self.right, self.bottom


def layout(figure: Figure, salt: str) -> tuple[int, int, str]:
    """The picture's width and height, and its markup: the panels side by side, then the legend that goes below
    them, if any (a bar figure's, or one a panel asks to have there). Two or more log panels share one y axis (its
    labels on the first only)."""
    panels = figure.panels
    if not panels:
        raise ValueError("a figure without panels")
    width = WIDTHS.get(len(panels), WIDE)
    below_index = next((i for i, p in enumerate(panels) if legend_below(p)), None)
    below = [] if below_index is None else legend.entries(panels[below_index], f"{salt}-{below_index}")
    below_columns = legend.columns_of(below, legend.BELOW_COLUMNS, width - 16)
    below_width, below_height = legend.size_of(below, below_columns)
    room_below = below_height + 4 if below else 0
    rotated = max(rotated_room(p) for p in panels)
    height = int(HEIGHT + rotated + room_below)
    boxes = panel_boxes(panels, width, height - rotated - room_below)
    x_axes, y_axes = axes_of(panels)
    shared = shares_y(panels)
    parts = ['<rect width="100%" height="100%" fill="white"/>']
    for i, (panel, box, x_axis, y_axis) in enumerate(zip(panels, boxes, x_axes, y_axes, strict=True)):
        parts.append(PanelDrawing(panel, box, x_axis, y_axis, f"{salt}-{i}").svg(
            y_labels=i == 0 or not shared, own_legend=not legend_below(panel)))
    if below:
        parts.append(legend.box(below, below_columns, (width - below_width) / 2, height - below_height - 2))
    return width, height, "".join(parts)


def legend_below(panel: Panel) -> bool:
    """Whether the panel's legend goes below the axes: when it asks (the curves leave no room inside), and for bars,
    whose panels side by side share it and whose tallest bars would be under it."""
    return panel.legend_below or panel.kind == "bars"


def shares_y(panels: list[Panel]) -> bool:
    return len(panels) > 1 and all(p.yscale == "log" for p in panels)


def panel_boxes(panels: list[Panel], width: float, bottom: float) -> list[Box]:
    """The axes of each panel, side by side between the margins, above ``bottom`` less the x axis' labels."""
    top = TOP + (TITLE_ROOM if any(p.title for p in panels) else 0)
    gap = SHARED_GAP if shares_y(panels) else GAP
    panel_width = (width - LEFT - RIGHT - gap * (len(panels) - 1)) / len(panels)
    return [Box(LEFT + i * (panel_width + gap), top, panel_width, bottom - top - BOTTOM) for i in range(len(panels))]


def axes_of(panels: list[Panel]) -> tuple[list[Axis], list[Axis]]:
    """Each panel's x and y axes. Log panels side by side share one y axis, spanning those that have data; a panel
    with nothing to draw (the student's code failed) takes the x axis of one that has, for comparison."""
    y_axes = [y_axis_of(p) for p in panels]
    if shares_y(panels):
        y_axes = [shared_log_axis(panels, y_axes)] * len(panels)
    x_axes = [x_axis_of(p) for p in panels]
    with_data = [axis for axis, p in zip(x_axes, panels, strict=True) if p.lines]
    x_axes = [axis if p.lines or not with_data else with_data[0] for axis, p in zip(x_axes, panels, strict=True)]
    return x_axes, y_axes


def shared_log_axis(panels: list[Panel], axes: list[Axis]) -> Axis:
    """One log axis for panels side by side: spanning those that have data, but as :func:`y_limits` does, by at most
    twice the reference's own span (in decades, and at least one) beyond it, so that a student's norms of 1e300 still
    leave the reference's shape visible."""
    spans = [a for a, p in zip(axes, panels, strict=True) if p.lines] or axes
    low, high = min(a.low for a in spans), max(a.high for a in spans)
    reference = np.concatenate([drawable(ln.y, "log") for p in panels for ln in p.lines if ln.role == REFERENCE]
                               or [np.zeros(0)])
    decades = forward("log", reference[np.isfinite(reference)])
    if decades.size:
        room = max(1.0, 2 * float(decades.max() - decades.min()))
        low, high = max(low, 10.0 ** (decades.min() - room)), min(high, 10.0 ** (decades.max() + room))
    return Axis("log", low, high)


def rotated_room(panel: Panel) -> float:
    """Room taken below a bar panel by its labels written upwards beyond that of a row of level labels (none when
    they are few and level)."""
    if panel.kind != "bars" or len(panel.ticks) <= ROTATE_TICKS:
        return 0.0
    return max(0.0, min(90.0, max(text_width(t, BAR_LABEL) for t in panel.ticks)) - TICK_BAND)


def x_axis_of(panel: Panel) -> Axis:
    """Bars: room for half a bar and a little more around them; lines: fitted to every line, point and mark."""
    xs = [ln.x for ln in panel.lines]
    if panel.kind == "bars":
        x = np.concatenate(xs) if xs else np.zeros(1)
        finite = x[np.isfinite(x)] if np.isfinite(x).any() else np.zeros(1)
        return Axis("linear", float(finite.min()) - 0.6 * bar_spacing(finite), float(finite.max())
                    + 0.6 * bar_spacing(finite))
    xs += [np.array([p.x for p in panel.points])] + ([panel.marks[0]] if panel.marks is not None else [])
    return Axis.fitted(panel.xscale, np.concatenate(xs))


def y_axis_of(panel: Panel) -> Axis:
    """Bars: from below the smallest error to just above the largest there can be (1). Lines on a linear axis:
    :func:`y_limits`. Otherwise fitted to every line, point and the threshold."""
    if panel.kind == "bars":
        heights = np.concatenate([bar_heights(ln) for ln in panel.lines] or [np.ones(1)])
        return Axis("log", min(1e-9, float(heights.min()) / 5), 2.0)
    if panel.yscale == "linear" and panel.lines:
        return Axis("linear", *y_limits(panel))
    ys = [drawable(ln.y, panel.yscale) for ln in panel.lines] + [np.array([p.y for p in panel.points])]
    ys += [np.array([panel.threshold])] if panel.threshold is not None else []
    return Axis.fitted(panel.yscale, np.concatenate(ys))


def y_limits(panel: Panel) -> tuple[float, float]:
    """The reference's range, widened to the student's values and the threshold but by at most twice its own height
    either way, so a student's curve that runs off to 1e300 still leaves the reference's shape visible; and at least
    a ten-thousandth of its values' size high, so that its tick labels stay short."""
    def finite(lines: list[Line]) -> np.ndarray:
        values = np.concatenate([ln.y for ln in lines] or [np.zeros(0)])
        values = values[np.isfinite(values)]
        return values if values.size else np.zeros(1)

    reference = finite([ln for ln in panel.lines if ln.role == REFERENCE])
    everything = finite(panel.lines)
    if panel.threshold is not None:
        everything = np.append(everything, panel.threshold)
    low, high = float(reference.min()), float(reference.max())
    span = (high - low) or 1.0
    low, high = max(float(everything.min()), low - 2 * span), min(float(everything.max()), high + 2 * span)
    least = 1e-4 * max(abs(low), abs(high))
    if high - low < least:
        middle = (low + high) / 2
        low, high = middle - least / 2, middle + least / 2
    pad = 0.06 * ((high - low) or 1.0)
    return low - pad, high + pad


def bar_heights(line: Line) -> np.ndarray:
    """A bar's height: its error, at least ``FLOOR`` (0 on a log axis), and 1 (the most there is) where it is not
    a number."""
    return np.clip(np.where(np.isfinite(line.y), line.y, 1.0), FLOOR, None)


def bar_spacing(x: np.ndarray) -> float:
    """The distance between neighbouring bars (1 for a single bar)."""
    steps = np.diff(np.unique(x))
    return float(steps.min()) if steps.size else 1.0


# -- one panel -------------------------------------------------------------------------------------------------------


class PanelDrawing:
    """One panel drawn in ``box``: grid, data (clipped to the box), axes, labels and, unless it goes below the
    panels, its legend."""

    def __init__(self, panel: Panel, box: Box, x_axis: Axis, y_axis: Axis, salt: str) -> None:
        self.panel, self.box, self.x_axis, self.y_axis, self.salt = panel, box, x_axis, y_axis, salt
        self.occupied: list[np.ndarray] = []  # the data's pixels, (n, 2): a legend goes where it covers fewest

    def px(self, x: np.ndarray) -> np.ndarray:
        return self.box.x + self.x_axis.fraction(x) * self.box.width

    def py(self, y: np.ndarray) -> np.ndarray:
        return self.box.bottom - self.y_axis.fraction(y) * self.box.height

    def x_px(self, x: float) -> float:
        return float(self.px(np.array([x]))[0])

    def y_px(self, y: float) -> float:
        return float(self.py(np.array([y]))[0])

    def svg(self, *, y_labels: bool, own_legend: bool) -> str:
        panel, box = self.panel, self.box
        clip = f"{self.salt}-clip"
        data = self.bars() if panel.kind == "bars" else self.lines()
        if panel.threshold is not None:
            data.append(self.threshold())
        hatch = hatch_pattern(hatch_id(self.salt)) if panel.kind == "bars" else ""
        parts = [f'<defs><clipPath id="{clip}">{rect(box.x, box.y, box.width, box.height, "black")}</clipPath>'
                 f"{hatch}</defs>", *self.grid_and_ticks(y_labels), f'<g clip-path="url(#{clip})">', *data, "</g>",
                 self.spines(), *self.labels(y_labels)]
        empty = "" if panel.lines else tr("report.figure.no_data")
        if panel.lines and not any(np.isfinite(drawable(ln.y, panel.yscale)).any() for ln in panel.lines):
            empty = tr("report.figure.nothing_drawable")  # a blank panel would say nothing of why
        if empty:
            middle = box.x + box.width / 2, box.y + box.height / 2
            parts.append(text_block(*middle, empty, box.width - 24, fill=AXIS_INK))
        if own_legend:
            parts.append(self.legend_inside())
        return "".join(parts)

    # -- data ------------------------------------------------------------------------------------------------------

    def lines(self) -> list[str]:
        """Each line coloured by its role (one group) or its group (several), the student's dashed and on top; the
        named points; the points where the curves differ circled (at most ``MARKS`` of those in view)."""
        panel = self.panel
        several = grouped(panel)
        parts = []
        for item in drawing_order(panel.lines):
            x, y = self.px(item.x), self.py(drawable(item.y, panel.yscale))
            self.occupied.append(np.column_stack([x, y]))
            parts.append(f'<path d="{path_of(x, y)}" fill="none" {line_style(item, several)} '
                         'stroke-linecap="round" stroke-linejoin="round"/>')
        for point in panel.points:
            parts.append(marker(point.role, self.x_px(point.x), self.y_px(point.y), colour_of(point, several)))
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
        return [hollow_circle(cx, cy) for cx, cy in zip(self.px(x[shown]), self.py(y[shown]), strict=True)]

    def threshold(self) -> str:
        assert self.panel.threshold is not None
        y = self.y_px(self.panel.threshold)
        self.occupied.append(np.array([[self.box.x, y], [self.box.right, y]]))
        return line(self.box.x, y, self.box.right, y, THRESHOLD_STYLE)

    def bars(self) -> list[str]:
        """One bar per element, vermillion and hatched above the threshold (or not a number), blue within it."""
        panel, parts = self.panel, []
        limit = panel.threshold if panel.threshold is not None else np.inf
        for item in panel.lines:
            heights, above = bar_heights(item), ~(item.y <= limit)
            half = 0.35 * bar_spacing(item.x)
            left, right = self.px(item.x - half), self.px(item.x + half)
            tops = np.maximum(self.py(heights), self.box.y - 2)
            for x0, x1, top, over in zip(left, right, tops, above, strict=True):
                parts += [rect(x0, top, x1 - x0, self.box.bottom - top, fill) for fill in bar_fills(over, self.salt)]
        return parts

    # -- axes ------------------------------------------------------------------------------------------------------

    def grid_and_ticks(self, y_labels: bool) -> list[str]:
        """Grid lines, tick marks and tick labels of both axes (a shared y axis' labels on its first panel only)."""
        box, panel, parts = self.box, self.panel, []
        grid, tick = GRID_STYLE, TICK_STYLE
        for value, label in self.y_ticks():
            y = self.y_px(value)
            parts += [line(box.x, y, box.right, y, grid), line(box.x - 4, y, box.x, y, tick)]
            if y_labels:
                parts.append(text(box.x - 7, y, label, size=SMALL, fill=TICK_INK, anchor="end"))
        upwards = panel.kind == "bars" and len(panel.ticks) > ROTATE_TICKS
        size = BAR_LABEL if panel.kind == "bars" else SMALL
        for value, label in self.x_ticks():
            x = self.x_px(value)
            if panel.kind != "bars":
                parts.append(line(x, box.y, x, box.bottom, grid))
            parts.append(line(x, box.bottom, x, box.bottom + 4, tick))
            if upwards:
                parts.append(text(x, box.bottom + 7, label, size=size, fill=TICK_INK, anchor="end", upwards=True))
            else:
                parts.append(text(x, box.bottom + 7 + size * 0.8, label, size=size, fill=TICK_INK, anchor="middle"))
        return parts

    def y_ticks(self) -> list[tuple[float, str]]:
        return thinned(labelled(self.y_axis), lambda t: -self.y_px(t), lambda label: TICK_GAP_Y)

    def x_ticks(self) -> list[tuple[float, str]]:
        """A bar panel's own labels, one per bar; else ticks of the axis (whole numbers for epochs and layers)."""
        panel = self.panel
        if panel.kind == "bars" and panel.lines and panel.ticks:
            return list(zip(panel.lines[0].x, panel.ticks, strict=True))
        whole = bool(panel.lines) and all(np.all(ln.x == np.round(ln.x)) for ln in panel.lines)
        return thinned(labelled(self.x_axis, integer=whole), self.x_px,
                       lambda label: text_width(label, SMALL) + TICK_GAP_X)

    def spines(self) -> str:
        box = self.box
        return (f'<path d="M{box.x:.1f},{box.y:.1f}V{box.bottom:.1f}H{box.right:.1f}" fill="none" '
                f'stroke="{AXIS_INK}" stroke-width="0.8"/>')

    def labels(self, y_labels: bool) -> list[str]:
        box, panel = self.box, self.panel
        below_ticks = box.bottom + 8 + TICK_BAND + rotated_room(panel)
        parts = [text(box.x + box.width / 2, below_ticks + 12, panel.xlabel, anchor="middle")]
        if y_labels and panel.ylabel:
            parts.append(text(box.x - LEFT + 14, box.y + box.height / 2, panel.ylabel, anchor="middle", upwards=True))
        if panel.title:
            parts.append(text(box.x + box.width / 2, box.y - 9, panel.title, size=FONT + 1, anchor="middle",
                              weight="bold"))
        return parts

    def legend_inside(self) -> str:
        """The legend in one column inside the axes, where it covers the fewest of the data's pixels."""
        named = legend.entries(self.panel, self.salt)
        if not named:
            return ""
        columns = legend.columns_of(named, 1, self.box.width)
        width, height = legend.size_of(named, columns)
        covered = [legend.along(points, self.box.edges) for points in self.occupied]
        left, top = legend.best_place(width, height, self.box.edges, np.concatenate(covered or [np.zeros((0, 2))]))
        return legend.box(named, columns, left, top)


def labelled(axis: Axis, *, integer: bool = False) -> list[tuple[float, str]]:
    """The axis' ticks with their labels, as many decimals as their spacing needs."""
    ticks = axis.ticks(integer=integer)
    step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
    return [(t, tick_label(t, axis.kind, step)) for t in ticks]


def thinned(ticks: list[tuple[float, str]], position: Callable[[float], float],
            room: Callable[[str], float]) -> list[tuple[float, str]]:
    """``ticks`` (value, label) without those whose labels would come too close to one kept: two need
    ``(room(a) + room(b)) / 2`` pixels between their positions. Those nearest 0 are kept first, so that the two sides
    of an axis around 0 (a symmetric-log one, say) are thinned alike."""
    kept: list[tuple[float, str, float]] = []
    for value, label in sorted(ticks, key=lambda tick: (abs(tick[0]), tick[0])):
        where = position(value)
        if all(abs(where - other) >= (room(label) + room(other_label)) / 2 for _, other_label, other in kept):
            kept.append((value, label, where))
    return [(value, label) for value, label, _ in sorted(kept)]

