"""Safe arithmetic expressions for computed answers, distractors and parameters.

Quiz files are data, so they are never handed to ``eval``. An expression is parsed with ``ast.parse`` and then
walked over a small whitelist: numbers, parameter names, ``+ - * / // % **``, unary minus, parentheses, and calls to
the functions below. Anything else (attributes, subscripts, lambdas, comprehensions, strings, keywords) is rejected
when the quiz is validated, with the offending piece named.

Functions: ``abs round min max floor ceil sqrt exp log tanh sigmoid``.
Draws (only in ``params``): ``randint(a, b)`` -- an integer from a to b inclusive -- and ``choice(x, y, ...)``.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

Number = int | float

MAX_SOURCE = 500
MAX_EXPONENT = 100  # keeps `9 ** 9 ** 9` from hanging validation
MAX_MAGNITUDE = 1e300

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
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExpressionError(f"only numbers are allowed as constants, not {node.value!r}")
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
    """The value of `expression` for the parameter `values`; raise ExpressionError if it cannot be computed."""
    missing = sorted(expression.names - set(values))
    if missing:
        raise ExpressionError(f"parameter `{missing[0]}` is used but not defined")
    try:
        result = _evaluate(expression.tree, values, draws)
    except ExpressionError:
        raise
    except ZeroDivisionError:
        raise ExpressionError(f"`{expression.source}` divides by zero for {_describe(values)}") from None
    except (ArithmeticError, ValueError, TypeError) as error:
        raise ExpressionError(f"`{expression.source}` fails for {_describe(values)}: {error}") from None
    if isinstance(result, float) and not math.isfinite(result):
        raise ExpressionError(f"`{expression.source}` is not finite for {_describe(values)}")
    return result


def _evaluate(node: ast.expr, values: Mapping[str, Number], draws: Draws | None) -> Number:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_evaluate(node.operand, values, draws))
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, values, draws), _evaluate(node.right, values, draws)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise ExpressionError(f"exponent {right} is larger than {MAX_EXPONENT}")
        result = _BINARY[type(node.op)](left, right)
        if isinstance(result, complex) or abs(result) > MAX_MAGNITUDE:
            raise ExpressionError(f"`{ast.unparse(node)}` is out of range ({left}, {right})")
        return result
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    args = [_evaluate(arg, values, draws) for arg in node.args]
    if node.func.id == "randint":
        if draws is None:
            raise ExpressionError("randint needs a student seed")
        low, high = args
        if low != int(low) or high != int(high) or low > high:
            raise ExpressionError(f"randint({low}, {high}) needs whole numbers with low <= high")
        return draws.randint(int(low), int(high))
    if node.func.id == "choice":
        if draws is None:
            raise ExpressionError("choice needs a student seed")
        return draws.choice(args)
    return FUNCTIONS[node.func.id](*args)


def _describe(values: Mapping[str, Number]) -> str:
    return ", ".join(f"{name} = {value}" for name, value in values.items()) or "these values"
