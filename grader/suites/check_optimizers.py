"""Gradient descent and momentum, as Keras' SGD defines them

sgd_step's value; momentum_step going downhill from rest, matching Keras' sequence from a non-zero velocity, returning
Keras' velocity (the learning rate changes between steps, which tells it from PyTorch's buffer) and stepping Nesterov
with the new velocity; the SGD class updating a params dict in place, one velocity per key kept across calls,
momentum 0 as plain SGD, momentum adding inertia, keys without a gradient left alone, grads left unchanged, and the
parameter's dtype kept (float32, also under float64 gradients; integers become float64); the steps returning new
arrays, and apply rebinding params' entries, leaving the old arrays as they were.
"""

import numpy as np
import pytest

from grader import reference
from grader.compare import (
    DTYPE_KEPT,
    NEW_ARRAY,
    Call,
    MethodCall,
    expect_arrays,
    expect_contract_of_each,
    expect_old_arrays_kept,
    expect_properties_of_each,
    expect_same_as_reference,
    expect_same_dtypes,
    expect_value,
    fail,
    format_number,
)
from grader.i18n import tr

ORDER = 5

LEARNING_RATE, MOMENTUM = 0.1, 0.9


def quadratic_loss(param: np.ndarray, curvature: np.ndarray) -> float:
    """L(p) = 0.5 * sum(c * p**2): a bowl whose gradient is c * p."""
    return float(0.5 * np.sum(curvature * param**2))


def sgd_settings(**settings) -> Call:
    """The optimizer a check builds, described the way the student wrote it: ``SGD(learning_rate=0.1, ...)``."""
    return Call("optimizers.SGD", (), settings)


def apply_call(settings: dict, params: dict, grads: dict) -> MethodCall:
    """``SGD(learning_rate=0.1, ...).apply(params={...}, grads={...})``, as a failure describes the call."""
    optimizer = reference.resolve("optimizers.SGD")(**settings)
    return MethodCall("optimizers.SGD.apply", (optimizer, params, grads), model=sgd_settings(**settings).describe())


def reference_applies(settings: dict, params: dict, grads_per_apply: list[dict],
                      learning_rates: list[float] | None = None) -> list[dict]:
    """The params dict after each apply of the reference SGD, starting from copies of ``params``."""
    optimizer = reference.resolve("optimizers.SGD")(**settings)
    params = {k: v.copy() for k, v in params.items()}
    after = []
    for i, grads in enumerate(grads_per_apply):
        if learning_rates is not None:
            optimizer.learning_rate = learning_rates[i]
        optimizer.apply(params, {k: v.copy() for k, v in grads.items()})
        after.append(dict(params))
    return after


def student_applies(student, settings: dict, params: dict, grads_per_apply: list[dict],
                    learning_rates: list[float] | None = None) -> list[dict]:
    """The params dict after each apply of the student's SGD (read back from the worker: apply updates in place)."""
    optimizer = student.new("optimizers.SGD", **settings)
    after = []
    for i, grads in enumerate(grads_per_apply):
        if learning_rates is not None:
            optimizer.set("learning_rate", learning_rates[i])
        params = optimizer.call("apply", params, grads, echo_args=True).args_after[0]
        after.append(params)
    return after


def after_applies(count: int) -> list[str]:
    """How a failure names the params after each of the first ``count`` applies (at most 2): "after the first
    apply", ..., in the student's language."""
    return [tr("suite.optimizers.after_first_apply"), tr("suite.optimizers.after_second_apply")][:count]


def expect_params(got: dict, expected: dict, *, call: Call, when: str) -> None:
    expect_value(got, expected, call=call, what=tr("suite.optimizers.params_after", when=when))


def expect_applies_like_reference(student, settings: dict, params: dict, grads_per_apply: list[dict],
                                  learning_rates: list[float] | None = None, *, whens: list[str] | None = None) -> None:
    """The student's SGD leaves the reference's params after each apply; ``whens`` names the applies (by default
    "after the first apply", ...)."""
    got = student_applies(student, settings, params, grads_per_apply, learning_rates)
    expected = reference_applies(settings, params, grads_per_apply, learning_rates)
    for when, g, e in zip(whens or after_applies(len(grads_per_apply)), got, expected, strict=True):
        expect_params(g, e, call=sgd_settings(**settings), when=when)


