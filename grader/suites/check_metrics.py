"""Accuracy, precision, recall and F1 for binary labels

Each metric against the reference on labels built from a known confusion matrix (FP and FN differ, so swapped
formulas show), specificity too, F1 as the harmonic mean, the imbalanced case where accuracy is high and F1 low, and
0.0 where a ratio's denominator is 0 (accuracy's too, for empty labels). Labels of any shape, bool labels, multi-class
labels for accuracy; every metric returns a Python float and leaves its inputs unchanged.
"""

from collections.abc import Callable

import numpy as np
import pytest

from grader import reference
from grader.compare import (
    INPUTS_UNCHANGED,
    Call,
    answers_to,
    describe_value,
    expect_properties_of_each,
    expect_same_as_reference,
    expect_value,
    fail,
    hint,
    own_answer_to,
)
from grader.i18n import tr

ORDER = 6

METRICS = ["accuracy", "precision", "recall", "specificity", "f1_score"]


def confusion(rng: np.random.Generator, tp: int, fp: int, fn: int, tn: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer labels (y_true, y_pred) with exactly these confusion-matrix counts, in a random order."""
    y_true = np.array([1] * tp + [0] * fp + [1] * fn + [0] * tn)
    y_pred = np.array([1] * tp + [1] * fp + [0] * fn + [0] * tn)
    order = rng.permutation(y_true.size)
    return y_true[order], y_pred[order]


def lopsided_counts(rng: np.random.Generator, more: str = "fn") -> tuple[int, int, int, int]:
    """Random (TP, FP, FN, TN) with TP > 0 and ``more`` of the two errors, so precision and recall differ clearly."""
    tp, tn = int(rng.integers(5, 15)), int(rng.integers(10, 30))
    few, many = int(rng.integers(1, 5)), int(rng.integers(9, 20))
    return (tp, few, many, tn) if more == "fn" else (tp, many, few, tn)


def expect_metric(student, name: str, rng: np.random.Generator, tp: int, fp: int, fn: int, tn: int,
                  why: str = "") -> None:
    """The student's metric on labels with these counts matches the reference; a failure states the counts."""
    expect_metrics(student, rng, [(name, (tp, fp, fn, tn))], why)


def expect_metrics(student, rng: np.random.Generator, cases: list[tuple[str, tuple[int, int, int, int]]],
                   why: str = "") -> None:
    """:func:`expect_metric` of each ``(name, (tp, fp, fn, tn))`` in turn, the student's calls sent together."""
    calls = [(Call(f"metrics.{name}", confusion(rng, *counts)), counts) for name, counts in cases]
    for (call, counts), answer in zip(calls, answers_to(student, [c for c, _ in calls]), strict=True):
        with hint(why, message=stating_counts(*counts)):
            expect_value(answer.value(), reference.call(call.target, *call.args), call=call)


def stating_counts(tp: int, fp: int, fn: int, tn: int) -> Callable[[str], str]:
    """A failure's message, with the counts of the labels it was given."""
    return lambda message: tr("suite.metrics.with_counts", message=message.rstrip("."), tp=tp, fp=fp, fn=fn, tn=tn)


@pytest.mark.public
@pytest.mark.points(1)
@pytest.mark.parametrize("name", ["accuracy", "precision", "recall"])
def test_metric_matches_reference(student, rng, name):
    """value should match the reference on labels with known TP, FP, FN, TN (FP != FN), as a single number"""
    for more in ["fn", "fp"]:
        expect_metric(student, name, rng, *lopsided_counts(rng, more))


@pytest.mark.points(0.5)
def test_f1_is_the_harmonic_mean(student, rng):
    """f1_score should be the harmonic mean of precision and recall, 2TP / (2TP + FP + FN), not their average"""
    # P 1/2, R 1/4 in the second: F1 1/3, not the average 3/8
    expect_metrics(student, rng, [("f1_score", lopsided_counts(rng)), ("f1_score", (2, 2, 6, 10))])


@pytest.mark.points(0.5)
def test_class_imbalance_high_accuracy_low_f1(student, rng):
    """imbalanced labels (5 positives in 100) should give accuracy 0.94 but precision 1/3, recall 1/5 and F1 0.25"""
    expect_metrics(student, rng, [(name, (1, 2, 4, 93)) for name in ["accuracy", "precision", "recall", "f1_score"]])


@pytest.mark.points(0.5)
def test_zero_denominator_gives_zero(student, rng):
    """0 / 0 should give 0.0: no positive prediction (precision), no positive label (recall), neither (F1)"""
    never_positive = (0, 0, 5, 95)  # the notes' "never defective" model: accuracy 0.95, F1 0
    no_positive_label = (0, 3, 0, 17)
    all_negative = (0, 0, 0, 10)
    why = tr("check.metrics.test_zero_denominator_gives_zero.hint")
    expect_metrics(student, rng, [(name, counts) for counts in [never_positive, no_positive_label, all_negative]
                                  for name in ["accuracy", "precision", "recall", "f1_score"]], why=why)


@pytest.mark.points(0.5)
def test_specificity_matches_reference(student, rng):
    """specificity should be TN / (TN + FP), the share of true negatives recognised, on labels with known counts"""
    for more in ["fn", "fp"]:
        expect_metric(student, "specificity", rng, *lopsided_counts(rng, more))
    expect_metric(student, "specificity", rng, tp=1, fp=2, fn=4, tn=93)


@pytest.mark.points(0.5)
def test_specificity_without_negatives_is_zero(student, rng):
    """specificity should be 0.0 when y_true has no negative (TN + FP = 0), whatever was predicted"""
    why = tr("check.metrics.test_zero_denominator_gives_zero.hint")
    expect_metrics(student, rng, [("specificity", counts) for counts in [(5, 0, 3, 0), (4, 0, 0, 0)]], why=why)


@pytest.mark.points(0.5)
def test_labels_of_any_shape_and_bool(student, rng):
    """labels of any shape (a 2-d array: every element is one sample) and bool labels should give the same numbers"""
    # Each answer must be the student's own answer on the same labels as 1-d integer arrays, whose values the other
    # checks grade: this check blames only the labels' form.
    y_true, y_pred = confusion(rng, 6, 2, 9, 11)  # 28 samples
    forms = [(y_true.reshape(4, 7), y_pred.reshape(4, 7)), (y_true.astype(bool), y_pred.astype(bool))]
    calls = [Call(f"metrics.{name}", labels) for name in METRICS for labels in [(y_true, y_pred), *forms]]
    answers = iter(answers_to(student, calls))  # sent together: each metric's usual form, then the other two
    for name in METRICS:
        usual, own = own_answer_to(next(answers))
        for form in forms:
            expect_value(next(answers).value(), usual, call=Call(f"metrics.{name}", form),
                         what=tr("check.metrics.test_labels_of_any_shape_and_bool.usual_form") if own else "")


@pytest.mark.points(0.5)
def test_accuracy_of_multiclass_labels(student, rng):
    """accuracy should be mean(y_pred == y_true), so it also grades integer class labels of a multi-class problem"""
    y_true = rng.integers(0, 4, size=30)
    y_pred = np.where(rng.random(30) < 0.6, y_true, rng.integers(0, 4, size=30))
    expect_same_as_reference(student, "metrics.accuracy", y_true, y_pred)


@pytest.mark.points(0.5)
def test_accuracy_of_empty_labels_is_zero(student):
    """accuracy of empty labels should be 0.0, not 0 / 0"""
    empty = np.array([], dtype=np.int64)
    expect_same_as_reference(student, "metrics.accuracy", empty, empty)


@pytest.mark.points(0.5)
def test_every_metric_returns_a_python_float(student, rng):
    """every metric should return a Python float, not a numpy number or a 0-d array"""
    y_true, y_pred = confusion(rng, *lopsided_counts(rng))
    calls = [Call(f"metrics.{name}", (y_true, y_pred)) for name in METRICS]
    for call, answer in zip(calls, answers_to(student, calls), strict=True):
        got = answer.value()
        if type(got) is not float:
            fail(tr("check.metrics.test_every_metric_returns_a_python_float.not_float", call=call.describe(),
                    got=describe_value(got), type=type(got).__name__),
                 hint=tr("check.metrics.test_every_metric_returns_a_python_float.hint"))


@pytest.mark.points(0.5)
def test_inputs_are_not_modified(student, rng):
    """no metric should change y_true or y_pred in place"""
    y_true, y_pred = confusion(rng, *lopsided_counts(rng))
    expect_properties_of_each(student, [Call(f"metrics.{name}", (y_true, y_pred)) for name in METRICS],
                              properties={INPUTS_UNCHANGED})
