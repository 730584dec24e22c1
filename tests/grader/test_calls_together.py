"""Calls sent together (``Submission.call_each``): many calls in one message, each answer its own call's, and every
promise of a plain call kept: a fault is its function's alone, a crash or a hang is charged to the one function that
caused it (the calls made again one by one), and threads left running end the message early."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox.faults import CallTimedOut, StudentException, WorkerCrashed
from grader.sandbox.limits import Limits
from grader.sandbox.protocol import MAX_BATCH

from submissions import probe_submission

PROBE = """\
import os
import threading
import time

import numpy as np

CALLS = []


def count():
    CALLS.append(1)
    return len(CALLS)


def double(x):
    CALLS.append(1)
    return 2 * np.asarray(x, dtype=float)


def broken():
    raise ValueError("the student's own fault")


def crash():
    os._exit(3)


def nap(seconds):
    time.sleep(seconds)
    return seconds


def spin():
    threading.Thread(target=lambda: time.sleep(30), daemon=True).start()
    return "left a thread"


def scale(x):
    x *= 3  # in place: the answer, and the caller's array, changed
    return x


def forks():
    child = os.fork()
    if child:
        os.waitpid(child, 0)  # the child has done all it will do
    return "forked"


def tally():  # counted in a file: a forked child's calls count too
    with open("tally.txt", "a") as out:
        out.write("x")
    with open("tally.txt") as counted:
        return len(counted.read())
"""


@pytest.fixture
def student(tmp_path: Path):
    with probe_submission(tmp_path, PROBE, Limits(call_seconds=1.0)) as submission:
        yield submission


def test_each_answer_is_its_own_calls_and_all_travel_in_one_message(student):
    x = np.arange(3.0)
    student.call("probe.count")  # the worker started and the module imported
    sent_before = student.worker.seq
    calls = [("probe.double", (x,), {}), ("probe.count", (), {}), ("probe.double", ([1.0],), {})]
    answers = student.call_each(calls)
    assert student.worker.seq == sent_before + 1
    assert list(answers[0].value()) == [0.0, 2.0, 4.0]
    assert answers[1].value() == 3  # made in turn, after the first double and before the second
    assert list(answers[2].value()) == [2.0]
    # as the answers are read: what a check that breaks on one of them says whose it was
    assert [target for target, _ in student.received] == ["probe.count", "probe.double", "probe.count",
                                                          "probe.double"]


def test_each_call_gets_its_own_copy_of_the_arguments_and_can_echo_them(student):
    x = np.ones(2)
    first, second = student.call_each([("probe.scale", (x,), {}), ("probe.scale", (x,), {})], echo_args=True)
    assert list(first.reply().args_after[0]) == [3.0, 3.0] == list(second.value())  # not 9: a copy each
    assert list(x) == [1.0, 1.0]


def test_a_failing_call_fails_alone_and_the_calls_after_it_run_only_if_read(student):
    answers = student.call_each([("probe.count", (), {}), ("probe.broken", (), {}), ("probe.count", (), {})])
    assert answers[0].value() == 1
    with pytest.raises(StudentException, match="the student's own fault"):
        answers[1].value()
    assert student.call("probe.count") == 2  # a check stopped at the failure: the call after it never ran
    assert answers[2].value() == 3  # read on: made now, on its own
    assert answers[2].value() == 3 and student.batching  # read again: the same answer, not a new call


def test_more_calls_than_one_message_holds_go_in_several(student):
    student.call("probe.count")
    sent_before = student.worker.seq
    answers = student.call_each([("probe.count", (), {})] * 300)
    assert student.worker.seq == sent_before + 2 and student.batching
    assert [a.value() for a in answers] == list(range(2, 302))


def test_a_crash_is_charged_to_the_function_that_crashed_and_the_rest_answer(student):
    answers = student.call_each([("probe.count", (), {}), ("probe.crash", (), {}), ("probe.count", (), {})])
    sent_before = student.worker.seq
    assert answers[0].value() == 1  # made again on its own, in a fresh worker
    assert answers[0].value() == 1 and student.worker.seq == sent_before + 1  # and kept: not made twice
    with pytest.raises(WorkerCrashed) as crashed:
        answers[1].value()
    assert crashed.value.target == "probe.crash" and not crashed.value.earlier
    assert answers[2].value() == 1  # the crash ended the worker that had counted: a fresh one
    assert not student.batching  # from now on, one call at a time
    with pytest.raises(WorkerCrashed) as again:
        student.call_each([("probe.crash", (), {}), ("probe.count", (), {})])[0].value()
    assert again.value.earlier  # remembered: not run a second time


def test_a_hang_is_charged_to_the_function_that_hung_within_two_time_limits(student):
    started = time.monotonic()
    answers = student.call_each([("probe.count", (), {}), ("probe.nap", (30,), {}), ("probe.count", (), {})])
    assert answers[0].value() == 1
    with pytest.raises(CallTimedOut) as hung:
        answers[1].value()
    assert hung.value.target == "probe.nap"
    assert answers[2].value() == 1  # after the time-out, in a fresh worker
    assert time.monotonic() - started < 4.0  # the message's time limit, then the function's own
    with pytest.raises(CallTimedOut) as again:
        student.call_each([("probe.nap", (0,), {}), ("probe.count", (), {})])[0].value()
    assert again.value.earlier


def test_threads_left_running_end_the_message_and_the_rest_run_in_a_fresh_worker(student):
    sent_before = student.worker.seq
    answers = student.call_each([("probe.count", (), {}), ("probe.spin", (), {}), ("probe.count", (), {})])
    assert student.worker.seq == sent_before + 1
    assert [answers[0].value(), answers[1].value()] == [1, "left a thread"]
    assert answers[2].value() == 1  # not 2: the worker with the thread was retired first
    assert student.batching  # the message did not fail: the next ones still travel together


def test_one_call_or_none_is_simply_made_on_its_own(student):
    assert student.call_each([]) == []
    sent_before = student.worker.seq
    (only,) = student.call_each([("probe.count", (), {})])
    assert student.worker.seq == sent_before  # not sent until read
    assert only.value() == 1


def test_a_forked_child_stops_at_the_call_that_forked(student):
    answers = student.call_each([("probe.forks", (), {}), ("probe.tally", (), {})])
    assert answers[0].value() == "forked"
    assert answers[1].value() == 1  # the child ran no call of the batch after the one that forked


def test_the_calls_after_a_function_that_already_hung_are_not_sent(student):
    with pytest.raises(CallTimedOut):
        student.call("probe.nap", 30)
    answers = student.call_each([("probe.count", (), {}), ("probe.nap", (0,), {}), ("probe.count", (), {})])
    assert answers[0].value() == 1
    with pytest.raises(CallTimedOut) as again:
        answers[1].value()
    assert again.value.earlier
    assert student.call("probe.count") == 2  # a check stops at the remembered hang: the count after it never ran


def test_the_worker_refuses_a_malformed_batch_and_runs_none_of_it(student):
    student.call("probe.count")
    worker, call = student.worker, ({"op": "call", "target": "probe.count"}, [], {})
    for calls in ([({"op": "batch", "calls": []}, [], {}), call], [call] * (MAX_BATCH + 1)):
        reply, _ = worker.receive(worker.send_batch("several", calls, 1.0))
        assert reply["ok"] is False and reply["error"]["message"] == "malformed batch"
    assert student.call("probe.count") == 2
