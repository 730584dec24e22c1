"""A multilayer perceptron (MLP, 다층 퍼셉트론) built from your own activations and dense layers.

A single perceptron (input and output layers only) is a linear classifier and cannot solve XOR; adding hidden
layers (은닉층) with a non-linear activation between them lifts that limit -- with one hidden layer of enough
units, a network can approximate any function on its training data (the universal approximation theorem; the
flip side is overfitting, 과적합). Training follows the backpropagation recipe (오차 역전파) of the notes:
    1. start from random weights and compute the output (feed forward, 순전파);
    2. measure the error between the output and the target (the loss);
    3. send the error back layer by layer to get each weight's gradient, and step the weights against it
       (gradient descent);
    4. repeat until the error stops going down.
This module does the feed forward of step 1 and the backward pass of step 3; losses.py measures the error
(step 2), optimizers.py takes the step and training.py repeats it all (step 4).

Layer i (counting from 1) holds params["W<i>"] of shape (n_in, n_out) and params["b<i>"] of shape (n_out,),
in Keras' layout, and computes z_i = a_{i-1} @ W_i + b_i, a_i = activation(z_i), with a_0 = x. Every layer
but the last uses the hidden activation; the last uses the output activation.
"""

import numpy as np
from numpy.typing import ArrayLike

from . import activations
from .layers import dense_backward, dense_forward, dense_param_count

HIDDEN_ACTIVATIONS = ("relu", "sigmoid", "tanh", "leaky_relu", "elu", "softplus", "linear")
"""Names usable between layers: each is a function of the activations module with a `<name>_grad` partner."""

OUTPUT_ACTIVATIONS = HIDDEN_ACTIVATIONS + ("softmax",)
"""Names usable on the last layer: linear for regression, sigmoid for binary, softmax for multi-class."""


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """Given: apply the activation called `name` (a function of the activations module) to z."""
    return getattr(activations, name)(z)


def activation_backward(name: str, z: np.ndarray, grad_out: np.ndarray) -> np.ndarray:
    """Given: dL/dz from grad_out = dL/da, where a = activate(name, z).

    An elementwise activation multiplies by its derivative at z (`<name>_grad`); softmax mixes the entries of a
    row, so it uses its vector-Jacobian product, softmax_backward.
    """
    if name == "softmax":
        return activations.softmax_backward(z, grad_out)
    return getattr(activations, f"{name}_grad")(z) * grad_out


