"""Curves: the student's activation, derivative or loss over the reference's, on a range that shows the difference.

Activations and derivatives are elementwise, so one call on a grid of x gives the whole curve. A loss is a mean over
a batch, so its curve is one call per point: the loss of a single sample as the prediction varies over its
meaningful range with the target fixed (binary cross-entropy over p in [0, 1] for y = 0 and for y = 1, the
categorical ones over the probability given to the true class, regression losses over y_pred around y_true = 2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from grader import reference
from grader.compare import TOLERANCES, format_number
from grader.figures.asking import Asker, as_array, as_number, student_side
from grader.figures.model import REFERENCE, STUDENT, Figure, Line, Panel
from grader.figures.plan import Request
from grader.i18n import tr

WINDOW = 5.0  # an activation is drawn on [-WINDOW, WINDOW] unless it differs only further out
_FAR = np.geomspace(WINDOW, 1e4, 41)[1:]  # out to |x| = 1e4, where an overflow shows
PROBE = np.unique(np.concatenate([np.linspace(-WINDOW, WINDOW, 201), _FAR, -_FAR, [1e-9, -1e-9]]))
RTOL, ATOL = TOLERANCES[np.dtype(np.float64)]  # the value checks' own tolerances
LOSS_POINTS = 61


def activation_curve(request: Request, ask: Asker) -> Figure:
    """f(x) of the student and of the reference, f an activation or a derivative (``request.target``).

    x is probed on [-5, 5] in steps of 0.05 (0 included, and +-1e-9 beside the kink) and out to |x| = 1e4. The
    drawn range is [-5, 5] when the curves differ there or nowhere; otherwise it widens to every point where they
    differ, on a symmetric-log axis (linear within [-5, 5]).
    """
    name = request.target.rpartition(".")[2]
    figure = _figure(request)
    arguments, ylabel = CURVE_CALLS.get(name, (lambda x: (x,), f"{name}(x)"))
    answer = np.asarray(reference.call(request.target, *arguments(PROBE.copy())), dtype=np.float64)
    expected = first_column(answer)
    got = None
    with student_side(figure):
        got = first_column(as_array(ask.call(request.target, *arguments(PROBE.copy())), request.target, answer.shape))
    shown, scale = shown_range(PROBE, differs(got, expected) if got is not None else np.zeros(PROBE.shape, bool))
    panel = Panel("", "x", ylabel, xscale=scale)
    figure.panels.append(panel)
    add_pair(panel, PROBE[shown], expected[shown], None if got is None else got[shown])
    figure.summary = summarise(panel, lambda x, _: f"x = {format_number(x)}")
    return figure


# Functions of a whole row, drawn as one output while one input x varies: (the call's arguments for a column of x,
# the axis label). Softmax: the probability of class 0 among logits [x, 0, 1] (where a missing max shift overflows
# far out). Maxout with 2 units of 2 pieces, [x, -x, x/2, 1]: unit 0 is max(x, -x) = |x| when the groups are
# consecutive pieces, as the docstring says.
CURVE_CALLS: dict[str, tuple[Callable[[np.ndarray], tuple], str]] = {
    "softmax": (lambda x: (np.column_stack([x, np.zeros_like(x), np.ones_like(x)]),), "softmax([x, 0, 1])[0]"),
    "maxout": (lambda x: (np.column_stack([x, -x, x / 2, np.ones_like(x)]), 2), "maxout([x, -x, x/2, 1], 2)[0]"),
}


def first_column(values: np.ndarray) -> np.ndarray:
    """An elementwise function's values as they are; a row function's first output per row."""
    return values if values.ndim == 1 else values[:, 0]


@dataclass(frozen=True)
class LossRange:
    """Where a loss is drawn: ``points`` of the prediction, and per target a function point -> (y_true, y_pred)."""

    xlabel: str
    points: np.ndarray
    targets: list[tuple[str, Callable[[float], tuple[np.ndarray, np.ndarray]]]]


def _one_sample_against(y_true: float) -> Callable[[float], tuple[np.ndarray, np.ndarray]]:
    """The target function for the prediction ``p`` of one sample whose label is ``y_true``."""
    return lambda p: (np.array([y_true]), np.array([p]))


def loss_range(name: str) -> LossRange:
    """The meaningful range of the loss ``name`` for one sample (see the module docstring)."""
    probabilities = np.linspace(0.0, 1.0, LOSS_POINTS)  # 0 and 1 included: where a missing clip shows
    if name == "binary_crossentropy":
        return LossRange("p = y_pred", probabilities, [
            (f"y_true = {y:g}", _one_sample_against(y)) for y in (0.0, 1.0)])
    if name in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        label = np.array([0]) if name.startswith("sparse") else np.array([[1.0, 0.0, 0.0]])
        return LossRange(tr("report.axis.true_class"), probabilities, [
            (f"y_true = {label.tolist()}", lambda p: (label, np.array([[p, (1 - p) / 2, (1 - p) / 2]])))])
    low = -1.0 if name == "mean_squared_logarithmic_error" else -2.0  # MSLE clips negative predictions
    return LossRange("y_pred", np.linspace(low, 6.0, LOSS_POINTS), [
        ("y_true = 2", lambda p: (np.array([2.0]), np.array([p])))])


def loss_curve(request: Request, ask: Asker) -> Figure:
    """The loss of one sample, student's and reference's, over ``loss_range`` (one call per point and target)."""
    name = request.target.rpartition(".")[2]
    figure = _figure(request)
    where = loss_range(name)
    panel = Panel("", where.xlabel, name)
    figure.panels.append(panel)
    for group, (label, sample) in enumerate(where.targets):
        expected = np.array([float(reference.call(request.target, *sample(p))) for p in where.points])
        got = None
        with student_side(figure):
            got = np.array([as_number(ask.call(request.target, *sample(p)), request.target) for p in where.points])
        add_pair(panel, where.points, expected, got, group=group, qualifier=label if len(where.targets) > 1 else "")
        if figure.problem:  # the student's side failed (student_side said why): not asked again for the next target
            break
    if len(where.targets) == 1:
        panel.title = where.targets[0][0]
    figure.summary = summarise(panel, lambda x, group: f"{where.xlabel} = {format_number(x)}"
                               + (f" ({where.targets[group][0]})" if len(where.targets) > 1 else ""))
    return figure


def differs(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Where the student's values are not the reference's, with the value checks' tolerances; a NaN or an infinity
    the reference does not have counts as different."""
    with np.errstate(invalid="ignore", over="ignore"):
        return ~np.isclose(got, expected, rtol=RTOL, atol=ATOL, equal_nan=True)


