"""The solutions agree with PyTorch (and Keras' documented formulas where the two differ) on random and extreme
inputs, kinks and clipped regions. The values come from tests/fixtures/reference/*.json, made by
make_reference.py beside them."""

from __future__ import annotations

import numpy as np
import pytest

from . import reference
from .packages import solution

# float64 results should match PyTorch's to rounding; float32 ones to float32 precision.
RTOL64, ATOL64 = 1e-9, 1e-15
RTOL32, ATOL32 = 2e-5, 1e-6


def check_close(actual, expected, rtol: float, atol: float, what: str) -> None:
    if isinstance(expected, list) and expected and isinstance(expected[0], list) and isinstance(actual, tuple):
        assert len(actual) == len(expected), f"{what}: expected {len(expected)} results"
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            check_close(got, want, rtol, atol, f"{what}[{index}]")
        return
    want = np.asarray(expected, dtype=np.float64)
    got = np.asarray(actual)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, expected {want.shape}"
    np.testing.assert_allclose(got.astype(np.float64), want, rtol=rtol, atol=atol, err_msg=what)


def call_solution(module: str, case: dict, inputs: dict | None = None):
    """Call the reference solution's function that `case` names on its inputs (or on `inputs`, when they are
    recast) and its keyword arguments."""
    function = getattr(solution(module), case["function"])
    return function(**(reference.inputs(case) if inputs is None else inputs), **case["kwargs"])


@pytest.mark.parametrize("module", ["activations", "losses", "layers"])
def test_fixture_files_cover_the_module(module):
    covered = {case["function"] for case in reference.cases(module)}
    wanted = {
        "activations": "step sigmoid sigmoid_grad tanh tanh_grad relu relu_grad leaky_relu leaky_relu_grad elu "
        "elu_grad softplus softplus_grad linear linear_grad softmax log_softmax softmax_backward "
        "maxout maxout_backward",
        "losses": " ".join(
            f"{name} {name}_grad"
            for name in "mean_squared_error mean_absolute_error mean_absolute_percentage_error "
            "mean_squared_logarithmic_error binary_crossentropy categorical_crossentropy "
            "sparse_categorical_crossentropy".split()
        ),
        "layers": "dense_forward dense_backward dense_param_count",
    }[module]
    assert covered == set(wanted.split())


@pytest.mark.parametrize(
    ("module", "case"),
    [pytest.param(module, case, id=f"{module}/{case['id']}")
     for module in ("activations", "losses") for case in reference.cases(module)],
)
def test_activations_losses_and_loss_gradients_match_pytorch(module, case):
    check_close(call_solution(module, case), case["expected"], RTOL64, ATOL64, case["id"])


@pytest.mark.parametrize("case", reference.cases("activations"), ids=reference.case_ids("activations"))
def test_activations_in_float32_match_pytorch_to_float32_precision(case):
    inputs = {name: value.astype(np.float32) for name, value in reference.inputs(case).items()}
    result = call_solution("activations", case, inputs)
    assert result.dtype == np.float32
    check_close(result, case["expected"], RTOL32, ATOL32, case["id"])


@pytest.mark.parametrize("case", reference.cases("losses"), ids=reference.case_ids("losses"))
def test_losses_in_float32_match_pytorch_to_float32_precision(case):
    inputs = reference.inputs(case)
    inputs["y_pred"] = inputs["y_pred"].astype(np.float32)
    result = call_solution("losses", case, inputs)
    assert np.asarray(result).dtype == np.float32
    if case["id"].endswith("/edges"):
        # Probabilities at 0 or 1 are clipped to 1 - 1e-7, which float32 rounds to 1 - 1.19e-7: the loss moves
        # by about 0.5% (as it does in a float32 Keras model), so only the dtype is checked here.
        return
    check_close(result, case["expected"], 1e-4, 1e-5, case["id"])


@pytest.mark.parametrize("case", reference.cases("layers"), ids=reference.case_ids("layers"))
def test_dense_layer_matches_pytorch(case):
    result = call_solution("layers", case)
    if case["function"] == "dense_param_count":
        assert result == case["expected"] and type(result) is int
    else:
        check_close(result, case["expected"], RTOL64, ATOL64, case["id"])


@pytest.mark.parametrize("case", reference.cases("network"), ids=reference.case_ids("network"))
def test_mlp_output_and_every_parameter_gradient_match_pytorch(case):
    kwargs = case["kwargs"]
    model = solution("network").MLP(kwargs["layer_sizes"], kwargs["hidden_activation"], kwargs["output_activation"])
    values = reference.inputs(case)
    model.params = reference.prefixed(case["inputs"], "param")  # the grader sets params the same way
    output = model.forward(values["x"])
    grads = model.backward(values["grad_out"])
    check_close(output, case["expected"]["output"], RTOL64, ATOL64, f"{case['id']} output")
    assert list(grads) == list(model.params)
    for key, want in case["expected"]["grads"].items():
        check_close(grads[key], want, RTOL64, ATOL64, f"{case['id']} d{key}")


@pytest.mark.parametrize("case", reference.cases("optimizers"), ids=reference.case_ids("optimizers"))
def test_sgd_class_follows_the_golden_sequence(case):
    kwargs = case["kwargs"]
    optimizer = solution("optimizers").SGD(kwargs["learning_rate"], kwargs["momentum"], kwargs["nesterov"])
    params = reference.prefixed(case["inputs"], "param")
    for step in range(kwargs["steps"]):
        grads = reference.prefixed(case["inputs"], f"grad{step}")
        optimizer.apply(params, grads)
        for key, want in case["expected"]["params"][step].items():
            check_close(params[key], want, 1e-12, 1e-14, f"{case['id']} step {step + 1} {key}")
        if kwargs["momentum"]:
            for key, want in case["expected"]["velocities"][step].items():
                check_close(optimizer.velocities[key], want, 1e-12, 1e-14, f"{case['id']} step {step + 1} v[{key}]")
        else:
            assert optimizer.velocities == {}


@pytest.mark.parametrize("case", reference.cases("optimizers"), ids=reference.case_ids("optimizers"))
def test_step_functions_follow_the_golden_sequence(case):
    optimizers = solution("optimizers")
    kwargs = case["kwargs"]
    params = reference.prefixed(case["inputs"], "param")
    velocities = {key: np.zeros_like(value) for key, value in params.items()}
    for step in range(kwargs["steps"]):
        grads = reference.prefixed(case["inputs"], f"grad{step}")
        for key in params:
            if kwargs["momentum"]:
                params[key], velocities[key] = optimizers.momentum_step(
                    params[key], grads[key], velocities[key], kwargs["learning_rate"], kwargs["momentum"],
                    kwargs["nesterov"],
                )
            else:
                params[key] = optimizers.sgd_step(params[key], grads[key], kwargs["learning_rate"])
            check_close(params[key], case["expected"]["params"][step][key], 1e-12, 1e-14, f"{case['id']} {key}")
