"""Mini-batch training: the loop that ties the model, the loss and the optimizer together, and toy data sets.

One epoch (에포크) is one pass over the whole training set. Stochastic gradient descent splits each epoch into
mini-batches: shuffle the samples, cut them into consecutive pieces of `batch_size` (배치 크기; the last piece may
be smaller), and for each piece run feed forward, the loss, backpropagation and one optimizer step. N samples
make ceil(N / batch_size) mini-batches, so that many weight updates, per epoch.

The data sets are given: small two-dimensional problems that a perceptron cannot solve (XOR, spirals) but a
multilayer perceptron can, generated on the spot from a seed (no download).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from . import losses

if TYPE_CHECKING:  # for the type hints only: fit() must stay usable even while network.py is unfinished
    from .network import MLP
    from .optimizers import SGD


def fit(
    model: MLP,
    x: ArrayLike,
    y: ArrayLike,
    loss: str,
    optimizer: SGD,
    epochs: int,
    batch_size: int,
    seed: int,
    validation_data: tuple[ArrayLike, ArrayLike] | None = None,
) -> list[float] | dict[str, list[float]]:
    """Train `model` on (x, y) with shuffled mini-batches; return the mean training loss of every epoch.

    Formula: history[epoch] = sum over the epoch's batches of len(batch) * loss(batch) / N.
    Algorithm: rng = np.random.default_rng(seed), created once. For each epoch: order = rng.permutation(N);
    for each batch of consecutive indices order[start:start + batch_size]:
        y_pred = model.forward(x_batch)
        record loss_fn(y_batch, y_pred)
        grads = model.backward(grad_fn(y_batch, y_pred))
        optimizer.apply(model.params, grads)
    The epoch's entry in the history is the mean of its batch losses weighted by batch size (so the mean
    per-sample loss over the epoch, measured while the weights were changing -- what Keras' fit() reports).
    Arguments: `loss` is a loss NAME, as Keras' compile(loss="categorical_crossentropy") takes it: resolve it to
    losses.<name> and losses.<name>_grad (ValueError for an unknown name). `model` has forward, backward and a
    `params` dict; `optimizer` has apply(params, grads). `validation_data=(x_val, y_val)`, as in Keras' fit(), is
    never trained on: after each epoch, evaluate(model, x_val, y_val, loss) measures the loss on it, and fit returns
    the dict dict(loss=[training losses], val_loss=[validation losses]) (Keras' history.history) instead of the list.
    Shapes: x (N, n_features); y whatever the loss expects for N samples (one-hot (N, C), labels (N,), ...);
    returns a list of `epochs` Python floats (with validation_data: a dict of two such lists).
    Hint: x[idx] with an index array picks a batch; float(...) turns a numpy scalar into a Python float.
    Why it matters: epoch, mini-batch and batch size as the notes define them; the backpropagation loop repeated.

    >>> x, y = make_xor_blobs(4, seed=0)
    >>> model = network.MLP([2, 4, 2], output_activation="softmax", seed=0)
    >>> history = fit(model, x, y, "sparse_categorical_crossentropy", optimizers.SGD(0.1), 3, 8, seed=0)
    >>> len(history), all(isinstance(loss, float) for loss in history)
    (3, True)
    """
    # BEGIN SOLUTION
    loss_fn = getattr(losses, loss, None)
    grad_fn = getattr(losses, f"{loss}_grad", None)
    if loss.startswith("_") or not callable(loss_fn) or not callable(grad_fn):
        raise ValueError(f"unknown loss {loss!r}: expected the name of a function in the losses module")
    x, y = np.asarray(x), np.asarray(y)
    n = len(x)
    rng = np.random.default_rng(seed)
    history, val_history = [], []
    for _ in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            y_pred = model.forward(x[idx])
            total += float(loss_fn(y[idx], y_pred)) * len(idx)
            optimizer.apply(model.params, model.backward(grad_fn(y[idx], y_pred)))
        history.append(total / n)
        if validation_data is not None:  # measured after the epoch's last update, as Keras does
            val_history.append(evaluate(model, *validation_data, loss))
    return history if validation_data is None else dict(loss=history, val_loss=val_history)
    # END SOLUTION


def evaluate(model: MLP, x: ArrayLike, y: ArrayLike, loss: str) -> float:
    """The loss of `model` on (x, y) as it stands, without training: Keras' model.evaluate(x, y).

    Formula: loss_fn(y, model.forward(x)), one mean over all N samples, with loss_fn = losses.<loss>.
    Arguments: `loss` is a loss NAME, as for fit (ValueError for an unknown name). Nothing is updated: no
    backward pass, no optimizer.
    Shapes: x (N, n_features); y whatever the loss expects for N samples; returns a Python float.
    Hint: float(...) turns the loss's numpy scalar into a Python float.
    Why it matters: the validation loss. Data the model never trains on shows overfitting (과적합): the training
    loss keeps falling while the validation loss, after a minimum, rises again.

    >>> model = network.MLP([2, 2], output_activation="softmax", seed=0)
    >>> round(evaluate(model, np.zeros((3, 2)), np.array([0, 1, 1]), "sparse_categorical_crossentropy"), 4)
    0.6931
    """
    # BEGIN SOLUTION
    loss_fn = getattr(losses, loss, None)
    if loss.startswith("_") or not callable(loss_fn):
        raise ValueError(f"unknown loss {loss!r}: expected the name of a function in the losses module")
    return float(loss_fn(np.asarray(y), model.forward(np.asarray(x))))
    # END SOLUTION


# --- given: data sets ----------------------------------------------------------------------------------------


def one_hot(labels: ArrayLike, n_classes: int) -> np.ndarray:
    """Given: integer labels (N,) -> one-hot float64 rows (N, n_classes), for categorical_crossentropy."""
    labels = np.asarray(labels)
    return (labels[..., None] == np.arange(n_classes)).astype(np.float64)


def make_xor_blobs(n_per_blob: int, noise: float = 0.3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Given: the XOR problem as four Gaussian blobs, centred at (+-1, +-1) with standard deviation `noise`.

    The label is 1 when exactly one coordinate of the blob's centre is positive (x1 XOR x2), else 0, so no
    straight line separates the classes: a perceptron fails, an MLP with a hidden layer succeeds.
    Returns x (4 * n_per_blob, 2) float64 and y (4 * n_per_blob,) int64 labels in {0, 1}.
    """
    rng = np.random.default_rng(seed)
    centres = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    blob = np.repeat(np.arange(4), n_per_blob)
    x = centres[blob] + noise * rng.standard_normal((4 * n_per_blob, 2))
    y = (blob >= 2).astype(np.int64)  # the last two centres have coordinates of opposite signs
    return x, y


def make_spirals(
    n_per_class: int, n_classes: int = 2, noise: float = 0.2, seed: int = 0, turns: float = 0.75
) -> tuple[np.ndarray, np.ndarray]:
    """Given: interleaved spiral arms, one per class, starting at the origin.

    Sample j of an arm sits at radius r = j / (n_per_class - 1) and angle 2*pi*(k / n_classes + turns * r) for
    class k, plus Gaussian noise of standard deviation `noise` (radians) on the angle.
    Returns x (n_classes * n_per_class, 2) float64 and y (n_classes * n_per_class,) int64 labels.
    """
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(n_classes), n_per_class)
    radius = np.tile(np.linspace(0.0, 1.0, n_per_class), n_classes)
    angle = 2 * np.pi * (labels / n_classes + turns * radius) + noise * rng.standard_normal(labels.size)
    x = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return x, labels.astype(np.int64)


