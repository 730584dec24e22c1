"""Realistic one-bug submissions: the right checks fail, with the right hint, and every other check passes.

Each case copies the reference and makes one edit a student could make. The expected failures are exact: a bug
caught by an unrelated check (or missed by the intended one) fails the test.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from grader.grading import grade

from submissions import make_submission


@dataclass(frozen=True)
class Bug:
    id: str
    module: str
    old: str
    new: str
    failing: frozenset[str]  # names of the checks that must fail; every other check of the part must pass
    hint: str  # a catalogued mistake id, or text the hint or message of some failing check must contain


BUGS = [
    Bug("softmax-without-max-subtraction", "activations",
        "    shifted = x - np.max(x, axis=axis, keepdims=True)  # the largest entry becomes 0: exp cannot overflow\n"
        "    e = np.exp(shifted)",
        "    e = np.exp(x)",
        frozenset({"test_softmax_of_large_scores"}), "softmax-without-max-shift"),
    # The notes' softmax([2, 10, 1, 4]), given as a batch of one, shows a sum down the batch: every entry becomes 1.
    Bug("softmax-sums-over-the-batch", "activations",
        "    return e / np.sum(e, axis=axis, keepdims=True)", "    return e / np.sum(e, axis=0, keepdims=True)",
        frozenset({"test_softmax_of_the_notes_example", "test_softmax_rows_match_reference",
                   "test_softmax_along_given_axis", "test_softmax_of_large_scores",
                   "test_single_samples_and_3d_batches", "test_softmax_backward_matches_central_difference"}),
        "The notes' example, softmax([2, 10, 1, 4])"),
    Bug("sigmoid-grad-of-x", "activations",
        "    s = sigmoid(x)\n    return s * (1 - s)", "    return x * (1 - x)",
        frozenset({"test_derivative_matches_reference[sigmoid_grad]",
                   "test_derivative_matches_central_difference[sigmoid_grad]"}),
        "sigmoid-grad-of-x"),
    Bug("relu-grad-one-at-zero", "activations",
        "    return (x > 0).astype(x.dtype)", "    return (x >= 0).astype(x.dtype)",
        frozenset({"test_derivative_matches_reference[relu_grad]"}), "relu-grad-one-at-zero"),
    Bug('bias-grad-not-summed', 'layers',
        '    grad_b = np.sum(grad_out, axis=0)',
        '    grad_b = grad_out',
        frozenset(['test_backward_twice_gives_the_same_gradients',
                   'test_grad_b_matches_central_difference', 'test_odd_shapes']),
        'dense-backward-bias-not-summed'),
    Bug('grad-w-transposed', 'layers',
        '    grad_W = x.T @ grad_out\n    grad_b',
        '    grad_W = (x.T @ grad_out).T\n    grad_b',
        frozenset(['test_backward_twice_gives_the_same_gradients',
                   'test_grad_W_matches_central_difference', 'test_odd_shapes']),
        'dense-backward-weight-grad-transposed'),
    Bug('param-count-forgot-bias', 'layers',
        '    return int((n_inputs + 1) * n_units)',
        '    return int(n_inputs * n_units)',
        frozenset(['test_dense_param_count']),
        'dense-param-count-weights-only'),
    Bug('mse-sum-not-mean', 'losses',
        '    return np.mean(np.square(y_pred - y_true))',
        '    return np.sum(np.square(y_pred - y_true))',
        frozenset([
                   'test_loss_is_a_mean_over_the_batch', 'test_regression_loss_matches_reference[mean_squared_error]']),
        'mse-sums-instead-of-mean'),
    Bug('cce-logits-grad-without-n', 'losses',
        '        return (softmax(y_pred, axis=-1) * np.sum(y_true, axis=-1, keepdims=True) - y_true) / n',
        '        return softmax(y_pred, axis=-1) * np.sum(y_true, axis=-1, keepdims=True) - y_true',
        frozenset(['test_crossentropy_grad_from_logits_matches_central_difference[categorical_crossentropy]',
                   'test_from_logits_is_stable_for_large_logits']),
        'cce-grad-not-averaged'),
    Bug('sparse-labels-as-one-hot', 'losses',
        '    return np.mean(-np.take_along_axis(log_p, y_true[..., None], axis=-1))',
        '    return np.mean(-np.sum(y_true * log_p, axis=-1))',
        frozenset(['test_clip_and_kinks_match_reference',
                   'test_from_logits_is_stable_for_large_logits', 'test_inputs_unchanged_and_no_warnings',
                   'test_loss_is_a_mean_over_the_batch', 'test_one_sample_and_column_shapes',
                   'test_sparse_categorical_crossentropy_matches_reference']),
        'operands could not be broadcast together'),
    Bug('mape-not-percent', 'losses',
        '    return 100 * np.mean(np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), EPSILON))',
        '    return np.mean(np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), EPSILON))',
        frozenset(['test_clip_and_kinks_match_reference',
                   'test_regression_loss_matches_reference[mean_absolute_percentage_error]']),
        'mape-as-a-fraction'),
    Bug('bce-without-clipping', 'losses',
        '    p = np.clip(y_pred, EPSILON, 1 - EPSILON)\n'
        '    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))',
        '    p = y_pred\n    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))',
        frozenset(['test_clip_and_kinks_match_reference', 'test_inputs_unchanged_and_no_warnings']),
        'bce-without-clip'),
    Bug('momentum-sign-flipped', 'optimizers',
        '    new_velocity = momentum * velocity - learning_rate * grad\n    if nesterov:',
        '    new_velocity = momentum * velocity + learning_rate * grad\n    if nesterov:',
        frozenset(['test_apply_updates_every_param_in_place',
                   'test_momentum_adds_inertia',
                   'test_momentum_step_from_rest_goes_downhill',
                   'test_momentum_step_matches_keras_from_nonzero_velocity',
                   'test_momentum_step_returns_keras_velocity', 'test_nesterov_uses_the_new_velocity',
                   'test_one_velocity_per_parameter', 'test_velocity_is_kept_across_applies']),
        'from rest the new velocity is -learning_'),
    Bug('pytorch-momentum', 'optimizers',
        '    new_velocity = momentum * velocity - learning_rate * grad\n'
        '    if nesterov:\n'
        '        new_param = param + momentum * new_velocity - learning_rate * grad\n'
        '    else:\n'
        '        new_param = param + new_velocity',
        '    new_velocity = momentum * velocity + grad\n'
        '    if nesterov:\n'
        '        new_param = param - learning_rate * (grad + momentum * new_velocity)\n'
        '    else:\n'
        '        new_param = param - learning_rate * new_velocity',
        frozenset([
                   'test_momentum_step_matches_keras_from_nonzero_velocity',
                   'test_momentum_step_returns_keras_velocity', 'test_nesterov_uses_the_new_velocity',
                   'test_velocity_is_kept_across_applies']),
        'momentum-pytorch-convention'),
    Bug('nesterov-old-velocity', 'optimizers',
        '        new_param = param + momentum * new_velocity - learning_rate * grad',
        '        new_param = param + momentum * velocity - learning_rate * grad',
        frozenset(['test_nesterov_uses_the_new_velocity']),
        'momentum-nesterov-old-velocity'),
    Bug('velocity-shared-across-keys', 'optimizers',
        '            velocity = self.velocities.get(key)',
        '            velocity = next(iter(self.velocities.values()), None)',
        frozenset(['test_apply_updates_every_param_in_place',
                   'test_one_velocity_per_parameter',
                   'test_velocity_is_kept_across_applies']),
        'operands could not be broadcast together'),
    Bug('precision-divides-by-positives', 'metrics',
        '    return _ratio(tp, tp + fp)',
        '    return _ratio(tp, np.count_nonzero(y_true == 1))',
        frozenset(['test_class_imbalance_high_accuracy_low_f1', 'test_metric_matches_reference[precision]']),
        'precision-divides-by-actual-positives'),
    Bug('f1-arithmetic-mean', 'metrics',
        '    return _ratio(2 * tp, 2 * tp + fp + fn)',
        '    return (_ratio(tp, tp + fp) + _ratio(tp, tp + fn)) / 2',
        frozenset(['test_class_imbalance_high_accuracy_low_f1', 'test_f1_is_the_harmonic_mean']),
        'f1-arithmetic-mean'),
    Bug('fit-without-shuffling', 'training',
        '        order = rng.permutation(n)',
        '        order = np.arange(n)',
        frozenset(['test_fit_matches_reference_history', 'test_last_smaller_batch_is_trained_on',
                   'test_loss_is_found_by_its_name', 'test_seed_drives_the_shuffling']),
        "fit's docstring fixes the order of the s"),
    Bug('fit-never-updates', 'training',
        '            optimizer.apply(model.params, model.backward(grad_fn(y[idx], y_pred)))',
        '            model.backward(grad_fn(y[idx], y_pred))',
        frozenset(['test_capstone_learns_xor', 'test_fit_matches_reference_history',
                   'test_full_batch_is_gradient_descent', 'test_last_smaller_batch_is_trained_on',
                   'test_loss_is_found_by_its_name', 'test_momentum_reaches_the_target_sooner',
                   'test_seed_drives_the_shuffling', 'test_validation_loss_matches_reference',
                   'test_overfitting_is_seen']),
        "fit's docstring fixes the order of the s"),
    Bug('evaluate-accepts-an-unknown-loss', 'training',
        '        raise ValueError(f"unknown loss {loss!r}: expected the name of a function in the losses module")\n'
        '    return float(loss_fn(',
        '        return 0.0\n    return float(loss_fn(',
        frozenset(['test_evaluate_gives_the_loss_and_trains_nothing']), "an unknown loss name must raise ValueError"),
]


@pytest.mark.parametrize("bug", BUGS, ids=[b.id for b in BUGS])
def test_one_bug_is_caught_by_the_right_checks(bug, tmp_path):
    expect_caught_by_the_right_checks(bug, tmp_path)


def expect_caught_by_the_right_checks(bug: Bug, tmp_path) -> None:
    """Exactly ``bug.failing`` fail, one of them with ``bug.hint``, as failures or errors (never a crash)."""
    result = grade(make_submission(tmp_path, bug.module, bug.old, bug.new), [bug.module])
    failed = {c.name for c in result.checks if not c.passed}
    assert failed == bug.failing
    hints = [f"{c.mistake} {c.hint} {c.message}" for c in result.checks if not c.passed]
    assert any(bug.hint in h for h in hints), hints
    # A wrong answer is "failed"; code that cannot run on the check's inputs (integer labels broadcast against
    # probabilities, mismatched velocity shapes) raises, and is "error": never "not implemented" or a crash.
    assert {c.outcome for c in result.checks if not c.passed} <= {"failed", "error"}


def test_same_seed_gives_the_same_findings_and_another_seed_other_inputs(tmp_path):
    folder = make_submission(tmp_path, "activations", "    s = sigmoid(x)\n    return s * (1 - s)",
                             "    return x * (1 - x)")
    first, again, other = (grade(folder, ["activations"], seed=s) for s in (7, 7, 8))
    messages = [[c.message for c in r.checks] for r in (first, again, other)]
    assert messages[0] == messages[1]
    assert messages[0] != messages[2]
