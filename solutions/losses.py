"""Loss functions (손실 함수 / 오차 함수) as Keras defines them, and their gradients.

A loss measures how far the predictions are from the targets; training moves the weights in the direction that
makes it smaller. Keras groups its losses in two families, and so does this module:
- the mean-squared family, for regression: mean_squared_error, mean_absolute_error,
  mean_absolute_percentage_error, mean_squared_logarithmic_error;
- the cross-entropy family, for classification: binary_crossentropy (one probability per output, two classes),
  categorical_crossentropy (one-hot targets), sparse_categorical_crossentropy (integer targets).

Conventions (Keras'):
- argument order is (y_true, y_pred);
- each loss returns the mean over the batch of the per-sample loss, a scalar. For (N, D) inputs the per-sample
  loss of the mean-squared family is the mean over the last axis; a 1-D y of shape (N,) is N samples of one
  output. (Averaging equal-sized rows and then averaging the rows is the same as averaging every element.)
- probabilities are clipped to [EPSILON, 1 - EPSILON] before a log, EPSILON = 1e-7, as Keras does;
- every cross-entropy takes `from_logits=False`; with True, y_pred holds raw scores (logits) and the loss applies
  the sigmoid or softmax itself in a numerically stable way.

Each `<name>_grad(y_true, y_pred)` returns dLoss/dy_pred with y_pred's shape and dtype. It is the gradient of the
MEAN, so it includes the 1/N. Where clipping is active (a probability below EPSILON or above 1 - EPSILON) the
gradient is 0, as in Keras, whose clip (like PyTorch's clamp) passes no gradient outside its range: the loss is
flat there. A confident wrong prediction (p = 0 for a true class) therefore gets NO gradient from a probability-based
loss -- one reason to prefer `from_logits=True`, whose gradient never vanishes that way.

Contract shared by every function: y_true and y_pred have the same shape (except the sparse loss); float32 in
gives float32 out (the scalar may be a numpy float32); inputs are never modified; vectorized; no overflow or
invalid-value warnings for |y_pred| up to 1e4.
"""

import numpy as np
from numpy.typing import ArrayLike

from .activations import log_softmax, sigmoid, softmax

EPSILON = 1e-7
"""Keras' fuzz factor (keras.backend.epsilon()): probabilities are clipped to [EPSILON, 1 - EPSILON]."""


def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """y_true and y_pred as float arrays of y_pred's dtype (float64 unless y_pred is a float array).

    Raises ValueError when the shapes differ: numpy would otherwise broadcast (N,) against (N, 1) into an
    (N, N) array and return a wrong loss without complaint.
    """
    y_pred = np.asarray(y_pred)
    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype(np.float64)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; they must match")
    return y_true, y_pred


def _sparse_pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Integer labels of shape y_pred.shape[:-1] and float y_pred of shape (..., C); ValueError otherwise.

    A trailing axis of size 1 on the labels, (N, 1), is accepted and dropped, as Keras does.
    """
    y_pred = np.asarray(y_pred)
    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype(np.float64)
    y_true = np.asarray(y_true)
    if y_pred.ndim >= 1 and y_true.ndim == y_pred.ndim and y_true.shape[-1:] == (1,):
        y_true = y_true[..., 0]
    if y_pred.ndim == 0 or y_true.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"sparse labels need shape y_pred.shape[:-1]; got y_true {y_true.shape} and y_pred {y_pred.shape}"
        )
    if y_true.dtype.kind not in "iu":  # float labels such as 2.0 are accepted when they are whole numbers
        if not np.all(y_true == np.round(y_true)):
            raise ValueError("sparse labels must be whole numbers (class indices)")
        y_true = y_true.astype(np.intp)
    n_classes = y_pred.shape[-1]
    if y_true.size and (y_true.min() < 0 or y_true.max() >= n_classes):
        raise ValueError(f"labels must be in [0, {n_classes - 1}]; got values from {y_true.min()} to {y_true.max()}")
    return y_true, y_pred


def _n_samples(y_pred: np.ndarray) -> int:
    """Number of samples in a (..., C) batch of class scores: every axis but the last counts."""
    return int(np.prod(y_pred.shape[:-1], dtype=np.int64))


# --- the mean-squared family (평균 제곱 계열) -------------------------------------------------------------


def mean_squared_error(y_true: ArrayLike, y_pred: ArrayLike) -> np.floating:
    """Mean squared error (MSE, 평균 제곱 오차): mean((y_pred - y_true)**2).

    Formula: mean((y_pred - y_true)**2), over every element.
    Shapes: y_true and y_pred of the same shape, (N,) or (N, D); returns a scalar.
    Hint: per-sample means over the last axis, then the mean over the batch, is the mean over every element.
    Why it matters: the loss of the regression row of the task table (linear output), and the usual performance
    measure of a regression model: lower is better.

    >>> float(mean_squared_error(np.array([1.0, 2.0]), np.array([1.0, 4.0])))
    2.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    # BEGIN SOLUTION
    return np.mean(np.square(y_pred - y_true))
    # END SOLUTION


