"""Known wrong versions of the MLP's methods: the output activation forgotten or replaced, backpropagation that
skips or misplaces the activation's derivative, and the parameter count without its biases.

Each variant is the method with one mistake, written as a function of ``self`` against the names of
``solutions.network`` (see ``grader/mistakes/__init__.py``); the checks replay it on the reference MLP in the state
the student's model was in. Within a method, the more specific variant comes first.
"""

import numpy as np

from grader.mistakes import mistake
from solutions.network import activate, activation_backward, dense_backward, dense_forward, dense_param_count


@mistake("network.MLP.forward", id="mlp-forward-without-output-activation", concept="activation-functions")
def mlp_forward_without_output_activation(self, x):
    a = np.asarray(x)
    cache = []
    for i in range(1, self.n_layers + 1):
        z = dense_forward(a, self.params[f"W{i}"], self.params[f"b{i}"])
        cache.append((a, z))
        a = activate(self.activation_of(i), z) if i < self.n_layers else z
    self.cache = cache
    return a


@mistake("network.MLP.forward", id="mlp-forward-hidden-activation-on-output", concept="activation-functions")
def mlp_forward_hidden_activation_on_output(self, x):
    a = np.asarray(x)
    cache = []
    for i in range(1, self.n_layers + 1):
        z = dense_forward(a, self.params[f"W{i}"], self.params[f"b{i}"])
        cache.append((a, z))
        a = activate(self.hidden_activation, z)
    self.cache = cache
    return a


@mistake("network.MLP.backward", id="mlp-backward-skips-activation-derivative", concept="backpropagation")
def mlp_backward_skips_activation_derivative(self, grad_out):
    if self.cache is None:
        raise RuntimeError("backward() needs the values of a forward() call: call forward(x) first")
    grads = {}
    g = np.asarray(grad_out)
    for i in range(self.n_layers, 0, -1):
        a_prev, z = self.cache[i - 1]
        g, grads[f"W{i}"], grads[f"b{i}"] = dense_backward(g, a_prev, self.params[f"W{i}"])
    return {key: grads[key] for key in self.params}


@mistake("network.MLP.backward", id="mlp-backward-derivative-at-the-output", concept="backpropagation")
def mlp_backward_derivative_at_the_output(self, grad_out):
    if self.cache is None:
        raise RuntimeError("backward() needs the values of a forward() call: call forward(x) first")
    grads = {}
    g = np.asarray(grad_out)
    for i in range(self.n_layers, 0, -1):
        a_prev, z = self.cache[i - 1]
        a = activate(self.activation_of(i), z)
        g = activation_backward(self.activation_of(i), a, g)
        g, grads[f"W{i}"], grads[f"b{i}"] = dense_backward(g, a_prev, self.params[f"W{i}"])
    return {key: grads[key] for key in self.params}


@mistake("network.MLP.param_count", id="mlp-param-count-weights-only", concept="model-parameters")
def mlp_param_count_weights_only(self):
    sizes = self.layer_sizes
    return sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True))


@mistake("network.MLP.param_count", id="mlp-param-count-keeps-the-last-layer", concept="model-parameters")
def mlp_param_count_keeps_the_last_layer(self):
    sizes = self.layer_sizes
    total = 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        total = dense_param_count(n_in, n_out)
    return total
