"""Safe arithmetic expressions for computed answers, distractors and parameters.

Quiz files are data, so they are never handed to ``eval``. An expression is parsed with ``ast.parse`` and then
walked over a small whitelist: numbers, parameter names, ``+ - * / // % **``, unary minus, parentheses, and calls to
the functions below. Anything else (attributes, subscripts, lambdas, comprehensions, strings, keywords) is rejected
when the quiz is validated, with the offending piece named.

Functions: ``abs round min max floor ceil sqrt exp log tanh sigmoid``.
Draws (only in ``params``): ``randint(a, b)`` -- an integer from a to b inclusive -- and ``choice(x, y, ...)``.

A quiz file is untrusted, and its expressions are evaluated over a thousand seeds by `validate`, `autograde --quiz`
and `gradescope build`, so evaluation is bounded: every constant, parameter value and intermediate result is at
most MAX_MAGNITUDE, a power's exponent at most MAX_EXPONENT, round's digits at most MAX_ROUND_DIGITS either way
(``round(5, -10**9)`` would build a billion-digit power of ten), and one evaluation stops after DEADLINE_SECONDS.
"""

from __future__ import annotations

import ast
import math
import operator
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

Number = int | float

MAX_SOURCE = 500
MAX_EXPONENT = 100  # keeps `9 ** 9 ** 9` from hanging validation
MAX_MAGNITUDE = 1e300
MAX_ROUND_DIGITS = 30  # far past a double's 17 significant digits; quizzes round to a handful
# Whitelisted steps on bounded numbers take microseconds; this only backs the bounds up (an expression has at most a
# few hundred nodes).
DEADLINE_SECONDS = 1.0

FUNCTIONS: dict[str, Callable[..., Number]] = {
    "abs": abs,
    "round": round,
    "min": min,
    "max": max,
    "floor": math.floor,
    "ceil": math.ceil,
    "sqrt": math.sqrt,
    "exp": math.exp,
    "log": math.log,
    "tanh": math.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
}
DRAWS = ("randint", "choice")

_BINARY: dict[type, Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type, Callable[[Number], Number]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}


class ExpressionError(ValueError):
    """An expression that is not allowed, or that cannot be evaluated for some parameter values."""


class Draws(Protocol):
    """Where `randint` and `choice` get their randomness (see grader.quiz.variants)."""

    def randint(self, low: int, high: int) -> int: ...

    def choice(self, values: list[Number]) -> Number: ...


@dataclass(frozen=True)
class Expression:
    """A parsed, whitelisted expression and the parameter names it reads."""

    source: str
    tree: ast.expr
    names: frozenset[str]
    draws: bool