def mean_squared_error_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    """Gradient of mean_squared_error with respect to y_pred: 2 * (y_pred - y_true) / y_pred.size.

    Formula: 2 * (y_pred - y_true) / y_pred.size.
    Shapes: y_pred's shape and dtype.
    Hint: the loss averages y_pred.size squared errors, so each one carries a factor 1 / y_pred.size.
    Why it matters: the error itself, scaled; big mistakes get big corrections.

    >>> mean_squared_error_grad(np.array([1.0, 2.0]), np.array([1.0, 4.0]))
    array([0., 2.])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    # BEGIN SOLUTION
    return 2 * (y_pred - y_true) / y_pred.size
    # END SOLUTION


def mean_absolute_error(y_true: ArrayLike, y_pred: ArrayLike) -> np.floating:
    """Mean absolute error (MAE, 평균 절대 오차): mean(|y_pred - y_true|).

    Formula: mean(|y_pred - y_true|), over every element.
    Shapes: y_true and y_pred of the same shape, (N,) or (N, D); returns a scalar.
    Hint: np.abs, then np.mean.
    Why it matters: less sensitive than MSE to a few large errors (outliers), since errors are not squared.

    >>> float(mean_absolute_error(np.array([1.0, 2.0]), np.array([1.0, 4.0])))
    1.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    # BEGIN SOLUTION
    return np.mean(np.abs(y_pred - y_true))
    # END SOLUTION


def mean_absolute_error_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    """Gradient of mean_absolute_error with respect to y_pred: sign(y_pred - y_true) / y_pred.size.

    At y_pred == y_true, where |.| has a kink, the gradient is 0 (np.sign(0) = 0, as in Keras and PyTorch).
    Formula: sign(y_pred - y_true) / y_pred.size.
    Shapes: y_pred's shape and dtype.
    Hint: np.sign.
    Why it matters: every error gets the same size of correction, however large it is.

    >>> mean_absolute_error_grad(np.array([1.0, 2.0]), np.array([1.0, 4.0]))
    array([0. , 0.5])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    # BEGIN SOLUTION
    return np.sign(y_pred - y_true) / y_pred.size
    # END SOLUTION


def mean_absolute_percentage_error(y_true: ArrayLike, y_pred: ArrayLike) -> np.floating:
    """Mean absolute percentage error (MAPE, 평균 절대 백분율 오차), in percent, as Keras computes it.

    Formula: 100 * mean(|y_true - y_pred| / max(|y_true|, EPSILON)).
    Shapes: y_true and y_pred of the same shape, (N,) or (N, D); returns a scalar.
    Hint: np.maximum(np.abs(y_true), EPSILON) is the denominator; do not forget the 100.
    Why it matters: "how many percent off, relative to the true value" -- the notes list it next to MSE as a
    performance measure that does not depend on the scale of the data. EPSILON keeps a zero target from dividing by
    0 (the error is then divided by 1e-7 and the loss becomes huge).

    >>> round(float(mean_absolute_percentage_error(np.array([100.0, 200.0]), np.array([110.0, 180.0]))), 4)
    10.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    # BEGIN SOLUTION
    return 100 * np.mean(np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), EPSILON))
    # END SOLUTION


