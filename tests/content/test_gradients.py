"""Every analytic derivative in the solutions (`*_grad`, `*_backward`) agrees with central differences in float64,
away from kinks and clip boundaries; at the kinks and in clipped regions it takes the documented values."""

from __future__ import annotations

import numpy as np
import pytest

from .numerical import central_difference, elementwise_derivative
from .packages import solution

rng = np.random.default_rng(11)


def away_from_zero(x: np.ndarray, margin: float = 1e-3) -> np.ndarray:
    return np.where(np.abs(x) < margin, margin * 10, x)


ELEMENTWISE_PAIRS = [
    ("sigmoid", {}),
    ("tanh", {}),
    ("relu", {}),
    ("leaky_relu", {}),
    ("leaky_relu", {"alpha": 0.2}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("elu", {"alpha": 2.0}),
    ("softplus", {}),
    ("linear", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), ELEMENTWISE_PAIRS, ids=[f"{n}{k or ''}" for n, k in ELEMENTWISE_PAIRS])
def test_elementwise_grad_matches_central_difference(name, kwargs):
    activations = solution("activations")
    x = away_from_zero(rng.normal(scale=3.0, size=(4, 6)))
    expected = elementwise_derivative(lambda v: getattr(activations, name)(v, **kwargs), x)
    actual = getattr(activations, f"{name}_grad")(x, **kwargs)
    np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-9)


def test_derivatives_at_the_kink_follow_keras_and_pytorch():
    activations = solution("activations")
    zero = np.zeros(1)
    assert activations.relu_grad(zero)[0] == 0.0
    assert activations.leaky_relu_grad(zero)[0] == 0.01
    assert activations.leaky_relu_grad(zero, alpha=0.3)[0] == 0.3
    assert activations.elu_grad(zero)[0] == 1.0
    assert activations.elu_grad(zero, alpha=0.5)[0] == 0.5  # PyTorch's choice: the left derivative
    assert activations.step(zero)[0] == 1.0


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_backward_matches_central_difference(axis):
    activations = solution("activations")
    x = rng.normal(scale=2.0, size=(3, 4))
    g = rng.normal(size=(3, 4))
    expected = central_difference(lambda v: np.sum(g * activations.softmax(v, axis=axis)), x)
    np.testing.assert_allclose(activations.softmax_backward(x, g, axis=axis), expected, rtol=1e-6, atol=1e-9)


def test_log_softmax_is_the_log_of_softmax_with_gradient_onehot_minus_softmax():
    activations = solution("activations")
    x = rng.normal(scale=3.0, size=(4, 5))
    np.testing.assert_allclose(activations.log_softmax(x), np.log(activations.softmax(x)), rtol=1e-12)
    # d log_softmax(x)_0 / dx_j = [j == 0] - softmax(x)_j: the "target minus prediction" of cross-entropy.
    grad = central_difference(lambda v: np.sum(activations.log_softmax(v)[:, 0]), x)
    np.testing.assert_allclose(grad, np.eye(5)[[0, 0, 0, 0]] - activations.softmax(x), rtol=1e-6, atol=1e-9)


def test_maxout_backward_matches_central_difference():
    activations = solution("activations")
    x = rng.normal(size=(3, 6))  # random values: no ties
    g = rng.normal(size=(3, 3))
    expected = central_difference(lambda v: np.sum(g * activations.maxout(v, 3)), x)
    np.testing.assert_allclose(activations.maxout_backward(x, g, 3), expected, rtol=1e-6, atol=1e-9)


def test_maxout_backward_splits_ties_equally():
    activations = solution("activations")
    grad = activations.maxout_backward(np.array([[2.0, 2.0, 1.0, 5.0]]), np.array([[1.0, 3.0]]), 2)
    assert grad.tolist() == [[0.5, 0.5, 0.0, 3.0]]


# --- losses -------------------------------------------------------------------------------------------------


