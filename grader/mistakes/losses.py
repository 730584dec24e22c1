"""Known wrong versions of the losses and their gradients: the wrong mean, a lost factor, a missing clip, and
``from_logits`` ignored or computed the unstable way.

Each variant is the exercise function with one mistake, written against the names of ``solutions.losses``
(see ``grader/mistakes/__init__.py``). Within a function, the more specific variant comes first.
"""

import numpy as np

from grader.mistakes import mistake
from solutions.losses import EPSILON, _pair, _sparse_pair, log_softmax, sigmoid, softmax

# --- the mean-squared family ---------------------------------------------------------------------------------


@mistake("losses.mean_squared_error", id="mse-takes-the-root", concept="mean-squared-family")
def mse_takes_the_root(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return np.sqrt(np.mean(np.square(y_pred - y_true)))


@mistake("losses.mean_squared_error", id="mse-sums-instead-of-mean", concept="mean-squared-family")
def mse_sums_instead_of_mean(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return np.sum(np.square(y_pred - y_true))


@mistake("losses.mean_squared_error_grad", id="mse-grad-missing-two", concept="mean-squared-family")
def mse_grad_missing_two(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return (y_pred - y_true) / y_pred.size


@mistake("losses.mean_squared_error_grad", id="mse-grad-not-averaged", concept="mean-squared-family")
def mse_grad_not_averaged(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return 2 * (y_pred - y_true)


@mistake("losses.mean_squared_error_grad", id="mse-grad-divides-by-batch-size", concept="mean-squared-family")
def mse_grad_divides_by_batch_size(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return 2 * (y_pred - y_true) / len(y_pred)


@mistake("losses.mean_squared_error_grad", id="mse-grad-sign-flipped", concept="backpropagation")
def mse_grad_sign_flipped(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return 2 * (y_true - y_pred) / y_pred.size


@mistake("losses.mean_absolute_error_grad", id="mae-grad-not-averaged", concept="mean-squared-family")
def mae_grad_not_averaged(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return np.sign(y_pred - y_true)


@mistake("losses.mean_absolute_error_grad", id="mae-grad-one-at-exact-hit", concept="mean-squared-family")
def mae_grad_one_at_exact_hit(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return np.where(y_pred >= y_true, 1.0, -1.0).astype(y_pred.dtype) / y_pred.size


@mistake("losses.mean_absolute_percentage_error", id="mape-without-epsilon", concept="mean-squared-family")
def mape_without_epsilon(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return 100 * np.mean(np.abs(y_true - y_pred) / np.abs(y_true))


@mistake("losses.mean_absolute_percentage_error", id="mape-as-a-fraction", concept="mean-squared-family")
def mape_as_a_fraction(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return np.mean(np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), EPSILON))


@mistake("losses.mean_absolute_percentage_error", id="mape-divides-by-prediction", concept="mean-squared-family")
def mape_divides_by_prediction(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return 100 * np.mean(np.abs(y_true - y_pred) / np.maximum(np.abs(y_pred), EPSILON))


@mistake("losses.mean_squared_logarithmic_error", id="msle-without-plus-one", concept="mean-squared-family")
def msle_without_plus_one(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    diff = np.log(np.maximum(y_pred, EPSILON)) - np.log(np.maximum(y_true, EPSILON))
    return np.mean(np.square(diff))


@mistake("losses.mean_squared_logarithmic_error_grad", id="msle-grad-through-the-clip", concept="backpropagation")
def msle_grad_through_the_clip(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    p = np.maximum(y_pred, EPSILON)
    diff = np.log1p(p) - np.log1p(np.maximum(y_true, EPSILON))
    return 2 * diff / (p + 1) / y_pred.size


# --- binary cross-entropy ------------------------------------------------------------------------------------


@mistake("losses.binary_crossentropy", id="bce-without-clip", concept="cross-entropy")
def bce_without_clip(y_true, y_pred, from_logits=False):
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        z = y_pred
        return np.mean(np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z))))
    p = y_pred
    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))


@mistake("losses.binary_crossentropy", id="bce-missing-minus", concept="cross-entropy")
def bce_missing_minus(y_true, y_pred, from_logits=False):
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        z = y_pred
        return -np.mean(np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z))))
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    return np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))


@mistake("losses.binary_crossentropy", id="bce-ignores-from-logits", concept="from-logits")
def bce_ignores_from_logits(y_true, y_pred, from_logits=False):
    y_true, y_pred = _pair(y_true, y_pred)
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))


