"""Activation functions (활성화 함수) and their derivatives.

An activation function decides how strongly a neuron responds to its input. Without one, a stack of dense layers
is still one linear map, so a "deep" network could not solve even XOR; the activation is what makes the model
non-linear. This module follows the notes' story of improvements: step -> sigmoid -> tanh -> ReLU -> leaky ReLU,
ELU, softplus, maxout; plus softmax for the output of a multi-class classifier, and linear for regression.

Contract shared by every function here (the grader checks each point):
- any input shape (array-likes such as lists work too); the output has the input's shape;
- a float32 input gives a float32 output, float64 gives float64, integers give float64;
- the input is never modified (compute new arrays; never `x -= ...` on the caller's array);
- vectorized: numpy operations on whole arrays, no Python loops over elements;
- no overflow or invalid-value warnings for |x| up to 1e4 (an exp that underflows to 0 is fine).

Derivatives (`*_grad`) are taken with respect to the input and evaluated at x, elementwise. At a kink, where the
derivative does not exist, we follow PyTorch and Keras: relu_grad(0) = 0, leaky_relu_grad(0) = alpha,
elu_grad(0) = alpha.
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


def step(x: ArrayLike) -> np.ndarray:
    """Step function, the perceptron's original activation: 1 where x >= 0, else 0.

    Formula: step(x) = 1 if x >= 0 else 0 (so step(0) = 1).
    Shapes: any; returns x's shape and float dtype.
    Hint: a comparison gives booleans; turn them into numbers of x's dtype.
    Why it matters: the notes' first activation ("0 이상이면 1"). Its derivative is 0 everywhere except at 0, where it
    does not exist, so gradient descent gets no signal through it: that is why backpropagation needs smooth
    activations such as the sigmoid.

    >>> step(np.array([-1.0, 0.0, 2.0]))
    array([0., 1., 1.])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.step is not implemented yet: see its docstring")


def sigmoid(x: ArrayLike) -> np.ndarray:
    """Sigmoid (logistic) function, elementwise: 1 / (1 + exp(-x)), a value in (0, 1).

    Formula: sigmoid(x) = 1 / (1 + exp(-x)).
    Shapes: any; returns x's shape and dtype.
    Numerics: the textbook formula overflows for very negative x (exp(1e4) is inf and numpy warns). Use the
    equivalent form exp(x) / (1 + exp(x)) where x < 0: with e = exp(-|x|), which never overflows,
    sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0.
    Hint: np.where evaluates both branches on every element, so both must be safe everywhere.
    Why it matters: the output activation for binary classification (이진 분류): the output is read as the probability
    of class 1, and x >= 0 gives a value >= 0.5, the usual decision threshold.

    >>> sigmoid(np.array([-1.0, 0.0, 1.0])).round(4)
    array([0.2689, 0.5   , 0.7311])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.sigmoid is not implemented yet: see its docstring")


def sigmoid_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of the sigmoid, elementwise: s(x) * (1 - s(x)) where s = sigmoid.

    Formula: sigmoid_grad(x) = s * (1 - s) with s = sigmoid(x).
    Shapes: any; returns x's shape and dtype.
    Hint: reuse your sigmoid; do not apply the formula to x itself.
    Why it matters: its maximum is 0.25, at x = 0 (one of the notes says 0.3; it is 0.25), so every sigmoid layer
    shrinks the backpropagated gradient at least fourfold -- the vanishing-gradient problem (기울기 소실).

    >>> sigmoid_grad(np.array([0.0, 2.0])).round(4)
    array([0.25 , 0.105])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.sigmoid_grad is not implemented yet: see its docstring")


def tanh(x: ArrayLike) -> np.ndarray:
    """Hyperbolic tangent, elementwise: (exp(x) - exp(-x)) / (exp(x) + exp(-x)), a value in (-1, 1).

    Formula: tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)) = 2 * sigmoid(2x) - 1.
    Shapes: any; returns x's shape and dtype.
    Hint: numpy has it, and np.tanh is stable for large |x| (the formula above would overflow).
    Why it matters: the sigmoid stretched to (-1, 1) and centred on 0 (tanh(x) = 2 * sigmoid(2x) - 1), which usually
    trains faster than the sigmoid; its derivative is still below 1 away from 0, so gradients still vanish.

    >>> tanh(np.array([-1.0, 0.0, 1.0])).round(4)
    array([-0.7616,  0.    ,  0.7616])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.tanh is not implemented yet: see its docstring")


