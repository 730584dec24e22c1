"""Mini-batch training and the capstone: an MLP learns XOR

fit() alone: the student's training.py runs beside the reference's MLP, SGD and losses (the fixture ``alone``), so a
bug in another part costs that part's checks, not these: one loss per epoch; the reference's history where the docstring
fixes it (same seed, same initial weights, the last smaller batch included, full-batch descent); shuffling driven by
the seed; the loss found by its name; x and y left unchanged; momentum reaching the capstone's target loss in fewer
epochs than plain SGD; with validation_data, the reference's val_loss, and overfitting seen in it. One integration
check runs the student's own pieces together: their MLP, SGD and losses in their fit learn XOR. When it fails while the
others pass, its note names the parts that fail their own checks.

Two long runs are each trained once and read by two checks (``shared``): the validated run, by both validation checks;
the capstone run with momentum, by the capstone check and (on the whole submission, the same worker) the momentum
check.
"""

import numpy as np
import pytest

from grader import reference
from grader.compare import (
    Call,
    CheckFailure,
    describe_value,
    expect_scalar,
    expect_unchanged,
    expect_value,
    fail,
    format_number,
    hint,
)
from grader.i18n import tr
from grader.inputs import OVERFITTING_RUN, one_hot
from grader.sandbox.faults import StudentException

ORDER = 7
CAPSTONE_RUN = "capstone"  # the capstone's run with momentum: the capstone check and the momentum check read it
INTEGRATION = ("test_capstone_learns_xor",)  # the one check on the student's MLP, SGD and losses
USES = ("network", "losses", "optimizers")  # fit drives the model, the loss and the optimizer (see grader/callees.py)

FIT_SECONDS = 30  # a whole training run in one call; the reference needs a few hundredths of a second
SMALL_MLP = dict(layer_sizes=[2, 8, 2], hidden_activation="tanh", output_activation="softmax")


def capstone() -> dict:
    return reference.resolve("training.CAPSTONE")


def capstone_data() -> tuple[np.ndarray, np.ndarray]:
    """The capstone's data set (the XOR blobs), x (N, 2) and integer labels y (N,)."""
    return reference.call("training.capstone_data")


def handle(remote):
    """What the worker needs to receive one of its own objects as an argument (a RemoteObject does not cross)."""
    return remote._handle


def fit_args(model, optimizer, x, y, loss: str, epochs: int, batch_size: int, seed: int) -> tuple:
    """fit's positional arguments, the student's model and optimizer passed by handle."""
    return handle(model), x, y, loss, handle(optimizer), epochs, batch_size, seed


def run_fit(student, model, optimizer, x, y, loss: str, epochs: int, batch_size: int, seed: int, **options):
    """The student's fit on their own model and optimizer: its reply (a ``Reply`` when ``options`` ask for one, e.g.
    ``echo_args=True``; they are the call's, not fit's), and the Call that describes it."""
    args = fit_args(model, optimizer, x, y, loss, epochs, batch_size, seed)
    return student.call("training.fit", *args, timeout=FIT_SECONDS, **options), Call("training.fit", args)


def start_fit(student, model, optimizer, x, y, loss: str, epochs: int, batch_size: int, seed: int, **options):
    """:func:`run_fit` sent without waiting for its answer (a ``PendingCall``), so that the reference trains
    meanwhile; here ``options`` go to fit itself (``validation_data``)."""
    args = fit_args(model, optimizer, x, y, loss, epochs, batch_size, seed)
    return student.start("training.fit", *args, timeout=FIT_SECONDS, **options), Call("training.fit", args)


def fit_small_mlp(student, x, y, loss: str, epochs: int, batch_size: int, seed: int, **options):
    """fit on a new small MLP (seeded with ``seed``) and plain SGD (learning rate 0.1), both the student's own."""
    model = student.new("network.MLP", **SMALL_MLP, seed=seed)
    optimizer = student.new("optimizers.SGD", learning_rate=0.1)
    return run_fit(student, model, optimizer, x, y, loss, epochs, batch_size, seed, **options)


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
    fitting, call = start_fit(student, model, optimizer, x, y, loss, epochs, batch_size, seed)

    def reference_fit() -> tuple[list[float], dict]:
        ref_optimizer = reference.resolve("optimizers.SGD")(**sgd)
        ref_history = reference.call("training.fit", ref_model, x, y, loss, ref_optimizer, epochs, batch_size, seed)
        return ref_history, ref_model.params  # fit trains the model in place

    # The same for every student of a class graded with one seed: trained once per grading process
    history, (ref_history, ref_params) = fitting.meanwhile(lambda: reference.kept(
        ("fit", layers, x, y, loss, epochs, batch_size, seed, sgd), reference_fit))
    return history, model.get("params"), ref_history, ref_params, call


