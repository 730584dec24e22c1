"""Which figures a grade calls for: one per function whose checks failed, plus the three training pictures.

Only checks whose failure a picture explains ask for one, and a check asks on itself, with a marker the runner
records in its result (``CheckResult.figures``), so renaming a check keeps its figure::

    @pytest.mark.figure("activation", "activations.{name}")   # {name}: the check's parameter
    @pytest.mark.figure("gradient", "losses.{name}_grad", from_logits=True)

A wrong value of an activation, of its derivative or of a loss asks for the student's curve over the reference's; a
failed gradient check for the per-element error against central differences. A check with no figure marker that
covers many functions at once asks for the figure of the function whose catalogued mistake it named, if any. A
check that is only "not implemented" asks for nothing (a stub has nothing to draw). The capstone's
loss curves, the overfitting picture (training and validation loss) and the vanishing-gradient picture are always
asked for when their parts were graded and import: they show what training does, passed or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader import mistakes
from grader.results import CheckResult, GradeResult, Outcome

# What a failed check asks for: [(kind, target, options)].
Wants = list[tuple[str, str, tuple]]
ELEMENTWISE = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear")
LOSSES = ("mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
          "mean_squared_logarithmic_error", "binary_crossentropy", "categorical_crossentropy",
          "sparse_categorical_crossentropy")
# A check over many functions (float32 kept, inputs unchanged, the clip, ...) that named a catalogued mistake asks
# for the figure of the function that mistake imitates: target -> (kind, options).
NAMED: dict[str, tuple[str, tuple]] = {
    **{f"activations.{f}": ("activation", ()) for f in (*ELEMENTWISE, "softmax", "maxout")},
    **{f"activations.{f}_grad": ("derivative", ()) for f in ELEMENTWISE if f not in ("step",)},
    **{f"losses.{f}": ("loss", ()) for f in LOSSES},
    **{f"losses.{f}_grad": ("gradient", ()) for f in LOSSES},
    "layers.dense_backward": ("gradient", ()),
}
DRAWN_FOR = frozenset(o for o in Outcome if o.asks_for_figure)  # not "not_implemented": a stub has no curve
TRAINING_PARTS = ("training",)  # the capstone: the student's fit (training their own MLP with their own SGD)
# The checks the overfitting picture explains: fit's validation loss, and overfitting seen in it.
OVERFITTING_CHECKS = ("test_validation_loss_matches_reference", "test_overfitting_is_seen")
DEPTH_PARTS = ("activations", "layers")  # the deep stack is built from dense layers and activation derivatives


@dataclass
class Request:
    """One figure to gather: ``kind`` of ``target`` (called with ``options``), for the checks it explains."""

    kind: str
    target: str
    part: str
    options: tuple = ()
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def id(self) -> str:
        suffix = "-logits" if dict(self.options).get("from_logits") else ""
        return f"fig-{self.kind}-{self.target.replace('.', '-')}{suffix}"


def plan(result: GradeResult) -> list[Request]:
    """The figures ``result`` calls for, in course order, each once, with the checks that asked for it."""
    requests: dict[str, Request] = {}
    for check in result.checks:
        if check.outcome not in DRAWN_FOR:
            continue
        for kind, target, options in wants(check):
            request = Request(kind, target, check.part, options)
            requests.setdefault(request.id, request).checks.append(check)
    graded = {p.name: p for p in result.parts}
    importable = {name for name, p in graded.items() if not p.ungradable}
    if set(TRAINING_PARTS) <= importable:
        related = [c for c in graded["training"].checks if "capstone" in c.name]
        requests["training"] = Request("training", "training.fit", "training", checks=related)
        validated = [c for c in graded["training"].checks if c.name in OVERFITTING_CHECKS]
        requests["overfitting"] = Request("overfitting", "training.fit", "training", checks=validated)
    if set(DEPTH_PARTS) <= importable:
        requests["depth"] = Request("depth", "layers.dense_backward", "layers")
    return list(requests.values())


def wants(check: CheckResult) -> Wants:
    """What a failed ``check`` asks to be drawn: its figure markers' figures, else the figure of the function whose
    catalogued mistake it named, else nothing."""
    if check.figures:
        return [(f["kind"], f["target"], tuple(sorted(f.get("options", {}).items()))) for f in check.figures]
    target = named_target(check.mistake)
    return [(NAMED[target][0], target, NAMED[target][1])] if target in NAMED else []


def named_target(mistake_id: str) -> str:
    """The function the catalogued mistake ``mistake_id`` imitates ("" for none)."""
    if not mistake_id:
        return ""
    try:
        return mistakes.find(mistake_id).target
    except LookupError:
        return ""
