"""The three training pictures, computed from the student's own code beside the reference's.

- The capstone: the student's ``fit`` trains their MLP with their SGD on the XOR blobs, once with plain SGD and once
  with momentum, both from the reference's initial weights; the loss per epoch, with the reference's two runs.
- Overfitting: the student's ``fit`` trains their over-large MLP (``training.OVERFITTING``) on 16 noisy XOR samples
  with ``validation_data`` of 200 fresh ones, from the reference's initial weights: the very run the validation
  checks judged, kept by the grade (run here only when none was kept); the training and the validation
  loss per epoch over the reference's, each validation minimum marked. The training loss keeps falling while the
  validation loss, after its minimum, rises again. A fit that ignores ``validation_data`` still has its training
  loss drawn, and the figure says why its validation loss is missing.
- Vanishing gradients: a stack of ``DEPTH`` dense layers of ``WIDTH`` units, all sigmoid or all ReLU, on the same
  Glorot-uniform weights; the loss L = sum(a_L * g) for a random upstream g is backpropagated with the student's
  dense_backward and activation derivatives, and ||dL/dW_i|| is drawn per layer on a log scale. Each sigmoid
  layer multiplies the gradient by sigmoid'(z) <= 0.25, so the first layer's norm is orders of magnitude below
  ReLU's. ReLU eases the vanishing, it does not abolish it: its slope is 1 only on active units, and the weights
  still scale the gradient.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from grader import reference
from grader.compare import describe_value, format_number
from grader.figures.asking import Asker, Unusable, as_array, student_side
from grader.figures.model import DEPTH, REFERENCE, STUDENT, WIDTH, Figure, Line, Panel, Point
from grader.figures.plan import Request
from grader.i18n import tr
from grader.sandbox.client import PendingCall

FIT_SECONDS = 10.0  # one whole training run in one call; the reference's takes a few hundredths of a second
BATCH = 16
STACKS = ("sigmoid", "relu")
TRAINING_LOSS, VALIDATION_LOSS = 0, 1  # the overfitting panel's two groups
NOT_KEPT = object()  # overfitting_curves: the grade left no run to draw (any reply, None too, is one)


def capstone_curves(request: Request, ask: Asker, seed: int = 0) -> Figure:
    """The capstone's loss per epoch, plain SGD (group 0) and momentum (group 1), the student's and the reference's."""
    settings = reference.resolve("training.CAPSTONE")
    figure = Figure(request.id, request.part, request.kind, request.target, [c.id for c in request.checks])
    panel = Panel("", tr("report.axis.epoch"), tr("report.axis.loss"), threshold=settings["target_loss"],
                  threshold_label=tr("report.series.target_loss", loss=f"{settings['target_loss']:g}"))
    figure.panels.append(panel)
    epochs = np.arange(1, settings["epochs"] + 1, dtype=np.float64)
    runs = [(0.0, tr("report.series.plain_sgd")),
            (settings["momentum"], tr("report.series.momentum", momentum=f"{settings['momentum']:g}"))]

    def reference_run(momentum: float) -> dict:  # remembered: asked again below, it is not trained again
        return reference.remembered("training.run_capstone", momentum, seed)

    x, y = reference.call("training.capstone_data")
    students: list[np.ndarray] = []
    with student_side(figure):
        for momentum, _ in runs:
            fitting = start_students_fit(ask, settings, momentum, seed, x, y)
            reply, _ = fitting.meanwhile(functools.partial(reference_run, momentum))  # trained meanwhile
            students.append(as_history(reply, settings["epochs"]))
    for group, (momentum, label) in enumerate(runs):
        panel.lines.append(Line(f"{tr('report.series.reference')}, {label}", epochs,
                                np.array(reference_run(momentum)["history"]), REFERENCE, group))
    for group, ((_, label), history) in enumerate(zip(runs[:len(students)], students, strict=True)):  # those given
        panel.lines.append(Line(f"{tr('report.series.student')}, {label}", epochs, history, STUDENT, group))
    figure.summary = _capstone_summary(panel, settings["target_loss"])
    return figure


def start_students_fit(ask: Asker, settings: dict, momentum: float, seed: int, x: np.ndarray, y: np.ndarray,
                       **options: Any) -> PendingCall:
    """The student's fit of their MLP as ``settings`` describe it, from the initial weights the reference's own runs
    (``training.run_capstone``, ``training.run_overfitting``) start from with ``seed``, with their SGD on (x, y),
    sent without waiting: the reference trains meanwhile. Its answer is fit's reply as it is (``options`` go to fit,
    e.g. ``validation_data``)."""
    start = reference.resolve("network.MLP")(settings["layer_sizes"], hidden_activation=settings["hidden_activation"],
                                             output_activation=settings["output_activation"], seed=seed).params
    model = ask.new("network.MLP", settings["layer_sizes"], hidden_activation=settings["hidden_activation"],
                    output_activation=settings["output_activation"], seed=seed)
    model.set("params", start)
    optimizer = ask.new("optimizers.SGD", learning_rate=settings["learning_rate"], momentum=momentum)
    return ask.start("training.fit", model, x, y, settings["loss"], optimizer, settings["epochs"],
                     settings["batch_size"], seed, timeout=FIT_SECONDS, **options)


