"""Whatever the student's code answers, or writes into the worker's channel, is graded as the student's: a value the
grader cannot decode or compare fails that check with a clear message, never aborts the grade and never blames the
grader; a function that crashed or timed out costs its own checks only."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from grader.compare import Call, CheckFailure, describe_value, expect_scalar, unusable_part
from grader.grading import grade
from grader.sandbox import protocol
from grader.sandbox.faults import BadReply, CallTimedOut, Frame, NotImplementedByStudent
from grader.sandbox.limits import Limits

from submissions import copy_reference, probe_submission

NN_GRADER = Path(sys.executable).with_name("nn-grader")
GRADER_BLAMED = "not your fault"
HUGE_SHAPE = "(0, 4611686018427387904, 4611686018427387904)"

# Module-level code that writes a complete reply into the worker's channel while the worker handles a request (the
# import of the module, or a call): an empty float64 array of shape (0, 2**62, 2**62), which fills 0 bytes and which
# numpy refuses to build.
FORGE_HUGE_ARRAY = '''

def _forge_huge_array():
    import sys as _sys
    frame = _sys._getframe(1)
    while frame is not None and not isinstance(frame.f_locals.get("header"), dict):
        frame = frame.f_back
    protocol = _sys.modules["protocol"]
    forged = {"ok": True, "seq": frame.f_locals["header"]["seq"],
              "value": {"__array__": [0, "<f8", [0, 2**62, 2**62]]}, "warnings": []}
    with open(int(_sys.argv[2]), "wb", buffering=0, closefd=False) as channel:
        protocol.write_message(channel, forged, [b""])
'''


def append(folder: Path, module: str, text: str) -> Path:
    """Add ``text`` at the end of ``module``.py, where its definitions replace the reference's."""
    with open(folder / f"{module}.py", "a", encoding="utf-8") as file:
        file.write("\n\n" + text)
    return folder


def checks_of(result, target_word: str) -> list:
    return [c for c in result.checks if target_word in c.message]


# -- decoding: a forged or impossible value is a bad answer of that call ----------------------------------------------

@pytest.mark.parametrize("shape", [[0, 2**62, 2**62], [0, 2**40], [2**31, 0, 2**31], [0] + [2**20] * 31])
def test_an_empty_array_of_impossible_dimensions_is_refused_as_a_protocol_error(shape):
    with pytest.raises(protocol.ProtocolError, match="exceeds the 64.0 MiB limit"):
        protocol.decode({"__array__": [0, "<f8", shape]}, [b""])


def test_an_empty_array_of_reasonable_dimensions_still_crosses():
    assert protocol.decode({"__array__": [0, "<f4", [0, 1000]]}, [b""]).shape == (0, 1000)


def test_a_forged_reply_at_import_fails_that_part_only_and_never_shows_a_traceback(tmp_path):
    """End to end through the command line: the normal exit code of a grade that is not full, every other part
    keeps its points, activations.py is the student's problem, and no traceback is printed."""
    folder = append(copy_reference(tmp_path), "activations", FORGE_HUGE_ARRAY + "\n_forge_huge_array()\n")
    completed = subprocess.run([str(NN_GRADER), "check", "--submission", str(folder), "--format", "json"],
                               capture_output=True, text=True, timeout=600)
    assert "Traceback" not in completed.stdout + completed.stderr, completed.stderr[-3000:]
    assert completed.returncode == 1, completed.stderr[-3000:]
    parts = {p["name"]: p for p in json.loads(completed.stdout)["parts"]}
    broken = parts.pop("activations")
    assert broken["points"] == 0 and {c["outcome"] for c in broken["checks"]} == {"ungradable"}
    assert "activations.py could not be imported" in broken["diagnostic"]
    assert f"could not be graded: an array of shape {HUGE_SHAPE} exceeds" in broken["diagnostic"]
    assert GRADER_BLAMED not in json.dumps(broken)
    assert len(parts) >= 6 and all(p["points"] == p["max_points"] > 0 for p in parts.values())


