"""Calls put off (``Submission.new``, ``RemoteObject.set``): creating an object and setting its attributes travel with
the next request that needs an answer, in one message, and every promise of a call made at once is kept: a fault is
the constructor's or the setter's own, raised before the request's answer, a crash is charged to the function that
crashed, and a check that only creates an object is judged on it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grader.parts import Part
from grader.runner import run_suites
from grader.sandbox.faults import BadReply, StudentException, WorkerCrashed
from grader.sandbox.limits import Limits

from submissions import probe_submission

PROBE = """\
import os

MADE = []


class Counter:
    def __init__(self, start=0):
        MADE.append(start)
        self.start = start
        self._step = 1

    @property
    def step(self):
        return self._step

    @step.setter
    def step(self, value):
        if value < 0:
            raise ValueError("a step must not be negative")
        self._step = value

    def next(self):
        self.start += self._step
        return self.start

    def boom(self):
        os._exit(3)


class Broken:
    def __init__(self):
        raise TypeError("the constructor's own fault")


class Crashes:
    def __init__(self):
        os._exit(3)


def made():
    return len(MADE)


def step_of(counter):
    return counter.step


def not_a_class():
    return 42
"""


@pytest.fixture
def student(tmp_path: Path):
    with probe_submission(tmp_path, PROBE, Limits(call_seconds=1.0)) as submission:
        yield submission


def test_creating_and_setting_travel_with_the_next_call_that_needs_an_answer(student):
    student.call("probe.made")  # the worker started and the module imported
    sent_before = student.worker.seq
    counter = student.new("probe.Counter", 10)
    counter.set("step", 5)
    assert student.worker.seq == sent_before  # nothing sent yet
    assert counter.call("next") == 15
    assert student.worker.seq == sent_before + 1  # the three in one message
    assert counter.call("next") == 20 and student.call("probe.made") == 1  # created once, kept by the worker


def test_a_constructors_fault_is_raised_before_the_answer_and_nothing_after_it_runs(student):
    broken = student.new("probe.Broken")
    with pytest.raises(StudentException, match="the constructor's own fault") as raised:
        broken.call("next")
    assert raised.value.target == "probe.Broken"
    with pytest.raises(StudentException, match="a step must not be negative") as raised:
        counter = student.new("probe.Counter")
        counter.set("step", -1)
        student.new("probe.Counter")
        student.call("probe.made")
    assert raised.value.target == "probe.Counter.step"
    assert student.call("probe.made") == 1  # the second Counter, put off after the failed setter, was never made


def test_calls_on_an_object_of_an_earlier_message_are_made_at_once(student):
    # Were the set to ride with boom, the message would fail as a whole and be made again call by call in a fresh
    # worker, where the counter is gone: the crash would be charged to the set, as a lost object
    counter = student.new("probe.Counter")
    assert counter.call("next") == 1
    sent_before = student.worker.seq
    counter.set("step", 2)
    assert student.worker.seq == sent_before + 1  # not put off
    with pytest.raises(WorkerCrashed) as crashed:
        counter.call("boom")
    assert crashed.value.target == "probe.Counter.boom"
    with pytest.raises(WorkerCrashed) as again:  # remembered as the method's
        student.new("probe.Counter").call("boom")
    assert again.value.earlier


def test_calls_that_use_an_object_of_an_earlier_message_are_sent_one_by_one(student):
    counter = student.new("probe.Counter")
    counter.set("step", 3)
    assert counter.call("next") == 3
    sent_before = student.worker.seq
    answers = student.call_each([("probe.step_of", (counter,), {}), ("probe.step_of", (counter,), {})])
    assert [a.value() for a in answers] == [3, 3] and student.worker.seq == sent_before + 2


def test_a_call_with_a_time_limit_of_its_own_carries_nothing(student):
    student.call("probe.made")
    sent_before = student.worker.seq
    student.new("probe.Counter")
    assert student.call("probe.made", timeout=3.0) == 1
    assert student.worker.seq == sent_before + 2  # what was put off went first, on its own


def test_settle_makes_what_was_put_off_and_raises_its_fault(student):
    student.new("probe.Counter", 1)
    student.settle()
    assert student.call("probe.made") == 1
    student.new("probe.Broken")
    with pytest.raises(StudentException, match="the constructor's own fault"):
        student.settle()
    student.settle()  # nothing left: nothing sent
    student.new("probe.Counter", 2)
    student.begin_check()  # a new check forgets what the last one put off and never needed
    assert student.call("probe.made") == 1


def test_a_crashing_constructor_is_charged_to_its_class(student):
    student.call("probe.made")
    crashes = student.new("probe.Crashes")
    with pytest.raises(WorkerCrashed) as crashed:
        crashes.call("next")
    assert crashed.value.target == "probe.Crashes" and not crashed.value.earlier
    with pytest.raises(WorkerCrashed) as again:
        student.new("probe.Crashes").call("next")
    assert again.value.earlier  # remembered: not run a second time
    assert student.call("probe.made") == 0  # a fresh worker


def test_what_gives_no_object_of_the_students_is_a_bad_reply(student):
    with pytest.raises(BadReply) as bad:
        student.new("probe.not_a_class").call("next")
    assert bad.value.detail == "expected an instance of probe.not_a_class, got a int"


def test_a_check_that_only_creates_an_object_is_judged_on_it(student, tmp_path):
    suite = tmp_path / "check_probe.py"
    suite.write_text(textwrap.dedent("""
        import pytest

        @pytest.mark.points(1)
        def test_made(student):
            student.new("probe.Broken")

        @pytest.mark.points(1)
        def test_set(student):
            student.new("probe.Counter").set("step", 2)
    """))
    run = run_suites(student, [Part("probe", "probe", 1, suite)], seed=0)
    assert [(c.name, c.outcome) for c in run.checks] == [("test_made", "error"), ("test_set", "passed")]
    assert "the constructor's own fault" in run.checks[0].message