def expect_history(history, epochs: int, *, call: Call) -> list[float]:
    """fit's result must be `epochs` finite numbers (a list); returns them as floats."""
    if isinstance(history, np.ndarray) and history.ndim == 1:
        history = list(history)
    if not isinstance(history, (list, tuple)):
        fail(tr("suite.training.not_a_list", call=call.describe(), got=describe_value(history), epochs=epochs),
             hint=tr("suite.training.not_a_list_hint"))
    if len(history) != epochs:
        counts = dict(call=call.describe(), count=len(history), epochs=epochs)
        one_loss, wrong_length = tr("suite.training.one_loss", **counts), tr("suite.training.wrong_length", **counts)
        fail(one_loss if len(history) == 1 else wrong_length)
    for epoch, value in enumerate(history, start=1):
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value[()]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            fail(tr("suite.training.epoch_not_a_number", call=call.describe(), epoch=epoch, got=describe_value(value)))
        if not np.isfinite(value):
            fail(tr("suite.training.epoch_not_finite", call=call.describe(), epoch=epoch, got=format_number(value)))
    return [float(v) for v in history]


def expect_same_training(history, params, ref_history, ref_params, *, call: Call, why: str) -> None:
    """The same losses epoch by epoch, then the same trained weights (tolerance for a different order of sums)."""
    with hint(why):
        history = expect_history(history, len(ref_history), call=call)
        for epoch, (got, expected) in enumerate(zip(history, ref_history, strict=True), start=1):
            expect_scalar(got, expected, call=call, what=tr("suite.training.epoch_loss", epoch=epoch), rtol=1e-5)
        expect_value(params, ref_params, call=call, what=tr("suite.training.params_after_fit"), rtol=1e-5, atol=1e-8)


def train_capstone(student, momentum: float, seed: int, epochs: int | None = None):
    """The capstone run with ``student``'s pieces, for CAPSTONE's epochs or the first ``epochs`` of them: returns the
    history (floats) and the trained model."""
    settings = capstone()
    if epochs is None:
        epochs = settings["epochs"]
    x, y = capstone_data()
    model = student.new("network.MLP", settings["layer_sizes"], hidden_activation=settings["hidden_activation"],
                        output_activation=settings["output_activation"], seed=seed)
    optimizer = student.new("optimizers.SGD", learning_rate=settings["learning_rate"], momentum=momentum)
    history, call = run_fit(student, model, optimizer, x, y, settings["loss"], epochs, settings["batch_size"], seed)
    return expect_history(history, epochs, call=call), model


def capstone_with_momentum(student, shared):
    """The capstone run with CAPSTONE's momentum and ``student``'s pieces: its seed, the history and the trained
    model. One training per worker in a run of the suites, read by the capstone check and by the momentum check (on
    the whole submission, the same worker: a second run could only answer the same)."""
    return shared.seeded_run(CAPSTONE_RUN, student, lambda seed: train_capstone(student, capstone()["momentum"], seed))


def epochs_to_target(history: list[float]) -> int | None:
    return reference.resolve("training.epochs_to_target")(history, capstone()["target_loss"])


def losses(history: list[float]) -> str:
    """A history as a failure shows it: ``0.693, 0.52, 0.31``."""
    return ", ".join(f"{h:.3g}" for h in history)


@pytest.mark.public
@pytest.mark.points(0.5)
def test_fit_returns_one_loss_per_epoch(alone, rng):
    """fit should return a list with one loss (a number) per epoch"""
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    history, call = fit_small_mlp(alone, x, y, "sparse_categorical_crossentropy", 3, 25, seed)
    expect_history(history, 3, call=call)


