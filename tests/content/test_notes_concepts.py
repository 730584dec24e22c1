"""The examples and claims of the study notes, checked on the reference solutions: the softmax table and its
overflow fix, the 1,010-parameter quiz, the sigmoid derivative's true maximum (0.25, not 0.3), vanishing
gradients, the perceptron's XOR limit, maxout as ReLU's generalisation, and the task -> activation -> loss table."""

from __future__ import annotations

import numpy as np
import pytest

from .packages import solution


def activations():
    return solution("activations")


def test_softmax_of_the_notes_example_table():
    # 개, 고양이, 강아지, 사람: scores 2, 10, 1, 4.
    np.testing.assert_allclose(activations().softmax(np.array([2, 10, 1, 4])),
                               [0.000334, 0.997071, 0.000123, 0.002471], atol=5e-7)


def test_softmax_of_large_scores_does_not_overflow_and_matches_the_notes():
    x = np.array([1010, 1000, 990])
    np.testing.assert_allclose(activations().softmax(x), [9.99954600e-01, 4.53978686e-05, 2.06106005e-09],
                               rtol=1e-6)
    assert x.tolist() == [1010, 1000, 990]  # unlike the notes' `x -= np.max(x)`, the input is left alone


def test_softmax_normalises_each_row_not_the_whole_batch():
    batch = np.array([[2.0, 10.0, 1.0, 4.0], [1010.0, 1000.0, 990.0, 980.0]])
    result = activations().softmax(batch)
    np.testing.assert_allclose(result.sum(axis=1), [1.0, 1.0])
    np.testing.assert_allclose(result[0], activations().softmax(batch[0]))


def test_dense_layer_of_10_units_on_100_inputs_has_1010_parameters():
    assert solution("layers").dense_param_count(100, 10) == 1010


def test_the_sigmoid_derivative_peaks_at_0_25_not_0_3():
    x = np.linspace(-10, 10, 20001)
    grad = activations().sigmoid_grad(x)
    assert grad.max() == pytest.approx(0.25) and x[np.argmax(grad)] == pytest.approx(0.0)
    assert activations().tanh_grad(x).max() == pytest.approx(1.0)


def test_sigmoid_is_a_probability_with_threshold_at_zero():
    s = activations().sigmoid(np.array([-3.0, -1e-9, 0.0, 1e-9, 3.0]))
    assert np.all((s > 0) & (s < 1)) and s[2] == 0.5
    assert ((s >= 0.5).astype(int)).tolist() == [0, 0, 1, 1, 1]


def test_relu_passes_gradients_unchanged_where_sigmoid_vanishes():
    # Ten layers' worth of activation derivatives at their best point.
    assert np.prod(activations().sigmoid_grad(np.zeros(10))) == pytest.approx(0.25**10)
    assert np.prod(activations().relu_grad(np.full(10, 0.1))) == 1.0


@pytest.mark.parametrize("seed", range(3))
def test_deep_sigmoid_networks_suffer_vanishing_gradients_and_relu_ones_do_not(seed):
    x = np.random.default_rng(seed).normal(size=(64, 8))
    g = np.random.default_rng(seed + 100).normal(size=(64, 4))

    def first_to_last_ratio(hidden: str) -> float:
        model = solution("network").MLP([8] + [32] * 6 + [4], hidden_activation=hidden, output_activation="linear",
                                        seed=seed)
        model.forward(x)
        grads = model.backward(g)
        return np.linalg.norm(grads["W1"]) / np.linalg.norm(grads["W7"])

    assert first_to_last_ratio("sigmoid") < 1e-2  # the first layer barely learns
    assert first_to_last_ratio("relu") > 0.1


def test_step_function_outputs_one_from_zero_up():
    assert activations().step(np.array([-2.0, -1e-12, 0.0, 3.0])).tolist() == [0.0, 0.0, 1.0, 1.0]


def test_maxout_generalises_relu_and_leaky_relu():
    z = np.random.default_rng(0).normal(size=(4, 5))
    act = activations()

    def pieces(*columns: np.ndarray) -> np.ndarray:  # interleave: unit j gets pieces (a_j, b_j)
        return np.stack(columns, axis=-1).reshape(z.shape[0], -1)

    np.testing.assert_allclose(act.maxout(pieces(z, np.zeros_like(z)), 5), act.relu(z))
    np.testing.assert_allclose(act.maxout(pieces(z, 0.1 * z), 5), act.leaky_relu(z, alpha=0.1))