def parse_expression(source: str | int | float, *, allow_draws: bool = False) -> Expression:
    """Parse `source`; raise ExpressionError naming the first construct that is not allowed."""
    if isinstance(source, bool) or not isinstance(source, (str, int, float)):
        raise ExpressionError(f"expected a number or an arithmetic expression, got {type(source).__name__}")
    text = str(source).strip()
    if not text:
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_SOURCE:
        raise ExpressionError(f"the expression is longer than {MAX_SOURCE} characters")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as error:
        raise ExpressionError(f"`{text}` is not an expression (column {error.offset}): {error.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"`{text}` is too deeply nested") from None
    names: set[str] = set()
    uses_draws = _check(tree, names, allow_draws)
    return Expression(text, tree, frozenset(names), uses_draws)


def _check(node: ast.expr, names: set[str], allow_draws: bool) -> bool:
    """Reject anything outside the whitelist; collect parameter names; say whether a draw is used."""
    if isinstance(node, ast.Constant):
        if not _in_range(_number(node)):
            raise ExpressionError(f"the number `{ast.unparse(node)}` is out of range (at most {MAX_MAGNITUDE:g})")
        return False
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS or node.id in DRAWS:
            raise ExpressionError(f"`{node.id}` is a function; call it, e.g. `{node.id}(x)`")
        names.add(node.id)
        return False
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _check(node.left, names, allow_draws) | _check(node.right, names, allow_draws)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _check(node.operand, names, allow_draws)
    if isinstance(node, ast.Call):
        return _check_call(node, names, allow_draws)
    raise ExpressionError(f"`{ast.unparse(node)}` is not allowed: use numbers, parameters, + - * / // % ** and "
                          f"the functions {', '.join(FUNCTIONS)}")


def _number(node: ast.Constant) -> Number:
    """The number a constant holds; anything else (a string, bytes, True, None, ...) is rejected by name."""
    if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
        raise ExpressionError(f"only numbers are allowed as constants, not {node.value!r}")
    return node.value


def _check_call(node: ast.Call, names: set[str], allow_draws: bool) -> bool:
    if not isinstance(node.func, ast.Name) or node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
        raise ExpressionError(f"`{ast.unparse(node)}` is not allowed: call a function by name with plain arguments")
    name = node.func.id
    if name in DRAWS:
        if not allow_draws:
            raise ExpressionError(f"`{name}(...)` draws a random value; draws belong in `params`, not here")
        expected = 2 if name == "randint" else None
        if (expected and len(node.args) != expected) or not node.args:
            raise ExpressionError(f"`{name}` takes {'two arguments (low, high)' if expected else 'one or more values'}")
    elif name not in FUNCTIONS:
        raise ExpressionError(f"unknown function `{name}`; allowed: {', '.join(FUNCTIONS)}")
    used = name in DRAWS
    for arg in node.args:
        used |= _check(arg, names, allow_draws)
    return used


def evaluate(expression: Expression, values: Mapping[str, Number], draws: Draws | None = None) -> Number:
    """The value of `expression` for the parameter `values`; raise ExpressionError if it cannot be computed (or not
    within the bounds above)."""
    missing = sorted(expression.names - set(values))
    if missing:
        raise ExpressionError(f"parameter `{missing[0]}` is used but not defined")
    try:
        result = _Evaluation(values, draws, time.monotonic() + DEADLINE_SECONDS).value(expression.tree)
    except ExpressionError:
        raise
    except ZeroDivisionError:
        raise ExpressionError(f"`{expression.source}` divides by zero for {_describe(values)}") from None
    except (ArithmeticError, ValueError, TypeError) as error:
        raise ExpressionError(f"`{expression.source}` fails for {_describe(values)}: {error}") from None
    except _Timeout:
        raise ExpressionError(f"`{expression.source}` takes longer than {DEADLINE_SECONDS:g} s to evaluate for "
                              f"{_describe(values)}") from None
    if isinstance(result, float) and not math.isfinite(result):
        raise ExpressionError(f"`{expression.source}` is not finite for {_describe(values)}")
    return result


class _Timeout(Exception):
    pass


def _in_range(value: object) -> bool:
    """Whether `value` is a real number no larger than MAX_MAGNITUDE (so the next step on it is cheap)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    # Python compares an int with a float exactly (math.isfinite would overflow on a 400-digit int), and a NaN
    # compares false, so this one test bounds every kind of number.
    return abs(value) <= MAX_MAGNITUDE


@dataclass
class _Evaluation:
    """One evaluation: the values it reads, its draws, and when it must stop."""

    values: Mapping[str, Number]
    draws: Draws | None
    deadline: float

    def value(self, node: ast.expr) -> Number:
        """The value of `node`, checked to be in range, as is every value it is computed from."""
        if time.monotonic() > self.deadline:
            raise _Timeout
        result = self._compute(node)
        if not _in_range(result):
            raise ExpressionError(f"`{ast.unparse(node)}` is {_what_is_wrong(result)} for {_describe(self.values)}")
        return result

    def _compute(self, node: ast.expr) -> Number:
        if isinstance(node, ast.Constant):
            # checked again here, not only in _check: an Expression can be built without parse_expression
            return _number(node)
        if isinstance(node, ast.Name):
            return self.values[node.id]
        if isinstance(node, ast.UnaryOp):
            return _UNARY[type(node.op)](self.value(node.operand))
        if isinstance(node, ast.BinOp):
            left, right = self.value(node.left), self.value(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
                raise ExpressionError(f"exponent {right} is larger than {MAX_EXPONENT}")
            return _BINARY[type(node.op)](left, right)
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        args = [self.value(arg) for arg in node.args]
        if node.func.id in DRAWS:
            return self._draw(node.func.id, args)
        if node.func.id == "round" and len(args) == 2:
            _check_round_digits(args[1])
        return FUNCTIONS[node.func.id](*args)

    def _draw(self, name: str, args: list[Number]) -> Number:
        if self.draws is None:
            raise ExpressionError(f"{name} needs a student seed")
        if name == "choice":
            return self.draws.choice(args)
        low, high = args
        if low != int(low) or high != int(high) or low > high:
            raise ExpressionError(f"randint({low}, {high}) needs whole numbers with low <= high")
        return self.draws.randint(int(low), int(high))


def _what_is_wrong(value: object) -> str:
    if isinstance(value, complex):
        return "not a real number"
    if isinstance(value, float) and not math.isfinite(value):
        return "not finite"
    return f"out of range (at most {MAX_MAGNITUDE:g})"


def _check_round_digits(digits: Number) -> None:
    """round(x, digits) computes 10 ** |digits|: keep it small (Python itself needs a whole number here)."""
    if isinstance(digits, int) and abs(digits) > MAX_ROUND_DIGITS:
        raise ExpressionError(f"round to {digits} digits: expected at most {MAX_ROUND_DIGITS} either way")


def _describe(values: Mapping[str, Number]) -> str:
    return ", ".join(f"{name} = {value}" for name, value in values.items()) or "these values"