def as_history(value: Any, epochs: int) -> np.ndarray:
    """fit's reply as ``epochs`` finite floats; ``Unusable`` for anything else."""
    history = None
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.dtype.kind in "iuf"):
        try:
            history = np.array(value, dtype=np.float64)
        except (TypeError, ValueError):  # an element that is not a number
            pass
    if history is None or history.shape != (epochs,) or not np.all(np.isfinite(history)):
        raise Unusable(tr("report.problem.history", got=describe_value(value), epochs=epochs))
    return history


def overfitting_curves(request: Request, ask: Asker, seed: int, judged: Any) -> Figure:
    """Training loss (group 0) and validation loss (group 1) per epoch of OVERFITTING's run with ``seed``, the
    student's over the reference's, the lowest validation loss of each marked (see the module docstring). ``judged``:
    the reply of the student's fit in the run the validation checks judged with that seed, drawn as it is; without
    it (``NOT_KEPT``) the student's fit runs here."""
    settings = reference.resolve("training.OVERFITTING")
    x, y, x_val, y_val = reference.call("training.overfitting_data")
    figure = Figure(request.id, request.part, request.kind, request.target, [c.id for c in request.checks])
    panel = Panel("", tr("report.axis.epoch"), tr("report.axis.mean_loss"), legend_below=True)  # six entries
    figure.panels.append(panel)
    student: tuple[np.ndarray, np.ndarray | None] | None = None

    def reference_run() -> dict:  # one per grading process, remembered: a class's reports share it
        return reference.remembered("training.run_overfitting", seed)

    with student_side(figure):
        if judged is not NOT_KEPT:
            reply = judged
        else:
            fitting = start_students_fit(ask, settings, settings["momentum"], seed, x, y,
                                         validation_data=(x_val, y_val))
            reply, _ = fitting.meanwhile(reference_run)  # trained while the student's run trains
        student = as_validated_history(reply, settings["epochs"])
    expected = reference_run()
    add_validated(panel, REFERENCE, np.array(expected["loss"]), np.array(expected["val_loss"]))
    if student is not None:
        add_validated(panel, STUDENT, *student)
        if student[1] is None:
            figure.problem = tr("report.problem.no_val_loss")
    figure.summary = _overfitting_summary(panel, len(x), len(x_val))
    return figure


def as_validated_history(value: Any, epochs: int) -> tuple[np.ndarray, np.ndarray | None]:
    """fit's reply with validation_data as (training losses, validation losses). A plain history (fit ignored
    validation_data) gives its training losses and None; anything else but dict(loss=, val_loss=) is ``Unusable``."""
    try:
        if not isinstance(value, dict):
            return as_history(value, epochs), None
        return as_history(value.get("loss"), epochs), as_history(value.get("val_loss"), epochs)
    except Unusable:
        raise Unusable(tr("report.problem.not_validated", got=describe_value(value), epochs=epochs)) from None


def add_validated(panel: Panel, role: str, loss: np.ndarray, val_loss: np.ndarray | None) -> None:
    """``role``'s training loss and, when there is one, its validation loss with its minimum marked."""
    who = tr(f"report.series.{role}")
    epochs = np.arange(1, loss.size + 1, dtype=np.float64)
    panel.lines.append(Line(f"{who}, {tr('report.series.training_loss')}", epochs, loss, role, TRAINING_LOSS))
    if val_loss is None:
        return
    panel.lines.append(Line(f"{who}, {tr('report.series.validation_loss')}", epochs, val_loss, role,
                            VALIDATION_LOSS))
    best = int(np.argmin(val_loss))
    panel.points.append(Point(tr("report.series.validation_minimum", who=who, epoch=best + 1), float(best + 1),
                              float(val_loss[best]), role, VALIDATION_LOSS))


def depth_norms(request: Request, ask: Asker, seed: int) -> Figure:
    """||dL/dW_i|| per layer of a sigmoid and a ReLU stack: the reference's panel, then the student's."""
    figure = Figure(request.id, request.part, request.kind, request.target, [c.id for c in request.checks])
    weights, x, upstream = deep_stack(seed)
    layers = np.arange(1, DEPTH + 1, dtype=np.float64)
    panels = [Panel(tr(f"report.series.{role}"), tr("report.axis.layer"), tr("report.axis.gradient_norm"),
                    yscale="log") for role in (REFERENCE, STUDENT)]
    figure.panels += panels
    for group, activation in enumerate(STACKS):
        norms = layer_gradient_norms(reference.call, activation, weights, x, upstream)
        panels[0].lines.append(Line(activation, layers, norms, REFERENCE, group))
    with student_side(figure):
        for group, activation in enumerate(STACKS):
            norms = layer_gradient_norms(ask.call, activation, weights, x, upstream)
            panels[1].lines.append(Line(activation, layers, norms, STUDENT, group))
    figure.summary = _depth_summary(figure)
    return figure


