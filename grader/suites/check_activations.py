"""Activation functions and their derivatives

Values against the reference (with 0, kinks and |x| = 1000 among the inputs), float32 in -> float32 out, integers
in -> float64 out, no overflow warnings, derivatives against central differences, softmax and log_softmax along an
axis and softmax's backward pass, single samples and 3-d batches, maxout's gradient split between tied pieces, and
linear returning a new array, never its input.
"""

from collections.abc import Callable

import numpy as np
import pytest

from grader import reference
from grader.compare import (
    DTYPE_KEPT,
    FINITE,
    NEW_ARRAY,
    NO_WARNINGS,
    SAME_VALUE,
    Call,
    expect_contract_of_each,
    expect_each_same_as_own,
    expect_properties,
    expect_properties_of_each,
    expect_same_as_reference,
    hint,
)
from grader.gradcheck import elementwise_derivative, expect_gradient, reference_gradient
from grader.i18n import tr

ORDER = 1

ACTIVATIONS = ["step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear"]
DERIVATIVES = ["sigmoid_grad", "tanh_grad", "relu_grad", "leaky_relu_grad", "elu_grad", "softplus_grad"]
# linear_grad (1 everywhere) has no public value check; the hidden ones below include it.
ALL_DERIVATIVES = DERIVATIVES + ["linear_grad"]


def with_special_values(x: np.ndarray) -> np.ndarray:
    """x with exact zeros, a kink's neighbours and large magnitudes written into its first elements."""
    special = np.array([0.0, -0.0, 1e-9, -1e-9, 1000.0, -1000.0, 30.0, -30.0], dtype=x.dtype)
    flat = x.reshape(-1)
    flat[: special.size] = special[: flat.size]
    return x


def per_function_value_check(names: list[str], figure: str) -> Callable[[Callable], Callable]:
    """The marks of a half-point check run once per function in ``names``, drawn as a ``figure`` figure. The check
    still writes ``@pytest.mark.public`` itself: the student copy finds its public checks by that decorator's text."""
    marks = [pytest.mark.points(0.5), pytest.mark.parametrize("name", names),
             pytest.mark.figure(figure, "activations.{name}")]

    def marked(check: Callable) -> Callable:
        for mark in reversed(marks):  # bottom first, as stacked decorators apply
            check = mark(check)
        return check

    return marked


@pytest.mark.public
@per_function_value_check(ACTIVATIONS, "activation")
def test_activation_matches_reference(student, inputs, name):
    """value should match the reference, including at 0 and at |x| = 1000"""
    x = with_special_values(inputs.normal(4, 5, scale=3.0))
    expect_same_as_reference(student, f"activations.{name}", x)


@pytest.mark.public
@per_function_value_check(DERIVATIVES, "derivative")
def test_derivative_matches_reference(student, inputs, name):
    """derivative should match the reference, at 0 and at the kinks too (its docstring gives the value there)"""
    x = with_special_values(inputs.normal(5, 3, scale=3.0))
    expect_same_as_reference(student, f"activations.{name}", x)


@pytest.mark.points(0.5)
@pytest.mark.parametrize("name", ALL_DERIVATIVES)
@pytest.mark.figure("derivative", "activations.{name}")
@pytest.mark.figure("gradient", "activations.{name}")
def test_derivative_matches_central_difference(student, inputs, name):
    """derivative should agree with central differences of the activation"""
    x = inputs.away_from(3, 4, kinks=(0.0,))
    forward = reference.resolve(f"activations.{name.removesuffix('_grad')}")
    numeric = elementwise_derivative(forward, x)
    got = student.call(f"activations.{name}", x)
    expect_gradient(got, numeric, call=Call(f"activations.{name}", (x,)), wrt="d/dx")


@pytest.mark.points(1)
def test_float32_in_gives_float32_out(student, inputs):
    """a float32 input should give a float32 output, for every activation and derivative"""
    x = inputs.normal(3, 6, dtype=np.float32)
    calls = [Call(f"activations.{name}", (x,)) for name in ACTIVATIONS + ALL_DERIVATIVES + ["softmax", "log_softmax"]]
    calls += [Call("activations.softmax_backward", (x, inputs.upstream(3, 6).astype(np.float32))),
              Call("activations.maxout", (x, 3)),
              Call("activations.maxout_backward", (x, inputs.upstream(3, 3).astype(np.float32), 3))]
    expect_properties_of_each(student, calls, properties={DTYPE_KEPT})


@pytest.mark.points(0.5)
def test_integers_in_give_float64_out(student):
    """integer inputs, as an array or a list, should give a float64 output, for every activation and derivative"""
    x = np.array([[-3, -1, 0], [1, 2, 5]])
    names = ACTIVATIONS + ALL_DERIVATIVES + ["softmax", "log_softmax"]
    expect_properties_of_each(student, [Call(f"activations.{name}", (form,)) for name in names
                                        for form in (x, x.tolist())], properties={DTYPE_KEPT})