@mistake("losses.binary_crossentropy", id="bce-logits-through-clipped-sigmoid", concept="from-logits")
def bce_logits_through_clipped_sigmoid(y_true, y_pred, from_logits=False):
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        y_pred = sigmoid(y_pred)
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))


@mistake("losses.binary_crossentropy_grad", id="bce-grad-not-averaged", concept="cross-entropy")
def bce_grad_not_averaged(y_true, y_pred, from_logits=False):
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        return sigmoid(y_pred) - y_true
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
    return np.where(inside, (p - y_true) / (p * (1 - p)), 0)


@mistake("losses.binary_crossentropy_grad", id="bce-grad-logits-misses-sigmoid-derivative",
         concept="backpropagation")
def bce_grad_logits_misses_sigmoid_derivative(y_true, y_pred, from_logits=False):
    y_true, y_pred = _pair(y_true, y_pred)
    n = y_pred.size
    if from_logits:
        y_pred = sigmoid(y_pred)
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
    return np.where(inside, (p - y_true) / (p * (1 - p)), 0) / n


# --- categorical cross-entropy -------------------------------------------------------------------------------


@mistake("losses.categorical_crossentropy", id="cce-mean-over-classes", concept="cross-entropy")
def cce_mean_over_classes(y_true, y_pred, from_logits=False):
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        log_p = log_softmax(y_pred, axis=-1)
    else:
        log_p = np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
    return np.mean(-y_true * log_p)


@mistake("losses.categorical_crossentropy", id="cce-sums-over-the-batch", concept="cross-entropy")
def cce_sums_over_the_batch(y_true, y_pred, from_logits=False):
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        log_p = log_softmax(y_pred, axis=-1)
    else:
        log_p = np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
    return np.sum(-y_true * log_p)


@mistake("losses.categorical_crossentropy", id="cce-ignores-from-logits", concept="from-logits")
def cce_ignores_from_logits(y_true, y_pred, from_logits=False):
    y_true, y_pred = _pair(y_true, y_pred)
    log_p = np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
    return np.mean(-np.sum(y_true * log_p, axis=-1))


@mistake("losses.categorical_crossentropy", id="cce-logits-through-clipped-softmax", concept="from-logits")
def cce_logits_through_clipped_softmax(y_true, y_pred, from_logits=False):
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        y_pred = softmax(y_pred, axis=-1)
    log_p = np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
    return np.mean(-np.sum(y_true * log_p, axis=-1))


@mistake("losses.categorical_crossentropy_grad", id="cce-grad-not-averaged", concept="cross-entropy")
def cce_grad_not_averaged(y_true, y_pred, from_logits=False):
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        return softmax(y_pred, axis=-1) * np.sum(y_true, axis=-1, keepdims=True) - y_true
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
    return np.where(inside, -y_true / p, 0)


@mistake("losses.categorical_crossentropy_grad", id="cce-grad-averaged-over-classes", concept="cross-entropy")
def cce_grad_averaged_over_classes(y_true, y_pred, from_logits=False):
    y_true, y_pred = _pair(y_true, y_pred)
    n = max(y_pred.size, 1)
    if from_logits:
        return (softmax(y_pred, axis=-1) * np.sum(y_true, axis=-1, keepdims=True) - y_true) / n
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
    return np.where(inside, -y_true / p, 0) / n


# --- sparse categorical cross-entropy ------------------------------------------------------------------------


@mistake("losses.sparse_categorical_crossentropy", id="sparse-ce-indexes-a-grid", concept="cross-entropy")
def sparse_ce_indexes_a_grid(y_true, y_pred, from_logits=False):
    y_true, y_pred = _sparse_pair(y_true, y_pred)
    if from_logits:
        log_p = log_softmax(y_pred, axis=-1)
    else:
        log_p = np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
    return np.mean(-log_p[..., y_true])


@mistake("losses.sparse_categorical_crossentropy_grad", id="sparse-ce-grad-not-averaged", concept="cross-entropy")
def sparse_ce_grad_not_averaged(y_true, y_pred, from_logits=False):
    y_true, y_pred = _sparse_pair(y_true, y_pred)
    onehot = np.arange(y_pred.shape[-1]) == y_true[..., None]
    if from_logits:
        return softmax(y_pred, axis=-1) - onehot
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
    return np.where(onehot & inside, -1 / p, 0)
