"""The SVG pieces a figure is made of: paths, text, markers and legend samples, as markup strings.

Coordinates are pixels of the picture, y downwards. Every coordinate written is held within ``HELD`` of the
picture, so a student's value of 1e300 never becomes a 300-digit attribute (the axes clip what lies outside them);
a point without a position (NaN) is not drawn at all.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from html import escape

import numpy as np

from grader.figures.model import REFERENCE
from grader.figures.style import INK

FONT = 13  # the figure's text: axis labels and titles (ticks and legends are smaller)
HELD = 1e4  # no coordinate beyond +-HELD pixels

Swatch = Callable[[float, float], str]  # a legend entry's sample, drawn centred at (x, y)


def held(value: float) -> float:
    return min(max(value, -HELD), HELD)


def placed(x: float, y: float) -> bool:
    return math.isfinite(x) and math.isfinite(y)


def path_of(x: np.ndarray, y: np.ndarray) -> str:
    """An SVG path through the points (x[i], y[i]) (x, y: 1-d, of one length), broken where either is not finite."""
    x, y = np.clip(x, -HELD, HELD), np.clip(y, -HELD, HELD)
    finite = np.isfinite(x) & np.isfinite(y)
    commands, drawing = [], False
    for px, py, ok in zip(x, y, finite, strict=True):
        if ok:
            commands.append(f"{'L' if drawing else 'M'}{px:.1f},{py:.1f}")
        drawing = bool(ok)
    return "".join(commands) or "M0,0"


def text_width(words: str, size: float) -> float:
    """About how wide ``words`` are set at ``size`` pixels: wide (Hangul, CJK) characters take a whole em, others
    about 0.6 of one. An estimate: the browser sets the text in its own fonts."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in words)


def text(x: float, y: float, words: str, *, size: float = FONT, fill: str = INK, anchor: str = "start",
         upwards: bool = False, weight: str = "") -> str:
    """``words`` at (x, y), vertically centred there, aligned by ``anchor``; ``upwards`` turns them to read bottom to
    top, as a y label does."""
    x, y = held(x), held(y)
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if upwards else ""
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" dy="0.35em" font-size="{size}" fill="{fill}" text-anchor="{anchor}"'
            f'{turn}{bold}>{escape(words)}</text>')


def wrapped(words: str, size: float, width: float) -> list[str]:
    """``words`` broken at spaces into lines of at most ``width`` pixels each (as :func:`text_width` estimates; a
    single longer word stays whole)."""
    lines: list[str] = []
    for word in words.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def text_block(x: float, y: float, words: str, width: float, *, size: float = FONT, fill: str = INK) -> str:
    """``words`` wrapped to ``width`` pixels, each line centred on x, the block centred on y."""
    lines = wrapped(words, size, width)
    first = y - (len(lines) - 1) * size * 0.65
    return "".join(text(x, first + i * size * 1.3, ln, size=size, fill=fill, anchor="middle")
                   for i, ln in enumerate(lines))


def line(x1: float, y1: float, x2: float, y2: float, style: str) -> str:
    return f'<line x1="{held(x1):.1f}" y1="{held(y1):.1f}" x2="{held(x2):.1f}" y2="{held(y2):.1f}" {style}/>'


def rect(x: float, y: float, width: float, height: float, fill: str) -> str:
    return (f'<rect x="{held(x):.1f}" y="{held(y):.1f}" width="{max(0.0, width):.1f}" '
            f'height="{max(0.0, height):.1f}" fill="{fill}"/>')


def marker(role: str, x: float, y: float, colour: str) -> str:
    """A marked point: a large disc on the reference's line, a smaller diamond on yours, so that both show where they
    meet, and shape alone tells them apart."""
    if not placed(x, y):
        return ""
    x, y = held(x), held(y)
    if role == REFERENCE:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{colour}" stroke="{INK}" stroke-width="1"/>'
    return (f'<path d="M{x:.1f},{y - 4.5:.1f}L{x + 4.5:.1f},{y:.1f}L{x:.1f},{y + 4.5:.1f}L{x - 4.5:.1f},{y:.1f}Z" '
            f'fill="{colour}" stroke="{INK}" stroke-width="1"/>')


def hollow_circle(x: float, y: float) -> str:
    """A point where the student's curve differs from the reference's."""
    if not placed(x, y):
        return ""
    return f'<circle cx="{held(x):.1f}" cy="{held(y):.1f}" r="3.2" fill="none" stroke="{INK}" stroke-width="1.1"/>'


def marker_swatch(role: str, colour: str) -> Swatch:
    return lambda x, y: marker(role, x, y, colour)


def line_swatch(style: str) -> Swatch:
    return lambda x, y: line(x - 10, y, x + 10, y, f'{style} stroke-linecap="round"')


def patch_swatch(fills: list[str]) -> Swatch:
    """A bar's sample: its ``fills``, one over the other."""
    return lambda x, y: "".join(rect(x - 9, y - 5, 18, 10, fill) for fill in fills)


def hatch_pattern(pattern_id: str) -> str:
    """White diagonal lines, laid over a bar above the threshold (for readers who cannot tell its colour)."""
    return (f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="white" stroke-width="1.6"/>'
            "</pattern>")