def param_after(params, key: str, shape: tuple, *, call: Call, when: str) -> np.ndarray:
    """params[key] read back after an apply, once it is known to be a finite array of the parameter's shape."""
    name = lambda k: tr("suite.optimizers.param_after", when=when, key=repr(k))  # noqa: E731
    return expect_arrays(params, {key: shape}, call=call, keyed=True, name=name, finite=True)[key]


# -- sgd_step and momentum_step --------------------------------------------------------------------------------------


@pytest.mark.public
@pytest.mark.points(1)
def test_sgd_step_matches_reference(student, inputs):
    """sgd_step should give param - learning_rate * grad"""
    expect_same_as_reference(student, "optimizers.sgd_step", inputs.normal(3, 4), inputs.normal(3, 4), LEARNING_RATE)
    expect_same_as_reference(student, "optimizers.sgd_step", inputs.normal(5), inputs.normal(5), 0.01)


@pytest.mark.points(0.5)
def test_momentum_step_from_rest_goes_downhill(student, inputs):
    """momentum_step from zero velocity should move every parameter against its gradient and lower the loss"""
    curvature = inputs.positive(3, 4, low=0.5, high=2.0)
    param = inputs.away_from(3, 4, kinks=(0.0,), margin=0.1)
    grad = curvature * param
    args = (param, grad, np.zeros_like(param), LEARNING_RATE, MOMENTUM)
    call = Call("optimizers.momentum_step", args)
    new_param, _ = expect_arrays(student.call(call.target, *args), {"new_param": param.shape,
                                                                     "new_velocity": param.shape}, call=call)
    uphill = np.sign(new_param - param) != -np.sign(grad)
    if uphill.any():
        index = tuple(int(i) for i in np.argwhere(uphill)[0])
        fail(tr("check.optimizers.test_momentum_step_from_rest_goes_downhill.uphill", call=call.describe(),
                index=index, before=format_number(param[index]), after=format_number(new_param[index]),
                grad=format_number(grad[index])),
             hint=tr("check.optimizers.test_momentum_step_from_rest_goes_downhill.uphill_hint"))
    before, after = quadratic_loss(param, curvature), quadratic_loss(new_param, curvature)
    if not after < before:
        fail(tr("check.optimizers.test_momentum_step_from_rest_goes_downhill.loss_up", call=call.describe(),
                before=format_number(before), after=format_number(after)))


@pytest.mark.points(1)
def test_momentum_step_matches_keras_from_nonzero_velocity(student, inputs):
    """two momentum steps from a non-zero velocity should match Keras: velocity = momentum * velocity - lr * grad"""
    # The tiny case, by hand (learning_rate 0.1, momentum 0.9):
    #   param [1, -2], velocity [0.5, -0.5], grad [2, -1] -> velocity [0.25, -0.35],   param [1.25, -2.35]
    #   then grad [1, 1]                                   -> velocity [0.125, -0.415], param [1.375, -2.765]
    tiny = (np.array([1.0, -2.0]), np.array([0.5, -0.5]), [np.array([2.0, -1.0]), np.array([1.0, 1.0])])
    random = (inputs.normal(3, 4), inputs.normal(3, 4, scale=0.1), [inputs.normal(3, 4), inputs.normal(3, 4)])
    for param, velocity, grads in (tiny, random):
        for grad in grads:
            args = (param, grad, velocity, LEARNING_RATE, MOMENTUM)
            call = Call("optimizers.momentum_step", args)
            got = student.call(call.target, *args)
            expect_value(got, reference.call(call.target, *args), call=call)
            param, velocity = got


@pytest.mark.points(1)
def test_momentum_step_returns_keras_velocity(student, inputs):
    """the velocity should include the learning rate (Keras), so a rate changed between steps still matches"""
    # PyTorch keeps buf = momentum * buf + grad and steps param - lr * buf: the same weights as Keras while the
    # learning rate is constant, different ones once it changes. Each step starts from the student's own last result.
    param, velocity = inputs.normal(2, 3), np.zeros((2, 3))
    for step, learning_rate in enumerate([0.1, 0.02, 0.05], start=1):
        args = (param, inputs.normal(2, 3), velocity, learning_rate, MOMENTUM)
        call = Call("optimizers.momentum_step", args)
        got = student.call(call.target, *args)
        expect_value(got, reference.call(call.target, *args), call=call,
                     what=tr("check.optimizers.test_momentum_step_returns_keras_velocity.step", step=step,
                             rate=f"{learning_rate:g}"))
        param, velocity = got


