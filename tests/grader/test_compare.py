"""Comparisons are strict where np.allclose is lenient, and their messages point at the worst element."""

import numpy as np
import pytest

from grader.compare import Call, CheckFailure, expect_array, expect_scalar, expect_unchanged, expect_value
from grader.gradcheck import elementwise_derivative, expect_gradient, numeric_gradient, relative_error

CALL = Call("activations.sigmoid", (np.zeros((2, 3)),))


def failure(fn, *args, **kwargs) -> CheckFailure:
    with pytest.raises(CheckFailure) as info:
        fn(*args, call=CALL, **kwargs)
    return info.value


def test_broadcastable_shapes_are_not_equal():
    assert np.allclose(np.ones((1, 3)), np.ones(3))  # what a lenient comparison would accept
    assert "has shape (1, 3); expected shape (3,)" in failure(expect_array, np.ones((1, 3)), np.ones(3)).message


def test_transposed_result_gets_a_transpose_hint():
    assert "transposed" in failure(expect_array, np.ones((3, 2)), np.ones((2, 3))).hint


def test_dtype_must_match():
    message = failure(expect_array, np.ones(3), np.ones(3, dtype=np.float32)).message
    assert "dtype float64; expected float32" in message


def test_nan_fails_even_inside_tolerance():
    got = np.array([0.5, np.nan, 0.5])
    assert "is nan at index 1" in failure(expect_array, got, np.full(3, 0.5)).message


def test_worst_element_is_reported_with_its_input():
    x = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    call = Call("activations.relu", (x,))
    got = x.copy()
    got[1, 2] = -7.0
    with pytest.raises(CheckFailure) as info:
        expect_array(got, x, call=call)
    assert "wrong at index (1, 2) for x = 5: expected 5, got -7 (1 of 6 elements differ)" in info.value.message


def test_not_an_array_and_not_a_number():
    assert "is [1.0, 2.0]" in failure(expect_array, [1.0, 2.0], np.ones(2)).message or \
        "a list" in failure(expect_array, [1.0, 2.0], np.ones(2)).message
    assert "expected a single number" in failure(expect_scalar, np.ones(3), 1.0).message


def test_scalar_accepts_numpy_and_python_numbers():
    for got in (0.5, np.float32(0.5), np.array(0.5)):
        expect_scalar(got, 0.5, call=CALL)


def test_tuples_compare_elementwise():
    expect_value((np.ones(2), np.zeros(3)), (np.ones(2), np.zeros(3)), call=CALL)
    assert "[1] has shape (2,)" in failure(expect_value, (np.ones(2), np.zeros(2)), (np.ones(2), np.zeros(3))).message


def test_mutated_input_is_named():
    call = Call("activations.softmax", (np.zeros(3),))
    with pytest.raises(CheckFailure, match="changed its input x in place"):
        expect_unchanged([np.zeros(3)], [np.ones(3)], call=call)


def test_numeric_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numeric_gradient(lambda: float(np.sum(x ** 3)), x)
    assert np.allclose(grad, 3 * x ** 2, rtol=1e-6)
    assert np.array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored after perturbing


def test_elementwise_derivative_and_relative_error():
    x = np.linspace(-2, 2, 7)
    assert relative_error(elementwise_derivative(np.tanh, x), 1 - np.tanh(x) ** 2).max() < 1e-8
    assert relative_error(np.array([0.0]), np.array([0.0]))[0] == 0.0  # the floor avoids 0/0
    assert relative_error(np.array([1.0]), np.array([-1.0]))[0] == 1.0


def test_gradient_failure_reports_relative_error_and_central_difference():
    x = np.array([1.0, 3.0])
    call = Call("activations.sigmoid_grad", (x,))
    with pytest.raises(CheckFailure) as info:
        expect_gradient(np.array([0.196612, -6.0]), np.array([0.196612, 0.0451767]), call=call, wrt="d/dx")
    message = info.value.message
    assert "wrong at index 1 for x = 3: expected 0.0451767 (central difference), got -6 (relative error 1" in message
    assert info.value.mistake == ""  # only one element is off: no catalogued mistake matches


def test_gradient_failure_names_a_catalogued_mistake():
    x = np.array([1.0, 3.0])
    with pytest.raises(CheckFailure) as info:
        expect_gradient(x * (1 - x), np.array([0.196612, 0.0451767]), call=Call("activations.sigmoid_grad", (x,)),
                        wrt="d/dx")
    assert info.value.mistake == "sigmoid-grad-of-x"
    assert "sigmoid(x) in place of x" in info.value.hint
