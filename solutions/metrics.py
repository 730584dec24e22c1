"""Performance measures (성능 지표) for binary classification.

A loss is what training minimises; a metric is what people read to judge a model. For binary labels (1 = the
"positive" class, e.g. "defective"), compare predictions with targets in a confusion matrix:
    TP: predicted 1, truly 1      FP: predicted 1, truly 0
    FN: predicted 0, truly 1      TN: predicted 0, truly 0
and read off
    accuracy    (정확도) = (TP + TN) / all    -- the share of right answers
    precision   (정밀도) = TP / (TP + FP)     -- of the predicted positives, how many are right
    recall      (재현율) = TP / (TP + FN)     -- of the true positives, how many were found
    specificity (특이도) = TN / (TN + FP)     -- of the true negatives, how many were recognised
    F1                   = harmonic mean of precision and recall = 2TP / (2TP + FP + FN)
Accuracy misleads when one class is rare (class imbalance): predicting "never defective" on data with 1% defects
scores 99%, and an F1 of 0. That is why the notes recommend F1 there.

Predictions must already be labels: threshold a sigmoid output first, e.g. (p >= 0.5).astype(int).

Zero division: when a ratio's denominator is 0 (precision with no predicted positive, recall with no true
positive, ...), the metric is 0.0, as scikit-learn does with zero_division=0.

Contract: y_true and y_pred of the same shape (any shape; every element is one sample), labels 0 or 1 (bool
works too); returns a Python float; inputs are never modified; vectorized (counting with numpy, no loops).
"""

import numpy as np
from numpy.typing import ArrayLike


def _labels(y_true: ArrayLike, y_pred: ArrayLike, binary: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Given: y_true and y_pred as arrays of the same shape; ValueError if the shapes differ or, when binary,
    if a label is not 0 or 1."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; they must match")
    if binary:
        for name, y in (("y_true", y_true), ("y_pred", y_pred)):
            if not np.all((y == 0) | (y == 1)):
                raise ValueError(f"{name} must hold binary labels 0 or 1 (threshold probabilities first)")
    return y_true, y_pred


def _ratio(numerator: int | np.integer, denominator: int | np.integer) -> float:
    """Given: numerator / denominator as a Python float, and 0.0 when the denominator is 0 (zero_division=0)."""
    return float(numerator) / float(denominator) if denominator else 0.0


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Accuracy (정확도): the fraction of samples whose predicted label equals the true label.

    Formula: (TP + TN) / N for binary labels; in general mean(y_pred == y_true), so it also works for integer
    class labels of a multi-class problem. 0.0 for empty input.
    Shapes: y_true and y_pred of the same shape; returns a Python float in [0, 1].
    Hint: the mean of a boolean array is the fraction of True values.
    Why it matters: the most used classification measure, and a misleading one when the classes are imbalanced.

    >>> accuracy(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    0.75
    """
    y_true, y_pred = _labels(y_true, y_pred, binary=False)
    # BEGIN SOLUTION
    return _ratio(np.count_nonzero(y_true == y_pred), y_true.size)
    # END SOLUTION


def precision(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Precision (정밀도): TP / (TP + FP), the fraction of predicted positives that are truly positive.

    Formula: TP / (TP + FP); 0.0 when nothing is predicted positive (TP + FP = 0).
    Shapes: y_true and y_pred of the same shape, labels 0/1; returns a Python float in [0, 1].
    Hint: TP = np.count_nonzero((y_pred == 1) & (y_true == 1)).
    Why it matters: "when the model says defective, how often is it right".

    >>> round(precision(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1])), 4)
    0.6667
    """
    y_true, y_pred = _labels(y_true, y_pred)
    # BEGIN SOLUTION
    tp = np.count_nonzero((y_pred == 1) & (y_true == 1))
    fp = np.count_nonzero((y_pred == 1) & (y_true == 0))
    return _ratio(tp, tp + fp)
    # END SOLUTION


def recall(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Recall (재현율, sensitivity): TP / (TP + FN), the fraction of true positives that were found.

    Formula: TP / (TP + FN); 0.0 when there is no true positive in y_true (TP + FN = 0).
    Shapes: y_true and y_pred of the same shape, labels 0/1; returns a Python float in [0, 1].
    Hint: FN counts y_pred == 0 where y_true == 1.
    Why it matters: "of the truly defective items, how many did the model catch".

    >>> recall(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    1.0
    """
    y_true, y_pred = _labels(y_true, y_pred)
    # BEGIN SOLUTION
    tp = np.count_nonzero((y_pred == 1) & (y_true == 1))
    fn = np.count_nonzero((y_pred == 0) & (y_true == 1))
    return _ratio(tp, tp + fn)
    # END SOLUTION


def specificity(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Specificity (특이도): TN / (TN + FP), the fraction of true negatives that were recognised as negative.

    Formula: TN / (TN + FP); 0.0 when there is no true negative in y_true (TN + FP = 0).
    Shapes: y_true and y_pred of the same shape, labels 0/1; returns a Python float in [0, 1].
    Hint: TN counts y_pred == 0 where y_true == 0.
    Why it matters: recall's mirror image, for the negative class; the notes list it with precision and recall.

    >>> specificity(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    0.5
    """
    y_true, y_pred = _labels(y_true, y_pred)
    # BEGIN SOLUTION
    tn = np.count_nonzero((y_pred == 0) & (y_true == 0))
    fp = np.count_nonzero((y_pred == 1) & (y_true == 0))
    return _ratio(tn, tn + fp)
    # END SOLUTION


def f1_score(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """F1 score: the harmonic mean of precision and recall, 2PR / (P + R) = 2TP / (2TP + FP + FN).

    Formula: 2TP / (2TP + FP + FN), which equals 2PR / (P + R); 0.0 when 2TP + FP + FN = 0 (no positive anywhere),
    and also whenever TP = 0.
    Shapes: y_true and y_pred of the same shape, labels 0/1; returns a Python float in [0, 1].
    Hint: the count form 2TP / (2TP + FP + FN) avoids dividing by P + R = 0.
    Why it matters: the notes' measure for class imbalance: it is high only when precision AND recall are both high.

    >>> f1_score(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    0.8
    """
    y_true, y_pred = _labels(y_true, y_pred)
    # BEGIN SOLUTION
    tp = np.count_nonzero((y_pred == 1) & (y_true == 1))
    fp = np.count_nonzero((y_pred == 1) & (y_true == 0))
    fn = np.count_nonzero((y_pred == 0) & (y_true == 1))
    return _ratio(2 * tp, 2 * tp + fp + fn)
    # END SOLUTION
