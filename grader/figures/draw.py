"""Drawing a figure as inline SVG with matplotlib, the optional extra ``nn-grader[plots]``.

No display and no pyplot: a ``matplotlib.figure.Figure`` is drawn straight onto an SVG canvas, so nothing global
changes and no window system is needed. Text stays text (``svg.fonttype: none``): the browser sets it in its own
fonts, Korean included, and the file stays small. The SVG is then made fit for inlining: no XML prolog, doctype or
namespace URLs, a size that follows its container, a ``<title>`` for screen readers, and ids salted per figure so
that no two figures of one page share an id.

Colours are from the Okabe-Ito palette (distinguishable with any colour vision), and the student's lines are also
dashed, so no distinction rests on colour alone.
"""

from __future__ import annotations

import importlib.util
import io
import re
import warnings
from dataclasses import dataclass
from html import escape
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from grader.figures.model import REFERENCE, STUDENT, Figure, Line, Panel, Point
from grader.i18n import language, tr

if TYPE_CHECKING:  # matplotlib is the optional extra nn-grader[plots]: imported where a figure is drawn
    from matplotlib.typing import RcKeyType

ROLE_COLOURS = {REFERENCE: "#0072B2", STUDENT: "#D55E00"}  # blue, vermillion
GROUP_COLOURS = ("#0072B2", "#009E73", "#CC79A7", "#E69F00")  # blue, green, purple, orange
DASHES = {REFERENCE: "solid", STUDENT: (0, (5, 2.5))}
# A marked point: a large disc on the reference's line, a smaller diamond on yours, so that both show where they meet.
POINT_SHAPES, POINT_SIZES = {REFERENCE: "o", STUDENT: "D"}, {REFERENCE: 110, STUDENT: 40}
FLOOR = 1e-17  # a relative error of 0 is drawn at this height of a log axis
ROTATE_TICKS = 6  # more bar labels than this are written upwards
BELOW = 0.55  # inches added under the axes for a legend drawn below them (two rows)
MARKS = 15  # at most this many of the points where the curves differ are circled, spread evenly
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9.5,
    "axes.titlesize": 10,
    "axes.labelsize": 9.5,
    "axes.edgecolor": "#57606a",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#d8dee4",
    "grid.linewidth": 0.6,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "xtick.color": "#424a53",
    "ytick.color": "#424a53",
}


