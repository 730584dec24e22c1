"""Gradient descent (경사 하강법) and momentum (모멘텀), with the semantics of keras.optimizers.SGD.

Gradient descent moves each parameter a small step against its gradient: "weight - gradient = new weight",
with the step scaled by the learning rate. Stochastic gradient descent (확률적 경사 하강법, SGD) does this with the
gradient of a random mini-batch instead of the whole data set: noisier, but many more steps for the same work.
Momentum adds inertia: each step also carries on in the direction of the previous steps, so consistent
directions speed up and back-and-forth oscillations cancel out. The notes' Keras calls are
keras.optimizers.SGD(lr=0.1) and keras.optimizers.SGD(lr=0.1, momentum=0.9); today's Keras spells the first
argument `learning_rate`.

Keras' formulation, used here:
    velocity = momentum * velocity - learning_rate * grad
    param    = param + velocity                                      (nesterov=False)
    param    = param + momentum * velocity - learning_rate * grad    (nesterov=True, with the NEW velocity)
PyTorch's torch.optim.SGD instead keeps a buffer without the learning rate, buf = momentum * buf + grad, and
steps param = param - learning_rate * buf. With a constant learning rate both produce the same parameters
(the Keras velocity equals -learning_rate * buf); they differ when the learning rate changes during training,
and their velocities differ in sign and scale.

Contract: float32 parameters stay float32; the arrays passed in are never modified (new arrays are returned);
vectorized.
"""

import numpy as np
from numpy.typing import ArrayLike


def _float_array(x: ArrayLike) -> np.ndarray:
    """x as a numpy array of floats.

    A float array keeps its dtype (and is not copied); anything else becomes float64.
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":  # ints, bools (and anything else) compute in float64
        x = x.astype(np.float64)
    return x


def sgd_step(param: ArrayLike, grad: ArrayLike, learning_rate: float) -> np.ndarray:
    """One plain gradient-descent step: param - learning_rate * grad.

    Formula: new_param = param - learning_rate * grad.
    Shapes: param and grad of the same shape; returns a new array of that shape, in param's
    float dtype.
    Hint: return a new array; do not update param in place (the caller may still need the old value).
    Why it matters: the notes' "가중치 - 기울기 = 가중치": move against the gradient, since the gradient points uphill.
    The learning rate (학습률) sets the step size: too large overshoots, too small crawls.

    >>> sgd_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), learning_rate=0.1)
    array([0.95, 2.1 ])
    """
    param, grad = _float_array(param), np.asarray(grad)
    # BEGIN SOLUTION
    return (param - learning_rate * grad).astype(param.dtype, copy=False)
    # END SOLUTION


def momentum_step(
    param: ArrayLike,
    grad: ArrayLike,
    velocity: ArrayLike,
    learning_rate: float,
    momentum: float,
    nesterov: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """One SGD-with-momentum step, Keras' formulation: returns (new_param, new_velocity).

    Formula:
        new_velocity = momentum * velocity - learning_rate * grad
        new_param    = param + new_velocity                                    if not nesterov
        new_param    = param + momentum * new_velocity - learning_rate * grad  if nesterov
    Shapes: param, grad and velocity of the same shape; returns two new arrays of that shape, in param's dtype.
    Hint: compute the new velocity first; the Nesterov update uses the new one, not the old one.
    Why it matters: momentum (모멘텀) "adds inertia to gradient descent": the velocity remembers the previous steps, so
    with momentum = 0.9 a constant gradient ends up moving the parameter about ten times further per step.
    Nesterov's variant looks one step ahead along the velocity.

    >>> momentum_step(np.array([1.0]), np.array([1.0]), np.array([0.0]), learning_rate=0.1, momentum=0.9)
    (array([0.9]), array([-0.1]))
    """
    param, grad, velocity = _float_array(param), np.asarray(grad), np.asarray(velocity)
    # BEGIN SOLUTION
    new_velocity = momentum * velocity - learning_rate * grad
    if nesterov:
        new_param = param + momentum * new_velocity - learning_rate * grad
    else:
        new_param = param + new_velocity
    return new_param.astype(param.dtype, copy=False), new_velocity.astype(param.dtype, copy=False)
    # END SOLUTION


class SGD:
    """Stochastic gradient descent with optional (Nesterov) momentum, like keras.optimizers.SGD.

    opt = SGD(learning_rate=0.1, momentum=0.9); opt.apply(model.params, grads) updates the parameters.
    The constructor is given; you write apply.
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False) -> None:
        """Given: store the settings and start with no velocities (Keras requires 0 <= momentum <= 1)."""
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be between 0 and 1; got {momentum}")
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        # One velocity per parameter name, created (as zeros) the first time that parameter is updated.
        self.velocities: dict[str, np.ndarray] = {}

    def apply(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update params in place: for every key of grads, params[key] becomes its stepped value.

        With momentum == 0 each key takes a plain sgd_step (no velocity is kept, as in Keras). Otherwise each
        key takes a momentum_step with its own velocity, self.velocities[key], which starts as zeros of the
        parameter's shape and dtype the first time the key is seen and is stored back after every step.
        Formula: for every key of grads, params[key] = sgd_step(params[key], grads[key], learning_rate) when
        momentum == 0, else params[key], velocities[key] = momentum_step(params[key], grads[key], velocities[key],
        learning_rate, momentum, nesterov).
        Shapes: grads[key] has params[key]'s shape. Returns None.
        Hint: rebind each key to the new array (params[key] = new_param), as Keras assigns its variables; the
        old arrays and the grads are not modified. Keys of params that are missing from grads stay unchanged.
        Why it matters: how keras.optimizers.SGD(learning_rate=..., momentum=...) applies one batch's gradients.

        >>> params = {"W": np.array([1.0, 2.0])}
        >>> SGD(learning_rate=0.1).apply(params, {"W": np.array([1.0, 1.0])})
        >>> params["W"]
        array([0.9, 1.9])
        """
        # BEGIN SOLUTION
        for key, grad in grads.items():
            if self.momentum == 0:
                params[key] = sgd_step(params[key], grad, self.learning_rate)
                continue
            velocity = self.velocities.get(key)
            if velocity is None:
                velocity = np.zeros_like(params[key])
            params[key], self.velocities[key] = momentum_step(
                params[key], grad, velocity, self.learning_rate, self.momentum, self.nesterov
            )
        # END SOLUTION