@pytest.mark.points(0.5)
def test_inputs_are_not_modified(student, inputs):
    """no function should change its input array in place"""
    x = inputs.normal(4, 6, scale=2.0)
    calls = [Call(f"activations.{name}", (x,)) for name in ACTIVATIONS + ALL_DERIVATIVES + ["softmax", "log_softmax"]]
    calls += [Call(f"activations.{name}", (x,), {"alpha": 0.3})
              for name in ["leaky_relu", "leaky_relu_grad", "elu", "elu_grad"]]
    calls += [Call(f"activations.{name}", (x,), {"axis": 0}) for name in ["softmax", "log_softmax"]]
    calls += [Call("activations.softmax_backward", (x, inputs.upstream(4, 6))),
              Call("activations.softmax_backward", (x, inputs.upstream(4, 6)), {"axis": 0}),
              Call("activations.maxout", (x, 3)),
              Call("activations.maxout_backward", (x, inputs.upstream(4, 3), 3))]
    expect_contract_of_each(student, calls)


@pytest.mark.points(0.5)
def test_linear_returns_a_new_array(student, inputs):
    """linear should return a new array (a copy), never its input or a view of it"""
    # Only the worker, where the arrays live, sees whether the answer is the input: the grader gets copies.
    for dtype in (np.float64, np.float32):  # a float array passes _float_array as itself: both could be returned
        expect_properties(student, "activations.linear", inputs.normal(4, 6, dtype=dtype), properties={NEW_ARRAY})


@pytest.mark.points(1)
def test_large_inputs_give_no_overflow(student):
    """|x| up to 1e4 should give no overflow warning and no NaN (sigmoid, softplus, elu, their derivatives)"""
    x = np.array([-1e4, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e4])
    names = ["sigmoid", "sigmoid_grad", "softplus", "softplus_grad", "elu", "elu_grad", "tanh", "tanh_grad"]
    expect_properties_of_each(student, [Call(f"activations.{name}", (x,)) for name in names],
                              properties={NO_WARNINGS, FINITE})


@pytest.mark.points(0.5)
def test_leaky_relu_and_elu_use_alpha(student, inputs):
    """leaky_relu, elu and their derivatives should use the alpha they are given"""
    x = with_special_values(inputs.normal(3, 4, scale=2.0))
    for name in ["leaky_relu", "leaky_relu_grad", "elu", "elu_grad"]:
        expect_same_as_reference(student, f"activations.{name}", x, alpha=0.3)


@pytest.mark.public
@pytest.mark.points(1)
@pytest.mark.figure("activation", "activations.softmax")
def test_softmax_rows_match_reference(student, inputs):
    """softmax of a batch (N, C) should normalise each row on its own"""
    expect_same_as_reference(student, "activations.softmax", inputs.normal(4, 6, scale=2.0))


@pytest.mark.public
@pytest.mark.points(0.5)
@pytest.mark.figure("activation", "activations.softmax")
def test_softmax_of_the_notes_example(student):
    """the notes' softmax([2, 10, 1, 4]) should give dog, cat, puppy, person 0.000334, 0.997071, 0.000123, 0.002471"""
    scores = np.array([2.0, 10.0, 1.0, 4.0])  # the notes' scores, as floats: integer input has its own check
    notes = tr("check.activations.test_softmax_of_the_notes_example.message")
    with hint("", message=lambda failure: f"{notes} {failure}"):
        expect_same_as_reference(student, "activations.softmax", scores)
        expect_same_as_reference(student, "activations.softmax", scores[None, :])  # the same, as a batch of one


@pytest.mark.points(0.5)
@pytest.mark.figure("activation", "activations.softmax")
def test_softmax_along_given_axis(student, inputs):
    """softmax(x, axis=0) should normalise columns, and work on a 3-d array"""
    expect_same_as_reference(student, "activations.softmax", inputs.normal(4, 6), axis=0)
    expect_same_as_reference(student, "activations.softmax", inputs.normal(2, 3, 5), axis=1)


@pytest.mark.points(1)
@pytest.mark.figure("activation", "activations.softmax")
def test_softmax_of_large_scores(student):
    """softmax([1010, 1000, 990]) from the notes should subtract the maximum first and not overflow"""
    x = np.array([[1010.0, 1000.0, 990.0], [-1e4, 0.0, 1e4]])
    expect_properties(student, "activations.softmax", x, properties={NO_WARNINGS, SAME_VALUE})


@pytest.mark.points(0.5)
@pytest.mark.figure("activation", "activations.log_softmax")
def test_log_softmax_matches_reference(student, inputs):
    """log_softmax(x, axis) should be log(softmax(x, axis)): rows by default, columns with axis=0"""
    expect_same_as_reference(student, "activations.log_softmax", inputs.normal(4, 6, scale=2.0))
    expect_same_as_reference(student, "activations.log_softmax", inputs.normal(4, 6, scale=2.0), axis=0)