# --- given: the capstone -------------------------------------------------------------------------------------

CAPSTONE: dict = dict(
    dataset="make_xor_blobs",
    dataset_args=dict(n_per_blob=25, noise=0.3, seed=0),
    layer_sizes=[2, 16, 2],
    hidden_activation="relu",
    output_activation="softmax",
    loss="sparse_categorical_crossentropy",
    learning_rate=0.05,
    momentum=0.9,
    epochs=20,
    batch_size=25,
    target_loss=0.3,
    target_accuracy=0.9,
)
"""The capstone: the XOR problem, which no perceptron can solve, learned by an MLP with one hidden layer.

The same model is trained twice with fit() and SGD(learning_rate): once with momentum 0 (plain SGD) and once with
CAPSTONE["momentum"]. With the reference pieces the momentum run reaches the target loss in 4-6 epochs and
100% training accuracy, while plain SGD needs 12 epochs or more (often more than the 20 allowed) for every seed
from 0 to 19; both runs together take a few hundredths of a second.
"""


def capstone_data() -> tuple[np.ndarray, np.ndarray]:
    """Given: the capstone's data set, x (100, 2) float64 and integer labels y (100,)."""
    name, args = CAPSTONE["dataset"], CAPSTONE["dataset_args"]
    if name == "make_xor_blobs":
        return make_xor_blobs(**args)
    if name == "make_spirals":
        return make_spirals(**args)
    raise KeyError(f"CAPSTONE names an unknown data set {name!r}")


