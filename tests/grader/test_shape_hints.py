"""A shape hint names no cause the values contradict: the bias gradient kept with keepdims over a batch of one
sample has the numbers of the right answer, so it is an axis of length 1, not a missing sum over the batch."""

import numpy as np
import pytest

from grader.compare import Call, CheckFailure, expect_array, expect_value
from grader.grading import grade
from grader.i18n import tr

from submissions import make_submission

SUMMED = "    grad_b = np.sum(grad_out, axis=0)"


def dense_backward_call(n: int) -> tuple[Call, np.ndarray]:
    """A dense_backward call on a batch of ``n`` samples, and grad_out."""
    rng = np.random.default_rng(3)
    grad_out, x, W = rng.normal(size=(n, 2)), rng.normal(size=(n, 7)), rng.normal(size=(7, 2))
    return Call("layers.dense_backward", (grad_out, x, W)), grad_out


def failure(got, expected, call: Call) -> CheckFailure:
    with pytest.raises(CheckFailure) as info:
        expect_array(got, expected, call=call)
    return info.value


def test_keepdims_bias_gradient_of_one_sample_is_an_axis_not_a_missing_sum():
    call, grad_out = dense_backward_call(1)
    found = failure(np.sum(grad_out, axis=0, keepdims=True), np.sum(grad_out, axis=0), call)
    assert "has shape (1, 2); expected shape (2,)" in found.message
    assert found.mistake == ""  # not dense-backward-bias-not-summed: with N = 1 its numbers are the sum's
    assert found.hint == tr("hint.axis_of_one")


def test_an_axis_of_one_dropped_gets_the_same_hint():
    call, _ = dense_backward_call(4)
    assert failure(np.arange(3.0), np.arange(3.0).reshape(3, 1), call).hint == tr("hint.axis_of_one")


def test_other_values_of_the_same_size_are_not_called_an_axis_of_one():
    call, _ = dense_backward_call(4)
    assert failure(np.ones((1, 3)), np.zeros(3), call).hint != tr("hint.axis_of_one")


def test_bias_gradient_not_summed_over_a_real_batch_is_still_named():
    call, grad_out = dense_backward_call(5)
    with pytest.raises(CheckFailure) as info:
        expect_value(grad_out, np.sum(grad_out, axis=0), call=call)
    assert info.value.mistake == "dense-backward-bias-not-summed"


def test_grading_keepdims_names_the_axis_and_never_the_missing_sum(tmp_path):
    folder = make_submission(tmp_path, "layers", SUMMED, SUMMED.replace("axis=0", "axis=0, keepdims=True"))
    failed = [c for c in grade(folder, ["layers"]).checks if not c.passed]
    odd_shapes = next(c for c in failed if c.name == "test_odd_shapes")  # the batch of one sample
    assert odd_shapes.hint == tr("hint.axis_of_one")
    assert all(c.mistake != "dense-backward-bias-not-summed" for c in failed)
