"""Loss functions and their gradients

Values against the reference (zeros, exact hits, |y| = 1000, probabilities of exactly 0 and 1 under Keras' clip and
exactly at its bounds, integer labels of shape (N,) with N != C, soft targets, one sample (C,) and (N, 1) columns), a
single number that is a mean over the batch, gradients against central differences of the loss (probabilities and
logits), from_logits=True stable for logits of 1000, y_pred's dtype kept, inputs unchanged and no numpy warnings.

Every check but one runs the student's losses.py beside the reference's activations (the fixture ``alone``), so a bug
there costs their checks, not these. The integration check (from_logits stable for large logits, the path that calls
sigmoid, softmax and log_softmax) runs the student's own activations; when it fails while they fail checks of their
own, its note names them.
"""

import numpy as np
import pytest

from grader import reference
from grader.compare import (
    DTYPE_KEPT,
    NO_WARNINGS,
    SAME_VALUE,
    Call,
    answers_to,
    expect_contract_of_each,
    expect_each_same_as_own,
    expect_each_same_as_reference,
    expect_number,
    expect_properties_of_each,
    expect_same_as_reference,
    expect_scalar,
    expect_value,
    own_answer_to,
)
from grader.gradcheck import expect_gradient, reference_gradient
from grader.i18n import tr
from grader.inputs import one_hot

EPSILON = 1e-7  # Keras' fuzz factor, as the losses' docstring states it: the clip's bounds are EPSILON, 1 - EPSILON

ORDER = 2
INTEGRATION = ("test_from_logits_is_stable_for_large_logits",)  # the one check on the student's activations

REGRESSION = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
              "mean_squared_logarithmic_error"]
CROSSENTROPY = ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"]

# Zeros, exact hits (the kink of |.|), a zero target under a non-zero prediction (MAPE divides by EPSILON there),
# negative values (MSLE clips them to EPSILON) and |y| = 1000.
EDGE_TRUE = np.array([[0.0, 1000.0, -3.0, 2.5], [0.5, 0.0, -1000.0, 7.0]])
EDGE_PRED = np.array([[0.0, 999.0, -3.0, 0.0], [-0.5, 1000.0, 1000.0, 7.0]])

# Probabilities of exactly 0 and 1, on the right and on the wrong class: the clip to [1e-7, 1 - 1e-7] decides.
EDGE_PROBABILITIES = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.2, 0.8, 0.0], [0.5, 0.5, 0.0]])
EDGE_LABELS = np.array([0, 0, 2, 1])  # row 0: p = 0 on the true class; row 1: p = 1 on it
EDGE_BINARY_TRUE = np.array([[0.0, 0.0, 1.0, 1.0, 1.0], [1.0, 0.0, 0.0, 1.0, 0.0]])
EDGE_BINARY_PRED = np.array([[0.0, 1.0, 0.0, 1.0, 0.3], [1.0, 0.0, 1.0, 0.0, 0.6]])

# Logits of +-1000 on the right and on the wrong class: exp overflows unless the stable form is used.
LARGE_LOGITS = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 0.0], [-1000.0, -1000.0, 1000.0], [1.0, 2.0, 3.0]])
LARGE_LOGIT_LABELS = np.array([2, 1, 0, 1])
LARGE_BINARY_LOGITS = np.array([[1000.0, -1000.0, 0.0, 3.0], [-1000.0, 1000.0, -2.0, 40.0]])
LARGE_BINARY_TRUE = np.array([[0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]])


def regression_batch(inputs, name: str, *shape: int, dtype: type = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, y_pred) for a regression loss: positive values for MSLE, whose targets are counts or prices."""
    if name == "mean_squared_logarithmic_error":
        return inputs.positive(*shape, low=0.0, high=5.0, dtype=dtype), inputs.positive(*shape, low=0.0, high=5.0,
                                                                                        dtype=dtype)
    return inputs.normal(*shape, scale=2.0, dtype=dtype), inputs.normal(*shape, scale=2.0, dtype=dtype)


def smooth_regression_batch(inputs, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, y_pred) of shape (5, 3) where the loss is smooth: no exact hits, no zero targets, MSLE positive."""
    if name == "mean_squared_logarithmic_error":
        y_true = inputs.positive(5, 3, low=0.1, high=5.0)
        return y_true, y_true * np.exp(inputs.away_from(5, 3, kinks=(0.0,), margin=0.05, scale=0.5))
    y_true = inputs.away_from(5, 3, kinks=(0.0,), margin=0.25)
    return y_true, y_true + inputs.away_from(5, 3, kinks=(0.0,), margin=0.05, scale=1.0)


