"""Values read from a quiz file or built by hand are checked for their kind where they are used, not assumed."""

from __future__ import annotations

import ast

import pytest

from grader.quiz import load_quiz_text
from grader.quiz.expressions import Expression, ExpressionError, evaluate

from quiz_files import bias_count_question

QUIZ = """
id: kinds
title: Kinds
questions:
""" + bias_count_question("{{misconception: forgot-bias{value}}}")


@pytest.mark.parametrize("value, got", [("", "nothing"), (", value: [1, 2]", "a list"), (", value: true", "`true`")])
def test_a_distractor_value_that_is_not_an_expression_says_what_it_got(value: str, got: str) -> None:
    _, problems = load_quiz_text(QUIZ.format(value=value), "kinds.yaml")
    assert [(p.line, p.field, p.message) for p in problems] == [
        (11, "questions[0].distractors[0].value", f"expected a number or an arithmetic expression; got {got}")]


@pytest.mark.parametrize("source", ["'a'", "True", "None", "b'x'"])
def test_an_expression_built_without_the_parser_still_computes_only_numbers(source: str) -> None:
    expression = Expression(source, ast.parse(source, mode="eval").body, frozenset(), False)
    with pytest.raises(ExpressionError, match="only numbers are allowed as constants"):
        evaluate(expression, {})