@pytest.mark.points(0.5)
def test_nesterov_uses_the_new_velocity(student, inputs):
    """nesterov=True should step param + momentum * new_velocity - lr * grad (momentum_step and SGD)"""
    param, velocity, grad = inputs.normal(3, 4), inputs.normal(3, 4, scale=0.1), inputs.normal(3, 4)
    expect_same_as_reference(student, "optimizers.momentum_step", param, grad, velocity, LEARNING_RATE, MOMENTUM,
                             nesterov=True)
    settings = dict(learning_rate=LEARNING_RATE, momentum=MOMENTUM, nesterov=True)
    params = {"W": inputs.normal(3, 4)}
    grads = [{"W": inputs.normal(3, 4)}, {"W": inputs.normal(3, 4)}]
    expect_applies_like_reference(student, settings, params, grads)


# -- the SGD class ---------------------------------------------------------------------------------------------------


@pytest.mark.points(0.5)
def test_apply_updates_every_param_in_place(student, inputs):
    """apply(params, grads) should update every key of grads in the params dict itself (the dict, not its arrays)"""
    settings = dict(learning_rate=LEARNING_RATE, momentum=MOMENTUM)
    params = {"W1": inputs.normal(3, 4), "b1": inputs.normal(4), "W2": inputs.normal(4, 2), "b2": inputs.normal(2)}
    grads = {key: inputs.normal(*value.shape) for key, value in params.items()}
    (got,) = student_applies(student, settings, params, [grads])
    call = sgd_settings(**settings)
    if isinstance(got, dict) and set(got) == set(params) and all(
            isinstance(got[k], np.ndarray) and np.array_equal(got[k], params[k]) for k in params):
        fail(tr("check.optimizers.test_apply_updates_every_param_in_place.unchanged",
                call=apply_call(settings, params, grads).describe()),
             hint=tr("check.optimizers.test_apply_updates_every_param_in_place.unchanged_hint"))
    expect_params(got, reference_applies(settings, params, [grads])[0], call=call,
                  when=tr("suite.optimizers.after_apply"))


@pytest.mark.points(1)
def test_one_velocity_per_parameter(student, inputs):
    """each parameter should keep its own velocity (two parameters of the same shape, different gradients)"""
    settings = dict(learning_rate=LEARNING_RATE, momentum=MOMENTUM)
    params = {"W1": inputs.normal(3, 4), "W2": inputs.normal(3, 4)}
    grads = [{"W1": inputs.normal(3, 4), "W2": inputs.normal(3, 4, scale=3.0)} for _ in range(2)]
    expect_applies_like_reference(student, settings, params, grads)


@pytest.mark.points(1)
def test_velocity_is_kept_across_applies(student, inputs):
    """a second apply should continue from the first one's velocity, also after the learning rate is changed"""
    # Changing optimizer.learning_rate between applies (a schedule) tells Keras' velocity from PyTorch's buffer.
    settings = dict(learning_rate=LEARNING_RATE, momentum=MOMENTUM)
    params = {"W": inputs.normal(4, 3), "b": inputs.normal(3)}
    grads = [{"W": inputs.normal(4, 3), "b": inputs.normal(3)} for _ in range(3)]
    learning_rates = [LEARNING_RATE, LEARNING_RATE, 0.03]
    whens = after_applies(2) + [tr("check.optimizers.test_velocity_is_kept_across_applies.after_third",
                                   before=f"{learning_rates[1]:g}", after=f"{learning_rates[2]:g}")]
    expect_applies_like_reference(student, settings, params, grads, learning_rates, whens=whens)


@pytest.mark.points(0.5)
def test_momentum_zero_is_plain_sgd(student, inputs):
    """with momentum=0 every apply should be a plain sgd_step"""
    settings = dict(learning_rate=0.05)
    params = {"W": inputs.normal(3, 4), "b": inputs.normal(4)}
    grads = [{"W": inputs.normal(3, 4), "b": inputs.normal(4)} for _ in range(2)]
    got = student_applies(student, settings, params, grads)
    sgd_step = reference.resolve("optimizers.sgd_step")
    expected = params
    for when, g, step_grads in zip(after_applies(2), got, grads, strict=True):
        expected = {key: sgd_step(expected[key], step_grads[key], 0.05) for key in expected}
        expect_params(g, expected, call=sgd_settings(**settings), when=when)