def crossentropy_targets(inputs, name: str, n: int, classes: int) -> np.ndarray:
    """Targets for a cross-entropy: 0/1 for binary, one-hot rows, or integer labels of shape (n,)."""
    if name == "binary_crossentropy":
        return inputs.binary(n, classes)
    if name == "categorical_crossentropy":
        return inputs.one_hot(n, classes)
    return inputs.labels(n, classes)


def crossentropy_batch(inputs, name: str, dtype: type = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, y_pred) with N = 6 samples and C = 4 classes (N != C): rows of probabilities for the categorical
    losses, independent probabilities for the binary one."""
    y_true = crossentropy_targets(inputs, name, 6, 4)
    if name == "binary_crossentropy":
        return y_true.astype(dtype), inputs.probability(6, 4, dtype=dtype)
    y_pred = inputs.probabilities(6, 4, dtype=dtype)
    return (y_true if name == "sparse_categorical_crossentropy" else y_true.astype(dtype)), y_pred


def expect_gradient_of_loss(student, name: str, y_true: np.ndarray, y_pred: np.ndarray, **kwargs) -> None:
    """<name>_grad(y_true, y_pred) against central differences of the reference loss, in float64."""
    numeric = reference_gradient(f"losses.{name}", (y_true, y_pred), 1, kwargs=kwargs)
    call = Call(f"losses.{name}_grad", (y_true, y_pred), kwargs)
    wrt = "dLoss/dlogits" if kwargs.get("from_logits") else "dLoss/dy_pred"
    expect_gradient(student.call(call.target, y_true, y_pred, **kwargs), numeric, call=call, wrt=wrt)


# -- the mean-squared family -------------------------------------------------------------------------------------


@pytest.mark.public
@pytest.mark.points(1)
@pytest.mark.parametrize("name", REGRESSION)
@pytest.mark.figure("loss", "losses.{name}")
def test_regression_loss_matches_reference(alone, inputs, name):
    """the loss should be one number equal to the reference's: (N, D) and 1-d batches, zeros, exact hits, |y| = 1000"""
    batches = [regression_batch(inputs, name, 5, 3), regression_batch(inputs, name, 7), (EDGE_TRUE, EDGE_PRED)]
    expect_each_same_as_reference(alone, [Call(f"losses.{name}", batch) for batch in batches])


@pytest.mark.points(0.5)
@pytest.mark.parametrize("name", REGRESSION)
@pytest.mark.figure("gradient", "losses.{name}_grad")
def test_regression_grad_matches_central_difference(alone, inputs, name):
    """the gradient should agree with central differences of the loss (an (N, D) batch: 1/N is 1/y_pred.size)"""
    expect_gradient_of_loss(alone, name, *smooth_regression_batch(inputs, name))


# -- the cross-entropy family ------------------------------------------------------------------------------------


@pytest.mark.public
@pytest.mark.points(1)
@pytest.mark.figure("loss", "losses.binary_crossentropy")
def test_binary_crossentropy_matches_reference(alone, inputs):
    """binary_crossentropy should match the reference on an (N, D) and a 1-d batch"""
    expect_same_as_reference(alone, "losses.binary_crossentropy", *crossentropy_batch(inputs, "binary_crossentropy"))
    expect_same_as_reference(alone, "losses.binary_crossentropy", inputs.binary(7), inputs.probability(7))


@pytest.mark.public
@pytest.mark.points(1)
@pytest.mark.figure("loss", "losses.categorical_crossentropy")
def test_categorical_crossentropy_matches_reference(alone, inputs):
    """categorical_crossentropy of one-hot rows (N, C), N != C, should sum over the classes, average over the samples"""
    expect_same_as_reference(alone, "losses.categorical_crossentropy",
                             *crossentropy_batch(inputs, "categorical_crossentropy"))


@pytest.mark.points(1)
@pytest.mark.figure("loss", "losses.sparse_categorical_crossentropy")
def test_sparse_categorical_crossentropy_matches_reference(alone, inputs):
    """sparse_categorical_crossentropy should take integer labels of shape (N,), not one-hot rows, N != C"""
    expect_same_as_reference(alone, "losses.sparse_categorical_crossentropy",
                             *crossentropy_batch(inputs, "sparse_categorical_crossentropy"))


