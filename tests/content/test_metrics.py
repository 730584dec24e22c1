"""Accuracy, precision, recall, specificity and F1 on hand-counted confusion matrices, zero division, and the
class-imbalance trap the notes warn about."""

from __future__ import annotations

import pytest

from .packages import solution

# y_true / y_pred with TP = 3, FP = 1, FN = 2, TN = 4.
Y_TRUE = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
Y_PRED = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]


def metric(name):
    return getattr(solution("metrics"), name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("accuracy", 7 / 10), ("precision", 3 / 4), ("recall", 3 / 5), ("specificity", 4 / 5),
     ("f1_score", 2 * 3 / (2 * 3 + 1 + 2))],
)
def test_metric_on_a_hand_counted_confusion_matrix(name, expected):
    assert metric(name)(Y_TRUE, Y_PRED) == pytest.approx(expected)


def test_f1_is_the_harmonic_mean_of_precision_and_recall():
    p, r = metric("precision")(Y_TRUE, Y_PRED), metric("recall")(Y_TRUE, Y_PRED)
    assert metric("f1_score")(Y_TRUE, Y_PRED) == pytest.approx(2 * p * r / (p + r))


@pytest.mark.parametrize(
    ("name", "y_true", "y_pred"),
    [("precision", [1, 0], [0, 0]),  # nothing predicted positive
     ("recall", [0, 0], [1, 0]),  # no positive to find
     ("specificity", [1, 1], [1, 0]),  # no negative to recognise
     ("f1_score", [0, 0], [0, 0]),  # no positive anywhere
     ("f1_score", [1, 0], [0, 1]),  # precision = recall = 0
     ("accuracy", [], [])],
)
def test_zero_division_gives_zero(name, y_true, y_pred):
    assert metric(name)(y_true, y_pred) == 0.0


def test_accuracy_misleads_under_class_imbalance_and_f1_does_not():
    y_true = [1] + [0] * 99  # 1% defective
    never = [0] * 100
    assert metric("accuracy")(y_true, never) == 0.99
    assert metric("f1_score")(y_true, never) == 0.0 and metric("recall")(y_true, never) == 0.0


def test_accuracy_also_counts_multiclass_labels_and_any_shape():
    assert metric("accuracy")([0, 2, 1, 2], [0, 1, 1, 2]) == 0.75
    assert metric("precision")([[1, 0], [1, 1]], [[1, 1], [0, 1]]) == pytest.approx(2 / 3)