@pytest.mark.points(1)
def test_fit_matches_reference_history(alone, rng):
    """the same seed and initial weights should give the reference's losses and weights (shuffled as documented)"""
    # fit's docstring prescribes default_rng(seed) and one rng.permutation(N) per epoch, so any correct fit visits the
    # samples in the same order; only the order of floating-point sums may differ (rtol 1e-5).
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    got = fit_both(alone, SMALL_MLP, x, one_hot(y, 2), "categorical_crossentropy", 3, 20, seed,
                   learning_rate=0.1, momentum=0.9)
    expect_same_training(*got[:4], call=got[4], why=tr("suite.training.fixed_order"))


@pytest.mark.points(1)
def test_last_smaller_batch_is_trained_on(alone, rng):
    """N = 100, batch_size = 32 should give 4 updates per epoch (the last on 4 samples), the loss a mean over samples"""
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    got = fit_both(alone, SMALL_MLP, x, y, "sparse_categorical_crossentropy", 2, 32, seed, learning_rate=0.1)
    expect_same_training(*got[:4], call=got[4], why=tr("check.training.test_last_smaller_batch_is_trained_on.hint"))


@pytest.mark.points(1)
def test_full_batch_is_gradient_descent(alone, rng):
    """batch_size = N should be plain gradient descent: one update per epoch on all samples, whatever their order"""
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    got = fit_both(alone, SMALL_MLP, x, y, "sparse_categorical_crossentropy", 4, len(x), seed, learning_rate=0.5)
    expect_same_training(*got[:4], call=got[4], why=tr("check.training.test_full_batch_is_gradient_descent.hint"))


@pytest.mark.points(1)
def test_seed_drives_the_shuffling(alone, rng):
    """mini-batches should be shuffled from the seed: the same seed gives the same history, another seed another one"""
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    histories = []
    for shuffling_seed in (seed, seed, seed + 1):
        model, _ = models(alone, SMALL_MLP, seed)  # the same initial weights for all three runs
        optimizer = alone.new("optimizers.SGD", learning_rate=0.1)
        history, call = run_fit(alone, model, optimizer, x, y, "sparse_categorical_crossentropy", 2, 10,
                                shuffling_seed)
        histories.append(expect_history(history, 2, call=call))
    first, again, other = histories
    if not np.allclose(first, again, rtol=1e-9, atol=0):
        fail(tr("check.training.test_seed_drives_the_shuffling.not_repeatable", seed=seed, first=first, again=again),
             hint=tr("check.training.test_seed_drives_the_shuffling.not_repeatable_hint"))
    if np.allclose(first, other, rtol=1e-9, atol=0) and np.allclose(first[0], first[1:], rtol=1e-9, atol=0):
        fail(tr("check.training.test_seed_drives_the_shuffling.not_trained", seed=seed, other=seed + 1, history=first),
             hint=tr("check.training.test_seed_drives_the_shuffling.not_trained_hint"))
    if np.allclose(first, other, rtol=1e-9, atol=0):
        fail(tr("check.training.test_seed_drives_the_shuffling.not_shuffled", seed=seed, other=seed + 1, history=first),
             hint=tr("check.training.test_seed_drives_the_shuffling.not_shuffled_hint"))


@pytest.mark.points(1)
def test_loss_is_found_by_its_name(alone, rng):
    """loss should be a name: "mean_squared_error" trains with losses.mean_squared_error, others raise ValueError"""
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    got = fit_both(alone, SMALL_MLP, x, one_hot(y, 2), "mean_squared_error", 2, 25, seed, learning_rate=0.1)
    expect_same_training(*got[:4], call=got[4], why=tr("check.training.test_loss_is_found_by_its_name.hint"))
    expect_unknown_loss_refused(lambda: fit_small_mlp(alone, x, y, UNKNOWN_LOSS, 1, 25, seed),
                                f'fit(..., loss="{UNKNOWN_LOSS}", ...)')


UNKNOWN_LOSS = "hinge_loss"  # a loss the losses module does not define


def expect_unknown_loss_refused(run, called: str) -> None:
    """``run()`` runs the student's ``called`` with the loss name ``UNKNOWN_LOSS``: it must raise ValueError."""
    try:
        run()
    except StudentException as raised:
        if raised.type_name == "ValueError":
            return
        fail(tr("suite.training.unknown_loss_wrong_error", called=called, type=raised.type_name,
                message=raised.message),
             hint=tr("suite.training.unknown_loss_hint"))
    fail(tr("suite.training.unknown_loss_no_error", called=called))


