"""A quiz's expressions are evaluated over a thousand seeds by `validate` (and by autograde and gradescope build):
every argument and every intermediate result is bounded, each evaluation has a deadline, and the quiz page's
JavaScript keeps agreeing with Python -- on valid expressions and on the ones the bounds reject."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.quiz import expressions
from grader.quiz.expressions import ExpressionError, evaluate, parse_expression

ROOT = Path(__file__).resolve().parents[2]
EXPRESSIONS_JS = ROOT / "grader" / "quiz" / "page" / "expressions.js"

SLOW_QUIZ = """id: slow
title: A rounding precision of minus a billion
questions:
  - id: q1
    type: numeric
    params:
      n: randint(1, 5)
    prompt: "Round {n}."
    explanation: It rounds.
    answer: round(n * 10, -1000000000)
"""


def test_validate_rejects_an_extreme_rounding_precision_at_once(tmp_path: Path) -> None:
    """Today `round(x, -10**9)` builds 10 ** 1e9 and validation hangs for minutes; a subprocess keeps this bounded."""
    path = tmp_path / "slow.yaml"
    path.write_text(SLOW_QUIZ, encoding="utf-8")
    try:
        run = subprocess.run([sys.executable, "-m", "grader", "quiz", "validate", "--seeds", "5", str(path)],
                             capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("quiz validate did not finish within 60 s")
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert (f"{path}:10: questions[0].answer: round to -1000000000 digits: expected at most "
            f"{expressions.MAX_ROUND_DIGITS} either way") in run.stdout.splitlines()


@pytest.mark.parametrize(("source", "fragment"), [
    ("floor(exp(700))", "`exp(700)` is out of range (at most 1e+300)"),
    ("ceil(sqrt(x) * 1e300)", "is out of range"),
    ("max(1e300, 2) * 10", "is out of range"),
    ("round(x, 31)", "round to 31 digits"),
    ("round(x, -31)", "round to -31 digits"),
    ("(-8) ** 0.5", "is not a real number"),
])
def test_function_results_and_arguments_are_bounded(source: str, fragment: str) -> None:
    with pytest.raises(ExpressionError, match=fragment.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")
                       .replace("+", r"\+")):
        evaluate(parse_expression(source), {"x": 4})


@pytest.mark.parametrize("source", ["floor(1e308)", "1e400 - 1e400", "1" * 400])
def test_constants_beyond_the_limit_are_rejected_when_parsed(source: str) -> None:
    with pytest.raises(ExpressionError, match="is out of range"):
        parse_expression(source)


def test_an_evaluation_past_its_deadline_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    expression = parse_expression("x + 1")
    assert evaluate(expression, {"x": 1}) == 2
    monkeypatch.setattr(expressions, "DEADLINE_SECONDS", -1.0)
    with pytest.raises(ExpressionError, match=r"`x \+ 1` takes longer than -1 s to evaluate for x = 1"):
        evaluate(expression, {"x": 1})


# Valid expressions, and ones only the bounds reject: Python and the page must agree on both. (None that would hang
# an unbounded engine: the subprocess test above covers that.)
AGREEMENT = [
    "round(x / 3, 2)", "round(x * 1000 + 0.5, -2)", "round(2.5)", "floor(x / 7) + ceil(x / 7)", "x ** 3 // 7 % 5",
    "max(x, 10) - min(x, 10)", "sqrt(x) + exp(1) + log(x, 2) + tanh(0.5) + sigmoid(-2)", "round(x, 30)",
    "round(x, -30)", "floor(1e300)", "10 ** 100", "-x ** 2",
    "round(x, 31)", "round(x, -31)", "floor(exp(700))", "exp(700)", "1e301", "1e300 * 10",
]


@pytest.mark.skipif(shutil.which("node") is None, reason="no node to run the page's JavaScript")
def test_page_javascript_agrees_with_python_on_bounds(tmp_path: Path) -> None:
    values = {"x": 7}
    script = tmp_path / "agree.js"
    script.write_text(EXPRESSIONS_JS.read_text(encoding="utf-8") + f"""
const out = [];
for (const source of {json.dumps(AGREEMENT)}) {{
  try {{ out.push(evaluate(parseExpression(source), {json.dumps(values)})); }}
  catch (error) {{ out.push(error instanceof ExpressionError ? null : String(error)); }}
}}
console.log(JSON.stringify(out));
""", encoding="utf-8")
    run = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    page = json.loads(run.stdout)
    for source, got in zip(AGREEMENT, page, strict=True):
        try:
            expected: float | None = float(evaluate(parse_expression(source), values))
        except ExpressionError:
            expected = None
        if expected is None or got is None:
            assert got == expected, source
        else:
            assert math.isclose(got, expected, rel_tol=1e-12), (source, got, expected)
