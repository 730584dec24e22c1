"""Where an answer can be computed with the project's reference code, the quiz key must agree with it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from grader.quiz import Quiz
from grader.quiz.expressions import evaluate
from grader.quiz.variants import draw_values, show_question, student_seed

solutions = pytest.importorskip("solutions")
from solutions.activations import sigmoid_grad, softmax  # noqa: E402
from solutions.layers import dense_param_count  # noqa: E402
from solutions.losses import mean_squared_error  # noqa: E402
from solutions.metrics import f1_score  # noqa: E402
from solutions.optimizers import momentum_step, sgd_step  # noqa: E402

SEEDS = range(300)


def _numeric(quiz: Quiz, question_id: str, values: dict) -> float:  # type: ignore[type-arg]
    return evaluate(quiz.question(question_id).key.numeric.answer, values)  # type: ignore[union-attr]


def _each_variant(quiz: Quiz, question_id: str):  # type: ignore[no-untyped-def]
    question = quiz.question(question_id)
    assert question is not None
    for i in SEEDS:
        yield show_question(question, student_seed(quiz.id, f"ref-{i}"))


def _correct_value(quiz: Quiz, shown) -> float:  # type: ignore[no-untyped-def]
    keys = quiz.question(shown.question.id).key.options  # type: ignore[union-attr]
    return next(o.value for o in shown.options if keys[o.slot].correct)


def test_seed_parameter_count_is_the_reference_count(shipped: dict[str, Quiz]) -> None:
    question = shipped["first-network"].question("dense-param-count")
    correct = [o for o in question.options if question.key.options[o.slot].correct]  # type: ignore[union-attr]
    assert correct[0].text["*"] == f"{dense_param_count(100, 10):,}" == "1,010"


def test_dense_layer_variant_matches_reference(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["training"]
    for shown in _each_variant(quiz, "dense-params-variant"):
        assert _correct_value(quiz, shown) == dense_param_count(shown.values["n_in"], shown.values["units"])


def test_two_layer_count_matches_reference(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["training"]
    for shown in _each_variant(quiz, "two-layer-params"):
        v = shown.values
        expected = dense_param_count(v["n_in"], v["hidden"]) + dense_param_count(v["hidden"], v["n_out"])
        assert _numeric(quiz, "two-layer-params", dict(v)) == expected


def test_sigmoid_derivative_peak_is_reference_sigmoid_grad_at_zero(shipped: dict[str, Quiz]) -> None:
    key = _numeric(shipped["activations"], "sigmoid-grad-peak", {})
    assert key == pytest.approx(float(sigmoid_grad(np.array(0.0))))
    assert key == pytest.approx(float(np.max(sigmoid_grad(np.linspace(-10, 10, 2001)))))
    assert key != 0.3  # one set of notes says 0.3; the reference code says otherwise


def test_vanishing_bound_is_a_product_of_reference_peaks(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["activations"]
    peak = float(sigmoid_grad(np.array(0.0)))
    for shown in _each_variant(quiz, "vanishing-gradient-bound"):
        assert _numeric(quiz, "vanishing-gradient-bound", dict(shown.values)) == pytest.approx(
            peak ** shown.values["layers"])


def test_softmax_probability_matches_reference(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["activations"]
    for shown in _each_variant(quiz, "softmax-two-logits"):
        scores = np.array([shown.values["a"], shown.values["b"]], dtype=float)
        assert _numeric(quiz, "softmax-two-logits", dict(shown.values)) == pytest.approx(float(softmax(scores)[0]))


def test_softmax_overflow_example_matches_reference(shipped: dict[str, Quiz]) -> None:
    explanation = shipped["activations"].question("softmax-overflow").key.explanation["en"]  # type: ignore[union-attr]
    probabilities = softmax(np.array([1010.0, 1000.0, 990.0]))
    assert f"{probabilities[0]:.5f}" in explanation
    assert f"{probabilities[1]:.3g}" in explanation and f"{probabilities[2]:.3g}" in explanation


def test_mse_matches_reference(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["losses-metrics"]
    for shown in _each_variant(quiz, "mse-value"):
        v = shown.values
        expected = float(mean_squared_error(np.array([v["t1"], v["t2"]], float), np.array([v["p1"], v["p2"]], float)))
        assert _numeric(quiz, "mse-value", dict(v)) == pytest.approx(expected)


def test_f1_matches_reference(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["losses-metrics"]
    for shown in _each_variant(quiz, "f1-value"):
        tp, fp, fn = (int(shown.values[k]) for k in ("tp", "fp", "fn"))
        y_true = np.array([1] * tp + [0] * fp + [1] * fn)
        y_pred = np.array([1] * tp + [1] * fp + [0] * fn)
        assert _numeric(quiz, "f1-value", dict(shown.values)) == pytest.approx(f1_score(y_true, y_pred))


def test_sgd_step_matches_reference(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["training"]
    for shown in _each_variant(quiz, "sgd-step"):
        v = shown.values
        expected = float(sgd_step(np.array(float(v["w"])), np.array(float(v["grad"])), v["lr"]))
        assert _numeric(quiz, "sgd-step", dict(v)) == pytest.approx(expected)


def test_momentum_velocity_matches_reference(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["training"]
    for shown in _each_variant(quiz, "momentum-velocity"):
        v = shown.values
        _, velocity = momentum_step(np.array(0.0), np.array(float(v["grad"])), np.array(float(v["v"])), v["lr"], 0.9)
        assert _numeric(quiz, "momentum-velocity", dict(v)) == pytest.approx(float(velocity))


def test_steps_per_epoch_counts_the_batches_of_an_epoch(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["training"]
    for i in SEEDS:
        values = draw_values(quiz.question("steps-per-epoch"), student_seed(quiz.id, f"ref-{i}"))  # type: ignore[arg-type]
        batches = len(range(0, values["n"], values["batch"]))  # what a mini-batch loop over n samples does
        assert _numeric(quiz, "steps-per-epoch", values) == batches == math.ceil(values["n"] / values["batch"])