@pytest.mark.points(0.5)
def test_evaluate_gives_the_loss_and_trains_nothing(alone, rng):
    """evaluate(model, x, y, loss) should give the model's loss without training, and ValueError for an unknown loss"""
    x, y = capstone_data()
    model, ref_model = models(alone, SMALL_MLP, int(rng.integers(1000)))
    args = (handle(model), x, y, "sparse_categorical_crossentropy")
    call = Call("training.evaluate", args)
    expect_scalar(alone.call(call.target, *args), reference.call(call.target, ref_model, *args[1:]), call=call)
    expect_value(model.get("params"), ref_model.params, call=call,
                 what=tr("check.training.test_evaluate_gives_the_loss_and_trains_nothing.params"))
    expect_unknown_loss_refused(lambda: alone.call(call.target, handle(model), x, y, UNKNOWN_LOSS),
                                f'evaluate(model, x, y, "{UNKNOWN_LOSS}")')


@pytest.mark.points(1)
def test_x_and_y_are_not_modified(alone, rng):
    """fit should leave the caller's x and y unchanged (shuffle an index array, not the data)"""
    x, y = capstone_data()
    seed = int(rng.integers(1000))
    reply, call = fit_small_mlp(alone, x, y, "sparse_categorical_crossentropy", 2, 25, seed, echo_args=True)
    with hint(tr("check.training.test_x_and_y_are_not_modified.hint")):
        expect_unchanged(list(call.args), reply.args_after, call=call)  # the training itself: the history checks


@pytest.mark.points(2)
def test_capstone_learns_xor(student, shared):
    """the capstone: your MLP, SGD with momentum and fit should learn XOR to at least 90% training accuracy"""
    settings = capstone()
    seed, history, model = capstone_with_momentum(student, shared)
    x, y = capstone_data()
    scores = model.call("forward", x)
    shape = (len(x), settings["layer_sizes"][-1])
    if not (isinstance(scores, np.ndarray) and scores.shape == shape):
        fail(tr("check.training.test_capstone_learns_xor.not_scores", n=len(x), got=describe_value(scores),
                shape=shape))
    accuracy = float(np.mean(np.argmax(scores, axis=1) == y))
    if not accuracy >= settings["target_accuracy"]:
        fail(tr("check.training.test_capstone_learns_xor.not_learned", layers=settings["layer_sizes"],
                activation=settings["hidden_activation"], rate=settings["learning_rate"],
                momentum=settings["momentum"], epochs=settings["epochs"], batch=settings["batch_size"], seed=seed,
                accuracy=f"{accuracy:.0%}", target=f"{settings['target_accuracy']:.0%}", losses=losses(history)),
             hint=tr("check.training.test_capstone_learns_xor.hint"))


@pytest.mark.points(1)
def test_momentum_reaches_the_target_sooner(alone, shared):
    """momentum 0.9 should reach the target loss in fewer epochs than plain SGD, from the same start"""
    settings = capstone()
    seed, fast, _ = capstone_with_momentum(alone, shared)
    fast_epochs = epochs_to_target(fast)
    # Plain SGD is watched only for as long as momentum took: for a fit that follows its docstring (one permutation
    # per epoch) a shorter run is a longer one's first epochs, and plain SGD reaching the target later, or never, is a
    # pass alike. A fit that answers the shorter run wrongly (ignoring epochs, say) is judged on the whole run, as
    # before, so that the bug costs this check nothing more.
    try:
        plain, _ = train_capstone(alone, 0.0, seed, epochs=fast_epochs)
    except CheckFailure:
        plain, _ = train_capstone(alone, 0.0, seed)
    plain_epochs = epochs_to_target(plain)

    def told(epochs):
        if epochs:
            return tr("check.training.test_momentum_reaches_the_target_sooner.reached", epochs=epochs)
        return tr("check.training.test_momentum_reaches_the_target_sooner.not_reached", epochs=settings["epochs"])

    if fast_epochs is None or (plain_epochs is not None and fast_epochs >= plain_epochs):
        fail(tr("check.training.test_momentum_reaches_the_target_sooner.not_sooner", seed=seed,
                target=settings["target_loss"], fast=told(fast_epochs), momentum=settings["momentum"],
                plain=told(plain_epochs), losses=losses(fast)),
             hint=tr("check.training.test_momentum_reaches_the_target_sooner.hint"))