def offsets(shape: tuple[int, ...]) -> np.ndarray:
    """Differences between y_pred and y_true bounded away from 0, the kink of |.|."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.05, 1.0, size=shape)


def gradient_cases() -> list[tuple[str, str, np.ndarray, np.ndarray, dict]]:
    cases = []
    y2 = rng.uniform(0.5, 3.0, size=(5, 3))
    y1 = rng.uniform(0.5, 3.0, size=7)
    for name in ("mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error"):
        cases.append((f"{name}/2d", name, y2, y2 + offsets(y2.shape), {}))
        cases.append((f"{name}/1d", name, y1, y1 + offsets(y1.shape), {}))
    signed = np.array([-2.0, 0.7, 3.0, -0.5])  # negative targets: the denominator is |y_true|
    cases.append(("mean_absolute_percentage_error/signed", "mean_absolute_percentage_error", signed,
                  signed + offsets(signed.shape), {}))
    cases.append(("mean_squared_logarithmic_error/2d", "mean_squared_logarithmic_error", y2,
                  np.abs(y2 + offsets(y2.shape)), {}))
    cases.append(("mean_squared_logarithmic_error/clipped", "mean_squared_logarithmic_error",
                  np.array([0.0, 2.0, 5.0]), np.array([-0.5, -3.0, 4.0]), {}))

    t_bin = rng.integers(0, 2, size=(4, 3)).astype(float)
    t_soft = rng.uniform(0.0, 1.0, size=(4, 3))
    p_bin = rng.uniform(0.05, 0.95, size=(4, 3))
    cases.append(("binary_crossentropy/probs", "binary_crossentropy", t_bin, p_bin, {}))
    cases.append(("binary_crossentropy/soft_labels", "binary_crossentropy", t_soft, p_bin, {}))
    cases.append(("binary_crossentropy/clipped", "binary_crossentropy", np.array([1.0, 0.0, 1.0]),
                  np.array([-0.3, 1.4, 0.6]), {}))
    cases.append(("binary_crossentropy/logits", "binary_crossentropy", t_bin, rng.normal(scale=3.0, size=(4, 3)),
                  {"from_logits": True}))

    labels = rng.integers(0, 4, size=5)
    onehot = np.eye(4)[labels]
    p_cat = rng.uniform(0.05, 0.9, size=(5, 4))
    z_cat = rng.normal(scale=3.0, size=(5, 4))
    cases.append(("categorical_crossentropy/probs", "categorical_crossentropy", onehot, p_cat, {}))
    cases.append(("categorical_crossentropy/clipped", "categorical_crossentropy", np.eye(3)[[0, 1]],
                  np.array([[-0.2, 0.5, 0.7], [0.3, 1.2, 0.1]]), {}))
    cases.append(("categorical_crossentropy/logits", "categorical_crossentropy", onehot, z_cat, {"from_logits": True}))
    cases.append(("categorical_crossentropy/logits_any_targets", "categorical_crossentropy",
                  rng.uniform(0.0, 1.0, size=(5, 4)), z_cat, {"from_logits": True}))
    cases.append(("sparse_categorical_crossentropy/probs", "sparse_categorical_crossentropy", labels, p_cat, {}))
    cases.append(("sparse_categorical_crossentropy/logits", "sparse_categorical_crossentropy", labels, z_cat,
                  {"from_logits": True}))
    return cases


GRADIENT_CASES = gradient_cases()


@pytest.mark.parametrize(("case_id", "name", "y_true", "y_pred", "kwargs"), GRADIENT_CASES,
                         ids=[c[0] for c in GRADIENT_CASES])
def test_loss_grad_matches_central_difference(case_id, name, y_true, y_pred, kwargs):
    losses = solution("losses")
    loss = getattr(losses, name)
    expected = central_difference(lambda p: loss(y_true, p, **kwargs), y_pred)
    actual = getattr(losses, f"{name}_grad")(y_true, y_pred, **kwargs)
    # MAPE's gradient at a zero target is 1e9 times larger than elsewhere: relative tolerance handles both.
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-8, err_msg=case_id)


def test_mape_divides_by_epsilon_at_a_zero_target():
    losses = solution("losses")
    assert losses.mean_absolute_percentage_error([0.0, 1.0], [0.5, 1.0]) == pytest.approx(100 * 0.5 / 1e-7 / 2)
    grad = losses.mean_absolute_percentage_error_grad([0.0, 1.0], [-0.5, 2.0])
    np.testing.assert_allclose(grad, [-100 / 1e-7 / 2, 100 / 1.0 / 2], rtol=1e-12)


def test_clipped_probabilities_get_exactly_zero_gradient():
    losses = solution("losses")
    grad = losses.binary_crossentropy_grad(np.array([1.0, 0.0, 1.0]), np.array([0.0, 1.0, 1e-9]))
    assert grad.tolist() == [0.0, 0.0, 0.0]  # confident and wrong, yet no gradient: the clip is flat
    grad = losses.categorical_crossentropy_grad(np.eye(2), np.array([[0.0, 1.0], [1.0, 0.0]]))
    assert np.all(grad == 0.0)
    grad = losses.sparse_categorical_crossentropy_grad([1], np.array([[1.0, 0.0]]))
    assert np.all(grad == 0.0)
    assert losses.mean_squared_logarithmic_error_grad([1.0], [-2.0]).tolist() == [0.0]


def test_logits_gradient_is_softmax_minus_target_over_n_and_never_vanishes():
    losses, activations = solution("losses"), solution("activations")
    z = np.array([[1e4, -1e4, 0.0], [2.0, 1.0, 0.1]])
    y = np.eye(3)[[1, 0]]
    grad = losses.categorical_crossentropy_grad(y, z, from_logits=True)
    np.testing.assert_allclose(grad, (activations.softmax(z) - y) / 2, rtol=1e-12, atol=1e-15)
    assert abs(grad[0, 1]) == pytest.approx(0.5)  # the confident wrong answer still gets a full-size gradient


def test_probability_gradient_through_softmax_backward_equals_the_logits_gradient():
    losses, activations = solution("losses"), solution("activations")
    z = rng.normal(size=(6, 4))
    y = np.eye(4)[rng.integers(0, 4, size=6)]
    through_softmax = activations.softmax_backward(z, losses.categorical_crossentropy_grad(y, activations.softmax(z)))
    direct = losses.categorical_crossentropy_grad(y, z, from_logits=True)
    np.testing.assert_allclose(through_softmax, direct, rtol=1e-9, atol=1e-12)
    sparse = losses.sparse_categorical_crossentropy_grad(np.argmax(y, axis=-1), z, from_logits=True)
    np.testing.assert_allclose(sparse, direct, rtol=1e-12)


# --- the dense layer ----------------------------------------------------------------------------------------


def test_dense_backward_matches_central_difference_for_x_W_and_b():
    layers = solution("layers")
    x, W, b, g = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=(4, 5))
    grad_x, grad_W, grad_b = layers.dense_backward(g, x, W)
    np.testing.assert_allclose(grad_x, central_difference(lambda v: np.sum(g * layers.dense_forward(v, W, b)), x),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(grad_W, central_difference(lambda v: np.sum(g * layers.dense_forward(x, v, b)), W),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(grad_b, central_difference(lambda v: np.sum(g * layers.dense_forward(x, W, v)), b),
                               rtol=1e-6, atol=1e-9)
