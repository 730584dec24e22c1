"""Known wrong versions of the activation functions and their derivatives."""

import numpy as np

from grader.mistakes import mistake
from solutions.activations import sigmoid


@mistake("activations.sigmoid_grad", id="sigmoid-grad-of-x", concept="vanishing-gradient")
def sigmoid_grad_of_x(x):
    return x * (1 - x)


@mistake("activations.sigmoid_grad", id="sigmoid-grad-returns-sigmoid", concept="backpropagation")
def sigmoid_grad_returns_sigmoid(x):
    return sigmoid(x)


@mistake("activations.softmax", id="softmax-whole-array", concept="softmax")
def softmax_whole_array(x, axis=-1):
    shifted = np.exp(x - np.max(x))
    return shifted / shifted.sum()


@mistake("activations.relu_grad", id="relu-grad-one-at-zero", concept="relu")
def relu_grad_one_at_zero(x):
    return (x >= 0).astype(x.dtype)
