"""Numpy exercises for the first chapter of deep learning, one module per topic, in teaching order.

1. activations  -- step, sigmoid, tanh, ReLU and its relatives, softmax, and their derivatives
2. losses       -- the mean-squared family and the cross-entropy family, with their gradients
3. layers       -- the dense (fully connected) layer: forward, backward, parameter count
4. network      -- a multilayer perceptron built from your own pieces, with backpropagation
5. optimizers   -- stochastic gradient descent and momentum, as Keras defines them
6. metrics      -- accuracy, precision, recall, specificity and F1 for binary labels
7. training     -- mini-batch training that ties everything together

Each function's docstring states the formula, the shapes, the idea from the notes it practises and a hint.
Modules import each other relatively (`from .activations import softmax`), so keep the folder together.
"""