@pytest.mark.points(0.5)
def test_momentum_adds_inertia(student, inputs):
    """with the same gradient on every apply, each step should be longer than the last: 1, 1.9, 2.71 times the first"""
    settings = dict(learning_rate=LEARNING_RATE, momentum=MOMENTUM)
    params, grads = {"W": inputs.normal(2, 3)}, {"W": inputs.away_from(2, 3, margin=0.2)}
    after = student_applies(student, settings, params, [grads] * 3)
    call = sgd_settings(**settings)
    expect_params(after[0], reference_applies(settings, params, [grads])[0], call=call, when=after_applies(1)[0])
    first = after[0]["W"] - params["W"]
    for n in (2, 3):
        now = param_after(after[n - 1], "W", params["W"].shape, call=call,
                          when=tr("check.optimizers.test_momentum_adds_inertia.after_apply", n=n))
        ratio = float(np.sum((now - after[n - 2]["W"]) * first) / np.sum(first * first))
        wanted = sum(MOMENTUM**k for k in range(n))
        if not abs(ratio - wanted) <= 1e-6 * wanted:
            fail(tr("check.optimizers.test_momentum_adds_inertia.ratio", optimizer=call.describe(), n=n,
                    ratio=format_number(ratio), wanted=format_number(wanted), power=n - 1),
                 hint=tr("check.optimizers.test_momentum_adds_inertia.hint"))


@pytest.mark.points(0.5)
def test_keys_without_a_gradient_stay_unchanged(student, inputs):
    """apply should update only the keys of grads: a parameter missing from grads keeps its value, momentum or not"""
    params = {"W": inputs.normal(3, 4), "frozen": inputs.normal(4), "b": inputs.normal(4)}
    grads = [{"W": inputs.normal(3, 4), "b": inputs.normal(4)} for _ in range(2)]
    for settings in (dict(learning_rate=LEARNING_RATE), dict(learning_rate=LEARNING_RATE, momentum=MOMENTUM)):
        call = apply_call(settings, params, grads[0])
        for when, after in zip(after_applies(2), student_applies(student, settings, params, grads), strict=True):
            # Only the key without a gradient is graded here: the updated keys' values are the other checks'.
            frozen = after.get("frozen") if isinstance(after, dict) else after
            expect_value(frozen, params["frozen"], call=call,
                         what=tr("suite.optimizers.param_after", when=when, key=repr("frozen")))


@pytest.mark.points(0.5)
def test_inputs_are_not_modified(student, inputs):
    """sgd_step, momentum_step and SGD.apply should keep their input arrays unchanged (apply: the grads)"""
    param, grad, velocity = inputs.normal(3, 4), inputs.normal(3, 4), inputs.normal(3, 4, scale=0.1)
    expect_contract_of_each(student, [
        Call("optimizers.sgd_step", (param, grad, LEARNING_RATE)),
        Call("optimizers.momentum_step", (param, grad, velocity, LEARNING_RATE, MOMENTUM)),
        Call("optimizers.momentum_step", (param, grad, velocity, LEARNING_RATE, MOMENTUM), {"nesterov": True})])
    settings = dict(learning_rate=LEARNING_RATE, momentum=MOMENTUM)
    params = {"W": inputs.normal(3, 4), "b": inputs.normal(4)}
    grads = {"W": inputs.normal(3, 4), "b": inputs.normal(4)}
    optimizer = student.new("optimizers.SGD", **settings)
    for _ in range(2):  # the second apply, with a velocity, is where grads *= momentum is tempting
        apply = apply_call(settings, params, grads)
        params, grads_after = optimizer.call("apply", params, grads, echo_args=True).args_after
        for key in grads:
            if not (isinstance(grads_after, dict) and isinstance(grads_after.get(key), np.ndarray)
                    and np.array_equal(grads_after[key], grads[key])):
                fail(tr("compare.mutated", call=apply.describe(), name=f"grads[{key!r}]"), hint=tr("hint.mutated"))