class MLP:
    """A multilayer perceptron: dense layers with an activation after each one.

    MLP([2, 16, 3]) has 2 inputs, one hidden layer of 16 units and 3 outputs: params W1 (2, 16), b1 (16,),
    W2 (16, 3), b2 (3,). The constructor is given; you write forward, backward and param_count.
    Leave the given code as it is: a check compares the constructor's weights for a seed with the reference's, and
    training's checks rely on them.
    """

    def __init__(
        self,
        layer_sizes: list[int],
        hidden_activation: str = "relu",
        output_activation: str = "softmax",
        seed: int = 0,
    ) -> None:
        """Given: Glorot-uniform weights (Keras' default) and zero biases, drawn from default_rng(seed).

        Glorot (Xavier) uniform draws W_i from U(-limit, limit) with limit = sqrt(6 / (n_in + n_out)), which
        keeps the size of the signal roughly the same from layer to layer at the start of training.
        """
        sizes = [int(n) for n in layer_sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"layer_sizes needs at least an input and an output size, all >= 1; got {layer_sizes}")
        if hidden_activation not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"hidden_activation must be one of {HIDDEN_ACTIVATIONS}; got {hidden_activation!r}")
        if output_activation not in OUTPUT_ACTIVATIONS:
            raise ValueError(f"output_activation must be one of {OUTPUT_ACTIVATIONS}; got {output_activation!r}")
        self.layer_sizes = sizes
        self.hidden_activation = hidden_activation
        self.output_activation = output_activation
        rng = np.random.default_rng(seed)
        self.params: dict[str, np.ndarray] = {}
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
            limit = np.sqrt(6.0 / (n_in + n_out))
            self.params[f"W{i}"] = rng.uniform(-limit, limit, size=(n_in, n_out))
            self.params[f"b{i}"] = np.zeros(n_out)
        # What forward() remembers for backward(): one (layer input, pre-activation) pair per layer.
        self.cache: list[tuple[np.ndarray, np.ndarray]] | None = None

    @property
    def n_layers(self) -> int:
        """Given: the number of dense layers (hidden layers + the output layer)."""
        return len(self.layer_sizes) - 1

    def activation_of(self, layer: int) -> str:
        """Given: the activation name of layer `layer` (1-based): the output activation for the last one."""
        return self.output_activation if layer == self.n_layers else self.hidden_activation

    def forward(self, x: ArrayLike) -> np.ndarray:
        """Feed forward: the network's output for a batch x, remembering what backward() will need.

        Formula: a_0 = x; for each layer i = 1 .. n_layers: z_i = dense_forward(a_{i-1}, W_i, b_i),
        a_i = activate(self.activation_of(i), z_i). Return a_{n_layers}.
        Store the list [(a_0, z_1), (a_1, z_2), ...] in self.cache (replacing any previous one).
        Shapes: x (N, layer_sizes[0]) -> (N, layer_sizes[-1]).
        Hint: read W_i and b_i from self.params at call time (they change during training). The dtype follows
        numpy's rules: float32 x with float32 params gives float32 outputs.
        Why it matters: 순전파 (feed forward): input -> weights -> hidden layers -> output.

        >>> MLP([2, 3, 1], output_activation="sigmoid", seed=0).forward(np.zeros((4, 2))).shape
        (4, 1)
        """
        raise NotImplementedError("network.MLP.forward is not implemented yet: see its docstring")

    def backward(self, grad_out: ArrayLike) -> dict[str, np.ndarray]:
        """Backpropagation: the gradient of the loss for every parameter, given grad_out = dL/d(output).

        grad_out is the gradient with respect to the network's output AFTER the output activation -- exactly
        what a loss's `_grad` function returns for y_pred = forward(x).
        Formula: g = grad_out; for i = n_layers down to 1:
            g = activation_backward(self.activation_of(i), z_i, g)        # dL/dz_i
            g, grads["W<i>"], grads["b<i>"] = dense_backward(g, a_{i-1}, W_i)   # g becomes dL/da_{i-1}
        Shapes: grad_out like forward's output; returns a dict with the same keys and shapes as self.params.
        Hint: use self.cache from the last forward (raise RuntimeError if there is none). Build a new dict each
        call and never change the cache: calling backward twice must give the same gradients.
        Why it matters: 오차 역전파: the error is sent back from the output layer towards the input, one layer at a
        time.

        >>> model = MLP([2, 3, 1], seed=0)
        >>> _ = model.forward(np.ones((4, 2)))
        >>> {name: grad.shape for name, grad in model.backward(np.ones((4, 1))).items()}
        {'W1': (2, 3), 'b1': (3,), 'W2': (3, 1), 'b2': (1,)}
        """
        raise NotImplementedError("network.MLP.backward is not implemented yet: see its docstring")

    def param_count(self) -> int:
        """Total number of trainable parameters (weights and biases of every layer), as a Python int.

        Formula: the sum over layers of dense_param_count(n_in, n_out).
        Shapes: returns an int; MLP([100, 10]).param_count() == 1010.
        Hint: pair consecutive layer sizes with zip(sizes[:-1], sizes[1:]).
        Why it matters: the notes' quiz on counting parameters, for a whole network.

        >>> MLP([100, 10]).param_count()
        1010
        """
        raise NotImplementedError("network.MLP.param_count is not implemented yet: see its docstring")
