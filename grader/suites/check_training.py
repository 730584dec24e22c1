"""Mini-batch training and the capstone: an MLP learns XOR

fit() with the student's own MLP, SGD and losses: one loss per epoch; the reference's history where the docstring
fixes it (same seed, same initial weights, the last smaller batch included, full-batch descent); shuffling driven by
the seed; the loss found by its name; x and y left unchanged. The capstone is judged by behaviour: high accuracy,
and momentum reaching the target loss in fewer epochs than plain SGD.
"""

import numpy as np
import pytest

from grader import reference
from grader.compare import (Call, CheckFailure, describe_value, expect_scalar, expect_unchanged, expect_value, fail,
                            format_number)
from grader.sandbox.faults import StudentException

ORDER = 7

FIT_SECONDS = 30  # a whole training run in one call; the reference needs a few hundredths of a second
SMALL_MLP = dict(layer_sizes=[2, 8, 2], hidden_activation="tanh", output_activation="softmax")
USES_YOUR_PIECES = "this check trains your MLP with your SGD and your losses: if their own checks fail, fix those first"
FIXED_ORDER = ("fit's docstring fixes the order of the samples: rng = np.random.default_rng(seed) once, then "
               "order = rng.permutation(N) at the start of every epoch and batches order[start:start + batch_size]; "
               "each batch's loss is recorded before its update, and the epoch's loss is the mean over its samples")


def capstone() -> dict:
    return reference.resolve("training.CAPSTONE")


def capstone_data() -> tuple[np.ndarray, np.ndarray]:
    """The capstone's data set (the XOR blobs), x (N, 2) and integer labels y (N,)."""
    return reference.call("training.capstone_data")


def one_hot(labels: np.ndarray, classes: int) -> np.ndarray:
    return np.eye(classes)[labels]


def handle(remote):
    """What the worker needs to receive one of its own objects as an argument (a RemoteObject does not cross)."""
    return remote._handle


def run_fit(student, model, optimizer, x, y, loss: str, epochs: int, batch_size: int, seed: int, **options):
    """The student's fit on their own model and optimizer: its reply, and the Call that describes it."""
    args = (handle(model), x, y, loss, handle(optimizer), epochs, batch_size, seed)
    return student.call("training.fit", *args, timeout=FIT_SECONDS, **options), Call("training.fit", args)


def models(student, layers: dict, seed: int):
    """The student's MLP and the reference's, both starting from the reference's initial weights."""
    ref_model = reference.resolve("network.MLP")(**layers, seed=seed)
    model = student.new("network.MLP", **layers, seed=seed)
    model.set("params", {key: value.copy() for key, value in ref_model.params.items()})
    return model, ref_model


def fit_both(student, layers: dict, x, y, loss: str, epochs: int, batch_size: int, seed: int, **sgd):
    """fit() in the student's code and in the reference's on identical models and optimizers.

    Returns the student's history, their trained params, the reference's history and params, and the Call.
    """
    model, ref_model = models(student, layers, seed)
    optimizer = student.new("optimizers.SGD", **sgd)
    history, call = run_fit(student, model, optimizer, x, y, loss, epochs, batch_size, seed)
    ref_optimizer = reference.resolve("optimizers.SGD")(**sgd)
    ref_history = reference.call("training.fit", ref_model, x, y, loss, ref_optimizer, epochs, batch_size, seed)
    return history, model.get("params"), ref_history, ref_model.params, call


def expect_history(history, epochs: int, *, call: Call) -> list[float]:
    """fit's result must be `epochs` finite numbers (a list); returns them as floats."""
    if isinstance(history, np.ndarray) and history.ndim == 1:
        history = list(history)
    if not isinstance(history, (list, tuple)):
        fail(f"{call.describe()} returned {describe_value(history)}; expected a list of {epochs} losses, one per "
             f"epoch.", hint="append each epoch's mean loss to a list (float(...) makes a Python float) and return it.")
    if len(history) != epochs:
        fail(f"{call.describe()} returned {len(history)} loss{'es' * (len(history) != 1)} for {epochs} epochs; "
             f"expected one per epoch.")
    for epoch, value in enumerate(history, start=1):
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value[()]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            fail(f"{call.describe()}: the loss of epoch {epoch} is {describe_value(value)}; expected a single number.")
        if not np.isfinite(value):
            fail(f"{call.describe()}: the loss of epoch {epoch} is {format_number(value)}; expected a finite number.")
    return [float(v) for v in history]


def expect_same_training(history, params, ref_history, ref_params, *, call: Call, hint: str) -> None:
    """The same losses epoch by epoch, then the same trained weights (tolerance for a different order of sums)."""
    try:
        history = expect_history(history, len(ref_history), call=call)
        for epoch, (got, expected) in enumerate(zip(history, ref_history), start=1):
            expect_scalar(got, expected, call=call, what=f"the loss of epoch {epoch}", rtol=1e-5)
        expect_value(params, ref_params, call=call, what="model.params after fit", rtol=1e-5, atol=1e-8)
    except CheckFailure as failure:
        raise CheckFailure(failure.message, f"{hint}; {USES_YOUR_PIECES}.", failure.mistake) from None


