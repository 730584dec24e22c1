"""The multilayer perceptron: forward, backward and parameter count

An MLP([4, 6, 5, 3]) given the reference's weights (and non-zero biases): forward against the reference for softmax,
sigmoid and linear outputs and relu or tanh hidden layers; backward against central differences of
L = sum(forward(x) * grad_out) for every parameter; a dict with one gradient per parameter; the same gradients from
a second backward; x, grad_out and the parameters left unchanged; float32 kept; the parameter count.
"""

import numpy as np
import pytest

from grader import reference
from grader.compare import (
    Call,
    MethodCall,
    describe_keys,
    describe_value,
    expect_array,
    expect_arrays,
    expect_same_dtypes,
    expect_scalar,
    expect_unchanged,
    expect_value,
    fail,
)
from grader.gradcheck import expect_gradient, numeric_gradient
from grader.i18n import tr

ORDER = 4

LAYER_SIZES = [4, 6, 5, 3]  # 83 parameters: small enough for central differences on every one
N = 7  # batch size, different from every layer width
ACTIVATIONS = [("relu", "softmax"), ("tanh", "sigmoid"), ("tanh", "linear")]
KINK_MARGIN = 2e-2  # hidden pre-activations keep this far from relu's kink at 0, out of reach of a step


def build(student, inputs, hidden: str = "relu", output: str = "softmax", layer_sizes: list[int] = LAYER_SIZES,
          dtype: type = np.float64):
    """The student's MLP and the reference's, sharing the reference's weights and random non-zero biases (the
    constructor's zero biases would hide a forgotten bias)."""
    settings = dict(hidden_activation=hidden, output_activation=output, seed=0)
    ref = reference.resolve("network.MLP")(layer_sizes, **settings)
    ref.params = {key: (inputs.normal(*value.shape, scale=0.5) if key.startswith("b") else value).astype(dtype)
                  for key, value in ref.params.items()}
    model = student.new("network.MLP", layer_sizes, **settings)
    model.set("params", ref.params)  # sent by value: the worker holds its own copies
    shown = ", ".join(f"{key}={value!r}" for key, value in settings.items() if key != "seed")
    return model, ref, f"MLP({layer_sizes}, {shown})"


def batch_away_from_kinks(inputs, ref, n: int = N) -> np.ndarray:
    """A batch x whose hidden pre-activations all keep KINK_MARGIN from 0, so relu is smooth around them: the
    samples that come closer are drawn again."""
    x = inputs.normal(n, ref.layer_sizes[0])
    for _ in range(100):
        ref.forward(x)
        near = np.any([(np.abs(z) < KINK_MARGIN).any(axis=1) for _, z in ref.cache[:-1]], axis=0)
        if not near.any():
            break
        x[near] = inputs.normal(int(near.sum()), x.shape[1])
    return x


def expect_gradient_dict(got, params: dict, *, call: Call) -> dict:
    """backward's reply must be a dict with the params' keys, each an array of its parameter's shape."""
    shapes = {key: value.shape for key, value in params.items()}
    return expect_arrays(got, shapes, call=call, keyed=True, name=lambda key: f"grads[{key!r}]")


# -- forward -----------------------------------------------------------------------------------------------------


@pytest.mark.public
@pytest.mark.points(1)
@pytest.mark.parametrize("hidden, output", ACTIVATIONS)
def test_forward_matches_reference(student, inputs, hidden, output):
    """forward matches the reference MLP with the same weights, for a batch of 7 and for one sample"""
    model, ref, built = build(student, inputs, hidden, output)
    for x in (inputs.normal(N, LAYER_SIZES[0], scale=2.0), inputs.normal(1, LAYER_SIZES[0])):
        call = MethodCall("network.MLP.forward", (ref, x), model=built)
        expected = ref.forward(x)
        expect_array(model.call("forward", x), expected, call=call)


@pytest.mark.points(1)
def test_forward_keeps_float32(student, inputs):
    """float32 x and float32 params give a float32 output"""
    model, ref, built = build(student, inputs, dtype=np.float32)
    x = inputs.normal(N, LAYER_SIZES[0], dtype=np.float32)
    call = MethodCall("network.MLP.forward", (ref, x), model=built)
    expect_same_dtypes(model.call("forward", x), ref.forward(x), call=call)


