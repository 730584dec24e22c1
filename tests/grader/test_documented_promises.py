"""One-bug submissions that break a promise of a docstring which only the checks added for it catch.

Each bug is a realistic edit of the reference that stays right on the inputs the value checks use (2-d batches,
one-hot and 0/1 targets, random values without ties, float32 everywhere) and breaks one sentence of its docstring: a
single sample, a tie, a clip bound, soft targets, a mixed dtype, a key without a gradient, bool or 2-d labels. The
expected failures are exact, as in test_one_bug_submissions.py: the bug costs the check of the promise it breaks.
"""

from __future__ import annotations

import pytest
from test_one_bug_submissions import Bug, expect_caught_by_the_right_checks

BUGS = [
    Bug("maxout-backward-ties-not-split", "activations",
        "    share = winners / winners.sum(axis=-1, keepdims=True)", "    share = winners",
        frozenset({"test_maxout_backward_splits_ties"}), "maxout-backward-ties-not-split"),
    Bug("maxout-backward-first-winner-only", "activations",
        "    winners = (grouped == grouped.max(axis=-1, keepdims=True)).astype(x.dtype)",
        "    winners = (np.arange(pieces) == grouped.argmax(axis=-1)[..., None]).astype(x.dtype)",
        frozenset({"test_maxout_backward_splits_ties"}), "maxout-backward-first-winner-only"),
    Bug("maxout-backward-float64", "activations",
        "    winners = (grouped == grouped.max(axis=-1, keepdims=True)).astype(x.dtype)",
        "    winners = (grouped == grouped.max(axis=-1, keepdims=True)).astype(float)",
        frozenset({"test_float32_in_gives_float32_out"}), "float32"),
    Bug("maxout-assumes-2d", "activations",
        "    return x.reshape(x.shape[:-1] + (num_units, pieces)).max(axis=-1)",
        "    return x.reshape(x.shape[0], num_units, pieces).max(axis=-1)",
        frozenset({"test_single_samples_and_3d_batches"}), "cannot reshape"),
    Bug("log-softmax-in-place", "activations",
        "    shifted = x - np.max(x, axis=axis, keepdims=True)\n    return shifted - np.log(",
        "    x -= np.max(x, axis=axis, keepdims=True)\n    shifted = x\n    return shifted - np.log(",
        frozenset({"test_inputs_are_not_modified"}), "log_softmax"),
    Bug("log-softmax-of-softmax", "activations",
        "    shifted = x - np.max(x, axis=axis, keepdims=True)\n    return shifted - np.log(np.sum(np.exp(shifted), "
        "axis=axis, keepdims=True))",
        "    return np.log(softmax(x, axis=axis))",
        frozenset({"test_log_softmax_of_large_scores"}), "log_softmax"),
    Bug("cce-grad-divides-by-first-axis", "losses",
        "    n = max(_n_samples(y_pred), 1)\n    if from_logits:\n        return (softmax(y_pred, axis=-1) * np.sum(",
        "    n = y_pred.shape[0]\n    if from_logits:\n        return (softmax(y_pred, axis=-1) * np.sum(",
        frozenset({"test_one_sample_and_column_shapes"}), "usual (N, C) or (N,) form"),
    Bug("bce-grad-strict-clip", "losses",
        "    inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)\n    return np.where(inside, (p - y_true)",
        "    inside = (y_pred > EPSILON) & (y_pred < 1 - EPSILON)\n    return np.where(inside, (p - y_true)",
        frozenset({"test_clip_bounds_keep_the_gradient"}), "a hair inside the bound"),
    Bug("cce-only-where-target-is-one", "losses",
        "    return np.mean(-np.sum(y_true * log_p, axis=-1))",
        "    return np.mean(-np.sum(np.where(y_true == 1, log_p, 0), axis=-1))",
        frozenset({"test_soft_targets_match_reference"}), "the loss is linear in y_true"),
    Bug("param-count-numpy-integer", "layers",
        "    return int((n_inputs + 1) * n_units)", "    return np.int64((n_inputs + 1) * n_units)",
        frozenset({"test_param_count_is_a_python_int"}), "promises a Python int"),
    Bug("apply-iterates-over-params", "optimizers",
        "        for key, grad in grads.items():\n",
        "        for key in params:\n            grad = grads[key]\n",
        frozenset({"test_keys_without_a_gradient_stay_unchanged"}), "KeyError"),
    Bug("sgd-step-dtype-of-the-product", "optimizers",
        "    return (param - learning_rate * grad).astype(param.dtype, copy=False)",
        "    return param - learning_rate * grad",
        frozenset({"test_mixed_dtypes_keep_the_params_dtype"}), "float32"),
    Bug("accuracy-divides-by-len", "metrics",
        "    return _ratio(np.count_nonzero(y_true == y_pred), y_true.size)",
        "    return _ratio(np.count_nonzero(y_true == y_pred), len(y_true))",
        frozenset({"test_labels_of_any_shape_and_bool"}), "1-d integer arrays"),
    Bug("accuracy-binary-counts-only", "metrics",
        "    return _ratio(np.count_nonzero(y_true == y_pred), y_true.size)",
        "    return _ratio(np.count_nonzero((y_true == 1) & (y_pred == 1))"
        " + np.count_nonzero((y_true == 0) & (y_pred == 0)), y_true.size)",
        frozenset({"test_accuracy_of_multiclass_labels"}), "accuracy"),
    Bug("accuracy-mean-of-empty", "metrics",
        "    return _ratio(np.count_nonzero(y_true == y_pred), y_true.size)",
        "    return float(np.mean(y_true == y_pred)) if y_true.size else float('nan')",
        frozenset({"test_accuracy_of_empty_labels_is_zero"}), "accuracy"),
    Bug("specificity-false-positive-rate", "metrics",
        "    return _ratio(tn, tn + fp)", "    return _ratio(fp, tn + fp)",
        frozenset({"test_specificity_matches_reference"}), "specificity"),
    Bug("specificity-zero-division-nan", "metrics",
        "    return _ratio(tn, tn + fp)", "    return float(tn) / float(tn + fp) if tn + fp else float('nan')",
        frozenset({"test_specificity_without_negatives_is_zero"}), "zero_division=0"),
    Bug("precision-numpy-float", "metrics",
        "    return _ratio(tp, tp + fp)", "    return np.float64(_ratio(tp, tp + fp))",
        frozenset({"test_every_metric_returns_a_python_float"}), "promises a Python float"),
]


@pytest.mark.parametrize("bug", BUGS, ids=[b.id for b in BUGS])
def test_a_broken_promise_costs_its_own_check(bug, tmp_path):
    expect_caught_by_the_right_checks(bug, tmp_path)