def train_capstone(student, momentum: float, seed: int):
    """The capstone run with the student's pieces: returns the history (floats) and the trained model."""
    settings = capstone()
    x, y = capstone_data()
    model = student.new("network.MLP", settings["layer_sizes"], hidden_activation=settings["hidden_activation"],
                        output_activation=settings["output_activation"], seed=seed)
    optimizer = student.new("optimizers.SGD", learning_rate=settings["learning_rate"], momentum=momentum)
    history, call = run_fit(student, model, optimizer, x, y, settings["loss"], settings["epochs"],
                            settings["batch_size"], seed)
    return expect_history(history, settings["epochs"], call=call), model


def epochs_to_target(history: list[float]) -> int | None:
    return reference.resolve("training.epochs_to_target")(history, capstone()["target_loss"])


@pytest.mark.public
@pytest.mark.points(1)
def test_fit_returns_one_loss_per_epoch(student, rng):
    """fit returns a list with one loss (a number) per epoch"""
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    model = student.new("network.MLP", **SMALL_MLP, seed=seed)
    optimizer = student.new("optimizers.SGD", learning_rate=0.1)
    history, call = run_fit(student, model, optimizer, x, y, "sparse_categorical_crossentropy", 3, 25, seed)
    expect_history(history, 3, call=call)


@pytest.mark.points(2)
def test_fit_matches_reference_history(student, rng):
    """same seed and initial weights give the reference's losses and weights (the docstring fixes the shuffling)"""
    # fit's docstring prescribes default_rng(seed) and one rng.permutation(N) per epoch, so any correct fit visits the
    # samples in the same order; only the order of floating-point sums may differ (rtol 1e-5).
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    got = fit_both(student, SMALL_MLP, x, one_hot(y, 2), "categorical_crossentropy", 3, 20, seed,
                   learning_rate=0.1, momentum=0.9)
    expect_same_training(*got[:4], call=got[4], hint=FIXED_ORDER)


@pytest.mark.points(1)
def test_last_smaller_batch_is_trained_on(student, rng):
    """N = 100, batch_size = 32: four updates per epoch (the last on 4 samples), the loss averaged over samples"""
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    got = fit_both(student, SMALL_MLP, x, y, "sparse_categorical_crossentropy", 2, 32, seed, learning_rate=0.1)
    expect_same_training(*got[:4], call=got[4],
                         hint="100 samples in batches of 32 make ceil(100 / 32) = 4 mini-batches, the last of 4 "
                              "samples, and 4 updates; the epoch's loss is the mean per sample, so weight each "
                              "batch's loss by its size")


@pytest.mark.points(1)
def test_full_batch_is_gradient_descent(student, rng):
    """batch_size = N is plain gradient descent: one update per epoch on all samples, whatever their order"""
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    got = fit_both(student, SMALL_MLP, x, y, "sparse_categorical_crossentropy", 4, len(x), seed, learning_rate=0.5)
    expect_same_training(*got[:4], call=got[4],
                         hint="with batch_size = N every epoch is one forward pass on all samples, its loss, one "
                              "backward pass and one optimizer.apply(model.params, grads)")


@pytest.mark.points(1)
def test_seed_drives_the_shuffling(student, rng):
    """the same seed gives the same history, another seed another one: mini-batches are shuffled from the seed"""
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    histories = []
    for run_seed in (seed, seed, seed + 1):
        model, _ = models(student, SMALL_MLP, seed)  # the same initial weights for all three runs
        optimizer = student.new("optimizers.SGD", learning_rate=0.1)
        history, call = run_fit(student, model, optimizer, x, y, "sparse_categorical_crossentropy", 2, 10, run_seed)
        histories.append(expect_history(history, 2, call=call))
    first, again, other = histories
    if not np.allclose(first, again, rtol=1e-9, atol=0):
        fail(f"fit with seed={seed} twice, from the same initial weights, gave two different histories: "
             f"{first} and {again}.",
             hint="shuffle with a generator made from the seed, rng = np.random.default_rng(seed), not with "
                  "np.random's global functions.")
    if np.allclose(first, other, rtol=1e-9, atol=0) and np.allclose(first[0], first[1:], rtol=1e-9, atol=0):
        fail(f"fit with seed={seed} and with seed={seed + 1} gave the same history {first}, the same loss in every "
             f"epoch: the weights were not updated, so the order of the samples cannot matter.",
             hint="after each batch's backward pass, call optimizer.apply(model.params, grads).")
    if np.allclose(first, other, rtol=1e-9, atol=0):
        fail(f"fit with seed={seed} and with seed={seed + 1}, from the same initial weights, gave the same history "
             f"{first}: the mini-batches do not depend on the seed.",
             hint="shuffle every epoch: order = rng.permutation(N), then batches order[start:start + batch_size].")


