"""Gradient-check errors: the relative error of each element of the student's gradient against central differences.

The measure and the tolerance are the hidden checks' own (``grader.gradcheck``): |a - n| / max(|a| + |n|, 1e-8) per
element, n from central differences of the reference's forward function in float64, a check passing below 1e-5.
The inputs are small, drawn from the run's seed and kept away from kinks: a derivative on 16 points of [-3.75, 3.75]
(drawn over x), a loss gradient on a (4, 3) batch and the dense layer's on x (5, 4), W (4, 3), b (3,) (drawn per
element, labelled by index).
"""

from __future__ import annotations

import numpy as np

from grader import reference
from grader.compare import format_index, format_number
from grader.figures.asking import Asker, Unusable, as_array, student_side
from grader.figures.model import STUDENT, Figure, Line, Panel
from grader.figures.plan import Request
from grader.gradcheck import GRADIENT_TOLERANCE, elementwise_derivative, reference_gradient, relative_error
from grader.i18n import tr
from grader.inputs import Inputs

DERIVATIVE_POINTS = np.linspace(-3.75, 3.75, 16)  # 0, the kink of ReLU and its kin, is not among them
BATCH = (4, 3)
DENSE = {"x": (5, 4), "W": (4, 3), "b": (3,)}  # batch, inputs and units all different, as in the hidden checks


def gradient_errors(request: Request, ask: Asker, seed: int) -> Figure:
    """The per-element error figure of ``request.target`` (a derivative, a loss gradient or dense_backward)."""
    figure = Figure(request.id, request.part, request.kind, request.target, [c.id for c in request.checks])
    inputs = Inputs(np.random.default_rng(seed))
    if request.target == "layers.dense_backward":
        _dense_backward(figure, ask, inputs)
    elif request.target.startswith("activations."):
        _derivative(figure, ask)
    else:
        _loss_gradient(figure, ask, inputs, dict(request.options))
    figure.summary = summarise(figure)
    return figure


def _derivative(figure: Figure, ask: Asker) -> None:
    x = DERIVATIVE_POINTS.copy()
    numeric = elementwise_derivative(reference.resolve(figure.target.removesuffix("_grad")), x)
    panel = _panel(figure, "", "x")
    with student_side(figure):
        got = as_array(ask.call(figure.target, x.copy()), figure.target, x.shape)
        panel.lines.append(Line(tr("report.series.student"), x, errors_of(got, numeric), STUDENT))


def _loss_gradient(figure: Figure, ask: Asker, inputs: Inputs, options: dict) -> None:
    loss_name = figure.target.removesuffix("_grad")
    y_true, y_pred = loss_batch(inputs, loss_name.rpartition(".")[2], bool(options.get("from_logits")))
    numeric = reference_gradient(loss_name, (y_true, y_pred), 1, kwargs=options)
    panel = _panel(figure, "", tr("report.axis.element", name="y_pred"))
    with student_side(figure):
        got = as_array(ask.call(figure.target, y_true, y_pred, **options), figure.target, y_pred.shape)
        _add_elements(panel, errors_of(got, numeric))


def _dense_backward(figure: Figure, ask: Asker, inputs: Inputs) -> None:
    x, W, b = (inputs.normal(*shape) for shape in DENSE.values())
    grad_out = inputs.upstream(DENSE["x"][0], DENSE["W"][1])
    # L = sum((x @ W + b) * grad_out) is linear in each argument: a step of 1 is exact (as in the hidden checks).
    numerics = [reference_gradient("layers.dense_forward", (x, W, b), i, upstream=grad_out, h=1.0) for i in range(3)]
    panels = [_panel(figure, f"grad_{name} (dL/d{name})", tr("report.axis.element", name=name)) for name in DENSE]
    with student_side(figure):
        got = ask.call(figure.target, grad_out, x, W)
        if not isinstance(got, tuple) or len(got) != 3:
            raise Unusable(tr("report.problem.not_tuple", target=figure.target, n=3))
        for panel, value, numeric, name in zip(panels, got, numerics, DENSE, strict=True):
            _add_elements(panel, errors_of(as_array(value, f"{figure.target}: grad_{name}", numeric.shape), numeric))


def loss_batch(inputs: Inputs, name: str, from_logits: bool) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, y_pred) of shape ``BATCH`` where the loss ``name`` is smooth (no exact hits, no clipping)."""
    if name == "mean_squared_logarithmic_error":
        y_true = inputs.positive(*BATCH, low=0.1, high=5.0)
        return y_true, y_true * np.exp(inputs.away_from(*BATCH, margin=0.05, scale=0.5))
    if not name.endswith("crossentropy"):
        y_true = inputs.away_from(*BATCH, margin=0.25)
        return y_true, y_true + inputs.away_from(*BATCH, margin=0.05, scale=1.0)
    if name == "binary_crossentropy":
        y_true = inputs.binary(*BATCH)
    elif name == "categorical_crossentropy":
        y_true = inputs.one_hot(*BATCH)
    else:  # sparse: integer labels (N,)
        y_true = inputs.labels(*BATCH)
    return y_true, inputs.normal(*BATCH) if from_logits else inputs.probability(*BATCH)


def errors_of(got: np.ndarray, numeric: np.ndarray) -> np.ndarray:
    """The per-element relative error, infinite where the student's gradient is NaN or infinite (as the checks
    count it)."""
    with np.errstate(invalid="ignore", over="ignore"):
        error = relative_error(got, numeric)
    error[~np.isfinite(got)] = np.inf
    return error


def summarise(figure: Figure) -> str:
    """How many elements are above the tolerance, and the worst one (its panel and index)."""
    errors = [(p, ln) for p in figure.panels for ln in p.lines]
    if not errors:
        return ""
    total = sum(ln.y.size for _, ln in errors)
    count = sum(int(np.sum(ln.y > GRADIENT_TOLERANCE)) for _, ln in errors)
    if not count:
        return tr("report.summary.gradient_ok", total=total, tolerance=f"{GRADIENT_TOLERANCE:g}")
    panel, line = max(errors, key=lambda pl: float(pl[1].y.max()))
    i = int(np.argmax(line.y))
    where = panel.ticks[i] if panel.ticks else f"x = {format_number(float(line.x[i]))}"
    return tr("report.summary.gradient", count=count, total=total, tolerance=f"{GRADIENT_TOLERANCE:g}",
              where=f"{panel.title} {where}".strip(), error=f"{float(line.y[i]):.3g}")


def _panel(figure: Figure, title: str, xlabel: str) -> Panel:
    panel = Panel(title, xlabel, tr("report.axis.relative_error"), kind="bars", yscale="log",
                  threshold=GRADIENT_TOLERANCE,
                  threshold_label=tr("report.series.tolerance", tolerance=f"{GRADIENT_TOLERANCE:g}"))
    figure.panels.append(panel)
    return panel


def _add_elements(panel: Panel, error: np.ndarray) -> None:
    """One bar per element of ``error``, labelled by its index."""
    panel.ticks = [format_index(np.unravel_index(i, error.shape)) for i in range(error.size)]
    panel.lines.append(Line(tr("report.series.student"), np.arange(error.size, dtype=np.float64),
                            error.reshape(-1), STUDENT))