def shown_range(x: np.ndarray, differing: np.ndarray) -> tuple[np.ndarray, str]:
    """Which probed points to draw, and the x scale (see ``activation_curve``)."""
    far = x[differing]
    if far.size == 0 or np.any(np.abs(far) <= WINDOW):
        return np.abs(x) <= WINDOW, "linear"
    low, high = min(-WINDOW, far.min()), max(WINDOW, far.max())
    return (x >= low) & (x <= high), "symlog"


def add_pair(panel: Panel, x: np.ndarray, expected: np.ndarray, got: np.ndarray | None, *, group: int = 0,
             qualifier: str = "") -> None:
    """The reference's line, the student's (when there is one) and the points where they differ."""
    suffix = f", {qualifier}" if qualifier else ""
    panel.lines.append(Line(tr("report.series.reference") + suffix, x, expected, REFERENCE, group))
    if got is None:
        return
    panel.lines.append(Line(tr("report.series.student") + suffix, x, got, STUDENT, group))
    bad = differs(got, expected)
    if bad.any():
        marks_x, marks_y = x[bad], np.where(np.isfinite(got[bad]), got[bad], expected[bad])
        if panel.marks is not None:
            marks_x, marks_y = np.concatenate([panel.marks[0], marks_x]), np.concatenate([panel.marks[1], marks_y])
        panel.marks = (marks_x, marks_y)


def summarise(panel: Panel, where: Callable[[float, int], str]) -> str:
    """One sentence: how many drawn points differ and the worst of them, or that the curves agree everywhere."""
    pairs = []
    for group in sorted({ln.group for ln in panel.lines}):
        e, g = panel.line(REFERENCE, group), panel.line(STUDENT, group)
        if e is not None and g is not None:
            pairs.append((group, e, g))
    if not pairs:
        return ""
    total = sum(e.x.size for _, e, _ in pairs)
    worst, count = None, 0
    for group, e, g in pairs:
        bad = differs(g.y, e.y)
        count += int(bad.sum())
        with np.errstate(invalid="ignore", over="ignore"):
            excess = np.where(np.isfinite(g.y), np.abs(g.y - e.y), np.inf)
        excess[~bad] = -1.0
        i = int(np.argmax(excess))
        if bad.any() and (worst is None or excess[i] > worst[0]):
            worst = (excess[i], where(float(e.x[i]), group), e.y[i], g.y[i])
    if worst is None:
        return tr("report.summary.curve_matches", total=total)
    return tr("report.summary.curve_differs", count=count, total=total, where=worst[1],
              expected=format_number(worst[2]), got=format_number(worst[3]))


def _figure(request: Request) -> Figure:
    return Figure(request.id, request.part, request.kind, request.target, [c.id for c in request.checks])
