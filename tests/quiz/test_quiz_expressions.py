"""The safe expression evaluator: arithmetic on parameters, nothing else."""

from __future__ import annotations

import pytest

from grader.quiz.expressions import ExpressionError, evaluate, parse_expression
from grader.quiz.variants import CornerDraws, SeededDraws


@pytest.mark.parametrize("source, values, expected", [
    ("(n_in + 1) * units", {"n_in": 100, "units": 10}, 1010),
    ("0.25 ** layers", {"layers": 2}, 0.0625),
    ("ceil(n / b)", {"n": 100, "b": 32}, 4),
    ("exp(a) / (exp(a) + exp(b))", {"a": 0, "b": 0}, 0.5),
    ("sigmoid(0) * (1 - sigmoid(0))", {}, 0.25),
    ("-x // 2 % 3", {"x": 7}, 2),
    (3, {}, 3),
])
def test_arithmetic(source: str, values: dict, expected: float) -> None:  # type: ignore[type-arg]
    assert evaluate(parse_expression(source), values) == pytest.approx(expected)


@pytest.mark.parametrize("source, fragment", [
    ("__import__('os').system('ls')", "is not allowed"),
    ("__import__('os')", "unknown function `__import__`"),
    ("x.__class__", "`x.__class__` is not allowed"),
    ("[x for x in y]", "is not allowed"),
    ("'a' * 3", "only numbers are allowed"),
    ("lambda: 1", "is not allowed"),
    ("round(x, ndigits=2)", "plain arguments"),
    ("x[0]", "is not allowed"),
    ("x if y else z", "is not allowed"),
    ("True + 1", "only numbers"),
    ("randint(1, 5)", "draws belong in `params`"),
    ("exp", "is a function"),
    ("1 +", "is not an expression"),
    ("x" * 600, "longer than 500"),
])
def test_everything_else_is_rejected(source: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as error:
        parse_expression(source)
    assert fragment in str(error.value)


def test_runtime_failures_name_the_values() -> None:
    with pytest.raises(ExpressionError, match="divides by zero for n = 0"):
        evaluate(parse_expression("1 / n"), {"n": 0})
    with pytest.raises(ExpressionError, match="exponent"):
        evaluate(parse_expression("9 ** 9 ** 9"), {})
    with pytest.raises(ExpressionError, match="parameter `m` is used but not defined"):
        evaluate(parse_expression("m + 1"), {})


def test_draws_are_seeded_and_in_range() -> None:
    expression = parse_expression("randint(10, 500)", allow_draws=True)
    values = [evaluate(expression, {}, SeededDraws(7, "q", "n")) for _ in range(3)]
    assert len(set(values)) == 1  # a fresh stream per call: the same seed and labels give the same value
    spread = {evaluate(expression, {}, SeededDraws(seed, "q", "n")) for seed in range(500)}
    assert min(spread) >= 10 and max(spread) <= 500 and len(spread) > 300
    assert evaluate(expression, {}, CornerDraws(False)) == 10 and evaluate(expression, {}, CornerDraws(True)) == 500
    choice = parse_expression("choice(8, 16, 32)", allow_draws=True)
    assert {evaluate(choice, {}, SeededDraws(s, "q", "c")) for s in range(100)} == {8, 16, 32}
