"""Partial-credit schemes (the worked examples in docs/quiz.md), numeric modes, and reading answers."""

from __future__ import annotations

import pytest

from grader.quiz import grade_answers, load_quiz_text
from grader.quiz.scoring import SCHEMES, multiple_select_score, numeric_matches

from quiz_files import bias_count_question

CORRECT = {"A", "B", "C"}  # five options A..E, three of them correct

# selection -> expected score for each scheme, in SCHEMES order: all-or-nothing, net-correct, coverage, each-answer
WORKED = [
    ({"A", "B", "C"}, (1, 1, 1, 1)),
    ({"A", "B"}, (0, 2 / 3, 2 / 3, 0.8)),
    ({"A", "B", "D"}, (0, 1 / 3, 4 / 9, 0.6)),
    ({"A", "B", "C", "D", "E"}, (0, 1 / 3, 0.6, 0.6)),
    ({"D", "E"}, (0, 0, 0, 0)),
    (set(), (0, 0, 0, 0.4)),
]


@pytest.mark.parametrize("selected, expected", WORKED, ids=lambda x: ",".join(sorted(x)) if isinstance(x, set) else "")
def test_worked_examples(selected: set[str], expected: tuple[float, ...]) -> None:
    for scheme, score in zip(SCHEMES, expected, strict=True):
        assert multiple_select_score(scheme, selected, CORRECT, 5) == pytest.approx(score), scheme


def test_scores_never_drop_below_zero() -> None:
    for scheme in SCHEMES:
        assert multiple_select_score(scheme, {"D", "E", "F"}, {"A"}, 6) >= 0


def test_numeric_modes() -> None:
    assert numeric_matches(1010, 1010, "exact", 0) and not numeric_matches(1010.5, 1010, "exact", 0)
    assert numeric_matches(0.251, 0.25, "abs_tol", 0.001) and not numeric_matches(0.252, 0.25, "abs_tol", 0.001)
    assert numeric_matches(101, 100, "rel_tol", 0.01) and not numeric_matches(102, 100, "rel_tol", 0.01)
    assert numeric_matches(-101, -100, "rel_tol", 0.01)  # relative to |key|
    assert not numeric_matches(float("nan"), 0.25, "abs_tol", 1)


QUIZ = """
id: scoring
title: Scoring
questions:
  - id: losses
    type: multiple
    scoring: {scheme}
    prompt: Select the regression losses.
    explanation: MSE, MAE and MAPE are regression losses.
    shuffle: false
    options:
      - {{id: mse, text: MSE, correct: true}}
      - {{id: mae, text: MAE, correct: true}}
      - {{id: mape, text: MAPE, correct: true}}
      - {{id: bce, text: BCE, misconception: crossentropy-for-regression, feedback: BCE is for classification.}}
      - {{id: cce, text: CCE, misconception: crossentropy-for-regression, feedback: CCE is for classification.}}
""" + bias_count_question('"100 * 10  # forgot-bias"')


@pytest.mark.parametrize("scheme", SCHEMES)
def test_grading_uses_the_named_scheme(scheme: str) -> None:
    quiz, problems = load_quiz_text(QUIZ.format(scheme=scheme), "scoring.yaml")
    assert quiz is not None and problems == []
    expected = dict(zip(SCHEMES, (0, 1 / 3, 4 / 9, 0.6), strict=True))[scheme]
    result = grade_answers(quiz, {"losses": ["A", "B", "D"]}, "s1")
    losses = result.questions[0]
    assert losses.points == pytest.approx(expected, abs=1e-4)
    assert losses.expected == "A, B, C"
    feedback = {a.label: (a.selected, a.correct, a.feedback) for a in losses.answers}
    assert feedback["D"] == (True, False, "BCE is for classification.")
    assert feedback["C"][:2] == (False, True)  # the missed correct option is named
    assert losses.misconceptions == ["crossentropy-for-regression"]


@pytest.mark.parametrize("raw, points, message", [
    ("1,010", 1, ""), (1010, 1, ""), ("1010.0", 1, ""), (1000, 0, ""), ("lots", 0, "expected a number"),
])
def test_numeric_answers_are_read_as_numbers(raw: object, points: float, message: str) -> None:
    quiz, _ = load_quiz_text(QUIZ.format(scheme="coverage"), "scoring.yaml")
    result = grade_answers(quiz, {"count": raw}, "s1")  # type: ignore[arg-type]
    count = result.questions[1]
    assert count.points == points and message in count.message
    if raw == 1000:
        assert count.answers[0].misconception == "forgot-bias"
        assert count.answers[0].feedback == "Each unit has a bias."


@pytest.mark.parametrize("raw, given, error", [
    ("A, B, C", "A, B, C", ""), ("a b c", "A, B, C", ""), (["mse", "mae", "mape"], "A, B, C", ""),
    ([], "", ""), ("Z", "Z", "no letter 'Z'"), ("rmse", "rmse", "no option id 'rmse'"),
])
def test_choice_answers_take_letters_or_option_ids(raw: object, given: str, error: str) -> None:
    quiz, _ = load_quiz_text(QUIZ.format(scheme="each-answer"), "scoring.yaml")
    losses = grade_answers(quiz, {"losses": raw}, "s1").questions[0]  # type: ignore[arg-type]
    assert losses.answered and losses.given == given
    assert error in losses.message if error else losses.message == ""


def test_unanswered_and_unknown_questions() -> None:
    quiz, _ = load_quiz_text(QUIZ.format(scheme="net-correct"), "scoring.yaml")
    result = grade_answers(quiz, {"nonsense": "A"}, "s1", lang="ko")
    assert [q.answered for q in result.questions] == [False, False]
    assert result.questions[0].message == "답하지 않았습니다."
    assert result.notes == ("`nonsense`에 대한 답은 무시했습니다: 이 퀴즈에는 그런 문항이 없습니다.",)
    english = grade_answers(quiz, {"nonsense": "A"}, "s1", lang="en")
    assert english.notes == ("answer to `nonsense` ignored: the quiz has no such question",)
