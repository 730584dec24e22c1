"""The shared check helpers: expect_arrays for replies made of arrays, `with hint(...)`, dtype tolerances, and the
reference's signatures that name a call's arguments."""

import inspect

import numpy as np
import pytest

from grader.compare import (
    TOLERANCES,
    Call,
    CheckFailure,
    _function_signature,
    expect_arrays,
    expect_finite,
    expect_same_dtypes,
    expect_scalar,
    fail,
    hint,
    signature_of,
)
from grader.gradcheck import expect_gradient

CALL = Call("layers.dense_backward", (np.zeros((5, 3)), np.zeros((5, 4)), np.zeros((4, 3))))
SHAPES = {"grad_x": (5, 4), "grad_W": (4, 3), "grad_b": (3,)}


def failure_of(fn, *args, **kwargs) -> CheckFailure:
    with pytest.raises(CheckFailure) as info:
        fn(*args, **kwargs)
    return info.value


def replies(**changes) -> tuple:
    arrays = {name: np.zeros(shape) for name, shape in SHAPES.items()}
    arrays.update(changes)
    return tuple(arrays.values())


def test_a_reply_of_the_right_arrays_is_returned_as_it_is():
    got = replies()
    assert expect_arrays(got, SHAPES, call=CALL) is got


def test_a_transposed_array_in_a_tuple_gets_the_transposed_hint():
    found = failure_of(expect_arrays, replies(grad_W=np.zeros((3, 4))), SHAPES, call=CALL)
    assert "grad_W has shape (3, 4); expected shape (4, 3)" in found.message
    assert "transposed" in found.hint


def test_a_transposed_array_in_a_dict_gets_the_transposed_hint_and_its_name():
    found = failure_of(expect_arrays, {"W1": np.zeros((6, 4)), "b1": np.zeros(6)}, {"W1": (4, 6), "b1": (6,)},
                       call=CALL, keyed=True, name=lambda key: f"grads[{key!r}]")
    assert "grads['W1'] has shape (6, 4)" in found.message and "transposed" in found.hint


def test_a_square_or_other_wrong_shape_gets_no_transposed_hint():
    found = failure_of(expect_arrays, replies(grad_b=np.zeros((5, 3))), SHAPES, call=CALL)
    assert "grad_b has shape (5, 3)" in found.message and "transposed" not in found.hint


def test_the_container_and_its_keys_are_checked():
    assert "a tuple of 3" in failure_of(expect_arrays, replies()[:2], SHAPES, call=CALL).message
    missing = failure_of(expect_arrays, {"W1": np.zeros(2)}, {"W1": (2,), "b1": (2,)}, call=CALL, keyed=True)
    assert "['W1', 'b1']" in missing.message


def test_a_shape_of_none_accepts_any_array_but_not_a_list():
    shapes = dict.fromkeys(SHAPES)
    expect_arrays(replies(grad_b=np.zeros((5, 3))), shapes, call=CALL)
    found = failure_of(expect_arrays, replies(grad_b=[0.0, 0.0, 0.0]), shapes, call=CALL)
    assert "grad_b is a list of 3; expected a numpy.ndarray." in found.message


def test_finite_asks_for_finite_values():
    found = failure_of(expect_arrays, {"W": np.array([1.0, np.inf])}, {"W": (2,)}, call=CALL, keyed=True,
                       finite=True)
    assert "is inf at index 1" in found.message


def test_a_gradient_of_transposed_shape_gets_the_transposed_hint():
    found = failure_of(expect_gradient, np.zeros((3, 4)), np.ones((4, 3)), call=CALL, wrt="dL/dW")
    assert "transposed" in found.hint


def test_hint_gives_its_hint_and_rewrites_the_message():
    with pytest.raises(CheckFailure) as info, hint("think of the batch", message=lambda m: f"{m} (N = 5)"):
        fail("wrong value", hint="generic")
    assert (info.value.message, info.value.hint) == ("wrong value (N = 5)", "think of the batch")


def test_hint_leaves_a_named_mistake_its_own_hint_and_an_empty_hint_changes_nothing():
    with pytest.raises(CheckFailure) as info, hint("think of the batch"):
        fail("wrong value", hint="this looks like mse-sums", mistake="mse-sums-instead-of-mean")
    assert (info.value.hint, info.value.mistake) == ("this looks like mse-sums", "mse-sums-instead-of-mean")
    with pytest.raises(CheckFailure) as info, hint(""):
        fail("wrong value", hint="generic")
    assert info.value.hint == "generic"


def test_a_float32_scalar_is_compared_with_float32_tolerances():
    rtol32, _ = TOLERANCES[np.dtype(np.float32)]
    call = Call("losses.mean_squared_error", (np.zeros(3, np.float32), np.zeros(3, np.float32)))
    expected = np.float32(0.5)
    expect_scalar(0.5 * (1 + rtol32 / 2), expected, call=call)  # float32 rounding, not a mistake
    with pytest.raises(CheckFailure):
        expect_scalar(0.5 * (1 + rtol32 / 2), 0.5, call=call)  # a float64 answer is held to float64's tolerance


def test_the_dtype_property_blames_only_the_dtype():
    expected = (np.zeros((2, 3), np.float32), np.zeros(3, np.float32))
    expect_same_dtypes((np.ones((2, 3), np.float32), np.ones((5, 5), np.float32)), expected, call=CALL)  # values
    found = failure_of(expect_same_dtypes, (np.zeros((2, 3)), np.zeros(3, np.float32)), expected, call=CALL)
    assert "result[0] has dtype float64; expected float32" in found.message and "float32" in found.hint


def test_the_finite_property_blames_only_nan_and_inf_where_the_reference_is_finite():
    expect_finite(np.array([5.0, np.inf]), np.array([1.0, np.inf]), call=CALL)  # a wrong value is not its business
    found = failure_of(expect_finite, np.array([1.0, np.nan]), np.array([1.0, 2.0]), call=CALL)
    assert "is nan at index 1" in found.message
    assert "is inf" in failure_of(expect_finite, float("inf"), 2.0, call=CALL).message


def test_a_signature_is_kept_for_a_plain_function_only():
    def sigmoid(x, axis=-1):
        return x

    class Replayed:  # how a student's copy answers for the reference: a new wrapper at every lookup
        __signature__ = inspect.signature(sigmoid)

        def __call__(self, *args, **kwargs):
            return None

    _function_signature.cache_clear()  # a full cache would keep its size whatever is asked
    kept = _function_signature.cache_info().currsize
    assert str(signature_of(Replayed())) == "(x, axis=-1)"
    assert _function_signature.cache_info().currsize == kept  # a wrapper would keep its recordings alive
    assert signature_of(sigmoid) is signature_of(sigmoid)
    assert _function_signature.cache_info().currsize == kept + 1
