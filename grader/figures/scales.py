"""Where a value lands on an axis of a figure, and where that axis' ticks go.

An axis maps its view ``[low, high]`` (in data units) onto ``[0, 1]`` of its length, through one of three scales:

- ``linear``: v itself;
- ``log``: log10(v), for v > 0 (gradient norms, relative errors spanning many decades);
- ``symlog``: v / T within [-T, T] and sign(v) * (1 + log10(|v| / T)) beyond it, T = ``LINEAR_THRESHOLD``: linear
  where an activation's interesting part is, logarithmic far out, where an overflow shows.

Ticks are "nice" numbers (1, 2, 2.5 or 5 times a power of ten) on a linear scale, decades on a log scale, and both
on a symlog one; never so many that their labels would touch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LINEAR_THRESHOLD = 5.0  # symlog: linear within [-5, 5], as the activation figures' default window
MARGIN = 0.05  # of the data's span (in scale units) left free at both ends of an axis fitted to its data
DECADES = 300  # a log or symlog axis stays within 1e-300 .. 1e300 (beyond, 10 ** x over- or underflows)
MAX_TICKS = 7
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def forward(kind: str, values: np.ndarray) -> np.ndarray:
    """``values`` in scale units: the coordinate the axis spaces evenly."""
    values = np.asarray(values, dtype=np.float64)
    if kind == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(values)
    if kind == "symlog":
        magnitude = np.abs(values)
        with np.errstate(divide="ignore", invalid="ignore"):
            far = np.sign(values) * (1.0 + np.log10(np.maximum(magnitude, LINEAR_THRESHOLD) / LINEAR_THRESHOLD))
        return np.where(magnitude <= LINEAR_THRESHOLD, values / LINEAR_THRESHOLD, far)
    if kind == "linear":
        return values
    raise ValueError(f"unknown scale {kind!r}: expected 'linear', 'log' or 'symlog'")


def drawable(values: np.ndarray, kind: str) -> np.ndarray:
    """``values`` with what an axis of scale ``kind`` cannot show (NaN, infinities, and values <= 0 on a log axis)
    made NaN, which leaves a gap in a line."""
    values = np.asarray(values, dtype=np.float64)
    keep = np.isfinite(values) & ((values > 0) if kind == "log" else True)
    return np.where(keep, values, np.nan)


def backward(kind: str, value: float) -> float:
    """The data value at scale coordinate ``value`` (the inverse of :func:`forward`)."""
    if kind == "log":
        return float(10.0 ** value)
    if kind == "symlog":
        if abs(value) <= 1.0:
            return value * LINEAR_THRESHOLD
        return math.copysign(LINEAR_THRESHOLD * 10.0 ** (abs(value) - 1.0), value)
    return value


@dataclass(frozen=True)
class Axis:
    """One axis: its scale ``kind`` and its view ``[low, high]`` in data units (low < high)."""

    kind: str
    low: float
    high: float

    @classmethod
    def fitted(cls, kind: str, values: np.ndarray) -> Axis:
        """The axis that shows every drawable one of ``values`` (see :func:`drawable`), with a margin of ``MARGIN``
        of their span at both ends (in scale units, so decades on a log axis). All one value: half a decade either
        side on a log or symlog axis, on a linear one the larger of 0.5 and 5% of the value. Nothing to show:
        [0.1, 10] on a log axis, else [0, 1]."""
        shown = drawable(values, kind)
        scaled = forward(kind, shown[np.isfinite(shown)])
        if kind != "linear":
            scaled = np.clip(scaled, -DECADES, DECADES)
        if not scaled.size:
            return cls(kind, 0.1, 10.0) if kind == "log" else cls(kind, 0.0, 1.0)
        low, high = float(scaled.min()), float(scaled.max())
        pad = MARGIN * (high - low) if high > low else (0.5 if kind != "linear" else max(abs(low) * 0.05, 0.5))
        low, high = low - pad, high + pad
        if kind != "linear":
            low, high = max(low, -DECADES), min(high, DECADES)
        return cls(kind, backward(kind, low), backward(kind, high))

    def fraction(self, values: np.ndarray) -> np.ndarray:
        """Where ``values`` fall along the axis, 0 at ``low`` and 1 at ``high`` (outside for values out of view;
        NaN where the scale has no place for them, such as v <= 0 on a log axis)."""
        low, high = forward(self.kind, np.array([self.low, self.high]))
        return (forward(self.kind, values) - low) / (high - low)

    def ticks(self, *, integer: bool = False) -> list[float]:
        """The values to mark on the axis, in order; only whole numbers with ``integer`` (epochs, layers)."""
        if self.kind == "log":
            return decade_ticks(self.low, self.high)
        if self.kind == "symlog":
            return symlog_ticks(self.low, self.high)
        return nice_ticks(self.low, self.high, integer=integer)


def nice_ticks(low: float, high: float, *, integer: bool = False, most: int = MAX_TICKS) -> list[float]:
    """Multiples of the smallest nice step (1, 2, 2.5 or 5 times a power of ten; at least 1 for ``integer``) that
    puts at most ``most`` ticks in [low, high]."""
    span = high - low
    if not span > 0 or not math.isfinite(span):
        return [low] if math.isfinite(low) else []
    power = 10.0 ** math.floor(math.log10(span / most))
    step = next(s * power for s in NICE_STEPS if s * power * most >= span)
    if integer:
        step = max(1.0, float(math.ceil(step)) if step > 1 else 1.0)
        step = next((s for s in (1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0) if s >= step), step)
    first = math.ceil(low / step - 1e-9)
    ticks = [(first + i) * step for i in range(int(math.floor(high / step + 1e-9)) - first + 1)]
    return [0.0 if abs(t) < step * 1e-9 else float(f"{t:.12g}") for t in ticks]  # 0.30000000000000004 is 0.3


def decade_ticks(low: float, high: float, most: int = MAX_TICKS + 1) -> list[float]:
    """Powers of ten in [low, high], every k-th decade (k the smallest that leaves at most ``most``), aligned on
    multiples of k so that 1 stays marked whenever it is in view."""
    first, last = math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9)
    every = max(1, math.ceil((last - first + 1) / most))
    return [10.0 ** e for e in range(first, last + 1) if e % every == 0]


def symlog_ticks(low: float, high: float) -> list[float]:
    """Nice ticks when the view is within about the linear part [-T, T]; beyond it -T, 0 and T, then +-10, 100, ...
    out to the view's ends (thinned like decades)."""
    if max(-low, high) < 2 * LINEAR_THRESHOLD:
        return nice_ticks(low, high)
    inner = [v for v in (-LINEAR_THRESHOLD, 0.0, LINEAR_THRESHOLD) if low <= v <= high]
    positive = decade_ticks(10.0, high) if high >= 10.0 else []
    negative = [-v for v in reversed(decade_ticks(10.0, -low))] if low <= -10.0 else []
    return negative + inner + positive


def tick_label(value: float, kind: str, step: float = 1.0) -> str:
    """How a tick reads: a decade as :func:`power_of_ten`, any other value with as many decimals as the ticks'
    ``step`` needs (a true minus sign for negatives)."""
    if kind == "log" or (kind == "symlog" and abs(value) >= 10):
        return power_of_ten(value)
    exponent = math.floor(math.log10(step)) if step > 0 else 0
    mantissa = step / 10.0 ** exponent
    decimals = max(0, -exponent + (abs(mantissa - round(mantissa)) > 1e-6))  # a step of 2.5e-3: 4 decimals
    text = f"{abs(value):.{decimals}f}"
    return ("\u2212" if value < 0 and float(text) != 0 else "") + text


def power_of_ten(value: float) -> str:
    """A log axis' label: 0.01 to 100 as they are, the rest as 1e-5."""
    magnitude = abs(value)
    if 0.01 <= magnitude <= 100:
        text = f"{magnitude:g}"
    else:
        text = f"{magnitude:.0e}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")
    return ("\u2212" if value < 0 else "") + text