@pytest.mark.points(1)
@pytest.mark.parametrize("name", CROSSENTROPY)
@pytest.mark.figure("gradient", "losses.{name}_grad")
def test_crossentropy_grad_matches_central_difference(alone, inputs, name):
    """the gradient should agree with central differences of the loss, for probabilities in (0.05, 0.95)"""
    y_true = crossentropy_targets(inputs, name, 5, 4)
    expect_gradient_of_loss(alone, name, y_true, inputs.probability(5, 4))


@pytest.mark.points(1)
@pytest.mark.parametrize("name", CROSSENTROPY)
@pytest.mark.figure("gradient", "losses.{name}_grad", from_logits=True)
def test_crossentropy_grad_from_logits_matches_central_difference(alone, inputs, name):
    """from_logits=True: the gradient with respect to the logits should agree with central differences"""
    y_true = crossentropy_targets(inputs, name, 5, 4)
    expect_gradient_of_loss(alone, name, y_true, inputs.normal(5, 4), from_logits=True)


@pytest.mark.points(1)
def test_from_logits_is_stable_for_large_logits(student, inputs):
    """from_logits=True on your activations: losses and gradients should match the reference for logits of +-1000

    Nothing may overflow. The integration check: the only one of this part that runs your activations.py (sigmoid,
    softmax, log_softmax), as training does.
    """
    cases = {
        "binary_crossentropy": [(LARGE_BINARY_TRUE, LARGE_BINARY_LOGITS),
                                (inputs.binary(6, 4), inputs.normal(6, 4, scale=3.0))],
        "categorical_crossentropy": [(one_hot(LARGE_LOGIT_LABELS, 3), LARGE_LOGITS),
                                     (inputs.one_hot(6, 4), inputs.normal(6, 4, scale=3.0))],
        "sparse_categorical_crossentropy": [(LARGE_LOGIT_LABELS, LARGE_LOGITS),
                                            (inputs.labels(6, 4), inputs.normal(6, 4, scale=3.0))],
    }
    calls = [Call(target, (y_true, logits), {"from_logits": True}) for name, batches in cases.items()
             for y_true, logits in batches for target in (f"losses.{name}", f"losses.{name}_grad")]
    expect_properties_of_each(student, calls, properties={NO_WARNINGS, SAME_VALUE})


@pytest.mark.points(0.5)
def test_clip_and_kinks_match_reference(alone):
    """losses and gradients should match the reference where the probabilities are clipped or the loss has a kink

    Probabilities of exactly 0 and 1 (clipped to [1e-7, 1 - 1e-7], where the gradient is 0), y_pred == y_true
    (MAE, MAPE: gradient 0) and y_pred below 1e-7 in MSLE (clipped: gradient 0).
    """
    cases = [
        ("binary_crossentropy", EDGE_BINARY_TRUE, EDGE_BINARY_PRED),
        ("categorical_crossentropy", one_hot(EDGE_LABELS, 3), EDGE_PROBABILITIES),
        ("sparse_categorical_crossentropy", EDGE_LABELS, EDGE_PROBABILITIES),
        ("mean_absolute_error", EDGE_TRUE, EDGE_PRED),
        ("mean_absolute_percentage_error", EDGE_TRUE, EDGE_PRED),
        ("mean_squared_logarithmic_error", np.array([1.0, 1.0, 1.0, 2.0, 0.0]), np.array([-1.0, 0.0, 1e-8, 2.0, 0.5])),
    ]
    expect_each_same_as_reference(alone, [Call(target, (y_true, y_pred)) for name, y_true, y_pred in cases
                                          for target in (f"losses.{name}", f"losses.{name}_grad")])


@pytest.mark.points(0.5)
def test_clip_bounds_keep_the_gradient(alone):
    """y_pred of exactly 1e-7 or 1 - 1e-7 should keep its gradient (inside the clip); only beyond the bounds is it 0"""
    # The gradient at a bound must be the student's own gradient a hair inside it (the loss is smooth there): a
    # strict comparison with the bound cuts it to 0. Values away from the bounds are the other checks' to grade.
    at = np.array([EPSILON, 1 - EPSILON])
    near = np.array([EPSILON * (1 + 1e-9), 1 - EPSILON - 2e-16])
    rows = lambda p: np.array([[p[0], p[1], 0.0], [p[1], p[0], 0.0]])  # noqa: E731 -- true class 0 in both rows
    cases = [("binary_crossentropy", np.array([[1.0, 0.0], [0.0, 1.0]]), lambda p: np.array([p, p])),
             ("categorical_crossentropy", one_hot(np.array([0, 0]), 3), rows),
             ("sparse_categorical_crossentropy", np.array([0, 0]), rows),
             ("mean_squared_logarithmic_error", np.array([1.0, 2.0]), lambda p: np.array([p[0], 2.5]))]
    pairs = [(Call(f"losses.{name}_grad", (y_true, build(near))), Call(f"losses.{name}_grad", (y_true, build(at))))
             for name, y_true, build in cases]
    expect_each_same_as_own(alone, pairs, what=tr("check.losses.test_clip_bounds_keep_the_gradient.at_bound"))


