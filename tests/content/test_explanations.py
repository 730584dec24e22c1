"""The course's explanations say no more than is true, and nothing the course itself contradicts:
softmax for a binary model, the universal approximation theorem, the linear activation, the learning rate, MAPE at a
zero target, and what ReLU does to vanishing gradients."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from tests.conftest import QUIZZES

from .packages import solution

ROOT = QUIZZES.parent


def question(quiz: str, question_id: str) -> dict[str, Any]:
    """One question of a shipped quiz, as the YAML file writes it."""
    data = yaml.safe_load((QUIZZES / f"{quiz}.yaml").read_text(encoding="utf-8"))
    return next(q for q in data["questions"] if q["id"] == question_id)


def option(q: dict[str, Any], option_id: str) -> dict[str, Any]:
    return next(o for o in q["options"] if o["id"] == option_id)


def both(text: dict[str, str]) -> str:
    """The English and the Korean text of one field, joined, so one search covers both languages."""
    assert set(text) == {"en", "ko"}
    return text["en"] + "\n" + text["ko"]


def test_softmax_feedback_says_when_softmax_is_wrong_not_that_binary_models_have_one_output():
    feedback = option(question("first-network", "binary-output-activation"), "softmax")["feedback"]
    assert "A binary model has one output unit" not in feedback["en"]
    for lang in ("en", "ko"):
        assert "Dense(1)" in feedback[lang] and "Dense(2" in feedback[lang], lang


def test_universal_approximation_is_stated_precisely_and_promises_no_learning_or_generalisation():
    q = question("training", "universal-approximation")
    assert "on its training data" not in q["prompt"]["en"]
    assert "continuous" in q["prompt"]["en"] and "bounded domain" in q["prompt"]["en"]
    assert "연속 함수" in q["prompt"]["ko"] and "유계" in q["prompt"]["ko"]
    explanation = q["explanation"]
    assert "learnability" in explanation["en"] and "generalisation" in explanation["en"]
    assert "학습 가능성" in explanation["ko"] and "일반화" in explanation["ko"]
    # A wrong option must be something the theorem does promise: fitting training data is not among its promises.
    assert all("training data" not in o["text"]["en"] for o in q["options"] if not o.get("correct"))


def test_the_linear_activation_is_not_said_to_belong_only_to_regression_outputs():
    feedback = option(question("activations", "nonlinear-activations"), "linear")["feedback"]
    assert "only at a regression output" not in feedback["en"] and "출력층에서만" not in feedback["ko"]
    assert all("from_logits=True" in feedback[lang] for lang in ("en", "ko"))


def test_the_learning_rate_advice_agrees_with_the_notes_and_the_capstone():
    feedback = both(option(question("training", "learning-rate"), "bigger-better")["feedback"])
    assert "below 0.01" not in feedback and "0.01 아래" not in feedback
    capstone_lr = solution("training").CAPSTONE["learning_rate"]
    assert f" {capstone_lr}" in feedback and " 0.1" in feedback  # the capstone's rate and the notes' SGD(lr=0.1)


def test_mape_explanation_says_undefined_in_maths_and_huge_but_finite_in_the_exercise():
    mape = solution("losses").mean_absolute_percentage_error(np.array([0.0, 100.0]), np.array([1.0, 100.0]))
    assert np.isfinite(mape) and mape > 1e6  # the epsilon clamp: finite, and huge
    explanation = question("losses-metrics", "mape-meaning")["explanation"]
    assert "undefined" in explanation["en"] and "finite" in explanation["en"] and "huge" in explanation["en"]
    assert "정의되지 않" in explanation["ko"] and "유한" in explanation["ko"]


# Wordings that say ReLU removes vanishing gradients; ReLU eases them, and a dead unit stops the gradient entirely.
RELU_OVERCLAIMS = [
    r"ReLU passes (the gradient through )?(it )?(on|unchanged)",
    r"ReLU does not suffer the\s+vanishing gradient",
    r"ReLU's slope of 1 for positive inputs avoids",
    r"기울기를 그대로 전달",
    r"ReLU에서는 기울기 소실이 일어나지 않",
    r"ReLU는 이렇게 줄어드는 문제를 피합니다",
]
TEXTS = [*sorted(QUIZZES.glob("*.yaml")), *sorted((ROOT / "grader" / "locale").glob("*/*.yaml")),
         ROOT / "solutions" / "activations.py", ROOT / "exercises" / "activations.py",
         ROOT / "grader" / "figures" / "training.py"]


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(Path(p).relative_to(ROOT)))
def test_no_text_says_relu_removes_vanishing_gradients(path: Path):
    text = path.read_text(encoding="utf-8")
    found = [pattern for pattern in RELU_OVERCLAIMS if re.search(pattern, text)]
    assert found == []


def test_relu_grad_docstring_says_relu_eases_vanishing_and_dead_units_stop_the_gradient():
    doc = solution("activations").relu_grad.__doc__
    assert "eases" in doc and "dead unit" in doc
    # And the claim is true of the reference: a dead unit's slope is 0, an active one's exactly 1.
    assert solution("activations").relu_grad(np.array([-1.0, 2.0])).tolist() == [0.0, 1.0]
