"""The dense (fully connected) layer: every output unit (neuron, 뉴런) sees every input.

A unit multiplies each input by its own weight (가중치), adds its bias (편향) and passes the sum on; a layer (층)
is a set of such units computed together as one matrix product. The layout is Keras' Dense layer:
    x: (N, n_in)      a batch of N samples with n_in features each
    W: (n_in, n_units) the "kernel": column j holds the weights of unit j
    b: (n_units,)      one bias per unit
so the layer computes z = x @ W + b, of shape (N, n_units). (PyTorch's nn.Linear stores the transpose of W.)

Contract: float32 inputs give float32 outputs; inputs are never modified; vectorized (one matrix product, no
loops over samples or units).
"""

import numpy as np
from numpy.typing import ArrayLike


def dense_forward(x: ArrayLike, W: ArrayLike, b: ArrayLike) -> np.ndarray:
    """Forward pass of a dense layer: z = x @ W + b.

    Formula: z = x @ W + b, that is z[n, j] = sum_i x[n, i] * W[i, j] + b[j].
    Shapes: x (N, n_in), W (n_in, n_units), b (n_units,) -> z (N, n_units). The bias broadcasts over the batch.
    Hint: one matrix product and one addition; numpy broadcasting adds b to every row.
    Why it matters: feed forward (순전파): each layer's output is the next layer's input. The activation function is
    applied separately, afterwards.

    >>> dense_forward(np.array([[1.0, 2.0]]), np.array([[1.0], [1.0]]), np.array([0.5]))
    array([[3.5]])
    """
    x, W, b = np.asarray(x), np.asarray(W), np.asarray(b)
    # BEGIN SOLUTION
    return x @ W + b
    # END SOLUTION


def dense_backward(grad_out: ArrayLike, x: ArrayLike, W: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of a dense layer: gradients of the loss given grad_out = dL/dz, for z = x @ W + b.

    Formula:
        grad_x = grad_out @ W.T     dL/dx, passed on to the layer below
        grad_W = x.T @ grad_out     dL/dW, summed over the batch by the matrix product
        grad_b = grad_out summed over the batch axis
    Shapes: grad_out (N, n_units), x (N, n_in), W (n_in, n_units) -> (grad_x (N, n_in), grad_W (n_in, n_units),
    grad_b (n_units,)). Each gradient has the shape of the thing it is the gradient of.
    Hint: if you are unsure where a transpose goes, make the shapes match.
    Why it matters: backpropagation (오차 역전파) in one layer: the error at the output is sent back through the same
    weights that carried the signal forward.

    >>> dense_backward(np.array([[1.0]]), np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]]))
    (array([[3., 4.]]), array([[1.],
           [2.]]), array([1.]))
    """
    grad_out, x, W = np.asarray(grad_out), np.asarray(x), np.asarray(W)
    # BEGIN SOLUTION
    grad_x = grad_out @ W.T
    grad_W = x.T @ grad_out
    grad_b = np.sum(grad_out, axis=0)
    return grad_x, grad_W, grad_b
    # END SOLUTION


def dense_param_count(n_inputs: int, n_units: int) -> int:
    """Number of trainable parameters of a dense layer: one weight per (input, unit) pair plus one bias per unit.

    Formula: n_inputs * n_units + n_units = (n_inputs + 1) * n_units.
    Shapes: two non-negative ints -> a Python int.
    Hint: count W's entries and b's entries.
    Why it matters: the notes' quiz: 100 input features and a dense layer of 10 units need (100 + 1) * 10 = 1,010
    parameters (not 1,000: every unit also has a bias). Keras' model.summary() prints the same number.

    >>> dense_param_count(100, 10)
    1010
    """
    # BEGIN SOLUTION
    return int((n_inputs + 1) * n_units)
    # END SOLUTION
