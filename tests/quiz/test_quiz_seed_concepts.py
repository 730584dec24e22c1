"""The study notes' concepts that had no question: each question's key, and the fact behind it
shown on the reference code -- sigmoid's range against its derivative's, ReLU's gradients can still vanish, momentum
can be unstable, backpropagation supplies gradient descent's gradients, and what depth buys."""

from __future__ import annotations

import re

import numpy as np
import pytest

from grader.quiz import Quiz

solutions = pytest.importorskip("solutions")
from solutions.activations import relu_grad, sigmoid, sigmoid_grad  # noqa: E402
from solutions.optimizers import momentum_step, sgd_step  # noqa: E402


def correct_options(quiz: Quiz, question_id: str) -> list[str]:
    question = quiz.question(question_id)
    assert question is not None, f"{quiz.id} has no question {question_id}"
    return [slot for slot, key in question.key.options.items() if key.correct]  # type: ignore[union-attr]


def true_false_answer(quiz: Quiz, question_id: str) -> bool:
    question = quiz.question(question_id)
    assert question is not None and question.type == "true_false", question_id
    return correct_options(quiz, question_id) == ["true"]


def test_sigmoid_ranges_key_agrees_with_the_reference(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["activations"]
    assert correct_options(quiz, "sigmoid-ranges") == ["open-quarter"]
    text = next(o.text for o in quiz.question("sigmoid-ranges").options if o.slot == "open-quarter")  # type: ignore[union-attr]
    peak = float(re.findall(r"[\d.]+(?=\])", str(text))[0])
    x = np.linspace(-30, 30, 6001)
    s, ds = sigmoid(x), sigmoid_grad(x)
    assert np.all((s > 0) & (s < 1))  # the range is open: never exactly 0 or 1
    assert ds.max() == pytest.approx(peak) and np.all(ds > 0)  # (0, 0.25]: the peak is reached, 0 is not


def test_relu_can_still_vanish_and_the_key_says_so(shipped: dict[str, Quiz]) -> None:
    assert true_false_answer(shipped["activations"], "relu-never-vanishes") is False
    # Backpropagating through ten ReLU layers: one inactive unit on the path zeroes the gradient entirely.
    preactivations = np.array([0.5, 1.2, 0.3, -0.1, 2.0, 0.7, 0.4, 1.1, 0.9, 0.2])
    assert np.prod(relu_grad(preactivations)) == 0.0


def test_momentum_can_be_unstable_and_the_key_says_so(shipped: dict[str, Quiz]) -> None:
    assert true_false_answer(shipped["training"], "momentum-never-unstable") is False
    # On L(w) = w**2 / 2 (gradient w), at a learning rate where plain SGD slides straight down to 0,
    # momentum 0.9 overshoots past the minimum and swings from side to side.
    plain, w, v = np.array([1.0]), np.array([1.0]), np.array([0.0])
    signs = set()
    for _ in range(30):
        plain = sgd_step(plain, plain, learning_rate=0.5)
        w, v = momentum_step(w, w, v, learning_rate=0.5, momentum=0.9)
        assert plain[0] >= 0
        signs.add(np.sign(w[0]))
    assert signs == {-1.0, 1.0}
    # And with a large learning rate it diverges.
    w, v = np.array([1.0]), np.array([0.0])
    for _ in range(100):
        w, v = momentum_step(w, w, v, learning_rate=4.0, momentum=0.9)
    assert abs(w[0]) > 1e6


def test_backprop_supplies_the_gradients_gradient_descent_uses(shipped: dict[str, Quiz]) -> None:
    assert correct_options(shipped["training"], "backprop-and-gradient-descent") == ["supplies-gradients"]


def test_depth_buys_efficiency_not_new_functions(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["training"]
    assert correct_options(quiz, "what-depth-buys") == ["efficiency"]
    keys = quiz.question("what-depth-buys").key.options  # type: ignore[union-attr]
    assert keys["new-functions"].misconception == "depth-adds-expressivity"
