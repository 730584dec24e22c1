"""exercises/ is exactly what the generator makes of solutions/, with the same public API, and every stub fails
politely: NotImplementedError saying "not implemented", while the rest of the module imports and works."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from grader.stubgen import find_drift

from .packages import EXERCISES_DIR, MODULES, SOLUTIONS_DIR, exercise, solution


def test_exercises_are_exactly_the_generated_stubs():
    drift = find_drift(SOLUTIONS_DIR, EXERCISES_DIR)
    assert drift == [], "exercises/ is out of date; regenerate it from solutions/:\n" + "\n".join(drift)


def test_both_folders_hold_the_same_modules():
    expected = {"__init__.py"} | {f"{name}.py" for name in MODULES}
    assert {p.name for p in SOLUTIONS_DIR.glob("*.py")} == expected
    assert {p.name for p in EXERCISES_DIR.glob("*.py")} == expected


@pytest.mark.parametrize("folder", [SOLUTIONS_DIR, EXERCISES_DIR], ids=["solutions", "exercises"])
def test_package_init_holds_a_docstring_only(folder):
    body = ast.parse((folder / "__init__.py").read_text(encoding="utf-8")).body
    assert len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    assert isinstance(body[0].value.value, str) and body[0].value.value.strip()


@pytest.mark.parametrize("module", MODULES)
def test_sibling_modules_are_imported_relatively(module):
    # The grader loads a student's folder under its own package name: `import solutions.x` would escape it.
    tree = ast.parse((SOLUTIONS_DIR / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in {"numpy", "__future__", "typing", "math", "dataclasses"}, (
                f"{module}.py imports {name!r}: import numpy, the standard library, or siblings with `from .x import`"
            )


def signature(obj: Any) -> str:
    # Annotations naming sibling classes mention the package (solutions.network.MLP): compare without it.
    return re.sub(r"\b(solutions|exercises)\.", "", str(inspect.signature(obj)))


def public_api(module: Any) -> dict[str, str]:
    """Public functions and classes defined in the module (and public methods), with their signatures."""
    api = {}
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            api[name] = signature(obj)
        elif inspect.isclass(obj):
            api[name] = signature(obj)
            for method_name, method in vars(obj).items():
                if inspect.isfunction(method) and not (method_name.startswith("_") and method_name != "__init__"):
                    api[f"{name}.{method_name}"] = signature(method)
    return api


@pytest.mark.parametrize("module", MODULES)
def test_every_public_name_has_the_same_signature_in_both_folders(module):
    solved, stubbed = public_api(solution(module)), public_api(exercise(module))
    assert stubbed == solved


BRIEF_NAMES = {
    "activations": "step sigmoid tanh relu leaky_relu elu softplus softmax linear sigmoid_grad tanh_grad relu_grad "
    "leaky_relu_grad elu_grad softplus_grad softmax_backward",
    "losses": "mean_squared_error mean_absolute_error mean_absolute_percentage_error mean_squared_logarithmic_error "
    "binary_crossentropy categorical_crossentropy sparse_categorical_crossentropy",
    "layers": "dense_forward dense_backward dense_param_count",
    "network": "MLP MLP.forward MLP.backward MLP.param_count",
    "optimizers": "sgd_step momentum_step SGD SGD.apply",
    "metrics": "accuracy precision recall f1_score",
    "training": "fit make_spirals make_xor_blobs CAPSTONE",
}


@pytest.mark.parametrize("module", MODULES)
def test_the_names_the_grader_relies_on_exist(module):
    names = BRIEF_NAMES[module].split()
    if module == "losses":
        names += [f"{name}_grad" for name in names]
    api = set(public_api(solution(module))) | set(vars(solution(module)))
    assert [name for name in names if name not in api] == []


def test_keras_argument_order_and_defaults():
    losses, activations = solution("losses"), solution("activations")
    for name in BRIEF_NAMES["losses"].split():
        for function in (getattr(losses, name), getattr(losses, f"{name}_grad")):
            assert list(inspect.signature(function).parameters)[:2] == ["y_true", "y_pred"]
    assert inspect.signature(activations.leaky_relu).parameters["alpha"].default == 0.01
    assert inspect.signature(activations.elu).parameters["alpha"].default == 1.0
    assert inspect.signature(activations.softmax).parameters["axis"].default == -1
    assert str(inspect.signature(solution("network").MLP)) == (
        "(layer_sizes: list[int], hidden_activation: str = 'relu', output_activation: str = 'softmax', "
        "seed: int = 0) -> None"
    )


# --- every stub raises NotImplementedError("... not implemented ...") ----------------------------------------

X = np.array([[0.5, -1.0, 2.0, 0.0]])
P = np.array([[0.1, 0.2, 0.3, 0.4]])


def network_stub_model(ex: Callable[[str], Any], with_cache: bool = False) -> Any:
    model = ex("network").MLP([4, 3, 2])
    if with_cache:  # what forward(X) would have stored, so that backward can run without forward
        model.cache = [(X, np.zeros((1, 3))), (np.zeros((1, 3)), np.zeros((1, 2)))]
    return model


def calling(module: str, function: str, *args: Any) -> Callable[[Callable[[str], Any]], Any]:
    """A sample call of ``module.function(*args)``, on the package whose modules ``ex`` imports."""
    return lambda ex: getattr(ex(module), function)(*args)


# One call per marked function, with valid arguments so that the given code before the stub's raise runs.
SAMPLE_CALLS: dict[str, Callable[[Callable[[str], Any]], Any]] = {
    **{
        f"activations.{name}": calling("activations", name, X)
        for name in "step sigmoid sigmoid_grad tanh tanh_grad relu relu_grad leaky_relu leaky_relu_grad elu elu_grad "
        "softplus softplus_grad linear linear_grad softmax log_softmax".split()
    },
    "activations.softmax_backward": lambda ex: ex("activations").softmax_backward(X, X),
    "activations.maxout": lambda ex: ex("activations").maxout(X, 2),
    "activations.maxout_backward": lambda ex: ex("activations").maxout_backward(X, X[:, :2], 2),
    **{
        f"losses.{name}": calling("losses", name, P, P)
        for name in "mean_squared_error mean_absolute_error mean_absolute_percentage_error "
        "mean_squared_logarithmic_error binary_crossentropy categorical_crossentropy".split()
    },
    **{
        f"losses.{name}_grad": calling("losses", f"{name}_grad", P, P)
        for name in "mean_squared_error mean_absolute_error mean_absolute_percentage_error "
        "mean_squared_logarithmic_error binary_crossentropy categorical_crossentropy".split()
    },
    "losses.sparse_categorical_crossentropy": lambda ex: ex("losses").sparse_categorical_crossentropy([3], P),
    "losses.sparse_categorical_crossentropy_grad": lambda ex: ex("losses").sparse_categorical_crossentropy_grad([3], P),
    "layers.dense_forward": lambda ex: ex("layers").dense_forward(X, np.ones((4, 2)), np.ones(2)),
    "layers.dense_backward": lambda ex: ex("layers").dense_backward(np.ones((1, 2)), X, np.ones((4, 2))),
    "layers.dense_param_count": lambda ex: ex("layers").dense_param_count(100, 10),
    "network.MLP.forward": lambda ex: network_stub_model(ex).forward(X),
    "network.MLP.backward": lambda ex: network_stub_model(ex, with_cache=True).backward(np.ones((1, 2))),
    "network.MLP.param_count": lambda ex: network_stub_model(ex).param_count(),
    "optimizers.sgd_step": lambda ex: ex("optimizers").sgd_step(X, X, 0.1),
    "optimizers.momentum_step": lambda ex: ex("optimizers").momentum_step(X, X, X, 0.1, 0.9),
    "optimizers.SGD.apply": lambda ex: ex("optimizers").SGD(0.1).apply({"W": X}, {"W": X}),
    **{
        f"metrics.{name}": calling("metrics", name, [0, 1, 1], [1, 1, 0])
        for name in "accuracy precision recall specificity f1_score".split()
    },
    "training.fit": lambda ex: ex("training").fit(
        network_stub_model(ex), X, np.array([1]), "sparse_categorical_crossentropy", ex("optimizers").SGD(), 1, 1, 0
    ),
    "training.evaluate": lambda ex: ex("training").evaluate(
        network_stub_model(ex), X, np.array([1]), "sparse_categorical_crossentropy"
    ),
}


def stubbed_functions() -> set[str]:
    found = set()
    for module in MODULES:
        text = (EXERCISES_DIR / f"{module}.py").read_text(encoding="utf-8")
        found |= set(re.findall(r'raise NotImplementedError\("([\w.]+) is not implemented', text))
    return found


def test_every_marked_function_has_a_sample_call():
    assert stubbed_functions() == set(SAMPLE_CALLS)


@pytest.mark.parametrize("qualname", sorted(SAMPLE_CALLS))
def test_every_stub_raises_not_implemented_naming_itself(qualname):
    with pytest.raises(NotImplementedError) as error:
        SAMPLE_CALLS[qualname](exercise)
    assert "not implemented" in str(error.value)
    assert qualname in str(error.value)


@pytest.mark.parametrize("qualname", sorted(SAMPLE_CALLS))
def test_the_same_calls_succeed_on_the_solutions(qualname):
    SAMPLE_CALLS[qualname](solution)


def test_given_code_works_in_the_exercises():
    training = exercise("training")
    x, y = training.make_xor_blobs(5, seed=1)
    assert x.shape == (20, 2) and set(y.tolist()) == {0, 1}
    assert training.one_hot([0, 2], 3).tolist() == [[1, 0, 0], [0, 0, 1]]
    model = exercise("network").MLP([2, 3, 2], hidden_activation="tanh", seed=1)
    assert sorted(model.params) == ["W1", "W2", "b1", "b2"]
    assert exercise("optimizers").SGD(0.1, momentum=0.9).velocities == {}
