"""A call sent without waiting (``Submission.start``): the grader computes the reference's answer while the worker runs
the student's code, and the call keeps every promise of a plain one: its time limit counts from when it was sent,
its faults are remembered, and a call whose answer was never read is never charged to the next one."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox.faults import CallTimedOut, StudentException
from grader.sandbox.limits import Limits

from submissions import probe_submission

PROBE = """\
import time
import numpy as np


def double(x):
    return 2 * np.asarray(x, dtype=float)


def nap(seconds):
    time.sleep(seconds)
    return seconds


def ones(n):
    return np.ones(n)


def broken():
    raise ValueError("the student's own fault")


def drip():  # hang, with a thread writing forged replies to an earlier request to the grader all the while
    import sys
    import threading

    protocol = sys.modules["protocol"]

    def forge():
        with open(int(sys.argv[2]), "wb", buffering=0, closefd=False) as channel:
            while True:  # as fast as the grader reads: the pipe is never empty
                protocol.write_message(channel, {"ok": True, "seq": 0, "value": None}, [])

    threading.Thread(target=forge, daemon=True).start()
    time.sleep(60)
"""


@pytest.fixture
def student(tmp_path: Path):
    with probe_submission(tmp_path, PROBE, Limits(call_seconds=1.0)) as submission:
        yield submission


def test_a_pending_call_answers_as_a_plain_one_while_the_grader_computes(student):
    started = time.monotonic()
    pending = student.start("probe.nap", 0.5)
    assert time.monotonic() - started < 0.3  # sent, not waited for: the grader computes meanwhile
    assert pending.value() == 0.5
    x = np.arange(4.0)
    assert list(student.start("probe.double", x).value()) == [0.0, 2.0, 4.0, 6.0]
    assert student.received[-1][0] == "probe.double"
    assert list(student.call("probe.double", x)) == [0.0, 2.0, 4.0, 6.0]


def test_an_answer_that_came_in_time_counts_though_it_is_read_after_the_deadline(student):
    pending = student.start("probe.nap", 0.05, timeout=0.3)
    time.sleep(0.6)  # the grader busy past the call's deadline; the worker answered long before it
    assert pending.value() == 0.05


def test_a_large_answer_that_began_in_time_is_read_whole_after_the_deadline(student):
    pending = student.start("probe.ones", 1_000_000, timeout=0.3)  # 8 MB: many times what the pipe holds
    time.sleep(0.6)
    assert pending.value().shape == (1_000_000,)


def test_what_the_grader_computes_meanwhile_never_hides_the_students_own_fault(student):
    def reference_breaks():
        raise LookupError("the grader's side")

    with pytest.raises(StudentException, match="the student's own fault"):
        student.start("probe.broken").meanwhile(reference_breaks)
    with pytest.raises(LookupError):
        student.start("probe.double", [1.0]).meanwhile(reference_breaks)  # the call was fine: the grader's error
    assert student.start("probe.double", [1.0]).meanwhile(lambda: "computed")[1] == "computed"


def test_a_pending_call_past_its_time_limit_times_out_and_is_remembered(student):
    pending = student.start("probe.nap", 5.0, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(CallTimedOut):
        pending.value()
    assert time.monotonic() - started < 2.0
    with pytest.raises(CallTimedOut) as again:
        student.start("probe.nap", 0.0)
    assert again.value.earlier  # not given a second chance to hang


def test_a_call_whose_answer_was_never_read_is_not_charged_to_the_next(student):
    student.start("probe.nap", 5.0, timeout=10.0)  # its check ended before reading it
    started = time.monotonic()
    assert student.call("probe.nap", 0.0, timeout=1.0) == 0.0  # in a fresh worker, not after the nap
    assert time.monotonic() - started < 2.0


def test_only_the_latest_request_may_be_read(student):
    first = student.start("probe.double", [1.0])
    student.call("probe.double", [2.0])
    with pytest.raises(RuntimeError, match="one request at a time"):
        first.value()


def test_forged_replies_dripping_from_a_thread_never_keep_a_call_from_timing_out(student):
    started = time.monotonic()
    with pytest.raises(CallTimedOut):
        student.call("probe.drip", timeout=1.0)
    assert time.monotonic() - started < 3.0


def test_forged_replies_never_keep_a_call_read_late_open_longer_than_its_allowance(student):
    pending = student.start("probe.drip", timeout=0.5)
    time.sleep(0.8)  # the grader busy past the deadline
    started = time.monotonic()
    with pytest.raises(CallTimedOut):
        pending.value()
    assert time.monotonic() - started < 2.5  # LATE_READ_SECONDS, once
