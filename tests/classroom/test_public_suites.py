"""Stripping a suite down to its public checks and what they use (grader.classroom.public_suites)."""

from __future__ import annotations

import ast

from grader import parts as course
from grader.classroom.public_suites import public_suite
from grader.runner import list_checks

SUITE = '''"""A part

What it checks.
"""

import numpy as np
import pytest

ORDER = 3

SHAPE = (2, 3)  # used by a public check, through a helper
EDGE = np.array([0.0, 1e4])  # used by a hidden check only


def build(inputs):
    """Used by the public check."""
    return inputs.normal(*SHAPE)


# why the hidden helper exists
def hidden_helper(x):
    return x[EDGE > 0]


# -- public ------------------------------------------------------------------


@pytest.mark.public
@pytest.mark.points(1)
def test_value_matches(student, inputs):
    """the value"""
    x = build(inputs)
    assert student.call("part.f", x) is not None


# -- hidden ------------------------------------------------------------------


# the edge cases
@pytest.mark.points(2)
@pytest.mark.parametrize("k", [1, 2])
def test_edge_cases(student, k):
    """the edges"""
    assert hidden_helper(np.zeros(2)) is not None
'''


def test_only_the_public_checks_and_what_they_use_are_kept():
    stripped = public_suite(SUITE, "check_part.py")
    assert stripped.public == ("test_value_matches",) and stripped.hidden == ("test_edge_cases",)
    defined = {n.name if hasattr(n, "name") else n.targets[0].id
               for n in ast.parse(stripped.source).body if isinstance(n, (ast.FunctionDef, ast.Assign))}
    assert defined == {"ORDER", "SHAPE", "build", "test_value_matches"}
    assert ast.get_docstring(ast.parse(stripped.source)) == "A part\n\nWhat it checks."
    for gone in ("test_edge_cases", "hidden_helper", "EDGE", "the edge cases", "why the hidden helper", "-- hidden"):
        assert gone not in stripped.source
    assert "# -- public" in stripped.source and "import numpy as np" in stripped.source
    assert "\n\n\n\n" not in stripped.source


def test_every_shipped_suite_keeps_exactly_its_public_checks():
    public = {(c.part, c.name.split("[")[0]) for c in list_checks(course.discover()) if c.public}
    for part in course.discover():
        stripped = public_suite(part.path.read_text(encoding="utf-8"), str(part.path))
        assert {(part.name, name) for name in stripped.public} == {p for p in public if p[0] == part.name}
        assert stripped.hidden, f"{part.name} has no hidden check"
        kept = {n.name for n in ast.parse(stripped.source).body if isinstance(n, ast.FunctionDef)}
        assert not kept & set(stripped.hidden)
