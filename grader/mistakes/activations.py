"""Known wrong versions of the activation functions, their derivatives, softmax and maxout.

Each variant is the exercise function with one mistake, written against the names of ``solutions.activations``
(see ``grader/mistakes/__init__.py``). Within a function, the more specific variant comes first.
"""

import numpy as np

from grader.mistakes import mistake
from solutions.activations import _float_array, relu, sigmoid, softmax, softplus, tanh

# --- the activations themselves -----------------------------------------------------------------------------


@mistake("activations.step", id="step-zero-at-zero", concept="activation-functions")
def step_zero_at_zero(x):
    x = _float_array(x)
    return (x > 0).astype(x.dtype)


@mistake("activations.sigmoid", id="sigmoid-overflows", concept="activation-functions")
def sigmoid_overflows(x):
    x = _float_array(x)
    return 1 / (1 + np.exp(-x))


@mistake("activations.leaky_relu", id="leaky-relu-ignores-alpha", concept="relu-family")
def leaky_relu_ignores_alpha(x, alpha=0.01):
    x = _float_array(x)
    return np.where(x > 0, x, np.asarray(0.01, dtype=x.dtype) * x)


@mistake("activations.elu", id="elu-missing-minus-one", concept="relu-family")
def elu_missing_minus_one(x, alpha=1.0):
    x = _float_array(x)
    alpha_array = np.asarray(alpha, dtype=x.dtype)
    return np.where(x > 0, x, alpha_array * np.exp(np.minimum(x, 0)))


@mistake("activations.softplus", id="softplus-overflows", concept="relu-family")
def softplus_overflows(x):
    x = _float_array(x)
    return np.log(1 + np.exp(x))


# --- derivatives ---------------------------------------------------------------------------------------------


@mistake("activations.sigmoid_grad", id="sigmoid-grad-of-x", concept="vanishing-gradient")
def sigmoid_grad_of_x(x):
    x = _float_array(x)
    return x * (1 - x)


@mistake("activations.sigmoid_grad", id="sigmoid-grad-returns-sigmoid", concept="backpropagation")
def sigmoid_grad_returns_sigmoid(x):
    x = _float_array(x)
    return sigmoid(x)


@mistake("activations.tanh_grad", id="tanh-grad-of-x", concept="vanishing-gradient")
def tanh_grad_of_x(x):
    x = _float_array(x)
    return 1 - x * x


@mistake("activations.tanh_grad", id="tanh-grad-not-squared", concept="vanishing-gradient")
def tanh_grad_not_squared(x):
    x = _float_array(x)
    return 1 - tanh(x)


@mistake("activations.relu_grad", id="relu-grad-one-at-zero", concept="relu-family")
def relu_grad_one_at_zero(x):
    x = _float_array(x)
    return (x >= 0).astype(x.dtype)


@mistake("activations.relu_grad", id="relu-grad-returns-relu", concept="backpropagation")
def relu_grad_returns_relu(x):
    x = _float_array(x)
    return relu(x)


@mistake("activations.leaky_relu_grad", id="leaky-relu-grad-one-at-zero", concept="relu-family")
def leaky_relu_grad_one_at_zero(x, alpha=0.01):
    x = _float_array(x)
    alpha_array = np.asarray(alpha, dtype=x.dtype)
    return np.where(x >= 0, np.asarray(1, dtype=x.dtype), alpha_array)


@mistake("activations.leaky_relu_grad", id="leaky-relu-grad-zero-slope", concept="relu-family")
def leaky_relu_grad_zero_slope(x, alpha=0.01):
    x = _float_array(x)
    return (x > 0).astype(x.dtype)


@mistake("activations.elu_grad", id="elu-grad-one-at-zero", concept="relu-family")
def elu_grad_one_at_zero(x, alpha=1.0):
    x = _float_array(x)
    alpha_array = np.asarray(alpha, dtype=x.dtype)
    return np.where(x >= 0, np.asarray(1, dtype=x.dtype), alpha_array * np.exp(np.minimum(x, 0)))


