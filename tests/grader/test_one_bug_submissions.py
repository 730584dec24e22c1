"""Realistic one-bug submissions: the right checks fail, with the right hint, and every other check passes.

Each case copies the reference and makes one edit a student could make. The expected failures are exact: a bug
caught by an unrelated check (or missed by the intended one) fails the test.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import make_submission
from grader.grading import grade


@dataclass(frozen=True)
class Bug:
    id: str
    module: str
    old: str
    new: str
    failing: frozenset[str]  # names of the checks that must fail; every other check of the part must pass
    hint: str  # a catalogued mistake id, or text the hint of some failing check must contain


BUGS = [
    Bug("softmax-without-max-subtraction", "activations",
        "    shifted = x - np.max(x, axis=axis, keepdims=True)  # the largest entry becomes 0: exp cannot overflow\n"
        "    e = np.exp(shifted)",
        "    e = np.exp(x)",
        frozenset({"test_softmax_of_large_scores"}), "compute exp only of values that are <= 0"),
    Bug("sigmoid-grad-of-x", "activations",
        "    s = sigmoid(x)\n    return s * (1 - s)", "    return x * (1 - x)",
        frozenset({"test_derivative_matches_reference[sigmoid_grad]",
                   "test_derivative_matches_central_difference[sigmoid_grad]",
                   "test_float32_in_gives_float32_out", "test_large_inputs_give_no_overflow"}),
        "sigmoid-grad-of-x"),
    Bug("relu-grad-one-at-zero", "activations",
        "    return (x > 0).astype(x.dtype)", "    return (x >= 0).astype(x.dtype)",
        frozenset({"test_derivative_matches_reference[relu_grad]"}), "relu-grad-one-at-zero"),
]


@pytest.mark.parametrize("bug", BUGS, ids=[b.id for b in BUGS])
def test_one_bug_is_caught_by_the_right_checks(bug, tmp_path):
    result = grade(make_submission(tmp_path, bug.module, bug.old, bug.new), [bug.module])
    failed = {c.name for c in result.checks if not c.passed}
    assert failed == bug.failing
    hints = [f"{c.mistake} {c.hint}" for c in result.checks if not c.passed]
    assert any(bug.hint in h for h in hints), hints
    assert all(c.outcome == "failed" for c in result.checks if not c.passed)


def test_same_seed_gives_the_same_findings_and_another_seed_other_inputs(tmp_path):
    folder = make_submission(tmp_path, "activations", "    s = sigmoid(x)\n    return s * (1 - s)",
                             "    return x * (1 - x)")
    first, again, other = (grade(folder, ["activations"], seed=s) for s in (7, 7, 8))
    messages = [[c.message for c in r.checks] for r in (first, again, other)]
    assert messages[0] == messages[1]
    assert messages[0] != messages[2]
