"""Activation functions and their derivatives

Values against the reference (with 0, kinks and |x| = 1000 among the inputs), float32 in -> float32 out, no
overflow warnings, derivatives against central differences, softmax along an axis and its backward pass.
"""

import numpy as np
import pytest

from grader import reference
from grader.compare import (
    DTYPE_KEPT,
    FINITE,
    NO_WARNINGS,
    SAME_VALUE,
    Call,
    expect_contract,
    expect_properties,
    expect_same_as_reference,
)
from grader.gradcheck import elementwise_derivative, expect_gradient, numeric_gradient

ORDER = 1

ACTIVATIONS = ["step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear"]
DERIVATIVES = ["sigmoid_grad", "tanh_grad", "relu_grad", "leaky_relu_grad", "elu_grad", "softplus_grad"]


def with_special_values(x: np.ndarray) -> np.ndarray:
    """x with exact zeros, a kink's neighbours and large magnitudes written into its first elements."""
    special = np.array([0.0, -0.0, 1e-9, -1e-9, 1000.0, -1000.0, 30.0, -30.0], dtype=x.dtype)
    flat = x.reshape(-1)
    flat[: special.size] = special[: flat.size]
    return x


@pytest.mark.public
@pytest.mark.points(0.5)
@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.figure("activation", "activations.{name}")
def test_activation_matches_reference(student, inputs, name):
    """value matches the reference, including at 0 and at |x| = 1000"""
    x = with_special_values(inputs.normal(4, 5, scale=3.0))
    expect_same_as_reference(student, f"activations.{name}", x)


@pytest.mark.public
@pytest.mark.points(0.5)
@pytest.mark.parametrize("name", DERIVATIVES)
@pytest.mark.figure("derivative", "activations.{name}")
def test_derivative_matches_reference(student, inputs, name):
    """derivative matches the reference, including the kink at 0 (relu_grad(0) is 0)"""
    x = with_special_values(inputs.normal(5, 3, scale=3.0))
    expect_same_as_reference(student, f"activations.{name}", x)


@pytest.mark.points(1)
@pytest.mark.parametrize("name", DERIVATIVES)
@pytest.mark.figure("derivative", "activations.{name}")
@pytest.mark.figure("gradient", "activations.{name}")
def test_derivative_matches_central_difference(student, inputs, name):
    """derivative agrees with central differences of the activation"""
    x = inputs.away_from(3, 4, kinks=(0.0,))
    forward = reference.resolve(f"activations.{name.removesuffix('_grad')}")
    numeric = elementwise_derivative(forward, x)
    got = student.call(f"activations.{name}", x)
    expect_gradient(got, numeric, call=Call(f"activations.{name}", (x,)), wrt="d/dx")


@pytest.mark.points(1)
def test_float32_in_gives_float32_out(student, inputs):
    """a float32 input gives a float32 output, for every activation and derivative"""
    x = inputs.normal(3, 7, dtype=np.float32)
    for name in ACTIVATIONS + DERIVATIVES + ["softmax"]:
        expect_properties(student, f"activations.{name}", x, properties={DTYPE_KEPT})


@pytest.mark.points(1)
def test_inputs_are_not_modified(student, inputs):
    """no function changes its input array in place"""
    x = inputs.normal(4, 6, scale=2.0)
    for name in ACTIVATIONS + DERIVATIVES + ["softmax"]:
        expect_contract(student, f"activations.{name}", x)
    expect_contract(student, "activations.softmax_backward", x, inputs.upstream(4, 6))


@pytest.mark.points(1)
def test_large_inputs_give_no_overflow(student):
    """no overflow warning and no NaN for |x| up to 1e4 (sigmoid, softplus, elu, their derivatives)"""
    x = np.array([-1e4, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e4])
    for name in ["sigmoid", "sigmoid_grad", "softplus", "softplus_grad", "elu", "elu_grad", "tanh", "tanh_grad"]:
        expect_properties(student, f"activations.{name}", x, properties={NO_WARNINGS, FINITE})


@pytest.mark.points(0.5)
def test_leaky_relu_and_elu_use_alpha(student, inputs):
    """leaky_relu, elu and their derivatives use the alpha they are given"""
    x = with_special_values(inputs.normal(3, 4, scale=2.0))
    for name in ["leaky_relu", "leaky_relu_grad", "elu", "elu_grad"]:
        expect_same_as_reference(student, f"activations.{name}", x, alpha=0.3)


@pytest.mark.public
@pytest.mark.points(1)
@pytest.mark.figure("activation", "activations.softmax")
def test_softmax_rows_match_reference(student, inputs):
    """softmax of a batch (N, C): each row normalised on its own"""
    expect_same_as_reference(student, "activations.softmax", inputs.normal(4, 6, scale=2.0))


@pytest.mark.points(1)
@pytest.mark.figure("activation", "activations.softmax")
def test_softmax_along_given_axis(student, inputs):
    """softmax(x, axis=0) normalises columns, and works on a 3-d array"""
    expect_same_as_reference(student, "activations.softmax", inputs.normal(4, 6), axis=0)
    expect_same_as_reference(student, "activations.softmax", inputs.normal(2, 3, 5), axis=1)


@pytest.mark.points(1)
@pytest.mark.figure("activation", "activations.softmax")
def test_softmax_of_large_scores(student):
    """softmax([1010, 1000, 990]) from the notes: subtract the maximum first, no overflow"""
    x = np.array([[1010.0, 1000.0, 990.0], [-1e4, 0.0, 1e4]])
    expect_properties(student, "activations.softmax", x, properties={NO_WARNINGS, SAME_VALUE})


@pytest.mark.points(1)
def test_softmax_backward_matches_central_difference(student, inputs):
    """softmax_backward gives dL/dx for L = sum(softmax(x) * grad_out)"""
    x, grad_out = inputs.normal(3, 5), inputs.upstream(3, 5)
    softmax = reference.resolve("activations.softmax")
    numeric = numeric_gradient(lambda: float(np.sum(softmax(x) * grad_out)), x)
    call = Call("activations.softmax_backward", (x, grad_out))
    expect_gradient(student.call(call.target, x, grad_out), numeric, call=call, wrt="dL/dx")


@pytest.mark.points(0.5)
def test_softmax_backward_along_axis_0(student, inputs):
    """softmax_backward honours axis=0"""
    expect_same_as_reference(student, "activations.softmax_backward", inputs.normal(5, 3), inputs.upstream(5, 3),
                             axis=0)


@pytest.mark.points(0.5)
@pytest.mark.figure("activation", "activations.maxout")
def test_maxout_keeps_each_groups_maximum(student, inputs):
    """maxout(x, num_units) keeps the maximum of each group of consecutive pieces"""
    expect_same_as_reference(student, "activations.maxout", inputs.normal(4, 6), 2)
    expect_same_as_reference(student, "activations.maxout", inputs.normal(3, 9), 3)


@pytest.mark.points(0.5)
def test_maxout_backward_routes_gradient_to_the_winner(student, inputs):
    """maxout_backward sends each unit's gradient to its winning piece"""
    x, grad_out = inputs.normal(4, 6), inputs.upstream(4, 3)
    maxout = reference.resolve("activations.maxout")
    numeric = numeric_gradient(lambda: float(np.sum(maxout(x, 3) * grad_out)), x)
    call = Call("activations.maxout_backward", (x, grad_out, 3))
    expect_gradient(student.call(call.target, x, grad_out, 3), numeric, call=call, wrt="dL/dx")
