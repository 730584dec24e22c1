"""``reference.remembered``: a long reference run is computed once per grading process, and nobody can spoil it."""

from __future__ import annotations

import numpy as np
import pytest

from grader import gradcheck, reference
from grader.gradcheck import numeric_gradient as gradcheck_numeric_gradient
from grader.gradcheck import reference_gradient
from grader.grading import grade
from tests.conftest import SOLUTIONS


@pytest.fixture
def counted(monkeypatch):
    """The live reference's ``training.run_overfitting``, counting its runs (a fresh memory for each test)."""
    monkeypatch.setattr(reference, "_remembered", {})
    runs: list[int] = []
    real = reference.LiveReference().resolve("training.run_overfitting")

    def run_overfitting(seed: int = 0):
        runs.append(seed)
        return real(seed)

    live = reference.LiveReference()
    monkeypatch.setattr(live, "resolve", lambda target: run_overfitting if target == "training.run_overfitting"
                        else reference.LiveReference.resolve(live, target))
    with reference.using(live):
        yield runs


def test_the_same_request_runs_once_and_answers_what_the_reference_answers(counted):
    first = reference.remembered("training.run_overfitting", 3)
    second = reference.remembered("training.run_overfitting", 3)
    assert counted == [3]
    assert first == second == reference.LiveReference().resolve("training.run_overfitting")(3)
    reference.remembered("training.run_overfitting", 4)
    assert counted == [3, 4]


def test_a_caller_that_changes_its_answer_changes_nobody_elses(counted):
    reference.remembered("training.run_overfitting", 3)["loss"][0] = -1.0
    assert reference.remembered("training.run_overfitting", 3)["loss"][0] > 0


def test_floats_an_ulp_apart_are_different_requests():
    x = np.array([0.1, 0.2])
    nudged = np.nextafter(x, 1.0)
    assert reference.digest(x, exact=True) != reference.digest(nudged, exact=True)
    assert reference.digest(x) == reference.digest(nudged)  # a replay's digest forgives the last bits on purpose


def test_a_recording_sees_every_request(monkeypatch):
    asked: list[str] = []

    class Recording(reference.LiveReference):
        def resolve(self, target):
            asked.append(target)
            return super().resolve(target)

    monkeypatch.setattr(reference, "_remembered", {})
    with reference.using(Recording()):
        reference.remembered("training.run_overfitting", 1)
        reference.remembered("training.run_overfitting", 1)
    assert asked == ["training.run_overfitting"] * 2


def test_a_kept_value_is_computed_once_per_key_and_each_caller_gets_a_copy(monkeypatch):
    monkeypatch.setattr(reference, "_remembered", {})
    computed: list[int] = []

    def compute(n: int):
        computed.append(n)
        return {"grad": np.full(3, float(n))}

    x = np.arange(3.0)
    first = reference.kept(("demo", x, 1), lambda: compute(1))
    first["grad"][0] = -1.0
    assert reference.kept(("demo", x, 1), lambda: compute(1))["grad"].tolist() == [1.0, 1.0, 1.0]
    assert computed == [1]
    reference.kept(("demo", np.nextafter(x, 9.0), 1), lambda: compute(2))  # another input, another value
    assert computed == [1, 2]
    with reference.using(type("Recording", (reference.LiveReference,), {})()):  # a recording sees every request
        reference.kept(("demo", x, 1), lambda: compute(3))
    assert computed == [1, 2, 3]


def test_a_reference_gradient_is_computed_once_per_call(monkeypatch):
    monkeypatch.setattr(reference, "_remembered", {})
    computed: list[str] = []
    monkeypatch.setattr(gradcheck, "numeric_gradient",
                        lambda loss, x, h: computed.append("once") or gradcheck_numeric_gradient(loss, x, h))
    x, upstream = np.array([[0.5, -1.0, 2.0]]), np.array([[1.0, -2.0, 0.5]])
    first = reference_gradient("activations.softmax", (x,), 0, upstream=upstream)
    softmax = reference.call("activations.softmax", x)
    expected = softmax * (upstream - np.sum(upstream * softmax, axis=-1, keepdims=True))  # softmax's backward
    np.testing.assert_allclose(first, expected, rtol=1e-6)
    first[0, 0] = 99.0  # a check that changes its copy
    assert reference_gradient("activations.softmax", (x,), 0, upstream=upstream)[0, 0] != 99.0
    assert computed == ["once"]
    reference_gradient("activations.softmax", (x,), 0, upstream=upstream + 1.0)  # another L: computed
    reference_gradient("activations.softmax", (x + 1.0,), 0, upstream=upstream)  # another input: computed
    reference_gradient("activations.log_softmax", (x,), 0, upstream=upstream)  # another function: computed
    assert len(computed) == 4


def test_the_reference_side_of_the_fit_checks_trains_once_per_grading_process(monkeypatch, tmp_path):
    """fit's history checks train the reference's fit beside the student's; with one seed every student asks the
    same, so a second grade trains it no more, and still passes the reference."""
    monkeypatch.setattr(reference, "_remembered", {})
    fits: list[int] = []
    live = reference.LiveReference()
    real_fit = live.resolve("training.fit")

    def fit(*args, **kwargs):
        fits.append(1)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(live, "resolve", lambda target: fit if target == "training.fit"
                        else reference.LiveReference.resolve(live, target))
    with reference.using(live):
        first = grade(SOLUTIONS, ["training"])
        trained = len(fits)
        second = grade(SOLUTIONS, ["training"])
    assert trained >= 3 and len(fits) == trained
    assert first.points == first.max_points and second.points == second.max_points