def test_a_forged_reply_during_a_call_fails_that_functions_checks_as_the_students(tmp_path):
    folder = append(copy_reference(tmp_path), "activations",
                    FORGE_HUGE_ARRAY + "\n\ndef relu(x):\n    _forge_huge_array()\n    return x\n")
    result = grade(folder, ["activations"])
    relu = checks_of(result, "activations.relu ")
    assert relu and all(c.outcome == "error" for c in relu)
    assert all(f"activations.relu could not be graded: an array of shape {HUGE_SHAPE}" in c.message for c in relu)
    assert not [c.id for c in result.checks if GRADER_BLAMED in c.message]
    assert all(c.passed for c in result.checks if c not in relu)  # the real reply that followed is skipped


# -- comparing: a value no exercise answers with is a wrong answer, not the check's fault ----------------------------

def test_a_loss_of_ten_to_the_4000_is_a_wrong_value(tmp_path):
    huge = "def mean_squared_error(y_true, y_pred):\n    return 10**4000\n"
    folder = append(copy_reference(tmp_path), "losses", huge)
    result = grade(folder, ["losses"])
    mse = [c for c in result.checks if "mean_squared_error(" in c.message]
    assert mse and all(c.outcome == "failed" for c in mse)
    assert all("the result is wrong: expected" in c.message and "got a whole number of 4001 digits" in c.message
               for c in mse)
    assert not [c.id for c in result.checks if GRADER_BLAMED in c.message]


VALIDATION_CHECKS = ("test_validation_loss_matches_reference", "test_overfitting_is_seen")


def test_a_check_that_cannot_use_a_huge_number_fails_as_the_students(tmp_path):
    """The training checks do their own arithmetic on fit's history: 10**4000 breaks it, and it is fit's fault."""
    folder = append(copy_reference(tmp_path), "training",
                    "def fit(model, x, y, loss, optimizer, epochs, *args, **kwargs):\n    return [10**4000] * epochs\n")
    result = grade(folder, ["training"])
    # fit leaves x and y alone (its only property there), and evaluate is not fit
    kept = [c for c in result.checks if c.name in ("test_x_and_y_are_not_modified",
                                                   "test_evaluate_gives_the_loss_and_trains_nothing")]
    assert [c.outcome for c in kept] == ["passed", "passed"]
    failed = [c for c in result.checks if c not in kept]
    assert failed and all(c.outcome == "failed" for c in failed)
    # the validation checks ask for validation_data's dict, so a plain list fails them before any arithmetic
    on_the_list = [c for c in failed if c.name not in VALIDATION_CHECKS]
    assert on_the_list and all(c.message.startswith("training.fit returned a list of ") for c in on_the_list)
    assert all("(a whole number of 4001 digits), which the check could not use" in c.message for c in on_the_list)
    assert not [c.id for c in result.checks if GRADER_BLAMED in c.message]


def test_expect_scalar_reports_a_number_beyond_float_range_as_wrong():
    with pytest.raises(CheckFailure, match=r"expected 0.5, got a whole number of 4001 digits"):
        expect_scalar(10**4000, 0.5, call=Call("losses.mean_squared_error"))


def test_descriptions_of_student_values_stay_short():
    assert len(describe_value("x" * 100_000)) <= 200
    assert len(describe_value(tuple(range(10_000)))) <= 200
    assert len(describe_value({str(i): i for i in range(10_000)})) <= 200
    assert describe_value(-(10**300)) == "a whole number of 301 digits"


@pytest.mark.parametrize("value, found", [
    (1.5, None), (np.zeros(3), None), ([1, 2.0], None), (2**62, None), ({"W": np.eye(2)}, None),
    (2**63, "a whole number of 19 digits"), ([0.5, (1, -(10**40))], "a whole number of 41 digits"),
    ({"W": protocol.Unsupported("Foo")}, "an object of type Foo"),
])
def test_unusable_parts_are_what_no_exercise_answers_with(value, found):
    assert unusable_part(value) == found


