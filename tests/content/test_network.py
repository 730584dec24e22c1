"""The multilayer perceptron: backpropagation agrees with central differences for every parameter, and the
behaviours the grader relies on (params read at call time, repeatable backward, Keras-style initialisation)."""

from __future__ import annotations

import numpy as np
import pytest

from .numerical import central_difference
from .packages import solution

CONFIGS = [
    ([3, 4, 3], "relu", "softmax"),
    ([2, 5, 1], "sigmoid", "sigmoid"),
    ([3, 4, 4, 2], "tanh", "linear"),
    ([2, 3, 2], "leaky_relu", "softmax"),
    ([3, 4, 2], "elu", "linear"),
    ([2, 4, 3], "softplus", "softmax"),
    ([2, 3, 2], "linear", "sigmoid"),
    ([4, 3], "relu", "softmax"),  # a single layer: the perceptron
]


def mlp(sizes, hidden="relu", output="softmax", seed=0):
    return solution("network").MLP(sizes, hidden_activation=hidden, output_activation=output, seed=seed)


@pytest.mark.parametrize(("sizes", "hidden", "output"), CONFIGS, ids=[f"{h}-{o}-{len(s) - 1}" for s, h, o in CONFIGS])
def test_backward_matches_central_difference_for_every_parameter(sizes, hidden, output):
    model = mlp(sizes, hidden, output, seed=1)
    rng = np.random.default_rng(2)
    # Non-zero biases and inputs away from ReLU's kink, so that the finite differences see smooth functions.
    model.params = {k: v + rng.normal(scale=0.3, size=v.shape) for k, v in model.params.items()}
    x = rng.normal(size=(5, sizes[0]))
    g = rng.normal(size=(5, sizes[-1]))
    model.forward(x)
    grads = model.backward(g)
    assert list(grads) == list(model.params)
    for key, value in model.params.items():
        def loss(v, key=key, value=value):
            model.params = {**model.params, key: v}
            try:
                return np.sum(g * model.forward(x))
            finally:
                model.params = {**model.params, key: value}

        expected = central_difference(loss, value)
        assert grads[key].shape == value.shape
        np.testing.assert_allclose(grads[key], expected, rtol=1e-5, atol=1e-8, err_msg=f"d{key}")


def test_backward_composes_with_a_loss_gradient():
    losses = solution("losses")
    model = mlp([2, 6, 3], "tanh", "softmax", seed=3)
    rng = np.random.default_rng(4)
    x, labels = rng.normal(size=(8, 2)), rng.integers(0, 3, size=8)
    grads = model.backward(losses.sparse_categorical_crossentropy_grad(labels, model.forward(x)))
    original = model.params["W1"]

    def loss(v):
        model.params["W1"] = v
        try:
            return losses.sparse_categorical_crossentropy(labels, model.forward(x))
        finally:
            model.params["W1"] = original

    np.testing.assert_allclose(grads["W1"], central_difference(loss, original), rtol=1e-5, atol=1e-9)


def test_forward_and_backward_read_params_at_call_time():
    model = mlp([2, 3, 2], "relu", "linear")
    model.params = {k: np.full_like(v, 0.5) for k, v in model.params.items()}  # as the grader sets them
    # hidden: 0.5 * 1 + 0.5 * 2 + 0.5 = 2 per unit; output: 3 units * 2 * 0.5 + 0.5 = 3.5
    np.testing.assert_allclose(model.forward(np.array([[1.0, 2.0]])), [[3.5, 3.5]])
    model.params["W2"] = np.full((3, 2), 2.0)  # changed between forward and backward
    grads = model.backward(np.ones((1, 2)))
    np.testing.assert_allclose(grads["b1"], [4.0, 4.0, 4.0])  # relu'(2) * (ones @ W2.T), with the new W2


def test_backward_twice_gives_the_same_gradients_and_leaves_the_cache():
    model = mlp([3, 4, 2], "elu", "softmax", seed=5)
    x, g = np.random.default_rng(6).normal(size=(4, 3)), np.random.default_rng(7).normal(size=(4, 2))
    model.forward(x)
    first = model.backward(g)
    second = model.backward(g)
    assert all(np.array_equal(first[k], second[k]) for k in first)
    assert first["W1"] is not second["W1"]


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match="forward"):
        mlp([2, 2]).backward(np.ones((1, 2)))


def test_param_count_matches_the_notes_and_the_params():
    assert mlp([100, 10]).param_count() == 1010
    model = mlp([784, 128, 64, 10])
    count = model.param_count()
    assert type(count) is int and count == sum(v.size for v in model.params.values()) == 109386


def test_initialisation_is_glorot_uniform_with_zero_biases_and_seeded():
    model = mlp([20, 30, 5], seed=7)
    assert sorted(model.params) == ["W1", "W2", "b1", "b2"]
    assert model.params["W1"].shape == (20, 30) and model.params["b2"].shape == (5,)
    for key, (n_in, n_out) in {"W1": (20, 30), "W2": (30, 5)}.items():
        limit = np.sqrt(6 / (n_in + n_out))
        w = model.params[key]
        assert np.abs(w).max() <= limit and np.abs(w).max() > 0.8 * limit
    assert not model.params["b1"].any() and not model.params["b2"].any()
    again, other = mlp([20, 30, 5], seed=7), mlp([20, 30, 5], seed=8)
    assert np.array_equal(model.params["W1"], again.params["W1"])
    assert not np.array_equal(model.params["W1"], other.params["W1"])


@pytest.mark.parametrize(
    "kwargs",
    [dict(layer_sizes=[3]), dict(layer_sizes=[3, 0, 2]), dict(layer_sizes=[2, 2], hidden_activation="softmax"),
     dict(layer_sizes=[2, 2], output_activation="step"), dict(layer_sizes=[2, 2], hidden_activation="swish")],
)
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        solution("network").MLP(**kwargs)


def test_forward_output_matches_the_task_table_activations():
    x = np.random.default_rng(8).normal(size=(6, 3))
    probabilities = mlp([3, 4, 5], "relu", "softmax").forward(x)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    binary = mlp([3, 4, 1], "relu", "sigmoid").forward(x)
    assert binary.shape == (6, 1) and np.all((binary > 0) & (binary < 1))
    regression = mlp([3, 4, 2], "tanh", "linear").forward(x * 100)
    assert np.abs(regression).max() > 1  # linear: not squashed into (0, 1)
