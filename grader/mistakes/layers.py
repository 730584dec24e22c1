"""Known wrong versions of the dense layer: the bias forgotten or mis-reduced, the 1/N applied twice, the weight
gradient in PyTorch's layout, and the parameter count of the notes' quiz.

Each variant is the exercise function with one mistake, written against the names of ``solutions.layers``
(see ``grader/mistakes/__init__.py``). Within a function, the more specific variant comes first.
"""

import numpy as np

from grader.mistakes import mistake


@mistake("layers.dense_forward", id="dense-forward-missing-bias", concept="dense-layer")
def dense_forward_missing_bias(x, W, b):
    x, W, b = np.asarray(x), np.asarray(W), np.asarray(b)
    return x @ W


@mistake("layers.dense_backward", id="dense-backward-bias-not-summed", concept="backpropagation")
def dense_backward_bias_not_summed(grad_out, x, W):
    grad_out, x, W = np.asarray(grad_out), np.asarray(x), np.asarray(W)
    return grad_out @ W.T, x.T @ grad_out, grad_out


@mistake("layers.dense_backward", id="dense-backward-bias-averaged", concept="backpropagation")
def dense_backward_bias_averaged(grad_out, x, W):
    grad_out, x, W = np.asarray(grad_out), np.asarray(x), np.asarray(W)
    return grad_out @ W.T, x.T @ grad_out, np.mean(grad_out, axis=0)


@mistake("layers.dense_backward", id="dense-backward-weight-grad-averaged", concept="backpropagation")
def dense_backward_weight_grad_averaged(grad_out, x, W):
    grad_out, x, W = np.asarray(grad_out), np.asarray(x), np.asarray(W)
    return grad_out @ W.T, x.T @ grad_out / len(x), np.sum(grad_out, axis=0)


@mistake("layers.dense_backward", id="dense-backward-weight-grad-transposed", concept="dense-layer")
def dense_backward_weight_grad_transposed(grad_out, x, W):
    grad_out, x, W = np.asarray(grad_out), np.asarray(x), np.asarray(W)
    return grad_out @ W.T, grad_out.T @ x, np.sum(grad_out, axis=0)


@mistake("layers.dense_param_count", id="dense-param-count-weights-only", concept="model-parameters")
def dense_param_count_weights_only(n_inputs, n_units):
    return int(n_inputs * n_units)


@mistake("layers.dense_param_count", id="dense-param-count-one-bias", concept="model-parameters")
def dense_param_count_one_bias(n_inputs, n_units):
    return int(n_inputs * n_units + 1)


@mistake("layers.dense_param_count", id="dense-param-count-bias-per-input", concept="model-parameters")
def dense_param_count_bias_per_input(n_inputs, n_units):
    return int(n_inputs * n_units + n_inputs)