def plotting_available() -> bool:
    """Whether matplotlib is installed (the extra ``nn-grader[plots]``): found, not imported, since importing it
    takes a fifth of a second that a report drawn in another process (``grader.figures.drawer``) does not need."""
    return importlib.util.find_spec("matplotlib") is not None


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
    """``figure`` as an inline ``<svg>`` element titled ``title``; ``salt`` makes its ids unique in the page."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    out = io.StringIO()
    save(figure, FigureCanvasSVG, out, {"svg.hashsalt": salt}, format="svg",
         metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return inline(out.getvalue(), title, f"{salt}-title")


def png_of(figure: Figure, *, dpi: int = 60) -> bytes:
    """``figure`` as a PNG image, for a platform that takes pictures but no SVG (PrairieLearn's ``images``); a low
    ``dpi`` keeps it small, since such a platform caps the size of its results."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    out = io.BytesIO()
    save(figure, FigureCanvasAgg, out, {}, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()


def save(figure: Figure, backend: Any, out: IO[Any], style: dict[RcKeyType, Any], **options: Any) -> None:
    """Draw ``figure``'s panels on a canvas of class ``backend`` and save it to ``out`` (``options`` go to
    ``savefig``), all within the house style updated with ``style`` (some settings are read only when saving)."""
    import matplotlib
    from matplotlib.figure import Figure as Canvas

    below = BELOW if any(p.legend_below for p in figure.panels) else 0.0
    width, height = {1: 6.2, 2: 10.0}.get(len(figure.panels), 11.5), 3.5 + below
    with matplotlib.rc_context({**STYLE, **style}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from font")  # Hangul: the browser draws it
        canvas = Canvas(figsize=(width, height))
        backend(canvas)
        share = len({p.yscale for p in figure.panels}) == 1 and figure.panels[0].yscale == "log"
        axes = canvas.subplots(1, len(figure.panels), sharey=share, squeeze=False)[0]
        for i, (ax, panel) in enumerate(zip(axes, figure.panels, strict=True)):
            draw_panel(ax, panel, first=i == 0 or not share)
        # Fixed margins in inches rather than a layout engine, which would draw every figure twice to measure it.
        rotated = any(len(p.ticks) > ROTATE_TICKS for p in figure.panels)
        top = 0.38 if any(p.title for p in figure.panels) else 0.15
        canvas.subplots_adjust(left=0.8 / width, right=1 - 0.15 / width, top=1 - top / height,
                               bottom=((1.0 if rotated else 0.6) + below) / height, wspace=0.1 if share else 0.3)
        canvas.savefig(out, **options)


def draw_panel(ax: Any, panel: Panel, *, first: bool = True) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

    extra = (draw_bars if panel.kind == "bars" else draw_lines)(ax, panel)
    if panel.threshold is not None:
        ax.axhline(panel.threshold, color="#24292f", linewidth=1.1, linestyle=(0, (4, 3)),
                   label=panel.threshold_label, zorder=4)
    if panel.xscale == "symlog":
        ax.set_xscale("symlog", linthresh=5.0)
    ax.set_yscale(panel.yscale)
    if panel.yscale == "log":  # plain labels: matplotlib's 10^n is typeset as mathtext, which is slow
        ax.yaxis.set_major_formatter(FuncFormatter(power_of_ten))
        # No minor ticks: over these many decades no reader tells them apart at this size (the grid marks the
        # decades), and their hundreds of tick objects took half the drawing of a figure and of its SVG
        ax.yaxis.set_minor_locator(NullLocator())
    if panel.kind == "bars":  # the axis runs past 1 only to make room for the legend: a relative error is <= 1
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, p: "" if v > 1 else power_of_ten(v, p)))
    ax.set_title(panel.title)
    ax.set_xlabel(panel.xlabel)
    if first:  # panels side by side share the first one's y label
        ax.set_ylabel(panel.ylabel)
    if panel.kind == "lines" and panel.lines and all(np.all(ln.x == np.round(ln.x)) for ln in panel.lines):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs and layers are counted, not measured
    if not panel.lines:
        ax.text(0.5, 0.5, tr("report.figure.no_data"), transform=ax.transAxes, ha="center", va="center",
                color="#57606a")
    handles = ax.get_legend_handles_labels()[0] + extra
    if handles:
        if panel.legend_below:  # the figure's bottom strip (see save), in rows of up to three entries
            ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0),
                      bbox_transform=ax.figure.transFigure, ncols=min(3, len(handles)))
        else:
            ax.legend(handles=handles, loc="upper center" if panel.kind == "bars" else "best",
                      ncols=len(handles) if panel.kind == "bars" else 1)


def draw_lines(ax: Any, panel: Panel) -> list:
    """Each line coloured by its role (one group) or its group (several), the student's dashed and on top."""
    grouped = len({ln.group for ln in panel.lines}) > 1
    for line in sorted(panel.lines, key=lambda ln: ln.role == STUDENT):
        reference = line.role == REFERENCE  # a broad pale band, so the student's dashes stay visible on top of it
        ax.plot(line.x, drawable(line.y, panel.yscale), color=colour_of(line, grouped), linestyle=DASHES[line.role],
                linewidth=4.0 if reference else 1.8, alpha=0.45 if reference else 1.0, label=line.label,
                zorder=2 if reference else 3, solid_capstyle="round")
    for point in panel.points:  # in its line's colour, and shaped by whose it is, so shape alone tells them apart
        ax.scatter([point.x], [point.y], s=POINT_SIZES[point.role], marker=POINT_SHAPES[point.role],
                   color=colour_of(point, grouped), edgecolors="#24292f", linewidths=1.0, label=point.label, zorder=6)
    low, high = y_limits(panel) if panel.yscale == "linear" and panel.lines else (-np.inf, np.inf)
    if panel.marks is not None:
        x, y = panel.marks
        inside = (y >= low) & (y <= high)  # circle only what is in view, and at most MARKS of it
        x, y = x[inside], y[inside]
        shown = np.unique(np.linspace(0, x.size - 1, min(x.size, MARKS)).astype(int))  # none when x is empty
        ax.scatter(x[shown], y[shown], s=34, facecolors="none", edgecolors="#24292f", linewidths=1.1,
                   label=tr("report.series.differs"), zorder=5)
    if np.isfinite(low):
        ax.set_ylim(low, high)
    return []