@pytest.mark.points(0.5)
def test_soft_targets_match_reference(alone, inputs):
    """soft targets should work too: binary y_true of probabilities, categorical rows that are distributions"""
    # Every cross-entropy is linear in y_true, so with soft = 0.3 * hard_a + 0.7 * hard_b the student's answer for
    # soft must be 0.3 * (its answer for hard_a) + 0.7 * (its answer for hard_b): only the soft targets are graded.
    cases = [("binary_crossentropy", inputs.binary(6, 4), inputs.binary(6, 4), inputs.probability(6, 4)),
             ("categorical_crossentropy", inputs.one_hot(6, 4), inputs.one_hot(6, 4), inputs.probabilities(6, 4))]
    triples = []  # each call on soft targets, after the same call on the two hard targets it mixes
    for name, hard_a, hard_b, y_pred in cases:
        soft = 0.3 * hard_a + 0.7 * hard_b
        for target in (f"losses.{name}", f"losses.{name}_grad"):
            for scores, kwargs in ((y_pred, {}), (inputs.normal(6, 4, scale=2.0), {"from_logits": True})):
                triples.append([Call(target, (y_true, scores), kwargs) for y_true in (hard_a, hard_b, soft)])
    answers = iter(answers_to(alone, [call for triple in triples for call in triple]))  # sent together
    for triple in triples:
        (a, own_a), (b, own_b) = (own_answer_to(next(answers)) for _ in triple[:2])
        call = triple[2]
        if own_a and own_b:
            expected = (0.3 * np.asarray(a, dtype=np.float64) + 0.7 * np.asarray(b, dtype=np.float64))[()]
            what = tr("check.losses.test_soft_targets_match_reference.mixed")
        else:
            expected, what = reference.call(call.target, *call.args, **call.kwargs), ""
        expect_value(next(answers).value(), expected, call=call, what=what)


@pytest.mark.points(0.5)
def test_one_sample_and_column_shapes(alone, inputs):
    """every shape the docstrings allow should work: one sample (C,), binary and sparse (N, 1), 1-d regression grads"""
    # Each answer must be the student's own answer on the same numbers in the usual (N, C) or (N,) form.
    y_one, p_one = one_hot(np.array(2), 4), inputs.probabilities(1, 4)[0]
    labels, p_rows = inputs.labels(6, 4), inputs.probabilities(6, 4)
    y_col, p_col = inputs.binary(6, 1), inputs.probability(6, 1)
    cases = [("categorical_crossentropy", (y_one, p_one), (y_one[None], p_one[None]), True),
             ("binary_crossentropy", (y_col, p_col), (y_col[:, 0], p_col[:, 0]), True),
             ("sparse_categorical_crossentropy", (labels[:, None], p_rows), (labels, p_rows), True)]
    for name in REGRESSION:
        y_true, y_pred = regression_batch(inputs, name, 7)
        cases.append((name, (y_true, y_pred), (y_true[:, None], y_pred[:, None]), False))
    pairs = []  # (the call on the usual form, the call on the form under test)
    for name, form, usual, logits in cases:
        options = [{}, {"from_logits": True}] if logits else [{}]
        for target in (f"losses.{name}", f"losses.{name}_grad"):
            for kwargs in options:
                if kwargs.get("from_logits"):  # logits: the probabilities' log-odds, the same numbers in both forms
                    pairs.append((Call(target, (usual[0], np.log(usual[1])), kwargs),
                                  Call(target, (form[0], np.log(form[1])), kwargs)))
                else:
                    pairs.append((Call(target, usual, kwargs), Call(target, form, kwargs)))
    expect_each_same_as_own(alone, pairs, what=tr("check.losses.test_one_sample_and_column_shapes.usual_form"),
                            expected_of=in_y_preds_shape)


def in_y_preds_shape(answer, call: Call):
    """A gradient in the shape of ``call``'s y_pred (the same numbers in the usual form); a loss, one number, as is."""
    return np.reshape(answer, call.args[1].shape) if call.target.endswith("_grad") else answer