@pytest.mark.points(0.5)
def test_steps_return_new_arrays(student, inputs):
    """sgd_step and momentum_step should return new arrays, never an input array or a view of one"""
    # Only the worker, where the arrays live, sees whether the answer is an input: the grader gets copies.
    steps = []
    for dtype in (np.float64, np.float32):
        param, grad = inputs.normal(3, 4, dtype=dtype), inputs.normal(3, 4, dtype=dtype)
        velocity = inputs.normal(3, 4, scale=0.1, dtype=dtype)
        steps.append(Call("optimizers.sgd_step", (param, grad, LEARNING_RATE)))
        steps += [Call("optimizers.momentum_step", (param, grad, velocity, LEARNING_RATE, MOMENTUM),
                       {"nesterov": nesterov}) for nesterov in (False, True)]
    expect_properties_of_each(student, steps, properties={NEW_ARRAY})


@pytest.mark.points(0.5)
def test_apply_keeps_the_old_arrays(student, inputs):
    """apply should rebind params[key] to a new array and leave the old parameter arrays unmodified, momentum or not"""
    # The caller's params dict sees the new values either way; only the worker sees whether the old arrays, which
    # the caller may still hold, were overwritten. The grads are test_inputs_are_not_modified's.
    for settings in (dict(learning_rate=LEARNING_RATE), dict(learning_rate=LEARNING_RATE, momentum=MOMENTUM)):
        params = {"W": inputs.normal(3, 4), "b": inputs.normal(4)}
        optimizer = student.new("optimizers.SGD", **settings)
        for _ in range(2):  # the second apply, with a velocity, is where params[key] += velocity is tempting
            grads = {key: inputs.normal(*value.shape) for key, value in params.items()}
            reply = optimizer.call("apply", params, grads, echo_args=True, watch=True)
            expect_old_arrays_kept(reply.watch, call=apply_call(settings, params, grads), argument=0)
            params = reply.args_after[0]


@pytest.mark.points(1)
def test_float32_stays_float32(student, inputs):
    """float32 params and gradients should give float32 results (sgd_step, momentum_step, SGD.apply with momentum)"""
    param, grad = inputs.normal(3, 4, dtype=np.float32), inputs.normal(3, 4, dtype=np.float32)
    velocity = inputs.normal(3, 4, scale=0.1, dtype=np.float32)
    expect_properties_of_each(student, [Call("optimizers.sgd_step", (param, grad, LEARNING_RATE)),
                                        Call("optimizers.momentum_step",
                                             (param, grad, velocity, LEARNING_RATE, MOMENTUM))],
                              properties={DTYPE_KEPT})
    settings = dict(learning_rate=LEARNING_RATE, momentum=MOMENTUM)
    params = {"W": inputs.normal(3, 4, dtype=np.float32), "b": inputs.normal(4, dtype=np.float32)}
    grads = [{key: inputs.normal(*value.shape, dtype=np.float32) for key, value in params.items()} for _ in range(2)]
    got, expected = student_applies(student, settings, params, grads), reference_applies(settings, params, grads)
    for when, g, e in zip(after_applies(2), got, expected, strict=True):
        expect_same_dtypes(g, e, call=sgd_settings(**settings), what=tr("suite.optimizers.params_after", when=when))


@pytest.mark.points(0.5)
def test_mixed_dtypes_keep_the_params_dtype(student, inputs):
    """the result should keep the parameter's float dtype: float32 under float64 grads, float64 for integer params"""
    param, grad = inputs.normal(3, 4, dtype=np.float32), inputs.normal(3, 4)
    velocity = inputs.normal(3, 4, scale=0.1)
    steps = [Call("optimizers.sgd_step", (param, grad, LEARNING_RATE)),
             Call("optimizers.sgd_step", (np.arange(-3, 9).reshape(3, 4), grad, LEARNING_RATE))]
    steps += [Call("optimizers.momentum_step", (param, grad, velocity, LEARNING_RATE, MOMENTUM), {"nesterov": nesterov})
              for nesterov in (False, True)]
    expect_properties_of_each(student, steps, properties={DTYPE_KEPT})
    for settings in (dict(learning_rate=LEARNING_RATE), dict(learning_rate=LEARNING_RATE, momentum=MOMENTUM)):
        params = {"W": inputs.normal(3, 4, dtype=np.float32), "b": inputs.normal(4, dtype=np.float32)}
        grads = [{key: inputs.normal(*value.shape) for key, value in params.items()} for _ in range(2)]
        got, expected = student_applies(student, settings, params, grads), reference_applies(settings, params, grads)
        for when, g, e in zip(after_applies(2), got, expected, strict=True):
            expect_same_dtypes(g, e, call=sgd_settings(**settings), what=tr("suite.optimizers.params_after", when=when))