def mean_absolute_percentage_error_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    """Gradient of mean_absolute_percentage_error with respect to y_pred.

    Formula: 100 * sign(y_pred - y_true) / max(|y_true|, EPSILON) / y_pred.size (0 where y_pred == y_true).
    Shapes: y_pred's shape and dtype.
    Hint: only y_pred varies; the denominator is a constant.
    Why it matters: an error on a small target is pushed much harder than the same error on a large one.

    >>> mean_absolute_percentage_error_grad(np.array([100.0, 200.0]), np.array([110.0, 180.0]))
    array([ 0.5 , -0.25])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    # BEGIN SOLUTION
    return 100 * np.sign(y_pred - y_true) / np.maximum(np.abs(y_true), EPSILON) / y_pred.size
    # END SOLUTION


def mean_squared_logarithmic_error(y_true: ArrayLike, y_pred: ArrayLike) -> np.floating:
    """Mean squared logarithmic error (MSLE, 평균 제곱 로그 오차), as Keras computes it.

    Formula: mean((log(max(y_pred, EPSILON) + 1) - log(max(y_true, EPSILON) + 1))**2).
    Shapes: y_true and y_pred of the same shape, (N,) or (N, D); returns a scalar.
    Hint: np.log1p(v) is log(1 + v).
    Why it matters: the squared error of the logarithms, so it measures ratios rather than differences: predicting
    110 for 100 costs about as much as 11 for 10. Keras replaces values below EPSILON (including negative ones) by
    EPSILON, so the log is always defined.

    >>> round(float(mean_squared_logarithmic_error(np.array([0.0, 1.0]), np.array([0.0, 3.0]))), 4)
    0.2402
    """
    y_true, y_pred = _pair(y_true, y_pred)
    # BEGIN SOLUTION
    diff = np.log1p(np.maximum(y_pred, EPSILON)) - np.log1p(np.maximum(y_true, EPSILON))
    return np.mean(np.square(diff))
    # END SOLUTION


def mean_squared_logarithmic_error_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    """Gradient of mean_squared_logarithmic_error with respect to y_pred.

    Formula: with p = max(y_pred, EPSILON) and d = log(p + 1) - log(max(y_true, EPSILON) + 1),
        dLoss/dy_pred = 2 * d / (p + 1) / y_pred.size where y_pred >= EPSILON, and 0 where y_pred < EPSILON
    (there max(y_pred, EPSILON) is the constant EPSILON, so the loss does not change with y_pred).
    Shapes: y_pred's shape and dtype.
    Hint: np.where(y_pred >= EPSILON, ..., 0).
    Why it matters: the chain rule through a log, and a first example of a clip that blocks the gradient.

    >>> mean_squared_logarithmic_error_grad(np.array([0.0, 1.0]), np.array([0.0, 3.0])).round(4)
    array([0.    , 0.1733])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    # BEGIN SOLUTION
    p = np.maximum(y_pred, EPSILON)
    diff = np.log1p(p) - np.log1p(np.maximum(y_true, EPSILON))
    return np.where(y_pred >= EPSILON, 2 * diff / (p + 1), 0) / y_pred.size
    # END SOLUTION


# --- the cross-entropy family (교차 엔트로피 계열) -------------------------------------------------------


def binary_crossentropy(y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False) -> np.floating:
    """Binary cross-entropy (이항 교차 엔트로피), for two-class problems with one probability per output.

    Formula, with p = clip(y_pred, EPSILON, 1 - EPSILON):
        mean(-(y_true * log(p) + (1 - y_true) * log(1 - p))).
    With from_logits=True, y_pred holds logits z and p = sigmoid(z); then compute, without any clip,
        mean(max(z, 0) - z * y_true + log(1 + exp(-|z|))),
    which is the same quantity written so that nothing overflows and no log(0) can happen.
    Shapes: y_true (0 or 1, or a probability) and y_pred of the same shape, (N,) or (N, 1) or (N, D);
    returns a scalar.
    Hint: np.clip; np.log1p for log(1 + ...).
    Why it matters: the loss of the binary row of the task table (sigmoid output); the notes use it "when the
    prediction is one of two values, true or false".

    >>> round(float(binary_crossentropy(np.array([1.0, 0.0]), np.array([0.9, 0.2]))), 4)
    0.1643
    """
    y_true, y_pred = _pair(y_true, y_pred)
    # BEGIN SOLUTION
    if from_logits:
        z = y_pred
        return np.mean(np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z))))
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
    # END SOLUTION