@mistake("activations.elu_grad", id="elu-grad-ignores-alpha", concept="relu-family")
def elu_grad_ignores_alpha(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, np.asarray(1, dtype=x.dtype), np.exp(np.minimum(x, 0)))


@mistake("activations.softplus_grad", id="softplus-grad-returns-softplus", concept="backpropagation")
def softplus_grad_returns_softplus(x):
    x = _float_array(x)
    return softplus(x)


# --- softmax and maxout --------------------------------------------------------------------------------------


@mistake("activations.softmax", id="softmax-without-max-shift", concept="softmax")
def softmax_without_max_shift(x, axis=-1):
    x = _float_array(x)
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)


@mistake("activations.softmax", id="softmax-whole-array", concept="softmax")
def softmax_whole_array(x, axis=-1):
    x = _float_array(x)
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


@mistake("activations.softmax", id="softmax-ignores-axis", concept="softmax")
def softmax_ignores_axis(x, axis=-1):
    x = _float_array(x)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


@mistake("activations.softmax_backward", id="softmax-backward-elementwise", concept="backpropagation")
def softmax_backward_elementwise(x, grad_out, axis=-1):
    x = _float_array(x)
    grad_out = _float_array(grad_out)
    s = softmax(x, axis=axis)
    return s * (1 - s) * grad_out


@mistake("activations.softmax_backward", id="softmax-backward-unweighted-sum", concept="backpropagation")
def softmax_backward_unweighted_sum(x, grad_out, axis=-1):
    x = _float_array(x)
    grad_out = _float_array(grad_out)
    s = softmax(x, axis=axis)
    return s * (grad_out - np.sum(grad_out, axis=axis, keepdims=True))


@mistake("activations.maxout", id="maxout-strided-groups", concept="relu-family")
def maxout_strided_groups(x, num_units):
    x = _float_array(x)
    if num_units < 1 or x.ndim == 0 or x.shape[-1] % num_units != 0:
        raise ValueError(f"maxout: the last axis ({x.shape}) must be a multiple of num_units={num_units}")
    pieces = x.shape[-1] // num_units
    return x.reshape(x.shape[:-1] + (pieces, num_units)).max(axis=-2)


@mistake("activations.maxout_backward", id="maxout-backward-to-every-piece", concept="backpropagation")
def maxout_backward_to_every_piece(x, grad_out, num_units):
    x = _float_array(x)
    grad_out = _float_array(grad_out)
    if num_units < 1 or x.ndim == 0 or x.shape[-1] % num_units != 0:
        raise ValueError(f"maxout_backward: the last axis ({x.shape}) must be a multiple of num_units={num_units}")
    pieces = x.shape[-1] // num_units
    return np.repeat(grad_out, pieces, axis=-1)


@mistake("activations.maxout_backward", id="maxout-backward-ties-not-split", concept="backpropagation")
def maxout_backward_ties_not_split(x, grad_out, num_units):
    x = _float_array(x)
    grad_out = _float_array(grad_out)
    if num_units < 1 or x.ndim == 0 or x.shape[-1] % num_units != 0:
        raise ValueError(f"maxout_backward: the last axis ({x.shape}) must be a multiple of num_units={num_units}")
    pieces = x.shape[-1] // num_units
    grouped = x.reshape(x.shape[:-1] + (num_units, pieces))
    winners = (grouped == grouped.max(axis=-1, keepdims=True)).astype(x.dtype)
    return (winners * grad_out[..., None]).reshape(x.shape)


@mistake("activations.maxout_backward", id="maxout-backward-first-winner-only", concept="backpropagation")
def maxout_backward_first_winner_only(x, grad_out, num_units):
    x = _float_array(x)
    grad_out = _float_array(grad_out)
    if num_units < 1 or x.ndim == 0 or x.shape[-1] % num_units != 0:
        raise ValueError(f"maxout_backward: the last axis ({x.shape}) must be a multiple of num_units={num_units}")
    pieces = x.shape[-1] // num_units
    grouped = x.reshape(x.shape[:-1] + (num_units, pieces))
    first = np.arange(pieces) == grouped.argmax(axis=-1)[..., None]
    return (first * grad_out[..., None]).astype(x.dtype).reshape(x.shape)
