"""Known wrong versions of the classification metrics: swapped denominators, the wrong mean, 0 / 0.

Each variant is the exercise function with one mistake, written against the names of ``solutions.metrics``
(see ``grader/mistakes/__init__.py``). Within a function, the more specific variant comes first.
"""

import numpy as np

from grader.mistakes import mistake
from solutions.metrics import _labels, _ratio


@mistake("metrics.accuracy", id="accuracy-counts-only-true-positives", concept="performance-metrics")
def accuracy_counts_only_true_positives(y_true, y_pred):
    y_true, y_pred = _labels(y_true, y_pred, binary=False)
    return _ratio(np.count_nonzero((y_pred == 1) & (y_true == 1)), y_true.size)


@mistake("metrics.precision", id="precision-zero-division-nan", concept="class-imbalance")
def precision_zero_division_nan(y_true, y_pred):
    y_true, y_pred = _labels(y_true, y_pred)
    tp = np.sum((y_pred == 1) & (y_true == 1))
    fp = np.sum((y_pred == 1) & (y_true == 0))
    return float(tp / (tp + fp))


@mistake("metrics.precision", id="precision-divides-by-actual-positives", concept="performance-metrics")
def precision_divides_by_actual_positives(y_true, y_pred):
    y_true, y_pred = _labels(y_true, y_pred)
    tp = np.count_nonzero((y_pred == 1) & (y_true == 1))
    fn = np.count_nonzero((y_pred == 0) & (y_true == 1))
    return _ratio(tp, tp + fn)


@mistake("metrics.recall", id="recall-divides-by-predicted-positives", concept="performance-metrics")
def recall_divides_by_predicted_positives(y_true, y_pred):
    y_true, y_pred = _labels(y_true, y_pred)
    tp = np.count_nonzero((y_pred == 1) & (y_true == 1))
    fp = np.count_nonzero((y_pred == 1) & (y_true == 0))
    return _ratio(tp, tp + fp)


@mistake("metrics.f1_score", id="f1-arithmetic-mean", concept="class-imbalance")
def f1_arithmetic_mean(y_true, y_pred):
    y_true, y_pred = _labels(y_true, y_pred)
    tp = np.count_nonzero((y_pred == 1) & (y_true == 1))
    fp = np.count_nonzero((y_pred == 1) & (y_true == 0))
    fn = np.count_nonzero((y_pred == 0) & (y_true == 1))
    return (_ratio(tp, tp + fp) + _ratio(tp, tp + fn)) / 2
