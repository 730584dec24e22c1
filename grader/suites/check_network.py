"""The multilayer perceptron: forward, backward and parameter count

An MLP([4, 6, 5, 3]) given the reference's weights (and non-zero biases): forward against the reference for softmax,
sigmoid and linear outputs and relu or tanh hidden layers; backward against central differences of
L = sum(forward(x) * grad_out) for every parameter; a dict with one gradient per parameter; the same gradients from
a second backward; x, grad_out and the parameters left unchanged; float32 kept; the parameter count. The state a
model keeps between calls: backward after two forwards uses the second one's values, and the cache holds one pair per
layer (not every forward's); forward and backward on a batch of another size; nothing accumulates from one backward to
the next. The given constructor: the reference's weights for a seed.

Every check but one runs the student's network.py beside the reference's activations and layers (the fixture
``alone``), so a bug there costs their checks, not these. The integration check (a second batch of another size) runs
the student's own pieces together; when it fails while those parts fail checks of their own, its note names them.
"""

from collections.abc import Sequence

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
    hint,
    tolerances_for,
)
from grader.gradcheck import expect_gradient, numeric_gradient
from grader.i18n import tr

ORDER = 4
INTEGRATION = ("test_a_second_batch_of_another_size",)  # the one check on the student's activations and layers

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


def expect_gradients(got, expected: dict, *, call: Call, causes: Sequence[tuple[str, dict]] = ()) -> None:
    """backward's reply must be ``expected``. ``causes`` are (hint, the gradients that cause gives) pairs: wrong
    gradients that are a cause's exactly get its hint, as the values prove it."""
    grads = expect_gradient_dict(got, expected, call=call)
    shown = next((text for text, wrong in causes if same_gradients(grads, wrong)), "")
    with hint(shown):
        expect_value(grads, expected, call=call)


def same_gradients(got: dict, wrong: dict) -> bool:
    """Whether ``got`` (a dict of arrays of the right shapes) holds the gradients ``wrong``, within tolerance."""
    try:
        return all(np.allclose(got[key], value, *tolerances_for(value)) for key, value in wrong.items())
    except (TypeError, ValueError):  # an array of objects or strings: not these numbers
        return False


def added(first: dict, second: dict) -> dict:
    """The gradients of two backward calls added up: what a backward that accumulates gives the second time."""
    return {key: first[key] + second[key] for key in first}


# -- forward -----------------------------------------------------------------------------------------------------


@pytest.mark.public
@pytest.mark.points(1)
@pytest.mark.parametrize("hidden, output", ACTIVATIONS)
def test_forward_matches_reference(alone, inputs, hidden, output):
    """forward should match the reference MLP with the same weights, for a batch of 7 and for one sample"""
    model, ref, built = build(alone, inputs, hidden, output)
    for x in (inputs.normal(N, LAYER_SIZES[0], scale=2.0), inputs.normal(1, LAYER_SIZES[0])):
        call = MethodCall("network.MLP.forward", (ref, x), model=built)
        expected = ref.forward(x)
        expect_array(model.call("forward", x), expected, call=call)


@pytest.mark.points(1)
def test_forward_keeps_float32(alone, inputs):
    """float32 x and float32 params should give a float32 output"""
    model, ref, built = build(alone, inputs, dtype=np.float32)
    x = inputs.normal(N, LAYER_SIZES[0], dtype=np.float32)
    call = MethodCall("network.MLP.forward", (ref, x), model=built)
    expect_same_dtypes(model.call("forward", x), ref.forward(x), call=call)


# -- backward ----------------------------------------------------------------------------------------------------


@pytest.mark.points(1.5)
@pytest.mark.parametrize("hidden, output", ACTIVATIONS)
def test_backward_matches_central_difference(alone, inputs, hidden, output):
    """backward should give dL/dparam for every parameter (W1, b1, ... W3, b3), L = sum(forward(x) * grad_out)"""
    model, ref, built = build(alone, inputs, hidden, output)
    x, grad_out = batch_away_from_kinks(inputs, ref), inputs.upstream(N, LAYER_SIZES[-1])
    # The same for every student of a class graded with one seed: computed once per grading process
    numeric = reference.kept(("network central differences", LAYER_SIZES, hidden, output, x, grad_out, ref.params),
                             lambda: {key: numeric_gradient(lambda: float(np.sum(ref.forward(x) * grad_out)), value)
                                      for key, value in ref.params.items()})
    ref.forward(x)  # the state the student's model is in when backward is called
    call = MethodCall("network.MLP.backward", (ref, grad_out), model=built, after=f"forward(x={describe_value(x)})")
    model.call("forward", x)
    grads = expect_gradient_dict(model.call("backward", grad_out), ref.params, call=call)
    for key in reversed(list(ref.params)):  # from the output layer down: the first wrong layer is the one named
        expect_gradient(grads[key], numeric[key], call=call, wrt=f"grads[{key!r}] = dL/d{key}")


@pytest.mark.points(1)
def test_backward_returns_one_gradient_per_parameter(alone, inputs):
    """backward should return a dict keyed like params (W1, b1, W2, ...), each gradient of its parameter's shape"""
    for layer_sizes in (LAYER_SIZES, [3, 2]):
        model, ref, built = build(alone, inputs, layer_sizes=layer_sizes)
        x, grad_out = inputs.normal(N, layer_sizes[0]), inputs.upstream(N, layer_sizes[-1])
        ref.forward(x)
        model.call("forward", x)
        call = MethodCall("network.MLP.backward", (ref, grad_out), model=built)
        expect_gradient_dict(model.call("backward", grad_out), ref.params, call=call)  # the values: other checks