def deep_stack(seed: int) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Glorot-uniform weights of the ``DEPTH`` layers (WIDTH, WIDTH), an input batch and an upstream gradient."""
    rng = np.random.default_rng(seed)
    limit = np.sqrt(6.0 / (WIDTH + WIDTH))
    weights = [rng.uniform(-limit, limit, size=(WIDTH, WIDTH)) for _ in range(DEPTH)]
    return weights, rng.standard_normal((BATCH, WIDTH)), rng.standard_normal((BATCH, WIDTH))


def layer_gradient_norms(call: Callable[..., Any], activation: str, weights: list[np.ndarray], x: np.ndarray,
                         upstream: np.ndarray) -> np.ndarray:
    """||dL/dW_i|| (Frobenius) for i = 1 .. DEPTH, with ``call(target, *args)`` running each piece.

    Forward: z_i = dense_forward(a_{i-1}, W_i, 0), a_i = activation(z_i). Backward from g = upstream:
    g = activation_grad(z_i) * g, then (g, grad_W_i, grad_b_i) = dense_backward(g, a_{i-1}, W_i).
    """
    def ask(target: str, *args: np.ndarray) -> np.ndarray:
        return as_array(call(target, *args), target, (BATCH, WIDTH))

    bias = np.zeros(WIDTH)
    a, cache = x, []
    for W in weights:
        z = ask("layers.dense_forward", a, W, bias)
        cache.append((a, z))
        a = ask(f"activations.{activation}", z)
    g, norms = upstream, []
    for (a_prev, z), W in reversed(list(zip(cache, weights, strict=True))):
        g = ask(f"activations.{activation}_grad", z) * g
        grads = call("layers.dense_backward", g, a_prev, W)
        if not isinstance(grads, tuple) or len(grads) != 3:
            raise Unusable(tr("report.problem.not_tuple", target="layers.dense_backward", n=3))
        g = as_array(grads[0], "layers.dense_backward: grad_x", (BATCH, WIDTH))
        norms.append(float(np.linalg.norm(as_array(grads[1], "layers.dense_backward: grad_W", W.shape))))
    return np.array(norms[::-1])


def _capstone_summary(panel: Panel, target_loss: float) -> str:
    to_target = reference.resolve("training.epochs_to_target")

    def epochs(role: str, group: int) -> str:
        line = panel.line(role, group)
        reached = to_target(list(line.y), target_loss) if line is not None else None
        return tr("report.never") if reached is None else str(reached)

    if panel.line(STUDENT, 1) is None:
        return tr("report.summary.capstone_reference", target=f"{target_loss:g}", plain=epochs(REFERENCE, 0),
                  momentum=epochs(REFERENCE, 1))
    return tr("report.summary.capstone", target=f"{target_loss:g}", plain=epochs(STUDENT, 0),
              momentum=epochs(STUDENT, 1), ref_plain=epochs(REFERENCE, 0), ref_momentum=epochs(REFERENCE, 1))


def _overfitting_summary(panel: Panel, samples: int, validation_samples: int) -> str:
    """Where each validation loss is lowest and where it ends, and how far the training loss fell meanwhile."""
    def numbers(role: str, prefix: str = "") -> dict[str, str]:
        loss, val_loss = panel.line(role, TRAINING_LOSS), panel.line(role, VALIDATION_LOSS)
        assert loss is not None and val_loss is not None  # the summary is asked only of lines that are there
        best = int(np.argmin(val_loss.y))
        return {f"{prefix}best": str(best + 1), f"{prefix}best_val": format_number(float(val_loss.y[best])),
                f"{prefix}last_val": format_number(float(val_loss.y[-1])),
                f"{prefix}first": format_number(float(loss.y[0])), f"{prefix}last": format_number(float(loss.y[-1]))}

    reference_side = numbers(REFERENCE, "ref_")
    if panel.line(STUDENT, VALIDATION_LOSS) is None:
        return tr("report.summary.overfitting_reference", samples=samples, validation=validation_samples,
                  **reference_side)
    return tr("report.summary.overfitting", **numbers(STUDENT), **reference_side)


def _depth_summary(figure: Figure) -> str:
    first = {(ln.role, ln.label): format_number(float(ln.y[0])) for ln in figure.lines(REFERENCE) +
             figure.lines(STUDENT)}
    reference_side = dict(ref_sigmoid=first[REFERENCE, "sigmoid"], ref_relu=first[REFERENCE, "relu"])
    if (STUDENT, "relu") not in first:
        return tr("report.summary.depth_reference", **reference_side)
    return tr("report.summary.depth", sigmoid=first[STUDENT, "sigmoid"], relu=first[STUDENT, "relu"],
              **reference_side)
