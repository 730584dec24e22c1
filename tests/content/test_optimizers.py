"""SGD and momentum with Keras' semantics: the golden numbers of Keras' own documentation, Nesterov's use of the
new velocity, per-parameter velocities, and how the Keras velocity relates to PyTorch's buffer."""

from __future__ import annotations

import numpy as np
import pytest

from .packages import solution


def optimizers():
    return solution("optimizers")


def test_keras_documentation_example_first_step_0_1_then_0_18():
    # keras.optimizers.SGD(learning_rate=0.1, momentum=0.9) on loss = var**2 / 2 (gradient = var), from var = 1.0.
    opt = optimizers().SGD(learning_rate=0.1, momentum=0.9)
    params = {"var": np.array(1.0)}
    steps = []
    for _ in range(3):
        before = float(params["var"])
        opt.apply(params, {"var": params["var"].copy()})
        steps.append(before - float(params["var"]))
    assert steps[0] == pytest.approx(0.1) and steps[1] == pytest.approx(0.18)
    assert steps[2] == pytest.approx(0.9 * 0.18 + 0.1 * 0.72)  # v3 = 0.9 v2 - 0.1 * var2, var2 = 0.72


def test_plain_sgd_is_weight_minus_learning_rate_times_gradient():
    assert optimizers().sgd_step(np.array([1.0, -2.0]), np.array([0.5, -1.0]), 0.1).tolist() == [0.95, -1.9]


def test_momentum_step_keras_formula_and_new_velocity():
    p, g, v = np.array([1.0]), np.array([2.0]), np.array([-0.5])
    new_p, new_v = optimizers().momentum_step(p, g, v, learning_rate=0.1, momentum=0.9)
    assert new_v.tolist() == pytest.approx([0.9 * -0.5 - 0.1 * 2.0])
    assert new_p.tolist() == pytest.approx([1.0 + new_v[0]])


def test_nesterov_uses_the_new_velocity():
    p, g, v = np.array([1.0]), np.array([2.0]), np.array([-0.5])
    new_p, new_v = optimizers().momentum_step(p, g, v, learning_rate=0.1, momentum=0.9, nesterov=True)
    assert new_v[0] == pytest.approx(-0.65)
    assert new_p[0] == pytest.approx(1.0 + 0.9 * -0.65 - 0.1 * 2.0)  # with the old velocity it would be 0.35


def test_a_constant_gradient_accelerates_towards_a_tenfold_step():
    p, v = np.zeros(1), np.zeros(1)
    for _ in range(200):
        p, v = optimizers().momentum_step(p, np.ones(1), v, learning_rate=0.01, momentum=0.9)
    assert v[0] == pytest.approx(-0.01 / (1 - 0.9))  # terminal velocity: lr * g / (1 - momentum)


def test_sgd_keeps_one_velocity_per_key_starting_from_zeros():
    opt = optimizers().SGD(learning_rate=0.5, momentum=0.5)
    params = {"W": np.zeros((2, 2)), "b": np.zeros(2)}
    opt.apply(params, {"W": np.ones((2, 2))})
    assert list(opt.velocities) == ["W"]
    np.testing.assert_allclose(opt.velocities["W"], -0.5)
    opt.apply(params, {"W": np.ones((2, 2)), "b": np.ones(2)})
    np.testing.assert_allclose(opt.velocities["W"], 0.5 * -0.5 - 0.5)  # W's history carries on
    np.testing.assert_allclose(opt.velocities["b"], -0.5)  # b starts from zeros
    np.testing.assert_allclose(params["W"], -0.5 - 0.75)


def test_momentum_zero_keeps_no_velocity():
    opt = optimizers().SGD(learning_rate=0.1)
    params = {"W": np.ones(2)}
    opt.apply(params, {"W": np.ones(2)})
    assert opt.velocities == {} and params["W"].tolist() == [0.9, 0.9]


def test_keras_velocity_is_minus_learning_rate_times_pytorch_buffer():
    # PyTorch: buf = momentum * buf + g; p -= lr * buf. Same parameters as Keras for a constant learning rate.
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(5, 3))
    p_keras, v_keras = np.zeros(3), np.zeros(3)
    p_torch, buf = np.zeros(3), np.zeros(3)
    for g in grads:
        p_keras, v_keras = optimizers().momentum_step(p_keras, g, v_keras, 0.05, 0.9)
        buf = 0.9 * buf + g
        p_torch = p_torch - 0.05 * buf
    np.testing.assert_allclose(p_keras, p_torch, rtol=1e-12)
    np.testing.assert_allclose(v_keras, -0.05 * buf, rtol=1e-12)


@pytest.mark.parametrize("momentum", [-0.1, 1.5])
def test_momentum_outside_zero_one_is_refused_as_keras_does(momentum):
    with pytest.raises(ValueError):
        optimizers().SGD(momentum=momentum)
