"""Scoring rules: multiple-select partial credit and numeric comparison. Pure functions, no I/O.

Multiple-select schemes (PrairieLearn's, same formulas), with C the correct options, S the selected ones and n the
number of options shown. Every score is a fraction of the question's points, floored at 0.

- ``all-or-nothing``: 1 if S = C, else 0.
- ``net-correct``:    1 if S = C, else max(0, (|S ∩ C| - |S \\ C|) / |C|).
- ``coverage``:       (|S ∩ C| / |C|) * (|S ∩ C| / |S|); 0 when nothing is selected.
- ``each-answer``:    1 - (|S \\ C| + |C \\ S|) / n: every option is a decision, right or wrong.

Numeric modes, with v the key and x the student's number (both finite):

- ``exact``:   x == v.  Meant for whole-number answers (parameter counts); validation rejects a non-whole key.
- ``abs_tol``: |x - v| <= tolerance.
- ``rel_tol``: |x - v| <= tolerance * |v|.
Both tolerance bounds are inclusive, with 1e-12 * max(1, |v|) of slack for binary rounding (so 0.251 is within 0.001
of 0.25).  Relative to the key, not to the student's number; validation rejects
  a key of 0, for which no relative tolerance makes sense.
"""

from __future__ import annotations

import math
from collections.abc import Set

SCHEMES = ("all-or-nothing", "net-correct", "coverage", "each-answer")
MODES = ("exact", "abs_tol", "rel_tol")
FLOAT_SLACK = 1e-12


def multiple_select_score(scheme: str, selected: Set[str], correct: Set[str], n_options: int) -> float:
    """The fraction of the points earned by selecting `selected` when `correct` is the key."""
    hits = len(selected & correct)
    wrong_picks = len(selected - correct)
    if scheme == "all-or-nothing":
        return 1.0 if selected == correct else 0.0
    if scheme == "net-correct":
        return 1.0 if selected == correct else max(0.0, (hits - wrong_picks) / len(correct))
    if scheme == "coverage":
        return 0.0 if not selected else (hits / len(correct)) * (hits / len(selected))
    if scheme == "each-answer":
        return max(0.0, 1.0 - (wrong_picks + len(correct - selected)) / n_options)
    raise ValueError(f"unknown scoring scheme {scheme!r}; expected one of {SCHEMES}")


def numeric_matches(value: float, key: float, mode: str, tolerance: float) -> bool:
    """Whether the student's `value` counts as the answer `key` under `mode` (see the module docstring)."""
    if not (math.isfinite(value) and math.isfinite(key)):
        return False
    # Binary floating point makes |0.251 - 0.25| come out a hair above 0.001; the slack keeps such a boundary
    # answer correct without loosening any tolerance measurably.
    slack = FLOAT_SLACK * max(1.0, abs(key))
    if mode == "exact":
        return value == key
    if mode == "abs_tol":
        return abs(value - key) <= tolerance + slack
    if mode == "rel_tol":
        return abs(value - key) <= tolerance * abs(key) + slack
    raise ValueError(f"unknown numeric mode {mode!r}; expected one of {MODES}")
