"""Fingerprinting: replaying a failing call through the catalogued variants and naming the one that matches."""

from __future__ import annotations

import numpy as np

from grader import mistakes, reference
from grader.compare import Call
from grader.mistakes import identify, matches

X = np.array([[-2.0, -0.5, 0.0], [0.5, 1.5, 3.0]])


def named(call: Call, got, **kwargs) -> str | None:
    found = identify(call, got, **kwargs)
    return found.id if found else None


def test_a_known_wrong_output_is_named():
    call = Call("activations.sigmoid_grad", (X,))
    assert named(call, X * (1 - X)) == "sigmoid-grad-of-x"


def test_an_unknown_wrong_output_is_not_named():
    call = Call("activations.sigmoid_grad", (X,))
    assert named(call, reference.call(call.target, X) + 0.1) is None
    assert named(Call("activations.no_catalogued_mistakes", (X,)), X) is None


def test_the_same_shape_is_required():
    call = Call("activations.sigmoid_grad", (X,))
    assert named(call, (X * (1 - X)).T) is None
    assert named(call, (X * (1 - X))[0]) is None


def test_keyword_arguments_are_replayed():
    """leaky_relu(x, alpha=0.3) by someone who always uses 0.01."""
    call = Call("activations.leaky_relu", (X,), {"alpha": 0.3})
    assert named(call, np.where(X > 0, X, 0.01 * X)) == "leaky-relu-ignores-alpha"


def test_one_element_of_a_tuple_result_is_matched_against_the_variants_elements():
    """A check that compares (new_param, new_velocity) element by element reports the wrong element alone."""
    param, grad, velocity = np.array([1.0, -2.0]), np.array([2.0, -1.0]), np.array([0.5, -0.5])
    call = Call("optimizers.momentum_step", (param, grad, velocity, 0.1, 0.9))
    torch_velocity = 0.9 * velocity + grad
    assert named(call, param - 0.1 * torch_velocity) == "momentum-pytorch-convention"
    assert named(call, torch_velocity) == "momentum-pytorch-convention"
    assert named(call, (param - 0.1 * torch_velocity, torch_velocity)) == "momentum-pytorch-convention"


def test_a_bias_gradient_with_one_row_per_sample_is_named():
    grad_out, x, W = np.ones((4, 3)) * np.arange(3), np.ones((4, 2)), np.ones((2, 3))
    call = Call("layers.dense_backward", (grad_out, x, W))
    assert named(call, grad_out.copy()) == "dense-backward-bias-not-summed"


def test_a_warning_is_part_of_the_fingerprint():
    """softmax([1010, 1000, 990]) without the max shift overflows: NaN, and numpy warns."""
    x = np.array([[1010.0, 1000.0, 990.0]])
    call = Call("activations.softmax", (x,))
    with np.errstate(all="ignore"):
        naive = np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)
    assert named(call, naive, warned=True) == "softmax-without-max-shift"
    # a right answer that warned for another reason is not this mistake: the variant agrees with the
    # reference only where it does not warn
    small = np.array([[1.0, 2.0, 3.0]])
    right = reference.call("activations.softmax", small)
    assert named(Call("activations.softmax", (small,)), right, warned=True) is None


def test_the_callers_arrays_are_not_touched_by_the_replay():
    x = X.copy()
    identify(Call("activations.softmax", (x,)), np.zeros_like(x))
    assert np.array_equal(x, X)


def test_a_variant_that_fails_on_the_inputs_does_not_match():
    call = Call("activations.maxout", (np.ones((2, 5)), 2))  # 5 pieces do not split into 2 units
    assert named(call, np.ones((2, 2))) is None


def test_matches_is_loose_on_rounding_and_strict_on_structure():
    a = np.array([1.0, 2.0, np.nan])
    assert matches(a + 1e-9, a)
    assert not matches(a + 1e-2, a)
    assert matches((a, 1.0), (a, 1.0 + 1e-9))
    assert not matches(a, (a,))
    assert matches({"W": a}, {"W": a}) and not matches({"W": a}, {"b": a})
    assert not matches("text", a)


def test_every_catalogued_target_is_a_function_of_the_reference():
    for target in mistakes.catalogue():
        module, _, name = target.partition(".")
        assert callable(reference.resolve(f"{module}.{name.partition('.')[0]}")), target