# -- faults: charged to the function that caused them, once -----------------------------------------------------------

SPINNING_THREADS = '''
import threading as _threading
import time as _time

_reference_step, _reference_elu = step, elu
_spinners = []


def _spin():
    _time.sleep(0.05)  # once step has returned: starting a thread while others spin could take step too long
    while True:
        pass


def step(x):
    """Right, but leaves 8 threads spinning for ever."""
    while len(_spinners) < 8:
        _spinners.append(_threading.Thread(target=_spin, daemon=True))
        _spinners[-1].start()
    return _reference_step(x)


def elu(x, alpha=1.0):
    """Right, after 0.3 s of its own CPU time: well within the time limit, unless it shares the CPU with 8 spinners."""
    started = _time.thread_time()
    while _time.thread_time() - started < 0.3:
        pass
    return _reference_elu(x, alpha)
'''


@pytest.mark.slow
def test_threads_left_spinning_by_one_function_do_not_time_out_another(tmp_path):
    folder = append(copy_reference(tmp_path), "activations", SPINNING_THREADS)
    result = grade(folder, ["activations"], limits=Limits(call_seconds=2.0))
    assert not [(c.id, c.message) for c in result.checks if not c.passed]


def frame(file: str, function: str) -> Frame:
    return Frame(file, 12, function, "raise NotImplementedError")


@pytest.mark.parametrize("target, raised_in, message", [
    ("training.fit", frame("network.py", "MLP.forward"),
     "network.MLP.forward is not implemented yet (it raises NotImplementedError in network.py, line 12; "
     "called by training.fit)."),
    ("training.fit", frame("network.py", "MLP.forward.<locals>.<listcomp>"),
     "network.MLP.forward is not implemented yet (it raises NotImplementedError in network.py, line 12; "
     "called by training.fit)."),
    ("training.fit", frame("helpers.py", "<module>"),
     "helpers is not implemented yet (it raises NotImplementedError in helpers.py, line 12; called by training.fit)."),
    ("network.MLP", frame("network.py", "MLP.__init__"), "network.MLP is not implemented yet (it raises "
                                                         "NotImplementedError)."),
    ("activations.relu", frame("activations.py", "relu"),
     "activations.relu is not implemented yet (it raises NotImplementedError)."),
    ("activations.relu", None, "activations.relu is not implemented yet (it raises NotImplementedError)."),
])
def test_not_implemented_names_the_function_that_raised_it(target, raised_in, message):
    assert NotImplementedByStudent(target, raised_in).student_message() == message


PROBE = FORGE_HUGE_ARRAY + '''

def forge_then_spin():
    _forge_huge_array()
    while True:
        pass


def echo(x):
    return x


def double(x):
    return 2 * x
'''


def test_a_request_to_a_worker_still_busy_after_a_forged_reply_times_out_instead_of_blocking(tmp_path):
    """After a forged reply, the worker is still running the call that forged it and reads no request: a request too
    large for the pipe must time out, not block the grader for ever. (The time-out is charged to the call that could
    not be sent: the grader cannot tell which earlier call is still running.)"""
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the grader blocked writing to the worker"))
    signal.alarm(30)  # a regression fails the test instead of hanging the suite
    try:
        with probe_submission(tmp_path, PROBE, Limits(call_seconds=1.0)) as student:
            with pytest.raises(BadReply) as forged:
                student.call("probe.forge_then_spin")
            assert "exceeds the 64.0 MiB limit" in forged.value.student_message()
            started = time.monotonic()
            with pytest.raises(CallTimedOut):
                student.call("probe.echo", np.zeros(1_000_000))  # 8 MB: far more than a pipe holds
            assert time.monotonic() - started < 10
            assert student.call("probe.double", 2.5) == 5.0  # a fresh worker answers the next call
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