def test_leaky_relu_and_elu_keep_negative_inputs_alive():
    x = np.array([-5.0, -0.5])
    assert np.all(activations().relu_grad(x) == 0)
    assert np.all(activations().leaky_relu_grad(x) > 0) and np.all(activations().elu_grad(x) > 0)
    assert activations().elu(np.array([-50.0]))[0] == pytest.approx(-1.0)  # bends towards -alpha


def test_softplus_is_a_smooth_relu():
    x = np.array([-30.0, 0.0, 30.0])
    np.testing.assert_allclose(activations().softplus(x), [np.exp(-30.0), np.log(2.0), 30.0], rtol=1e-12)
    assert np.all(activations().softplus(x) > activations().relu(x))


def xor_accuracy(sizes: list[int], hidden: str, seed: int) -> float:
    training = solution("training")
    x, y = training.make_xor_blobs(25, noise=0.3, seed=0)
    model = solution("network").MLP(sizes, hidden_activation=hidden, output_activation="softmax", seed=seed)
    training.fit(model, x, y, "sparse_categorical_crossentropy", solution("optimizers").SGD(0.05, 0.9), 30, 25, seed)
    return solution("metrics").accuracy(y, np.argmax(model.forward(x), axis=1))


@pytest.mark.parametrize("seed", range(2))
def test_a_perceptron_cannot_learn_xor_but_a_hidden_layer_can(seed):
    assert xor_accuracy([2, 2], "relu", seed) < 0.8  # input and output layers only: a linear classifier
    assert xor_accuracy([2, 16, 2], "linear", seed) < 0.8  # hidden layers without an activation are still linear
    assert xor_accuracy([2, 16, 2], "relu", seed) >= 0.95


def test_task_table_regression_linear_mean_squared_error():
    x = np.linspace(-2, 2, 80)[:, None]
    y = np.sin(2 * x)
    model = solution("network").MLP([1, 16, 1], hidden_activation="tanh", output_activation="linear", seed=0)
    history = solution("training").fit(model, x, y, "mean_squared_error", solution("optimizers").SGD(0.05, 0.9),
                                       40, 16, 0)
    assert history[-1] < 0.1 * history[0]


def test_task_table_binary_sigmoid_binary_crossentropy():
    training = solution("training")
    x, y = training.make_xor_blobs(25, seed=0)
    model = solution("network").MLP([2, 16, 1], hidden_activation="tanh", output_activation="sigmoid", seed=0)
    training.fit(model, x, y[:, None].astype(float), "binary_crossentropy", solution("optimizers").SGD(0.1, 0.9),
                 30, 25, 0)
    predicted = (model.forward(x)[:, 0] >= 0.5).astype(int)
    assert solution("metrics").accuracy(y, predicted) >= 0.95


def test_task_table_multiclass_softmax_categorical_crossentropy_with_one_hot_targets():
    training = solution("training")
    x, labels = training.make_spirals(40, n_classes=3, noise=0.1, seed=0)
    model = solution("network").MLP([2, 32, 3], hidden_activation="relu", output_activation="softmax", seed=0)
    history = training.fit(model, x, training.one_hot(labels, 3), "categorical_crossentropy",
                           solution("optimizers").SGD(0.1, 0.9), 30, 20, 0)
    assert history[-1] < 0.5 * history[0]
    assert solution("metrics").accuracy(labels, np.argmax(model.forward(x), axis=1)) > 0.75


def test_integer_targets_take_sparse_categorical_crossentropy_with_the_same_value():
    losses = solution("losses")
    p = activations().softmax(np.random.default_rng(1).normal(size=(5, 4)))
    labels = np.array([0, 3, 1, 1, 2])
    assert losses.sparse_categorical_crossentropy(labels, p) == pytest.approx(
        losses.categorical_crossentropy(np.eye(4)[labels], p), rel=1e-12)


def test_mape_is_in_percent_and_mse_punishes_large_errors_more_than_mae():
    losses = solution("losses")
    assert losses.mean_absolute_percentage_error([100.0, 200.0], [110.0, 180.0]) == pytest.approx(10.0)
    one_big, spread = np.array([4.0, 0.0, 0.0, 0.0]), np.array([1.0, 1.0, 1.0, 1.0])
    zeros = np.zeros(4)
    assert losses.mean_absolute_error(zeros, one_big) == losses.mean_absolute_error(zeros, spread)
    assert losses.mean_squared_error(zeros, one_big) > losses.mean_squared_error(zeros, spread)