def tanh_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of tanh, elementwise: 1 - tanh(x)**2.

    Formula: tanh_grad(x) = 1 - tanh(x)**2.
    Shapes: any; returns x's shape and dtype.
    Hint: reuse your tanh.
    Why it matters: its maximum is 1 (at x = 0), four times the sigmoid's, but it falls towards 0 for large |x|:
    a saturated tanh unit passes almost no gradient back.

    >>> tanh_grad(np.array([0.0, 1.0])).round(4)
    array([1.  , 0.42])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.tanh_grad is not implemented yet: see its docstring")


def relu(x: ArrayLike) -> np.ndarray:
    """Rectified linear unit, elementwise: max(x, 0).

    Formula: relu(x) = max(x, 0).
    Shapes: any; returns x's shape and dtype.
    Hint: np.maximum compares elementwise (np.max would reduce the whole array to one number).
    Why it matters: the most used hidden-layer activation. Its derivative is exactly 1 for x > 0, so the gradient
    passes through any number of layers without shrinking; a unit whose input stays negative outputs 0 and gets no
    gradient at all (a "dead" ReLU).

    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.relu is not implemented yet: see its docstring")


def relu_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of ReLU, elementwise: 1 where x > 0, else 0 (relu_grad(0) = 0, as in Keras and PyTorch).

    Formula: relu_grad(x) = 1 if x > 0 else 0.
    Shapes: any; returns x's shape and dtype.
    Hint: a strict comparison, converted to x's dtype.
    Why it matters: the derivative is 1 or 0, never a small fraction like the sigmoid's (at most 0.25), so a
    deep ReLU stack eases the vanishing gradient -- it does not remove it: the weights can still shrink the
    gradient layer by layer, and a dead unit (input always <= 0) passes no gradient at all.

    >>> relu_grad(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.relu_grad is not implemented yet: see its docstring")


def leaky_relu(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """Leaky ReLU, elementwise: x where x > 0, else alpha * x.

    Formula: leaky_relu(x) = x if x > 0 else alpha * x.
    Shapes: any; returns x's shape and dtype.
    Hint: np.where(condition, a, b). Convert alpha to x's dtype first (np.asarray(alpha, dtype=x.dtype)), or a
    float64 alpha would turn a float32 input into a float64 output.
    Why it matters: ReLU that keeps a small slope alpha for negative inputs instead of pushing them to 0, so a unit
    never dies completely. (alpha = 0.01 is PyTorch's default; Keras' LeakyReLU layer defaults to a larger slope.)

    >>> leaky_relu(np.array([-2.0, 3.0]), alpha=0.1)
    array([-0.2,  3. ])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.leaky_relu is not implemented yet: see its docstring")