@pytest.mark.points(1)
def test_backward_twice_gives_the_same_gradients(alone, inputs):
    """a second backward after the same forward should give the same gradients (no accumulation, the cache is kept)"""
    model, ref, built = build(alone, inputs, "tanh", "softmax")
    x, grad_out = inputs.normal(N, LAYER_SIZES[0]), inputs.upstream(N, LAYER_SIZES[-1])
    ref.forward(x)
    call = MethodCall("network.MLP.backward", (ref, grad_out), model=built, after=f"forward(x={describe_value(x)})")
    model.call("forward", x)
    first = expect_gradient_dict(model.call("backward", grad_out), ref.params, call=call)
    expect_value(first, ref.backward(grad_out), call=call)
    second = expect_gradient_dict(model.call("backward", grad_out), ref.params, call=call)
    accumulated = same_gradients(second, added(first, first))
    with hint(tr("suite.network.accumulated") if accumulated else ""):
        for key in ref.params:
            expect_array(second[key], first[key], call=call,
                         what=tr("check.network.test_backward_twice_gives_the_same_gradients.second", key=repr(key)))


# -- the state kept between calls ---------------------------------------------------------------------------------


@pytest.mark.points(0.5)
def test_backward_uses_the_last_forward(alone, inputs):
    """after two forwards, backward should use the second one's values, and the cache hold one pair per layer"""
    model, ref, built = build(alone, inputs, "tanh", "softmax")
    first, x = inputs.normal(N, LAYER_SIZES[0]), inputs.normal(N, LAYER_SIZES[0])
    grad_out = inputs.upstream(N, LAYER_SIZES[-1])
    ref.forward(first)
    stale = ref.backward(grad_out)  # what a backward still reading the first forward's values gives
    ref.forward(x)
    model.call("forward", first)
    model.call("forward", x)
    after = tr("check.network.test_backward_uses_the_last_forward.after", x=describe_value(x))
    call = MethodCall("network.MLP.backward", (ref, grad_out), model=built, after=after)
    expect_gradients(model.call("backward", grad_out), ref.backward(grad_out), call=call,
                     causes=[(tr("check.network.test_backward_uses_the_last_forward.stale"), stale)])
    cache = model.get("cache")  # a cache that grows gives the right gradients from its end, but grows without end
    if not isinstance(cache, (list, tuple)) or len(cache) != ref.n_layers:
        fail(tr("check.network.test_backward_uses_the_last_forward.cache", model=built, after=after,
                got=describe_value(cache), n=ref.n_layers),
             hint=tr("check.network.test_backward_uses_the_last_forward.cache_hint"))


@pytest.mark.points(0.5)
def test_a_second_batch_of_another_size(student, inputs):
    """on your own layers, your MLP's forward and backward on a batch of 7, then 3, should match the reference

    The integration check: the only one of this part that runs your activations.py and layers.py, as training does.
    """
    model, ref, built = build(student, inputs, "relu", "sigmoid")
    previous: dict | None = None
    after = ""
    for n in (N, 3):
        x, grad_out = inputs.normal(n, LAYER_SIZES[0]), inputs.upstream(n, LAYER_SIZES[-1])
        call = MethodCall("network.MLP.forward", (ref, x), model=built, after=after)
        expect_array(model.call("forward", x), ref.forward(x), call=call)
        expected = ref.backward(grad_out)
        forwarded = f"forward(x={describe_value(x)})"
        call = MethodCall("network.MLP.backward", (ref, grad_out), model=built,
                          after=tr("compare.after", call=forwarded, after=after) if after else forwarded)
        causes = [(tr("suite.network.accumulated"), added(previous, expected))] if previous is not None else []
        expect_gradients(model.call("backward", grad_out), expected, call=call, causes=causes)
        previous = expected
        after = tr("check.network.test_a_second_batch_of_another_size.after", x=describe_value(x),
                   grad_out=describe_value(grad_out))


# -- the given constructor ---------------------------------------------------------------------------------------


@pytest.mark.points(0.5)
def test_given_constructor_draws_the_reference_weights(alone, inputs):
    """the given constructor should be unchanged: the reference's weights and zero biases for a seed, used by forward"""
    for layer_sizes, settings in (([4, 6, 5, 3], {}), ([3, 5, 2], {"seed": 7, "output_activation": "linear"})):
        ref = reference.resolve("network.MLP")(layer_sizes, **settings)
        model = alone.new("network.MLP", layer_sizes, **settings)
        construction = Call("network.MLP", (tuple(layer_sizes),), settings)  # a tuple is shown, a list only counted
        with hint(tr("check.network.test_given_constructor_draws_the_reference_weights.given")):
            expect_value(model.get("params"), ref.params, call=construction, what="params")
        x = inputs.normal(N, layer_sizes[0])
        call = MethodCall("network.MLP.forward", (ref, x), model=construction.describe())
        expect_array(model.call("forward", x), ref.forward(x), call=call)


# -- both passes -------------------------------------------------------------------------------------------------


@pytest.mark.points(1)
def test_passes_leave_inputs_and_params_unchanged(alone, inputs):
    """forward and backward should change neither x, grad_out nor the parameters"""
    model, ref, built = build(alone, inputs, "tanh", "sigmoid")  # elementwise output: g *= ... is tempting
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
def test_param_count(alone, inputs):
    """param_count should count every weight and bias: 83 for [4, 6, 5, 3], 1010 for [100, 10]"""
    for layer_sizes in (LAYER_SIZES, [100, 10], [2, 16, 3]):
        model, ref, built = build(alone, inputs, layer_sizes=layer_sizes)
        call = MethodCall("network.MLP.param_count", (ref,), model=built)
        expect_scalar(model.call("param_count"), ref.param_count(), call=call)
