"""Shared helpers for the quiz engine's tests: the shipped quizzes, and answers built from their open keys."""

from __future__ import annotations

from typing import Any

import pytest

from grader.quiz import Quiz, load_quiz
from grader.quiz.expressions import evaluate
from grader.quiz.variants import ShownQuestion, format_number

from quiz_files import SHIPPED


@pytest.fixture(scope="session")
def shipped() -> dict[str, Quiz]:
    quizzes = {}
    for path in SHIPPED:
        quiz, problems = load_quiz(path, seeds=50)
        assert quiz is not None and not problems, problems
        quizzes[quiz.id] = quiz
    return quizzes


class Answerer:
    """Builds correct and wrong answers for a shown question from an open quiz's key."""

    def __init__(self, quiz: Quiz) -> None:
        self.quiz = quiz

    def _keys(self, shown: ShownQuestion) -> dict[str, Any]:
        key = self.quiz.question(shown.question.id).key  # type: ignore[union-attr]
        assert key is not None
        return dict(key.options)

    def correct(self, shown: ShownQuestion, by: str = "letter") -> Any:
        question = shown.question
        if question.type == "numeric":
            key = self.quiz.question(question.id).key.numeric  # type: ignore[union-attr]
            return evaluate(key.answer, shown.values)
        keys = self._keys(shown)
        picks = [o for o in shown.options if keys[o.slot].correct]
        if question.type == "true_false":
            return picks[0].slot == "true"
        labels = [o.letter if by == "letter" or o.value is not None else o.slot for o in picks]
        return labels if question.type == "multiple" else labels[0]

    def wrong(self, shown: ShownQuestion) -> Any:
        """A wrong answer that carries a misconception: a distractor (numeric) or only wrong options."""
        question = shown.question
        if question.type == "numeric":
            key = self.quiz.question(question.id).key.numeric  # type: ignore[union-attr]
            if key.distractors:
                return float(format_number(evaluate(key.distractors[0][0], shown.values), 12).replace(",", ""))
            return evaluate(key.answer, shown.values) + 1000
        keys = self._keys(shown)
        wrong = [o for o in shown.options if not keys[o.slot].correct]
        if question.type == "true_false":
            return wrong[0].slot == "true"
        return [o.letter for o in wrong] if question.type == "multiple" else wrong[0].letter


@pytest.fixture
def answerer() -> type[Answerer]:
    return Answerer
