"""Recording the reference's answers and replaying them without reference code (grader.reference)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from grader import reference
from grader.classroom.recording import Recorder, RecordingError, RecordingFunction
from grader.reference import MissingReferenceValue, RecordedValues, ReplayedReference

# Requests made by these tests count as made outside any check (as while the suites load), so they are recorded.


def test_a_replayed_function_answers_the_recorded_call_and_no_other():
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    recorder = Recorder(public=set())
    with reference.using(recorder):
        expected = reference.call("activations.sigmoid", x)
    replayed = ReplayedReference(recorder.values)
    with reference.using(replayed):
        got = reference.call("activations.sigmoid", x.copy())
        assert got.dtype == expected.dtype and np.array_equal(got, expected)
        assert list(inspect.signature(reference.resolve("activations.sigmoid")).parameters) == ["x"]
        with pytest.raises(MissingReferenceValue, match="needs a reference value the release does not have: "
                                                        "activations.sigmoid called with these arguments"):
            reference.call("activations.sigmoid", x + 1e-7)
        with pytest.raises(MissingReferenceValue, match="activations.tanh"):
            reference.resolve("activations.tanh")
        with pytest.raises(MissingReferenceValue):  # same bytes, other dtype: another question
            reference.call("activations.sigmoid", x.astype(np.float32))


def test_inputs_an_ulp_apart_are_the_same_request():
    # another CPU or math library may draw the same seeded input a last bit apart; it must find the same answer
    x = np.linspace(-3, 3, 12).reshape(3, 4) + 0.123456789
    recorder = Recorder(public=set())
    with reference.using(recorder):
        expected = reference.call("activations.sigmoid", x)
    nudged = x.copy()
    nudged[::2] = np.nextafter(nudged[::2], np.inf)
    nudged[1::2] = np.nextafter(nudged[1::2], -np.inf)
    assert not np.array_equal(nudged, x)
    with reference.using(ReplayedReference(recorder.values)):
        assert np.array_equal(reference.call("activations.sigmoid", nudged), expected)
        with pytest.raises(MissingReferenceValue):  # a difference a check could mean is another request
            reference.call("activations.sigmoid", x * (1 + 1e-8))


def test_recorded_values_keep_their_types_through_the_files(tmp_path):
    value = (np.arange(6, dtype=np.float32).reshape(2, 3), np.float64(0.25), 1 / 3, 7, True, None, "relu",
             [1.5, np.int64(2)], {"W1": np.eye(2), 3: -0.0})
    values = RecordedValues()
    values.answers["key"] = reference.encode(value, values.arrays)
    values.write(tmp_path / "reference_values.json")
    again = RecordedValues.read(tmp_path / "reference_values.json")
    got = reference.decode(again.answers["key"], again.arrays)
    assert type(got) is tuple and got[0].dtype == np.float32 and np.array_equal(got[0], value[0])
    assert type(got[1]) is np.float64 and got[1] == 0.25
    assert got[2] == 1 / 3 and type(got[3]) is int and got[4] is True and got[5] is None and got[6] == "relu"
    assert got[7] == [1.5, 2] and type(got[7][1]) is np.int64
    assert set(got[8]) == {"W1", 3} and np.array_equal(got[8]["W1"], np.eye(2)) and str(got[8][3]) == "-0.0"
    got[0][0, 0] = 99.0  # a check may change what it is given; the next answer is fresh
    assert reference.decode(again.answers["key"], again.arrays)[0][0, 0] == 0.0


def test_a_replayed_object_answers_in_the_states_it_was_recorded_in():
    x = np.random.default_rng(0).standard_normal((5, 4))

    def use(source, set_biases=True):
        with reference.using(source):
            model = reference.resolve("network.MLP")([4, 6, 3], hidden_activation="tanh", seed=0)
            if set_biases:
                model.params = {k: v + 0.5 if k.startswith("b") else v for k, v in model.params.items()}
            return model.forward(x), model.param_count(), model

    recorder = Recorder(public=set())
    out, count, _ = use(recorder)
    replayed = ReplayedReference(recorder.values)
    again, count_again, model = use(replayed)
    assert np.array_equal(again, out) and count_again == count == 4 * 6 + 6 + 6 * 3 + 3
    parameters = inspect.signature(type(model).forward).parameters
    assert list(parameters) == ["self", "x"]
    with pytest.raises(MissingReferenceValue, match="network.MLP.forward called in this state"):
        use(replayed, set_biases=False)  # forward before the params were set: a state never recorded


def test_an_answer_that_cannot_be_replayed_names_its_check(monkeypatch):
    class Live:
        def resolve(self, target):
            return lambda x: object()

    monkeypatch.setenv("PYTEST_CURRENT_TEST", "check_losses.py::test_loss_is_one_number[mean] (call)")
    recorder = Recorder(public={("losses", "test_loss_is_one_number")}, live=Live())
    with reference.using(recorder), pytest.raises(RecordingError, match="the check losses::test_loss_is_one_number "
                                                                        "gets a value of type object"):
        reference.call("losses.mean", np.zeros(3))


def test_a_hidden_check_gets_the_live_reference_unrecorded(monkeypatch):
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "check_activations.py::test_softmax_hidden (call)")
    recorder = Recorder(public={("activations", "test_softmax_public")})
    with reference.using(recorder):
        softmax = reference.resolve("activations.softmax")
        softmax(np.zeros((2, 3)))
    assert not isinstance(softmax, RecordingFunction)
    assert recorder.values.targets == {} and recorder.values.answers == {}


def test_the_instructors_copy_grades_with_the_live_reference():
    assert not reference.is_replayed()
    assert reference.resolve("activations.relu").__module__ == "solutions.activations"
