"""Known wrong versions of the gradient-descent steps: direction, learning rate, and momentum's conventions.

Each variant is the exercise function with one mistake, written against the names of ``solutions.optimizers``
(see ``grader/mistakes/__init__.py``). Within a function, the more specific variant comes first.
"""

import numpy as np

from grader.mistakes import mistake
from solutions.optimizers import _float_array


@mistake("optimizers.sgd_step", id="sgd-step-goes-uphill", concept="gradient-descent")
def sgd_step_goes_uphill(param, grad, learning_rate):
    param, grad = _float_array(param), np.asarray(grad)
    return (param + learning_rate * grad).astype(param.dtype, copy=False)


@mistake("optimizers.sgd_step", id="sgd-step-ignores-learning-rate", concept="gradient-descent")
def sgd_step_ignores_learning_rate(param, grad, learning_rate):
    param, grad = _float_array(param), np.asarray(grad)
    return (param - grad).astype(param.dtype, copy=False)


@mistake("optimizers.momentum_step", id="momentum-pytorch-convention", concept="momentum")
def momentum_pytorch_convention(param, grad, velocity, learning_rate, momentum, nesterov=False):
    param, grad, velocity = _float_array(param), np.asarray(grad), np.asarray(velocity)
    new_velocity = momentum * velocity + grad
    if nesterov:
        new_param = param - learning_rate * (grad + momentum * new_velocity)
    else:
        new_param = param - learning_rate * new_velocity
    return new_param.astype(param.dtype, copy=False), new_velocity.astype(param.dtype, copy=False)


@mistake("optimizers.momentum_step", id="momentum-velocity-sign-flipped", concept="momentum")
def momentum_velocity_sign_flipped(param, grad, velocity, learning_rate, momentum, nesterov=False):
    param, grad, velocity = _float_array(param), np.asarray(grad), np.asarray(velocity)
    new_velocity = momentum * velocity + learning_rate * grad
    if nesterov:
        new_param = param - momentum * new_velocity - learning_rate * grad
    else:
        new_param = param - new_velocity
    return new_param.astype(param.dtype, copy=False), new_velocity.astype(param.dtype, copy=False)


@mistake("optimizers.momentum_step", id="momentum-steps-with-old-velocity", concept="momentum")
def momentum_steps_with_old_velocity(param, grad, velocity, learning_rate, momentum, nesterov=False):
    param, grad, velocity = _float_array(param), np.asarray(grad), np.asarray(velocity)
    new_velocity = momentum * velocity - learning_rate * grad
    if nesterov:
        new_param = param + momentum * new_velocity - learning_rate * grad
    else:
        new_param = param + velocity
    return new_param.astype(param.dtype, copy=False), new_velocity.astype(param.dtype, copy=False)


@mistake("optimizers.momentum_step", id="momentum-nesterov-old-velocity", concept="momentum")
def momentum_nesterov_old_velocity(param, grad, velocity, learning_rate, momentum, nesterov=False):
    param, grad, velocity = _float_array(param), np.asarray(grad), np.asarray(velocity)
    new_velocity = momentum * velocity - learning_rate * grad
    if nesterov:
        new_param = param + momentum * velocity - learning_rate * grad
    else:
        new_param = param + new_velocity
    return new_param.astype(param.dtype, copy=False), new_velocity.astype(param.dtype, copy=False)

