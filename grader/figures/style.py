"""How each thing in a figure looks: its colours, strokes and fills, in one place.

Colours are from the Okabe-Ito palette (distinguishable with any colour vision). Whose line it is never rests on
colour alone: the reference's line is a broad pale band, the student's a dashed line drawn on top of it, so a correct
curve runs inside the band; a bar above the tolerance is hatched as well as vermillion. Several quantities of one
panel (plain SGD and momentum, say) differ by colour, and the legend names each.
"""

from __future__ import annotations

from grader.figures.model import REFERENCE, STUDENT, Line, Panel, Point

BLUE, VERMILLION, GREEN, PURPLE, ORANGE = "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"
ROLE_COLOURS = {REFERENCE: BLUE, STUDENT: VERMILLION}
GROUP_COLOURS = (BLUE, GREEN, PURPLE, ORANGE)
INK, AXIS_INK, TICK_INK, GRID_INK = "#24292f", "#57606a", "#424a53", "#d8dee4"
DASH = "9 4.5"  # the student's lines
THRESHOLD_STYLE = f'stroke="{INK}" stroke-width="1.1" stroke-dasharray="4 3"'
GRID_STYLE = f'stroke="{GRID_INK}" stroke-width="0.6"'
TICK_STYLE = f'stroke="{TICK_INK}" stroke-width="0.8"'


def grouped(panel: Panel) -> bool:
    """Whether the panel shows several quantities (groups): then colour tells the groups apart, and the band and the
    dashes the roles."""
    return len({ln.group for ln in panel.lines}) > 1


def colour_of(item: Line | Point, several_groups: bool) -> str:
    """A line's (or a marked point's) colour: its group's when the panel holds several groups, else its role's."""
    return GROUP_COLOURS[item.group % len(GROUP_COLOURS)] if several_groups else ROLE_COLOURS[item.role]


def line_style(item: Line, several_groups: bool) -> str:
    """The reference's line a broad pale band, the student's a dashed line."""
    colour = colour_of(item, several_groups)
    if item.role == REFERENCE:
        return f'stroke="{colour}" stroke-width="4" stroke-opacity="0.45"'
    return f'stroke="{colour}" stroke-width="1.8" stroke-dasharray="{DASH}"'


def drawing_order(lines: list[Line]) -> list[Line]:
    """The reference's lines first, so the student's are drawn over them."""
    return sorted(lines, key=lambda ln: ln.role == STUDENT)


def hatch_id(salt: str) -> str:
    """The id of a panel's hatching pattern (its ids are salted with ``salt``)."""
    return f"{salt}-hatch"


def bar_fills(above: bool, salt: str) -> list[str]:
    """A bar's fills, one over the other: blue within the tolerance; vermillion and hatched above it (or where the
    error is not a number), so that no colour alone tells a failing bar."""
    return [VERMILLION, f"url(#{hatch_id(salt)})"] if above else [BLUE]
