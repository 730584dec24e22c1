"""The dense layer: forward, backward and parameter count

z = x @ W + b with batch size, input width and units all different (5, 4, 3), so a transposed product or gradient
has the wrong shape; odd shapes (one sample, one input, one unit); dense_backward's three gradients against central
differences (grad_W of W's shape, grad_b summed over the batch); float32 kept; inputs unchanged; the same gradients
on a second call; (n_in + 1) * n_units parameters, a Python int, also for 0 inputs or 0 units.
"""

import numpy as np
import pytest

from grader.compare import (
    DTYPE_KEPT,
    Call,
    describe_value,
    expect_array,
    expect_arrays,
    expect_contract,
    expect_properties,
    expect_same_as_reference,
    fail,
)
from grader.gradcheck import expect_gradient, reference_gradient
from grader.i18n import tr

ORDER = 3

N, N_IN, N_UNITS = 5, 4, 3  # all different: x (5, 4), W (4, 3), b (3,), z (5, 3)
GRADIENTS = ("grad_x", "grad_W", "grad_b")


def dense_inputs(inputs, n: int = N, n_in: int = N_IN, n_units: int = N_UNITS,
                 dtype: type = np.float64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x (n, n_in), W (n_in, n_units) and a non-zero b (n_units,), so a forgotten bias shows."""
    return (inputs.normal(n, n_in, dtype=dtype), inputs.normal(n_in, n_units, dtype=dtype),
            inputs.normal(n_units, dtype=dtype))


def check_backward_gradient(student, inputs, index: int) -> None:
    """One of dense_backward's gradients against central differences of L = sum((x @ W + b) * grad_out)."""
    x, W, b = dense_inputs(inputs)
    grad_out = inputs.upstream(N, N_UNITS)
    # L is linear in each of x, W and b, so central differences are exact for any step: a step of 1 keeps the
    # rounding error of the differences far below the tolerance, even for a gradient entry close to 0.
    numeric = reference_gradient("layers.dense_forward", (x, W, b), index, upstream=grad_out, h=1.0)
    call = Call("layers.dense_backward", (grad_out, x, W))
    # Only the gradient this check grades must have its shape: a wrong grad_b costs grad_b's check, not grad_x's.
    got = expect_arrays(student.call(call.target, grad_out, x, W), dict.fromkeys(GRADIENTS), call=call)
    expect_gradient(got[index], numeric, call=call, wrt=f"{GRADIENTS[index]} (dL/d{'xWb'[index]})")


# -- dense_forward -----------------------------------------------------------------------------------------------


@pytest.mark.public
@pytest.mark.points(1)
def test_dense_forward_matches_reference(student, inputs):
    """dense_forward should give x @ W + b for N, n_in, n_units = 5, 4, 3, with zeros and |x| = 1000"""
    x, W, b = dense_inputs(inputs)
    x[0] = 0.0
    x[1, :2] = (1000.0, -1000.0)
    expect_same_as_reference(student, "layers.dense_forward", x, W, b)


@pytest.mark.points(1)
def test_odd_shapes(student, inputs):
    """forward and backward should keep 2-d shapes for one sample, one input feature and one unit"""
    for n, n_in, n_units in [(1, 7, 2), (6, 1, 3), (4, 3, 1)]:
        x, W, b = dense_inputs(inputs, n, n_in, n_units)
        expect_same_as_reference(student, "layers.dense_forward", x, W, b)
        expect_same_as_reference(student, "layers.dense_backward", inputs.upstream(n, n_units), x, W)


# -- dense_backward ----------------------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.figure("gradient", "layers.dense_backward")
def test_grad_x_matches_central_difference(student, inputs):
    """grad_x = dL/dx should agree with central differences, shape (N, n_in), for a random grad_out"""
    check_backward_gradient(student, inputs, 0)


@pytest.mark.points(2)
@pytest.mark.figure("gradient", "layers.dense_backward")
def test_grad_W_matches_central_difference(student, inputs):
    """grad_W = dL/dW should agree with central differences and have W's shape (n_in, n_units), not its transpose"""
    check_backward_gradient(student, inputs, 1)


@pytest.mark.points(2)
@pytest.mark.figure("gradient", "layers.dense_backward")
def test_grad_b_matches_central_difference(student, inputs):
    """grad_b = dL/db should agree with central differences: summed over the batch of N = 5, shape (n_units,)"""
    check_backward_gradient(student, inputs, 2)


@pytest.mark.points(0.5)
def test_backward_twice_gives_the_same_gradients(student, inputs):
    """calling dense_backward twice on the same arrays should give the same gradients (nothing accumulates)"""
    x, W, _ = dense_inputs(inputs)
    grad_out = inputs.upstream(N, N_UNITS)
    call = Call("layers.dense_backward", (grad_out, x, W))
    first = expect_same_as_reference(student, call.target, grad_out, x, W)
    second = expect_arrays(student.call(call.target, grad_out, x, W), dict.fromkeys(GRADIENTS), call=call)
    for name, got, expected in zip(GRADIENTS, second, first, strict=True):
        expect_array(got, expected, call=call,
                     what=tr("check.layers.test_backward_twice_gives_the_same_gradients.second_call", name=name))


# -- both passes -------------------------------------------------------------------------------------------------


@pytest.mark.points(1)
def test_float32_in_gives_float32_out(student, inputs):
    """float32 inputs should give a float32 output and float32 gradients"""
    x, W, b = dense_inputs(inputs, dtype=np.float32)
    expect_properties(student, "layers.dense_forward", x, W, b, properties={DTYPE_KEPT})
    grad_out = inputs.upstream(N, N_UNITS).astype(np.float32)
    expect_properties(student, "layers.dense_backward", grad_out, x, W, properties={DTYPE_KEPT})


@pytest.mark.points(1)
def test_inputs_are_not_modified(student, inputs):
    """neither dense_forward nor dense_backward should change the arrays it is given, or make numpy warn"""
    x, W, b = dense_inputs(inputs)
    expect_contract(student, "layers.dense_forward", x, W, b)
    expect_contract(student, "layers.dense_backward", inputs.upstream(N, N_UNITS), x, W)


# -- dense_param_count -------------------------------------------------------------------------------------------


@pytest.mark.public
@pytest.mark.points(1)
def test_dense_param_count(student):
    """dense_param_count should count every weight and every bias: 100 inputs and 10 units give 1010"""
    for n_inputs, n_units in [(100, 10), (4, 3), (784, 128), (1, 1)]:
        expect_same_as_reference(student, "layers.dense_param_count", n_inputs, n_units)


@pytest.mark.points(0.5)
def test_param_count_is_a_python_int(student):
    """dense_param_count should return a Python int, not a numpy integer or a float, also for 0 inputs or 0 units"""
    for n_inputs, n_units in [(0, 5), (7, 0), (12, 3)]:
        got = student.call("layers.dense_param_count", n_inputs, n_units)  # its value is the value check's
        if type(got) is not int:
            fail(tr("check.layers.test_param_count_is_a_python_int.not_int",
                    call=Call("layers.dense_param_count", (n_inputs, n_units)).describe(), got=describe_value(got),
                    type=type(got).__name__),
                 hint=tr("check.layers.test_param_count_is_a_python_int.hint"))