def leaky_relu_grad(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """Derivative of leaky ReLU, elementwise: 1 where x > 0, else alpha (so leaky_relu_grad(0) = alpha).

    Formula: leaky_relu_grad(x) = 1 if x > 0 else alpha.
    Shapes: any; returns x's shape and dtype.
    Hint: np.where again, with both branches in x's dtype.
    Why it matters: the gradient for negative inputs is small but never 0, so the unit can recover.

    >>> leaky_relu_grad(np.array([-2.0, 0.0, 3.0]), alpha=0.1)
    array([0.1, 0.1, 1. ])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.leaky_relu_grad is not implemented yet: see its docstring")


def elu(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    """Exponential linear unit, elementwise: x where x > 0, else alpha * (exp(x) - 1).

    Formula: elu(x) = x if x > 0 else alpha * (exp(x) - 1).
    Shapes: any; returns x's shape and dtype.
    Numerics: np.where computes both branches on every element, and exp(1e4) overflows; take exp only of
    np.minimum(x, 0). np.expm1(v) computes exp(v) - 1 accurately for small v.
    Hint: convert alpha to x's dtype, as in leaky_relu.
    Why it matters: like leaky ReLU it keeps negative inputs alive, but it bends smoothly towards -alpha instead of
    following a straight line, so outputs stay close to 0 on average.

    >>> elu(np.array([-1.0, 0.0, 2.0])).round(4)
    array([-0.6321,  0.    ,  2.    ])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.elu is not implemented yet: see its docstring")


def elu_grad(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    """Derivative of ELU, elementwise: 1 where x > 0, else alpha * exp(x).

    At x = 0 the two one-sided derivatives are 1 (right) and alpha (left); like PyTorch we take the left one,
    so elu_grad(0) = alpha (which is 1 for the default alpha = 1, where ELU is smooth).
    Formula: elu_grad(x) = 1 if x > 0 else alpha * exp(x).
    Shapes: any; returns x's shape and dtype.
    Hint: the same overflow care as elu: exp only of np.minimum(x, 0).
    Why it matters: the gradient for negative inputs decays smoothly instead of dropping to 0.

    >>> elu_grad(np.array([-1.0, 0.0, 2.0])).round(4)
    array([0.3679, 1.    , 1.    ])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.elu_grad is not implemented yet: see its docstring")


def softplus(x: ArrayLike) -> np.ndarray:
    """Softplus, elementwise: log(1 + exp(x)), a smooth version of ReLU.

    Formula: softplus(x) = log(1 + exp(x)).
    Shapes: any; returns x's shape and dtype.
    Numerics: exp(1e4) overflows. Rewrite with m = max(x, 0): log(1 + exp(x)) = m + log(exp(-m) + exp(x - m)),
    which for either sign of x is max(x, 0) + log1p(exp(-|x|)). np.log1p(v) is log(1 + v), accurate for small v.
    Hint: np.maximum, np.abs, np.exp, np.log1p.
    Why it matters: the notes describe it as ReLU with the hard cut at 0 relaxed into a smooth curve; its derivative
    is the sigmoid.

    >>> softplus(np.array([-1.0, 0.0, 1.0])).round(4)
    array([0.3133, 0.6931, 1.3133])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.softplus is not implemented yet: see its docstring")


def softplus_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of softplus, elementwise: exp(x) / (1 + exp(x)), which is sigmoid(x).

    Formula: softplus_grad(x) = exp(x) / (1 + exp(x)) = sigmoid(x).
    Shapes: any; returns x's shape and dtype.
    Hint: you have already written it.
    Why it matters: a smooth step from 0 to 1, where ReLU's derivative jumps.

    >>> softplus_grad(np.array([-1.0, 0.0, 1.0])).round(4)
    array([0.2689, 0.5   , 0.7311])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.softplus_grad is not implemented yet: see its docstring")


def linear(x: ArrayLike) -> np.ndarray:
    """Linear (identity) activation: linear(x) = x.

    Formula: linear(x) = x.
    Shapes: any; returns a new array with x's shape and dtype (a copy, so changing the output later cannot
    change the caller's input).
    Hint: np.array(x, copy=True).
    Why it matters: the output activation for regression (회귀) -- the task table reads: regression -> linear ->
    mean_squared_error; binary classification -> sigmoid -> binary_crossentropy; multi-class classification ->
    softmax -> categorical_crossentropy. As a hidden activation it shows why activations exist at all: a network
    of linear layers is itself linear.

    >>> linear(np.array([-1.5, 2.0]))
    array([-1.5,  2. ])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.linear is not implemented yet: see its docstring")


def linear_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of the linear activation: 1 everywhere.

    Formula: linear_grad(x) = 1.
    Shapes: any; returns x's shape and dtype.
    Hint: np.ones_like.
    Why it matters: the network's backward pass looks up `<name>_grad` for every activation, linear included.

    >>> linear_grad(np.array([-1.5, 2.0]))
    array([1., 1.])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.linear_grad is not implemented yet: see its docstring")


def maxout(x: ArrayLike, num_units: int) -> np.ndarray:
    """Maxout: split the last axis into num_units groups of consecutive values and keep each group's maximum.

    Formula: with k = x.shape[-1] // num_units pieces per unit,
        maxout(x)[..., j] = max(x[..., j*k], x[..., j*k + 1], ..., x[..., j*k + k - 1]).
    In a network the k pieces are k different linear functions of the layer input, so the unit learns its own
    piecewise-linear activation.
    Shapes: x (..., num_units * k) -> (..., num_units), x's dtype. ValueError if x.shape[-1] is not a multiple
    of num_units.
    Hint: reshape to (..., num_units, k) and take the max over the last axis.
    Why it matters: the notes call Maxout "ReLU and leaky ReLU combined": with two pieces (z, 0) maxout is relu(z),
    and with (z, alpha * z) it is leaky_relu(z, alpha).

    >>> maxout(np.array([[1.0, -2.0, 0.5, 3.0]]), num_units=2)
    array([[1., 3.]])
    """
    x = _float_array(x)
    if num_units < 1 or x.ndim == 0 or x.shape[-1] % num_units != 0:
        raise ValueError(f"maxout: the last axis ({x.shape}) must be a multiple of num_units={num_units}")
    raise NotImplementedError("activations.maxout is not implemented yet: see its docstring")


def maxout_backward(x: ArrayLike, grad_out: ArrayLike, num_units: int) -> np.ndarray:
    """Vector-Jacobian product of maxout: dL/dx given grad_out = dL/dmaxout(x).

    Formula: each unit's gradient goes to the piece that was the maximum; the other pieces get 0. If several
    pieces tie for the maximum, the gradient is split equally between them (as TensorFlow's reduce_max and
    PyTorch's amax do).
    Shapes: x (..., num_units * k), grad_out (..., num_units) -> (..., num_units * k), x's dtype.
    Hint: compare the reshaped x with its max (keepdims=True) to get a mask; divide by the mask's count.
    Why it matters: only the winning piece learns from each example, which is how maxout picks its shape.

    >>> maxout_backward(np.array([[1.0, -2.0, 0.5, 3.0]]), np.array([[10.0, 20.0]]), num_units=2)
    array([[10.,  0.,  0., 20.]])
    """
    x = _float_array(x)
    grad_out = _float_array(grad_out)
    if num_units < 1 or x.ndim == 0 or x.shape[-1] % num_units != 0:
        raise ValueError(f"maxout_backward: the last axis ({x.shape}) must be a multiple of num_units={num_units}")
    raise NotImplementedError("activations.maxout_backward is not implemented yet: see its docstring")


def softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    """Softmax along `axis`: exp(x_i) / sum_j exp(x_j); the outputs are in (0, 1) and sum to 1 along axis.

    Formula: softmax(x)_i = exp(x_i) / sum_j exp(x_j), the sum running along `axis`.
    Shapes: any; returns x's shape and dtype. Each slice along `axis` (a row, for the default axis=-1 on an
    (N, C) batch of scores) is normalised on its own.
    Numerics: exp(1010) overflows. Adding the same constant to every x_i does not change the result, so subtract
    the maximum first: softmax([1010, 1000, 990]) = [9.99954600e-01, 4.53978686e-05, 2.06106005e-09].
    Hint: np.max(x, axis=axis, keepdims=True) keeps the dimensions needed for broadcasting. Do not write
    `x -= np.max(x)` as the notes do: that changes the caller's array, and np.max without axis mixes rows.
    Why it matters: the output activation for multi-class classification (다중 분류). The notes' example:
    softmax([2, 10, 1, 4]) = [0.000334, 0.997071, 0.000123, 0.002471].

    >>> softmax(np.array([2.0, 10.0, 1.0, 4.0])).round(6)
    array([3.34000e-04, 9.97071e-01, 1.23000e-04, 2.47100e-03])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.softmax is not implemented yet: see its docstring")


def log_softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    """Logarithm of the softmax along `axis`, computed without ever taking log(0).

    Formula: log_softmax(x)_i = x_i - log(sum_j exp(x_j)) = (x_i - m) - log(sum_j exp(x_j - m)), m = max_j x_j.
    Shapes: any; returns x's shape and dtype.
    Hint: the same max shift as softmax; the sum of exp(x - m) is at least 1, so its log is safe.
    Why it matters: the cross-entropy of a softmax needs log(softmax(x)); computing softmax first underflows to
    0 for very negative scores and log(0) is -inf. This form (the "log-sum-exp trick") stays finite, which is
    what `from_logits=True` in the losses relies on.

    >>> log_softmax(np.array([0.0, 0.0, 0.0])).round(4)
    array([-1.0986, -1.0986, -1.0986])
    """
    x = _float_array(x)
    raise NotImplementedError("activations.log_softmax is not implemented yet: see its docstring")


def softmax_backward(x: ArrayLike, grad_out: ArrayLike, axis: int = -1) -> np.ndarray:
    """Vector-Jacobian product of softmax: dL/dx given grad_out = dL/ds, where s = softmax(x, axis).

    Formula: the Jacobian is ds_i/dx_j = s_i * (delta_ij - s_j), so
        dL/dx_j = sum_i grad_out_i * s_i * (delta_ij - s_j) = s_j * (grad_out_j - sum_i grad_out_i * s_i).
    Shapes: x and grad_out have the same shape; returns that shape, in x's dtype for same-dtype inputs.
    Hint: reuse softmax; the sum is along `axis` with keepdims=True.
    Why it matters: softmax mixes its inputs, so unlike the elementwise activations its derivative is a matrix;
    the formula above applies that matrix without ever building it.

    >>> softmax_backward(np.array([0.0, 0.0]), np.array([1.0, 0.0]))
    array([ 0.25, -0.25])
    """
    x = _float_array(x)
    grad_out = _float_array(grad_out)
    raise NotImplementedError("activations.softmax_backward is not implemented yet: see its docstring")