@pytest.mark.points(0.5)
def test_gradient_has_y_preds_dtype(alone, inputs):
    """the gradient should have y_pred's dtype, also for float64 or integer targets with float32 predictions"""
    calls = []
    for name in REGRESSION:
        y_true, y_pred = regression_batch(inputs, name, 5, 3)
        calls.append(Call(f"losses.{name}_grad", (y_true, y_pred.astype(np.float32))))
    for name in CROSSENTROPY:
        y_true, y_pred = crossentropy_batch(inputs, name, dtype=np.float32)
        integer_targets = y_true.astype(np.int64)
        logits = inputs.normal(*y_pred.shape, scale=2.0, dtype=np.float32)
        calls += [Call(f"losses.{name}_grad", (integer_targets, y_pred)),
                  Call(f"losses.{name}_grad", (integer_targets, logits), {"from_logits": True})]
        if name != "sparse_categorical_crossentropy":
            calls.append(Call(f"losses.{name}_grad", (y_true.astype(np.float64), y_pred)))
    expect_properties_of_each(alone, calls, properties={DTYPE_KEPT})


# -- every loss ------------------------------------------------------------------------------------------------


@pytest.mark.points(1)
def test_loss_is_a_mean_over_the_batch(alone, inputs):
    """every loss should be a mean over the batch: the batch stacked twice has the same loss as the batch"""
    batches = {name: regression_batch(inputs, name, 5, 3) for name in REGRESSION}
    batches.update({name: crossentropy_batch(inputs, name) for name in CROSSENTROPY})
    pairs = [(Call(f"losses.{name}", (y_true, y_pred)),
              Call(f"losses.{name}", (np.concatenate([y_true, y_true]), np.concatenate([y_pred, y_pred]))))
             for name, (y_true, y_pred) in batches.items()]
    answers = iter(answers_to(alone, [call for pair in pairs for call in pair]))  # sent together
    for batch, twice in pairs:
        # The student's own loss of the batch, whatever its value: the value is the value checks' to grade.
        once = expect_number(next(answers).value(), call=batch)
        expect_scalar(next(answers).value(), once, call=twice,
                      what=tr("check.losses.test_loss_is_a_mean_over_the_batch.stacked_twice"))


@pytest.mark.points(1)
def test_float32_in_gives_float32_out(alone, inputs):
    """float32 inputs should give float32 gradients, for every loss, from probabilities and from logits"""
    calls = [Call(f"losses.{name}_grad", regression_batch(inputs, name, 5, 3, dtype=np.float32))
             for name in REGRESSION]
    for name in CROSSENTROPY:
        y_true, y_pred = crossentropy_batch(inputs, name, dtype=np.float32)
        logits = inputs.normal(*y_pred.shape, scale=2.0, dtype=np.float32)
        calls += [Call(f"losses.{name}_grad", (y_true, y_pred)),
                  Call(f"losses.{name}_grad", (y_true, logits), {"from_logits": True})]
    expect_properties_of_each(alone, calls, properties={DTYPE_KEPT})


@pytest.mark.points(0.5)
def test_inputs_unchanged_and_no_warnings(alone, inputs):
    """no loss or gradient should change its inputs in place or make numpy warn (also at p = 0 and 1 and |y| = 1000)"""
    batches = [(name, regression_batch(inputs, name, 5, 3)) for name in REGRESSION]
    batches += [(name, (EDGE_TRUE, EDGE_PRED)) for name in REGRESSION]
    batches += [(name, crossentropy_batch(inputs, name)) for name in CROSSENTROPY]
    batches += [("binary_crossentropy", (EDGE_BINARY_TRUE, EDGE_BINARY_PRED)),
                ("categorical_crossentropy", (one_hot(EDGE_LABELS, 3), EDGE_PROBABILITIES)),
                ("sparse_categorical_crossentropy", (EDGE_LABELS, EDGE_PROBABILITIES))]
    calls = [Call(target, (y_true, y_pred)) for name, (y_true, y_pred) in batches
             for target in (f"losses.{name}", f"losses.{name}_grad")]
    for name in CROSSENTROPY:
        y_true, y_pred = crossentropy_batch(inputs, name)
        calls += [Call(target, (y_true, inputs.normal(*y_pred.shape, scale=3.0)), {"from_logits": True})
                  for target in (f"losses.{name}", f"losses.{name}_grad")]
    expect_contract_of_each(alone, calls)