def colour_of(item: Line | Point, grouped: bool) -> str:
    """A line's (or a marked point's) colour: its group's when the panel holds several groups, else its role's."""
    return GROUP_COLOURS[item.group % len(GROUP_COLOURS)] if grouped else ROLE_COLOURS[item.role]


def draw_bars(ax: Any, panel: Panel) -> list:
    """One bar per element, vermillion and hatched above the threshold, blue within it; returns the legend's
    entries for the two kinds of bar."""
    from matplotlib.patches import Patch

    for line in panel.lines:
        heights = np.clip(np.where(np.isfinite(line.y), line.y, 1.0), FLOOR, None)
        above = line.y > (panel.threshold if panel.threshold is not None else np.inf)
        width = 0.7 * (float(np.min(np.diff(line.x))) if line.x.size > 1 else 1.0)
        ax.bar(line.x, heights, width=width, color=np.where(above, ROLE_COLOURS[STUDENT], ROLE_COLOURS[REFERENCE]),
               zorder=3)
        ax.bar(line.x[above], heights[above], width=width, color="none", edgecolor="white", hatch="///",
               linewidth=0, zorder=3)  # the failing bars hatched too, for readers who cannot tell the colours apart
        ax.set_ylim(min(1e-9, heights.min() / 5), 1e4)  # room above the largest error (1) for the legend
    if panel.ticks:
        ax.set_xticks(panel.lines[0].x if panel.lines else [], panel.ticks,
                      rotation=90 if len(panel.ticks) > ROTATE_TICKS else 0, fontsize=7.5)
    return [Patch(color=ROLE_COLOURS[REFERENCE], label=tr("report.series.within")),
            Patch(facecolor=ROLE_COLOURS[STUDENT], hatch="///", edgecolor="white", label=tr("report.series.above"))]


def power_of_ten(value: float, _position: int) -> str:
    """A log axis' label: 0.01 to 100 as they are, the rest as 1e-5."""
    return f"{value:g}" if 0.01 <= value <= 100 else f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e")


def drawable(y: np.ndarray, scale: str) -> np.ndarray:
    """``y`` with what cannot be drawn (NaN, infinities, and values <= 0 on a log axis) left out of the line."""
    keep = np.isfinite(y) & ((y > 0) if scale == "log" else True)
    return np.where(keep, y, np.nan)


def y_limits(panel: Panel) -> tuple[float, float]:
    """The reference's range, widened to the student's values but by at most twice its own height either way, so
    a student's curve that runs off to 1e300 still leaves the reference's shape visible."""
    reference = np.concatenate([ln.y[np.isfinite(ln.y)] for ln in panel.lines if ln.role == REFERENCE] or [[0.0]])
    everything = np.concatenate([ln.y[np.isfinite(ln.y)] for ln in panel.lines] or [[0.0]])
    low, high = float(reference.min()), float(reference.max())
    span = (high - low) or 1.0
    low, high = max(float(everything.min()), low - 2 * span), min(float(everything.max()), high + 2 * span)
    pad = 0.06 * ((high - low) or 1.0)
    return low - pad, high + pad


def inline(svg: str, title: str, title_id: str) -> str:
    """matplotlib's SVG document as an element for an HTML page (see the module docstring)."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)  # namespace names are URLs; HTML's parser needs none
    svg = re.sub(r'\s+(width|height)="[\d.]+pt"', "", svg, count=2)  # the viewBox keeps the proportions
    prefix = title_id.removesuffix("-title")  # matplotlib names its groups figure_1, axes_1, ... in every figure
    svg = re.sub(r'(\bid="|href="#|url\(#)', rf"\1{prefix}-", svg)
    opening = svg.index(">") + 1
    return (f'{svg[:opening - 1]} role="img" aria-labelledby="{title_id}" preserveAspectRatio="xMidYMid meet">'
            f'<title id="{title_id}">{escape(title)}</title>{svg[opening:]}')