@pytest.mark.points(1)
def test_loss_is_found_by_its_name(student, rng):
    """loss is a name: "mean_squared_error" trains with losses.mean_squared_error, an unknown name is a ValueError"""
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    got = fit_both(student, SMALL_MLP, x, one_hot(y, 2), "mean_squared_error", 2, 25, seed, learning_rate=0.1)
    expect_same_training(*got[:4], call=got[4],
                         hint='resolve the name to the losses module\'s functions: getattr(losses, loss) and '
                              'getattr(losses, loss + "_grad")')
    model = student.new("network.MLP", **SMALL_MLP, seed=seed)
    optimizer = student.new("optimizers.SGD", learning_rate=0.1)
    try:
        run_fit(student, model, optimizer, x, y, "hinge_loss", 1, 25, seed)
    except StudentException as raised:
        if raised.type_name == "ValueError":
            return
        fail(f'fit(..., loss="hinge_loss", ...) raised {raised.type_name}: {raised.message}; an unknown loss name '
             f"must raise ValueError.",
             hint='check the name first: if not callable(getattr(losses, loss, None)): raise ValueError(...)')
    fail('fit(..., loss="hinge_loss", ...) returned normally; an unknown loss name must raise ValueError.')


@pytest.mark.points(1)
def test_x_and_y_are_not_modified(student, rng):
    """fit leaves the caller's x and y unchanged (shuffle an index array, not the data), and trains as the reference"""
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    model, ref_model = models(student, SMALL_MLP, seed)
    optimizer = student.new("optimizers.SGD", learning_rate=0.1)
    reply, call = run_fit(student, model, optimizer, x, y, "sparse_categorical_crossentropy", 2, 25, seed,
                          echo_args=True)
    try:
        expect_unchanged(list(call.args), reply.args_after, call=call)
    except CheckFailure as failure:
        raise CheckFailure(failure.message, "shuffle an index array, order = rng.permutation(N), and pick each batch "
                                            "with x[idx]: rng.shuffle(x) or x[:] = x[order] reorders the caller's "
                                            "data.") from None
    # Unchanged inputs earn nothing on their own (a fit that does nothing keeps them too): the training must be right.
    ref_history = reference.call("training.fit", ref_model, x, y, "sparse_categorical_crossentropy",
                                 reference.resolve("optimizers.SGD")(learning_rate=0.1), 2, 25, seed)
    expect_same_training(reply.value, model.get("params"), ref_history, ref_model.params, call=call, hint=FIXED_ORDER)


@pytest.mark.points(2)
def test_capstone_learns_xor(student, rng):
    """the capstone: your MLP, SGD with momentum and fit learn XOR to at least 90% training accuracy"""
    settings = capstone()
    seed = int(rng.integers(1000))
    history, model = train_capstone(student, settings["momentum"], seed)
    x, y = capstone_data()
    scores = model.call("forward", x)
    if not (isinstance(scores, np.ndarray) and scores.shape == (len(x), settings["layer_sizes"][-1])):
        fail(f"after training, MLP.forward(x) on the {len(x)} capstone samples returned {describe_value(scores)}; "
             f"expected an array of shape ({len(x)}, {settings['layer_sizes'][-1]}).")
    accuracy = float(np.mean(np.argmax(scores, axis=1) == y))
    if not accuracy >= settings["target_accuracy"]:
        fail(f"the capstone MLP {settings['layer_sizes']} ({settings['hidden_activation']}, SGD with learning_rate "
             f"{settings['learning_rate']} and momentum {settings['momentum']}, {settings['epochs']} epochs of batches "
             f"of {settings['batch_size']}, seed {seed}) reached {accuracy:.0%} training accuracy on XOR; at least "
             f"{settings['target_accuracy']:.0%} is expected (the reference reaches 100%). Its losses per epoch: "
             f"{', '.join(f'{h:.3g}' for h in history)}.",
             hint=f"a loss that does not go down points to fit (is every batch followed by optimizer.apply?); "
                  f"{USES_YOUR_PIECES}.")


@pytest.mark.points(2)
def test_momentum_reaches_the_target_sooner(student, rng):
    """momentum 0.9 reaches the target loss in fewer epochs than plain SGD, from the same start"""
    settings = capstone()
    seed = int(rng.integers(1000))
    plain, _ = train_capstone(student, 0.0, seed)
    fast, _ = train_capstone(student, settings["momentum"], seed)
    plain_epochs, fast_epochs = epochs_to_target(plain), epochs_to_target(fast)

    def told(epochs):
        return f"after {epochs} epochs" if epochs else f"not within {settings['epochs']} epochs"

    if fast_epochs is None or (plain_epochs is not None and fast_epochs >= plain_epochs):
        fail(f"on the capstone (seed {seed}) the mean training loss reached {settings['target_loss']} "
             f"{told(fast_epochs)} with momentum {settings['momentum']} and {told(plain_epochs)} with plain SGD; "
             f"momentum must get there in fewer epochs (the reference pieces need 3 to 8 with momentum, at least 4 "
             f"fewer than without). Losses with momentum: {', '.join(f'{h:.3g}' for h in fast)}.",
             hint="velocity = momentum * velocity - learning_rate * grad, param = param + velocity, with one velocity "
                  f"per parameter kept across apply calls; {USES_YOUR_PIECES}.")
