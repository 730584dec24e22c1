"""``shared.once``: what several checks of one grade read is computed once, and every reader sees the same answer."""

from __future__ import annotations

import pytest

from grader import grading, reference
from grader.grading import grade
from grader.inputs import run_seed
from grader.shared import Shared
from tests.grader.submissions import make_submission

VALIDATION_CHECKS = ("test_validation_loss_matches_reference", "test_overfitting_is_seen")


def test_a_value_is_computed_once_and_each_reader_gets_its_own_copy():
    shared, calls = Shared(seed=1), []

    def compute():
        calls.append(1)
        return {"loss": [1.0, 0.5]}

    first = shared.once("run", compute)
    first["loss"].append(99.0)
    assert shared.once("run", compute) == {"loss": [1.0, 0.5]}
    assert len(calls) == 1
    assert Shared(seed=1).once("run", compute) == {"loss": [1.0, 0.5]} and len(calls) == 2  # a new grade computes


def test_a_fault_is_raised_again_without_running_the_code_again():
    shared, calls = Shared(seed=1), []

    def compute():
        calls.append(1)
        raise TimeoutError("fit did not finish")

    for _ in range(2):
        with pytest.raises(TimeoutError, match="fit did not finish"):
            shared.once("run", compute)
    assert len(calls) == 1


def test_a_runs_seed_is_the_same_within_a_grade_and_follows_its_seed_and_name():
    seeds = {(seed, name): run_seed(seed, name) for seed in range(20) for name in ("overfitting", "capstone")}
    assert all(0 <= drawn < 1000 for drawn in seeds.values())
    assert len(set(seeds.values())) > 30  # other seeds and other names draw other runs
    assert run_seed(20260101, "overfitting") == 871  # the seed the default grade's validation checks name


def test_both_validation_checks_read_one_run_of_the_students_fit(tmp_path):
    """The student's fit prints once per run with validation_data: one grade prints it once, and a wrong val_loss
    fails the check that compares it (a val_loss shifted by one still rises, so overfitting is still seen)."""
    old = "    return history if validation_data is None else dict(loss=history, val_loss=val_history)\n"
    folder = make_submission(tmp_path, "training", old, "    if validation_data is not None:\n"
                             "        print('validated run')\n"
                             "        val_history = [v + 1.0 for v in val_history]\n" + old)
    result = grade(folder, ["training"])
    checks = {c.name: c for c in result.parts[0].checks}
    assert sum(checks[name].output.count("validated run") for name in VALIDATION_CHECKS) == 1
    assert checks["test_validation_loss_matches_reference"].outcome == "failed"
    assert "val" in checks["test_validation_loss_matches_reference"].message
    assert checks["test_overfitting_is_seen"].outcome == "passed"


def test_the_capstone_check_and_the_momentum_check_read_one_run_with_momentum(tmp_path):
    """On the whole submission the capstone run with momentum is trained once (the capstone check reads its model,
    the momentum check its history), plain SGD once more, only for as many epochs as momentum took to reach the
    target; each from the capstone's seed for the grade."""
    old = "    history, val_history = [], []\n"
    spy = ("    if optimizer.learning_rate == 0.05:  # the capstone's\n"
           "        print(f'capstone run, momentum {optimizer.momentum}, {epochs} epochs, seed {seed}')\n")
    folder = make_submission(tmp_path, "training", old, spy + old)
    result = grade(folder, ["training"])
    checks = {c.name: c for c in result.parts[0].checks}
    printed = checks["test_capstone_learns_xor"].output + checks["test_momentum_reaches_the_target_sooner"].output
    seed = run_seed(result.seed, "capstone")
    fast = reference.call("training.run_capstone", 0.9, seed)["epochs_to_target"]
    assert 1 < fast < 20
    assert sorted(printed.splitlines()) == [f"capstone run, momentum 0.0, {fast} epochs, seed {seed}",
                                            f"capstone run, momentum 0.9, 20 epochs, seed {seed}"]
    assert all(checks[name].outcome == "passed"
               for name in ("test_capstone_learns_xor", "test_momentum_reaches_the_target_sooner"))


def test_a_forward_pass_that_fails_after_training_costs_the_capstone_check_not_the_momentum_check(tmp_path,
                                                                                                  monkeypatch):
    """The momentum check reads only the shared run's history: a forward pass that fails on the whole capstone data
    set (100 samples, never a training batch of the capstone's) fails the capstone check, which asks for it, while
    the momentum check passes on the whole submission and is not judged again alone."""
    old = "        a = np.asarray(x)\n        cache = []\n"
    folder = make_submission(tmp_path, "network", old, "        if len(x) == 100:\n"
                             "            raise RuntimeError('no forward pass on 100 samples')\n" + old)
    judged_again = []

    def failed_on_the_whole(run):
        judged_again.extend(grading_failed_on_the_whole(run))
        return judged_again

    grading_failed_on_the_whole = grading.failed_on_the_whole
    monkeypatch.setattr(grading, "failed_on_the_whole", failed_on_the_whole)
    checks = {c.name: c for c in grade(folder, ["training"]).parts[0].checks}
    assert checks["test_capstone_learns_xor"].outcome == "error"  # the student's code raised
    assert "no forward pass on 100 samples" in checks["test_capstone_learns_xor"].message
    assert checks["test_momentum_reaches_the_target_sooner"].outcome == "passed"
    assert judged_again and ("training", "test_momentum_reaches_the_target_sooner") not in judged_again


def test_a_fit_that_ignores_a_shorter_epochs_costs_the_momentum_check_nothing(tmp_path):
    """The momentum check trains plain SGD only as long as momentum took; a fit that answers that shorter run wrongly
    (here, with the capstone's learning rate, it trains 20 epochs whatever it is told) is judged on the whole run, as
    it always was: it passes, as it did when every run was the whole run."""
    old = "    for _ in range(epochs):\n"
    folder = make_submission(tmp_path, "training", old,
                             "    for _ in range(20 if optimizer.learning_rate == 0.05 else epochs):\n")
    checks = {c.name: c for c in grade(folder, ["training"]).parts[0].checks}
    assert checks["test_momentum_reaches_the_target_sooner"].outcome == "passed"
