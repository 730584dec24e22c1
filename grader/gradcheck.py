"""Numeric gradients by central differences, and the comparison of a student's analytic gradient against them.

For a scalar function L of an array x, the central difference at element i is

    dL/dx_i  ~=  (L(x + h e_i) - L(x - h e_i)) / (2 h)

with error O(h^2). It is computed in float64 with h = 1e-6 on the reference implementation, in the grader's own
process, so a student's gradient is graded on its own even where their forward pass is wrong (the forward has value
checks of its own). Where the function of interest returns an array y, L = sum(y * g) for a random upstream gradient
g: never all ones, because a backward pass that ignores its ``grad_out`` passes with ones.

Agreement is measured per element by the relative error

    |a - n| / max(|a| + |n|, floor)

and the worst element is reported. Thresholds (as in CS231n): below 1e-7 the gradient is right; up to 1e-4 it is
suspicious unless the function has kinks near the inputs; above 1e-2 it is wrong. Checks pass below
``GRADIENT_TOLERANCE`` = 1e-5, with inputs kept away from kinks.

An element close to 0 by cancellation has a relative error made of rounding noise alone: the differences of L carry
an absolute error of about eps * |L| / h whatever the element's size. Such an element also passes when

    |a - n|  <=  GRADIENT_ATOL * max|n|        (GRADIENT_ATOL = 1e-6)

that is, when it is right to within a millionth of the gradient's largest element, far below any mistake's effect
and about a hundred times the noise measured on the MLP's checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader import reference
from grader.compare import Call, describe_value, fail, format_index, format_number, mistake_hint, shape_hint
from grader.i18n import tr

STEP = 1e-6
FLOOR = 1e-8
GRADIENT_TOLERANCE = 1e-5
GRADIENT_ATOL = 1e-6  # times max|numeric|: the absolute floor below which a difference is rounding noise


def numeric_gradient(loss: Callable[[], float], x: np.ndarray, h: float = STEP) -> np.ndarray:
    """dL/dx by central differences, perturbing ``x`` (float64) in place one element at a time and restoring it."""
    if x.dtype != np.float64:
        raise TypeError("numeric gradients need a float64 array")
    grad = np.zeros_like(x)
    flat, grad_flat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + h
        plus = loss()
        flat[i] = original - h
        minus = loss()
        flat[i] = original
        grad_flat[i] = (plus - minus) / (2 * h)
    return grad


def reference_gradient(target: str, args: tuple, wrt: int, *, kwargs: dict | None = None,
                       upstream: np.ndarray | None = None, h: float = STEP) -> np.ndarray:
    """dL/d args[wrt] by central differences of the reference's ``target``: L = target(*args, **kwargs) where it
    answers a number (a loss), L = sum(target(*args, **kwargs) * upstream) where it answers an array.

    Kept by the grading process (``reference.kept``) under the call itself: a class graded with one seed asks each
    check's central differences of every student alike."""
    function, kwargs = reference.resolve(target), kwargs or {}

    def loss() -> float:
        value = function(*args, **kwargs)
        return float(value if upstream is None else np.sum(value * upstream))

    return reference.kept(("central differences", target, args, kwargs, upstream, wrt, h),
                          lambda: numeric_gradient(loss, args[wrt], h))


def elementwise_derivative(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, h: float = STEP) -> np.ndarray:
    """f'(x) for an elementwise f, all elements at once: (f(x + h) - f(x - h)) / 2h."""
    x = x.astype(np.float64)
    return (f(x + h) - f(x - h)) / (2 * h)


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = FLOOR) -> np.ndarray:
    """Per-element |a - n| / max(|a| + |n|, floor)."""
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), floor)


def expect_gradient(got: Any, numeric: np.ndarray, *, call: Call, wrt: str,
                    tolerance: float = GRADIENT_TOLERANCE) -> None:
    """The student's analytic gradient ``got`` must match the central-difference ``numeric`` gradient."""
    context = lambda: dict(call=call.describe(), wrt=wrt)  # noqa: E731 -- described only on failure
    if type(got) is not np.ndarray:
        fail(tr("gradcheck.not_array", got=describe_value(got), shape=numeric.shape, **context()))
    if got.shape != numeric.shape:
        fail(tr("gradcheck.shape", got=got.shape, expected=numeric.shape, **context()),
             **{"hint": shape_hint(got.shape, numeric.shape), **mistake_hint(call, got)})
    error = relative_error(got, numeric)
    floor = GRADIENT_ATOL * float(np.max(np.abs(numeric), initial=0.0))
    error[np.abs(got.astype(np.float64) - numeric) <= floor] = 0.0  # within rounding noise of the largest element
    error[~np.isfinite(got.astype(np.float64))] = np.inf
    worst = np.unravel_index(np.argmax(error), error.shape) if error.size else ()
    if error.size and error[worst] > tolerance:
        fail(tr("gradcheck.wrong", index=format_index(worst), input=call.input_at(worst, got.shape),
                expected=format_number(numeric[worst]), got=format_number(got.astype(np.float64)[worst]),
                error=f"{float(error[worst]):.3g}", tolerance=f"{tolerance:g}", **context()),
             **mistake_hint(call, got))