def epochs_to_target(history: list[float], target_loss: float) -> int | None:
    """Given: the first epoch (1-based) whose mean training loss is <= target_loss, or None if none is."""
    for epoch, value in enumerate(history, start=1):
        if value <= target_loss:
            return epoch
    return None


def run_capstone(momentum: float, seed: int = 0) -> dict:
    """Given: train the capstone MLP with SGD(CAPSTONE["learning_rate"], momentum) and report how it went.

    `seed` drives the weight initialisation and the shuffling; the data set is fixed by CAPSTONE.
    Returns dict(history=[per-epoch mean loss], accuracy=training accuracy after the last epoch,
    epochs_to_target=epochs_to_target(history, CAPSTONE["target_loss"])).
    """
    # Imported here, not at the top, so that a network.py or optimizers.py that does not import yet cannot stop
    # fit() from being graded.
    from .metrics import accuracy
    from .network import MLP
    from .optimizers import SGD

    settings = CAPSTONE
    x, y = capstone_data()
    model = MLP(
        settings["layer_sizes"],
        hidden_activation=settings["hidden_activation"],
        output_activation=settings["output_activation"],
        seed=seed,
    )
    optimizer = SGD(learning_rate=settings["learning_rate"], momentum=momentum)
    history = fit(
        model,
        x,
        y,
        settings["loss"],
        optimizer,
        epochs=settings["epochs"],
        batch_size=settings["batch_size"],
        seed=seed,
    )
    assert isinstance(history, list)  # no validation_data: the list of training losses
    predicted = np.argmax(model.forward(x), axis=-1)
    return dict(
        history=history,
        accuracy=accuracy(y, predicted),
        epochs_to_target=epochs_to_target(history, settings["target_loss"]),
    )


# --- given: overfitting, seen --------------------------------------------------------------------------------

OVERFITTING: dict = dict(
    train_args=dict(n_per_blob=4, noise=0.7, seed=1),
    validation_args=dict(n_per_blob=50, noise=0.7, seed=101),
    layer_sizes=[2, 32, 32, 2],
    hidden_activation="relu",
    output_activation="softmax",
    loss="sparse_categorical_crossentropy",
    learning_rate=0.1,
    momentum=0.9,
    epochs=100,
    batch_size=16,
)
"""Overfitting, seen: an over-large MLP trained long on 16 noisy XOR samples, validated on 200 fresh ones.

Both sets come from make_xor_blobs with the same noise, from different seeds. With the reference pieces the
training loss falls towards 0 for the whole run, while the validation loss reaches its minimum within the first
quarter of the epochs and then rises to several times that minimum by the last epoch, for every seed from 0 to 19:
the network (1,218 weights for 16 samples) learns the samples' noise, not XOR. The run takes about two
hundredths of a second.
"""


def overfitting_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Given: OVERFITTING's sets, x_train (16, 2), y_train (16,), x_val (200, 2) and y_val (200,)."""
    x, y = make_xor_blobs(**OVERFITTING["train_args"])
    x_val, y_val = make_xor_blobs(**OVERFITTING["validation_args"])
    return x, y, x_val, y_val


def run_overfitting(seed: int = 0) -> dict[str, list[float]]:
    """Given: train OVERFITTING's MLP with fit(..., validation_data=(x_val, y_val)); its dict(loss=, val_loss=).

    `seed` drives the weight initialisation and the shuffling; the data sets are fixed by OVERFITTING.
    """
    from .network import MLP  # imported here for the same reason as in run_capstone
    from .optimizers import SGD

    settings = OVERFITTING
    x, y, x_val, y_val = overfitting_data()
    model = MLP(settings["layer_sizes"], hidden_activation=settings["hidden_activation"],
                output_activation=settings["output_activation"], seed=seed)
    optimizer = SGD(learning_rate=settings["learning_rate"], momentum=settings["momentum"])
    history = fit(model, x, y, settings["loss"], optimizer, epochs=settings["epochs"],
                  batch_size=settings["batch_size"], seed=seed, validation_data=(x_val, y_val))
    assert isinstance(history, dict)  # validation_data was given
    return history