@pytest.mark.points(0.5)
def test_log_softmax_of_large_scores(student):
    """log_softmax([1010, 1000, 990]) should stay finite: the log-sum-exp trick never takes log(0), no overflow"""
    x = np.array([[1010.0, 1000.0, 990.0], [-1e4, 0.0, 1e4]])
    expect_properties(student, "activations.log_softmax", x, properties={NO_WARNINGS, FINITE, SAME_VALUE})


@pytest.mark.points(0.5)
def test_single_samples_and_3d_batches(student, inputs):
    """one sample (C,) and a 3-d batch should work as the docstrings allow (softmax, maxout, backward, elementwise)"""
    # Each answer must be the student's own answer on the same numbers as a 2-d batch (whose values the value checks
    # grade): this check blames only the input's form.
    cases = []
    for x in (inputs.normal(6, scale=2.0), inputs.normal(2, 3, 6, scale=2.0)):
        grad_out, maxout_grad = inputs.upstream(*x.shape), inputs.upstream(*x.shape[:-1], 2)
        cases += [("softmax", (x,)), ("log_softmax", (x,)), ("softmax_backward", (x, grad_out)), ("maxout", (x, 2)),
                  ("maxout_backward", (x, maxout_grad, 2))]
    x = with_special_values(inputs.normal(2, 3, 4, scale=3.0))
    cases += [(name, (x,)) for name in ACTIVATIONS + ALL_DERIVATIVES]
    # The answer on the 2-d batches, (N, width), reshaped back to the form's own batch dimensions
    expect_each_same_as_own(student, [(Call(f"activations.{name}", as_2d_batches(args)),
                                       Call(f"activations.{name}", args)) for name, args in cases],
                            what=tr("check.activations.test_single_samples_and_3d_batches.as_2d"),
                            expected_of=lambda batch, call: batch.reshape(call.args[0].shape[:-1] + batch.shape[-1:]))


def as_2d_batches(args: tuple) -> tuple:
    """Each array argument as a 2-d batch of its last axis: a (6,) sample becomes (1, 6), a (2, 3, 6) batch (6, 6)."""
    return tuple(a.reshape(-1, a.shape[-1]) if isinstance(a, np.ndarray) else a for a in args)


@pytest.mark.points(1)
def test_softmax_backward_matches_central_difference(student, inputs):
    """softmax_backward should give dL/dx for L = sum(softmax(x) * grad_out)"""
    x, grad_out = inputs.normal(3, 5), inputs.upstream(3, 5)
    numeric = reference_gradient("activations.softmax", (x,), 0, upstream=grad_out)
    call = Call("activations.softmax_backward", (x, grad_out))
    expect_gradient(student.call(call.target, x, grad_out), numeric, call=call, wrt="dL/dx")


@pytest.mark.points(0.5)
def test_softmax_backward_along_axis_0(student, inputs):
    """softmax_backward should honour axis=0"""
    expect_same_as_reference(student, "activations.softmax_backward", inputs.normal(5, 3), inputs.upstream(5, 3),
                             axis=0)


@pytest.mark.points(0.5)
@pytest.mark.figure("activation", "activations.maxout")
def test_maxout_keeps_each_groups_maximum(student, inputs):
    """maxout(x, num_units) should keep the maximum of each group of consecutive pieces"""
    expect_same_as_reference(student, "activations.maxout", inputs.normal(4, 6), 2)
    expect_same_as_reference(student, "activations.maxout", inputs.normal(3, 9), 3)


@pytest.mark.points(0.5)
def test_maxout_backward_routes_gradient_to_the_winner(student, inputs):
    """maxout_backward should send each unit's gradient to its winning piece"""
    x, grad_out = inputs.normal(4, 6), inputs.upstream(4, 3)
    numeric = reference_gradient("activations.maxout", (x, 3), 0, upstream=grad_out)
    call = Call("activations.maxout_backward", (x, grad_out, 3))
    expect_gradient(student.call(call.target, x, grad_out, 3), numeric, call=call, wrt="dL/dx")


@pytest.mark.points(0.5)
def test_maxout_backward_splits_ties(student):
    """maxout_backward should split a unit's gradient equally between the pieces that tie for its maximum"""
    # Unit by unit: two of three pieces tie, all three tie, one winner; exact ties never occur in random inputs.
    x = np.array([[2.0, -1.0, 2.0, 0.5, 0.5, 0.5, -3.0, 4.0, 1.0],
                  [0.0, 0.0, -1.0, 7.0, 7.0, 7.0, -2.0, -2.0, -2.5]])
    grad_out = np.array([[3.0, -1.5, 2.0], [1.0, 6.0, -4.0]])
    expect_same_as_reference(student, "activations.maxout_backward", x, grad_out, 3)