def binary_crossentropy_grad(y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False) -> np.ndarray:
    """Gradient of binary_crossentropy with respect to y_pred (the logits when from_logits=True).

    Formula (n = y_pred.size):
    - probabilities: (p - y_true) / (p * (1 - p)) / n where EPSILON <= y_pred <= 1 - EPSILON, and 0 where the
      clip is active (the loss is flat there);
    - logits: (sigmoid(z) - y_true) / n.
    Shapes: y_pred's shape and dtype.
    Hint: reuse sigmoid from the activations module for the logits case.
    Why it matters: the sigmoid's derivative p * (1 - p) cancels against the loss's denominator, leaving the
    plain error sigmoid(z) - y: the gradient does not vanish when the sigmoid saturates.

    >>> binary_crossentropy_grad(np.array([1.0, 0.0]), np.array([0.0, 0.0]), from_logits=True)
    array([-0.25,  0.25])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    # BEGIN SOLUTION
    n = y_pred.size
    if from_logits:
        return (sigmoid(y_pred) - y_true) / n
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
    return np.where(inside, (p - y_true) / (p * (1 - p)), 0) / n
    # END SOLUTION


def categorical_crossentropy(y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False) -> np.floating:
    """Categorical cross-entropy (범주형 교차 엔트로피), for one-hot targets.

    Formula: per sample, -sum_c y_true[c] * log(p[c]) with p = clip(y_pred, EPSILON, 1 - EPSILON); then the mean
    over the samples. With from_logits=True, y_pred holds logits z and log(p) is log_softmax(z) (no clip).
    Shapes: y_true and y_pred (N, C), each row of y_true one-hot (or a probability distribution); (C,) is one
    sample; returns a scalar.
    Hint: sum over the last axis, mean over the rest; reuse log_softmax for the logits case.
    Why it matters: the loss of the multi-class row of the task table (softmax output). With a one-hot target only
    the true class's term survives: the loss is -log(probability given to the right answer). Keras also rescales
    each row of y_pred to sum to 1 before clipping; for softmax outputs that changes nothing, so this exercise
    leaves it out and y_pred rows are expected to be probability distributions.

    >>> round(float(categorical_crossentropy(np.array([[0.0, 1.0]]), np.array([[0.2, 0.8]]))), 4)
    0.2231
    """
    y_true, y_pred = _pair(y_true, y_pred)
    # BEGIN SOLUTION
    if from_logits:
        log_p = log_softmax(y_pred, axis=-1)
    else:
        log_p = np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
    return np.mean(-np.sum(y_true * log_p, axis=-1))
    # END SOLUTION


def categorical_crossentropy_grad(y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False) -> np.ndarray:
    """Gradient of categorical_crossentropy with respect to y_pred (the logits when from_logits=True).

    Formula (N = number of samples = y_pred.size // C):
    - probabilities: -y_true / p / N where EPSILON <= y_pred <= 1 - EPSILON, and 0 where the clip is active;
    - logits: (softmax(z) * sum_c y_true[c] - y_true) / N, which for one-hot rows (summing to 1) is the famous
      (softmax(z) - y_true) / N.
    Shapes: y_pred's shape and dtype.
    Hint: the logits case is two lines with your softmax.
    Why it matters: chain the probability gradient through softmax_backward and you get the logits gradient:
    softmax plus cross-entropy backpropagates as "prediction minus target".

    >>> categorical_crossentropy_grad(np.array([[0.0, 1.0]]), np.array([[0.0, 0.0]]), from_logits=True)
    array([[ 0.5, -0.5]])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    # BEGIN SOLUTION
    n = max(_n_samples(y_pred), 1)
    if from_logits:
        return (softmax(y_pred, axis=-1) * np.sum(y_true, axis=-1, keepdims=True) - y_true) / n
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
    return np.where(inside, -y_true / p, 0) / n
    # END SOLUTION


def sparse_categorical_crossentropy(y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False) -> np.floating:
    """Sparse categorical cross-entropy (다중 분류 크로스 엔트로피), for integer class labels.

    Formula: mean over samples i of -log(p[i, y_true[i]]) with p = clip(y_pred, EPSILON, 1 - EPSILON), or
    log_softmax(z) in place of log(p) when from_logits=True. The same number as categorical_crossentropy on
    one-hot targets, without building them.
    Shapes: y_true (N,) integer labels in [0, C) (an (N, 1) column is accepted); y_pred (N, C); returns a scalar.
    Hint: np.take_along_axis(log_p, y_true[..., None], axis=-1) picks each sample's true-class entry.
    Why it matters: the answer to the notes' quiz: with integer targets,
    compile(loss="sparse_categorical_crossentropy").

    >>> round(float(sparse_categorical_crossentropy(np.array([1]), np.array([[0.2, 0.8]]))), 4)
    0.2231
    """
    y_true, y_pred = _sparse_pair(y_true, y_pred)
    # BEGIN SOLUTION
    if from_logits:
        log_p = log_softmax(y_pred, axis=-1)
    else:
        log_p = np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
    return np.mean(-np.take_along_axis(log_p, y_true[..., None], axis=-1))
    # END SOLUTION


def sparse_categorical_crossentropy_grad(
    y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False
) -> np.ndarray:
    """Gradient of sparse_categorical_crossentropy with respect to y_pred (the logits when from_logits=True).

    Formula (N = number of samples), with onehot the one-hot form of y_true:
    - probabilities: -1 / p[i, y_true[i]] / N at each sample's true class (if that probability is inside
      [EPSILON, 1 - EPSILON]), 0 everywhere else;
    - logits: (softmax(z) - onehot) / N.
    Shapes: y_pred's shape and dtype.
    Hint: onehot = (np.arange(C) == y_true[..., None]) builds the mask without a loop.
    Why it matters: the same gradient as the categorical case, so the two losses train identically.

    >>> sparse_categorical_crossentropy_grad(np.array([1]), np.array([[0.0, 0.0]]), from_logits=True)
    array([[ 0.5, -0.5]])
    """
    y_true, y_pred = _sparse_pair(y_true, y_pred)
    # BEGIN SOLUTION
    n = max(_n_samples(y_pred), 1)
    onehot = np.arange(y_pred.shape[-1]) == y_true[..., None]
    if from_logits:
        return (softmax(y_pred, axis=-1) - onehot) / n
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
    return np.where(onehot & inside, -1 / p, 0) / n
    # END SOLUTION