# -- validation data: overfitting, seen --------------------------------------------------------------------------


def overfitting() -> dict:
    return reference.resolve("training.OVERFITTING")


def fit_validated(student, seed: int):
    """OVERFITTING's run with validation_data, in the student's fit and in the reference's, from the same weights.

    Returns the student's reply, the reference's dict(loss=, val_loss=) (run_overfitting: the same model, optimizer
    and data, remembered by the grading process for every student of a class) and the Call.
    """
    settings = overfitting()
    x, y, x_val, y_val = reference.call("training.overfitting_data")
    layers = {k: settings[k] for k in ("layer_sizes", "hidden_activation", "output_activation")}
    model, _ = models(student, layers, seed)
    optimizer = student.new("optimizers.SGD", learning_rate=settings["learning_rate"], momentum=settings["momentum"])
    fitting, call = start_fit(student, model, optimizer, x, y, settings["loss"], settings["epochs"],
                              settings["batch_size"], seed, validation_data=(x_val, y_val))
    return *fitting.meanwhile(lambda: reference.remembered("training.run_overfitting", seed)), call


def validated_run(student, shared):
    """The seed and fit_validated's answers: one training per run of the suites (and per submission it is given),
    read by both validation checks (the longest run of the suites; a second would answer the same)."""

    def run(seed: int):
        reply, expected, call = fit_validated(student, seed)
        shared.keep_for_report(OVERFITTING_RUN, reply)  # the report's overfitting figure draws it (the same seed)
        return reply, expected, call

    return shared.seeded_run(OVERFITTING_RUN, student, run)


def expect_validated_history(reply, epochs: int, *, call: Call) -> tuple[list[float], list[float]]:
    """fit's reply with validation_data must be dict(loss=[...], val_loss=[...]), each ``epochs`` finite numbers."""
    if not (isinstance(reply, dict) and {"loss", "val_loss"} <= set(reply)):
        fail(tr("suite.training.not_validated", call=call.describe(), got=describe_value(reply)),
             hint=tr("suite.training.not_validated_hint"))
    return expect_history(reply["loss"], epochs, call=call), expect_history(reply["val_loss"], epochs, call=call)


@pytest.mark.points(1)
def test_validation_loss_matches_reference(alone, shared):
    """fit(..., validation_data=(x_val, y_val)) should return the reference's dict(loss=..., val_loss=...)"""
    _, reply, expected, call = validated_run(alone, shared)
    loss, val_loss = expect_validated_history(reply, overfitting()["epochs"], call=call)
    with hint(tr("check.training.test_validation_loss_matches_reference.hint")):
        for epoch, (got, want) in enumerate(zip(val_loss, expected["val_loss"], strict=True), start=1):
            expect_scalar(got, want, call=call, what=tr("suite.training.epoch_val_loss", epoch=epoch), rtol=1e-5)
    with hint(tr("suite.training.fixed_order")):
        for epoch, (got, want) in enumerate(zip(loss, expected["loss"], strict=True), start=1):
            expect_scalar(got, want, call=call, what=tr("suite.training.epoch_loss", epoch=epoch), rtol=1e-5)


def overfitting_seen(loss: list[float], val_loss: list[float]) -> bool:
    """Training loss still falling after the validation loss's minimum, which comes in the first half of the run; the
    last validation loss is at least 1.5 times that minimum."""
    best = int(np.argmin(val_loss))
    return best < len(val_loss) // 2 and loss[-1] < loss[best] and val_loss[-1] >= 1.5 * val_loss[best]


@pytest.mark.points(1)
def test_overfitting_is_seen(alone, shared):
    """on 16 noisy XOR samples an over-large MLP should overfit: training loss falls, validation loss rises again"""
    settings = overfitting()
    seed, reply, _, call = validated_run(alone, shared)
    loss, val_loss = expect_validated_history(reply, settings["epochs"], call=call)
    if not overfitting_seen(loss, val_loss):
        best = int(np.argmin(val_loss))
        fail(tr("check.training.test_overfitting_is_seen.not_seen", seed=seed, epochs=settings["epochs"],
                best=best + 1, best_val=format_number(val_loss[best]), last_val=format_number(val_loss[-1]),
                first=format_number(loss[0]), last=format_number(loss[-1])),
             hint=tr("check.training.test_overfitting_is_seen.hint"))