# -- backward ----------------------------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("hidden, output", ACTIVATIONS)
def test_backward_matches_central_difference(student, inputs, hidden, output):
    """backward gives dL/dparam for every parameter (W1, b1, ... W3, b3), L = sum(forward(x) * grad_out)"""
    model, ref, built = build(student, inputs, hidden, output)
    x, grad_out = batch_away_from_kinks(inputs, ref), inputs.upstream(N, LAYER_SIZES[-1])
    numeric = {key: numeric_gradient(lambda: float(np.sum(ref.forward(x) * grad_out)), value)
               for key, value in ref.params.items()}
    ref.forward(x)  # the state the student's model is in when backward is called
    call = MethodCall("network.MLP.backward", (ref, grad_out), model=built, after=f"forward(x={describe_value(x)})")
    model.call("forward", x)
    grads = expect_gradient_dict(model.call("backward", grad_out), ref.params, call=call)
    for key in reversed(list(ref.params)):  # from the output layer down: the first wrong layer is the one named
        expect_gradient(grads[key], numeric[key], call=call, wrt=f"grads[{key!r}] = dL/d{key}")


@pytest.mark.points(1)
def test_backward_returns_one_gradient_per_parameter(student, inputs):
    """backward returns a dict with the keys of params (W1, b1, W2, ...), each gradient of its parameter's shape"""
    for layer_sizes in (LAYER_SIZES, [3, 2]):
        model, ref, built = build(student, inputs, layer_sizes=layer_sizes)
        x, grad_out = inputs.normal(N, layer_sizes[0]), inputs.upstream(N, layer_sizes[-1])
        ref.forward(x)
        model.call("forward", x)
        call = MethodCall("network.MLP.backward", (ref, grad_out), model=built)
        expect_gradient_dict(model.call("backward", grad_out), ref.params, call=call)  # the values: other checks


@pytest.mark.points(1)
def test_backward_twice_gives_the_same_gradients(student, inputs):
    """a second backward after the same forward gives the same gradients (nothing accumulates, the cache is kept)"""
    model, ref, built = build(student, inputs, "tanh", "softmax")
    x, grad_out = inputs.normal(N, LAYER_SIZES[0]), inputs.upstream(N, LAYER_SIZES[-1])
    ref.forward(x)
    call = MethodCall("network.MLP.backward", (ref, grad_out), model=built, after=f"forward(x={describe_value(x)})")
    model.call("forward", x)
    first = expect_gradient_dict(model.call("backward", grad_out), ref.params, call=call)
    expect_value(first, ref.backward(grad_out), call=call)
    second = expect_gradient_dict(model.call("backward", grad_out), ref.params, call=call)
    for key in ref.params:
        expect_array(second[key], first[key], call=call,
                     what=tr("check.network.test_backward_twice_gives_the_same_gradients.second", key=repr(key)))


# -- both passes -------------------------------------------------------------------------------------------------


@pytest.mark.points(1)
def test_passes_leave_inputs_and_params_unchanged(student, inputs):
    """forward and backward change neither x, grad_out nor the parameters"""
    model, ref, built = build(student, inputs, "tanh", "sigmoid")  # elementwise output: g *= ... is tempting
    x, grad_out = inputs.normal(N, LAYER_SIZES[0]), inputs.upstream(N, LAYER_SIZES[-1])
    for method, argument in (("forward", x), ("backward", grad_out)):
        call = MethodCall(f"network.MLP.{method}", (ref, argument), model=built)
        reply = model.call(method, argument, echo_args=True)
        expect_unchanged([argument], reply.args_after, call=call)
        getattr(ref, method)(argument)  # the reference in the same state for the next call
        params = model.get("params")
        if not isinstance(params, dict) or set(params) != set(ref.params):
            after = tr("check.network.test_passes_leave_inputs_and_params_unchanged.params_after", call=call.describe())
            fail(tr("compare.not_dict", call=after, keys=sorted(ref.params), got=describe_keys(params)))
        for key, value in ref.params.items():
            expect_value(params[key], value, call=call,
                         what=tr("check.network.test_passes_leave_inputs_and_params_unchanged.param_after",
                                 key=repr(key), method=method))


@pytest.mark.public
@pytest.mark.points(1)
def test_param_count(student, inputs):
    """param_count counts every weight and bias: 83 for [4, 6, 5, 3], 1010 for [100, 10]"""
    for layer_sizes in (LAYER_SIZES, [100, 10], [2, 16, 3]):
        model, ref, built = build(student, inputs, layer_sizes=layer_sizes)
        call = MethodCall("network.MLP.param_count", (ref,), model=built)
        expect_scalar(model.call("param_count"), ref.param_count(), call=call)
