"""The contract every exercise function states in its docstring: any shape, float32 in -> float32 out, inputs
never modified, vectorized, and no overflow/invalid warnings for |x| up to 1e4."""

from __future__ import annotations

import ast
import contextlib
import inspect
import textwrap
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from .packages import SOLUTIONS_DIR, solution

EXTREME = np.array([-1e4, -1000.0, -100.0, -20.0, -1.0, -1e-8, 0.0, 1e-8, 1.0, 20.0, 100.0, 1000.0, 1e4])


@contextlib.contextmanager
def strict_numerics() -> Iterator[None]:
    """Every warning is an error, and so are overflow, division by zero and invalid values.

    Underflow stays allowed: exp(-1e4) rounding to 0.0 is the right answer, not a bug (numpy would otherwise
    raise on the stable formulas themselves).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield


ELEMENTWISE = [
    ("step", {}),
    ("sigmoid", {}),
    ("sigmoid_grad", {}),
    ("tanh", {}),
    ("tanh_grad", {}),
    ("relu", {}),
    ("relu_grad", {}),
    ("leaky_relu", {}),
    ("leaky_relu", {"alpha": np.float64(0.2)}),
    ("leaky_relu_grad", {"alpha": np.float64(0.2)}),  # a float64 alpha must not promote a float32 input
    ("elu", {}),
    ("elu", {"alpha": np.float64(0.5)}),
    ("elu_grad", {"alpha": np.float64(2.0)}),
    ("elu_grad", {"alpha": 2.0}),
    ("softplus", {}),
    ("softplus_grad", {}),
    ("linear", {}),
    ("linear_grad", {}),
]
ELEMENTWISE_IDS = [
    name + "".join(f"[{key}={type(value).__name__}({value})]" for key, value in kwargs.items())
    for name, kwargs in ELEMENTWISE
]


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    return getattr(solution("activations"), name)(*args, **kwargs)


@pytest.mark.parametrize(("name", "kwargs"), ELEMENTWISE, ids=ELEMENTWISE_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(), (7,), (2, 3, 4)])
def test_elementwise_keeps_shape_and_float_dtype(name, kwargs, dtype, shape):
    x = np.random.default_rng(0).normal(size=shape).astype(dtype)
    result = call(name, x, **kwargs)
    # numpy turns a 0-d result into a numpy scalar in some operations; it still has a shape and a dtype.
    assert isinstance(result, (np.ndarray, np.generic)) and result.shape == shape and result.dtype == dtype


@pytest.mark.parametrize(("name", "kwargs"), ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_elementwise_turns_integers_and_lists_into_float64(name, kwargs):
    for x in (np.array([-2, 0, 3]), [-2, 0, 3], [True, False]):
        assert call(name, x, **kwargs).dtype == np.float64


@pytest.mark.parametrize(("name", "kwargs"), ELEMENTWISE, ids=ELEMENTWISE_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_elementwise_is_finite_and_silent_at_extreme_inputs(name, kwargs, dtype):
    x = EXTREME.astype(dtype)
    with strict_numerics():
        result = call(name, x, **kwargs)
    assert np.all(np.isfinite(result))


@pytest.mark.parametrize(("name", "kwargs"), ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_elementwise_never_modifies_its_input(name, kwargs):
    x = np.random.default_rng(1).normal(size=(3, 4)) * 10
    before = x.copy()
    result = call(name, x, **kwargs)
    assert np.array_equal(x, before)
    result[...] = 123.0  # the output is a new array: writing to it cannot reach the input either
    assert np.array_equal(x, before)


VECTOR_CALLS: dict[str, Callable[[np.ndarray], Any]] = {
    "softmax": lambda x: call("softmax", x),
    "softmax_axis0": lambda x: call("softmax", x, axis=0),
    "log_softmax": lambda x: call("log_softmax", x),
    "softmax_backward": lambda x: call("softmax_backward", x, x[::-1].copy()),
    "maxout": lambda x: call("maxout", x, 2),
    "maxout_backward": lambda x: call("maxout_backward", x, x[..., :2].copy(), 2),
}


@pytest.mark.parametrize("name", sorted(VECTOR_CALLS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_family_keeps_dtype_is_silent_and_leaves_inputs_alone(name, dtype):
    x = np.stack([EXTREME[:4], EXTREME[-4:], EXTREME[4:8], [1010.0, 1000.0, 990.0, 0.0]]).astype(dtype)
    before = x.copy()
    with strict_numerics():
        result = VECTOR_CALLS[name](x)
    assert result.dtype == dtype and np.all(np.isfinite(result))
    assert np.array_equal(x, before)


def test_softmax_rows_sum_to_one_for_any_leading_shape():
    x = np.random.default_rng(2).normal(size=(2, 3, 5)) * 100
    for axis in (-1, 0, 1):
        np.testing.assert_allclose(call("softmax", x, axis=axis).sum(axis=axis), 1.0, rtol=1e-12)


# --- losses -------------------------------------------------------------------------------------------------

LOSSES = [
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
]
LOSS_VARIANTS = [(name, {}) for name in LOSSES] + [
    (name, {"from_logits": True}) for name in LOSSES if "crossentropy" in name
]
LOSS_IDS = [f"{name}{'[logits]' if kwargs else ''}" for name, kwargs in LOSS_VARIANTS]


def loss_inputs(name: str, extreme: bool, dtype: type = np.float64) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    y_pred = rng.choice(EXTREME, size=(6, 4)) if extreme else rng.uniform(0.05, 0.95, size=(6, 4))
    if name == "sparse_categorical_crossentropy":
        return rng.integers(0, 4, size=6), y_pred.astype(dtype)
    if name == "categorical_crossentropy":
        return np.eye(4)[rng.integers(0, 4, size=6)].astype(dtype), y_pred.astype(dtype)
    if name == "binary_crossentropy":
        return rng.integers(0, 2, size=(6, 4)).astype(dtype), y_pred.astype(dtype)
    y_true = rng.choice(EXTREME, size=(6, 4)) if extreme else rng.uniform(0.1, 3.0, size=(6, 4))
    return y_true.astype(dtype), y_pred.astype(dtype)


def loss_function(name: str, grad: bool = False) -> Callable:
    return getattr(solution("losses"), f"{name}_grad" if grad else name)


@pytest.mark.parametrize(("name", "kwargs"), LOSS_VARIANTS, ids=LOSS_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_loss_is_a_scalar_of_y_pred_dtype_and_grad_has_y_pred_shape(name, kwargs, dtype):
    y_true, y_pred = loss_inputs(name, extreme=False, dtype=dtype)
    value = loss_function(name)(y_true, y_pred, **kwargs)
    assert np.ndim(value) == 0 and np.asarray(value).dtype == dtype
    grad = loss_function(name, grad=True)(y_true, y_pred, **kwargs)
    assert grad.shape == y_pred.shape and grad.dtype == dtype


@pytest.mark.parametrize(("name", "kwargs"), LOSS_VARIANTS, ids=LOSS_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_loss_and_grad_are_finite_and_silent_at_extreme_inputs(name, kwargs, dtype):
    y_true, y_pred = loss_inputs(name, extreme=True, dtype=dtype)
    with strict_numerics():
        value = loss_function(name)(y_true, y_pred, **kwargs)
        grad = loss_function(name, grad=True)(y_true, y_pred, **kwargs)
    assert np.isfinite(value) and np.all(np.isfinite(grad))


@pytest.mark.parametrize(("name", "kwargs"), LOSS_VARIANTS, ids=LOSS_IDS)
def test_loss_and_grad_never_modify_their_inputs(name, kwargs):
    y_true, y_pred = loss_inputs(name, extreme=True)
    saved = (y_true.copy(), y_pred.copy())
    loss_function(name)(y_true, y_pred, **kwargs)
    loss_function(name, grad=True)(y_true, y_pred, **kwargs)
    assert np.array_equal(y_true, saved[0]) and np.array_equal(y_pred, saved[1])


@pytest.mark.parametrize("name", [n for n in LOSSES if n != "sparse_categorical_crossentropy"])
def test_mismatched_shapes_are_refused_instead_of_broadcast(name):
    # (N,) against (N, 1) would silently broadcast to (N, N) and give a wrong loss.
    with pytest.raises(ValueError, match="shape"):
        loss_function(name)(np.ones(4) * 0.5, np.ones((4, 1)) * 0.5)
    with pytest.raises(ValueError, match="shape"):
        loss_function(name, grad=True)(np.ones(4) * 0.5, np.ones((4, 1)) * 0.5)


def test_sparse_labels_are_checked():
    sparse = loss_function("sparse_categorical_crossentropy")
    p = np.full((2, 3), 1 / 3)
    assert np.isclose(sparse([[0], [2]], p), np.log(3))  # an (N, 1) column of labels is accepted, as in Keras
    assert np.isclose(sparse(np.array([0.0, 2.0]), p), np.log(3))  # whole-number floats are labels too
    for bad in ([0, 3], [-1, 0], [0.5, 1.0], [[0, 1]]):
        with pytest.raises(ValueError):
            sparse(bad, p)


# --- layers, network, optimizers, metrics --------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dense_layer_keeps_dtype_and_inputs(dtype):
    layers = solution("layers")
    rng = np.random.default_rng(4)
    x, W, b, g = (rng.normal(size=s).astype(dtype) for s in [(5, 3), (3, 2), (2,), (5, 2)])
    saved = [a.copy() for a in (x, W, b, g)]
    z = layers.dense_forward(x, W, b)
    grads = layers.dense_backward(g, x, W)
    assert z.dtype == dtype and [a.dtype for a in grads] == [dtype] * 3
    assert [a.shape for a in grads] == [x.shape, W.shape, b.shape]
    assert all(np.array_equal(a, s) for a, s in zip((x, W, b, g), saved, strict=True))


def test_mlp_in_float32_stays_float32_and_leaves_its_inputs_alone():
    model = solution("network").MLP([3, 4, 2], hidden_activation="elu", output_activation="softmax", seed=5)
    model.params = {key: value.astype(np.float32) for key, value in model.params.items()}
    x = np.random.default_rng(5).normal(size=(6, 3)).astype(np.float32)
    g = np.random.default_rng(6).normal(size=(6, 2)).astype(np.float32)
    saved_x, saved_g = x.copy(), g.copy()
    saved_params = {key: value.copy() for key, value in model.params.items()}
    assert model.forward(x).dtype == np.float32
    grads = model.backward(g)
    assert all(grad.dtype == np.float32 for grad in grads.values())
    assert np.array_equal(x, saved_x) and np.array_equal(g, saved_g)
    assert all(np.array_equal(model.params[key], saved_params[key]) for key in saved_params)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_optimizer_steps_keep_dtype_and_return_new_arrays(dtype):
    optimizers = solution("optimizers")
    p, g, v = (np.full(3, value, dtype=dtype) for value in (1.0, 0.5, -0.25))
    saved = [a.copy() for a in (p, g, v)]
    assert optimizers.sgd_step(p, g, 0.1).dtype == dtype
    new_p, new_v = optimizers.momentum_step(p, g, v, np.float64(0.1), 0.9, nesterov=True)
    assert new_p.dtype == new_v.dtype == dtype
    assert all(np.array_equal(a, s) for a, s in zip((p, g, v), saved, strict=True))
    assert optimizers.sgd_step([1, 2], [1, 1], 0.5).tolist() == [0.5, 1.5]  # integer params become floats


def test_sgd_apply_rebinds_params_without_touching_old_arrays_or_grads():
    optimizer = solution("optimizers").SGD(learning_rate=0.1, momentum=0.9)
    old = np.ones(3, dtype=np.float32)
    grad = np.full(3, 2.0, dtype=np.float32)
    params = {"W": old, "b": np.zeros(1)}
    optimizer.apply(params, {"W": grad})
    assert params["W"] is not old and np.array_equal(old, np.ones(3)) and np.array_equal(grad, np.full(3, 2.0))
    assert params["W"].dtype == np.float32 and optimizer.velocities["W"].dtype == np.float32
    assert np.array_equal(params["b"], np.zeros(1)) and "b" not in optimizer.velocities  # no grad, no update


@pytest.mark.parametrize("name", ["accuracy", "precision", "recall", "specificity", "f1_score"])
def test_metrics_return_python_floats_and_leave_labels_alone(name):
    metric = getattr(solution("metrics"), name)
    y_true, y_pred = np.array([[1, 0], [1, 1]]), np.array([[1, 1], [0, 1]])
    saved = (y_true.copy(), y_pred.copy())
    assert type(metric(y_true, y_pred)) is float
    assert type(metric([True, False], [True, True])) is float
    assert np.array_equal(y_true, saved[0]) and np.array_equal(y_pred, saved[1])
    with pytest.raises(ValueError):
        metric([1, 0], [1, 0, 1])


@pytest.mark.parametrize("name", ["precision", "recall", "specificity", "f1_score"])
def test_binary_metrics_refuse_probabilities(name):
    with pytest.raises(ValueError, match="threshold"):
        getattr(solution("metrics"), name)([1, 0], [0.7, 0.2])


# --- vectorized: no Python loops where the work is per element ------------------------------------------------

LOOP_FREE = {
    "activations": None,  # every function
    "losses": None,
    "layers": None,
    "metrics": None,
    "optimizers": ["sgd_step", "momentum_step"],  # SGD.apply loops over parameter names, not over elements
}


@pytest.mark.parametrize("module", sorted(LOOP_FREE))
def test_elementwise_code_has_no_python_loops(module):
    tree = ast.parse((SOLUTIONS_DIR / f"{module}.py").read_text(encoding="utf-8"))
    loops = (ast.For, ast.While, ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)
    checked = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        if LOOP_FREE[module] is not None and node.name not in LOOP_FREE[module]:
            continue
        if node.name == "_labels":  # checks the two label arrays, not their elements
            continue
        checked += 1
        found = [type(n).__name__ for n in ast.walk(node) if isinstance(n, loops)]
        assert found == [], f"{module}.{node.name} loops ({found}); use whole-array numpy operations"
    assert checked >= 2


def test_every_docstring_states_shapes_and_a_hint():
    # What a student needs to work from the docstring alone (given helpers are exempt).
    for module_name in ("activations", "losses", "layers", "network", "optimizers", "metrics", "training"):
        module = solution(module_name)
        functions = [f for n, f in vars(module).items() if inspect.isfunction(f) and not n.startswith("_")]
        functions += [
            m for c in vars(module).values() if inspect.isclass(c) and c.__module__ == module.__name__
            for n, m in vars(c).items() if inspect.isfunction(m) and not n.startswith("_")
        ]
        for function in functions:
            doc = textwrap.dedent(function.__doc__ or "")
            if doc.startswith("Given"):
                continue
            assert "Shapes:" in doc and "Hint:" in doc, f"{module_name}.{function.__qualname__} docstring"
