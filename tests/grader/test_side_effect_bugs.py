"""One-bug submissions that break a docstring's promise of new arrays or untouched old arrays: only the worker, where
the arrays live, can see them (every value reaches the grader as a copy), and only the checks added for them fail.

A step that updates its input in place also breaks "inputs are not modified", which the echoed arguments already
show, and apply, which steps with it, then overwrites the old parameter arrays: that bug costs the checks of the
three promises it breaks, and no other.
"""

from __future__ import annotations

import pytest
from test_one_bug_submissions import Bug, expect_caught_by_the_right_checks

BUGS = [
    Bug("linear-returns-its-input", "activations",
        "    return np.array(x, copy=True)", "    return x",
        frozenset({"test_linear_returns_a_new_array"}), "shares memory with the argument x"),
    Bug("linear-returns-a-view", "activations",
        "    return np.array(x, copy=True)", "    return x.view()",
        frozenset({"test_linear_returns_a_new_array"}), "shares memory with the argument x"),
    Bug("apply-updates-the-old-arrays", "optimizers",
        "                params[key] = sgd_step(params[key], grad, self.learning_rate)",
        "                params[key] -= self.learning_rate * grad",
        frozenset({"test_apply_keeps_the_old_arrays"}), "modified the array it was given as params['W'] in place"),
    Bug("apply-adds-velocity-in-place", "optimizers",
        "            params[key], self.velocities[key] = momentum_step(\n"
        "                params[key], grad, velocity, self.learning_rate, self.momentum, self.nesterov\n"
        "            )",
        "            new_param, self.velocities[key] = momentum_step(\n"
        "                params[key], grad, velocity, self.learning_rate, self.momentum, self.nesterov\n"
        "            )\n"
        "            params[key][...] = new_param",
        frozenset({"test_apply_keeps_the_old_arrays"}), "params['W'] in place"),
    Bug("sgd-step-updates-its-input", "optimizers",
        "    return (param - learning_rate * grad).astype(param.dtype, copy=False)",
        "    param -= learning_rate * grad\n    return param",
        frozenset({"test_inputs_are_not_modified", "test_steps_return_new_arrays", "test_apply_keeps_the_old_arrays"}),
        "shares memory with the argument param"),
]


@pytest.mark.parametrize("bug", BUGS, ids=[b.id for b in BUGS])
def test_a_side_effect_costs_only_its_checks(bug, tmp_path):
    expect_caught_by_the_right_checks(bug, tmp_path)
