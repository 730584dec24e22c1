"""The red-team corpus: hostile and broken submissions, each graded the way a student's would be.

Every case is a folder in ``corpus/``. Its ``activations.py`` is appended to the reference ``activations.py`` (so its
definitions replace the reference's and its module-level code runs at import); its other files are submitted as they
are, next to the reference's other modules. The honest empty submission it is held against is the reference with
``relu`` raising NotImplementedError, as the stubs do. For every case:

- the grade finishes;
- no check passes that the honest empty submission fails (the score is never higher);
- every other check still passes (the rest is graded), or -- when the attack stops the import of activations.py --
  every activations check is "ungradable" and metrics.py is graded in full;
- the first relu check (or the part's diagnostic) has the expected outcome and says what happened;
- no payload hidden in a submitted file ever runs, in the worker or in the grader.

Cases marked ``jail`` are defended only when the worker runs in the jail (the grader runs as root, as in CI); see
docs/security.md for what a grader that is not root defends.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from grader.grading import grade
from grader.results import GradeResult
from grader.sandbox.limits import Limits, MiB
from tests.conftest import ROOT, SOLUTIONS
from tests.security.processes import assert_all_end

CORPUS = Path(__file__).parent / "corpus"
LIMITS = Limits(call_seconds=1.0, import_seconds=2.0, address_space=512 * MiB, disk_bytes=32 * MiB)
PARTS = ["activations", "metrics"]
FIRST_CHECK = "test_activation_matches_reference[relu]"
# Checks that credit any function that leaves its inputs alone and makes numpy silent, whatever it returns: a wrong
# answer that is not an exception earns them, where the honest empty submission (NotImplementedError) does not. A
# check over many functions blames only the property it tests (README: "a bug costs the checks of the property it
# breaks"), so a relu that returns zeros keeps these two.
# Checks of a property alone (README, "What one bug costs"): a hostile relu that keeps the property earns them, as
# any wrong relu would; the forms and integer checks compare each form with the submission's own usual answer.
PROPERTY_ONLY = {"activations::test_inputs_are_not_modified", "activations::test_float32_in_gives_float32_out",
                 "activations::test_single_samples_and_3d_batches", "activations::test_integers_in_give_float64_out"}
HONEST_EMPTY_RELU = "\n\ndef relu(x):\n    raise NotImplementedError\n"
PAYLOAD = "CORPUS-PAYLOAD"
SECRET = "nn-grader-corpus-secret-7f3a9c"
ORPHAN = "nn-grader-corpus-orphan"
JAILED = os.geteuid() == 0  # "auto" isolation: the jail when the grader is root


@dataclass(frozen=True)
class Context:
    result: GradeResult
    listener: socket.socket


# -- further assertions for some cases --------------------------------------------------------------------------------

def first_check(result: GradeResult):
    return next(c for c in result.checks if c.name == FIRST_CHECK)


def output_is_capped(ctx: Context) -> None:
    output = first_check(ctx.result).output
    assert len(output.encode()) <= 2 * LIMITS.output_bytes + 200
    assert re.search(r"\[\.\.\. \d+ bytes of output omitted \.\.\.\]", output)


def no_orphan_survives(ctx: Context) -> None:
    assert_all_end(ORPHAN)


def no_control_characters(ctx: Context) -> None:
    printed = "".join(c.output for c in ctx.result.checks)
    assert "PASSED" in printed and not re.search(r"[\x1b\r]", printed)


def no_secret_leaks(ctx: Context) -> None:
    assert os.environ["NN_GRADER_CORPUS_SECRET"] == SECRET
    assert all(SECRET not in c.output + c.message for c in ctx.result.checks)


def no_connection_arrives(ctx: Context) -> None:
    with pytest.raises(BlockingIOError):
        ctx.listener.accept()


def no_hidden_source_is_shown(ctx: Context) -> None:
    printed = "".join(c.output for c in ctx.result.checks)
    assert "def test_" not in printed and "BEGIN SOLUTION" not in printed and "found /" not in printed


def mutation_is_reported(ctx: Context) -> None:
    check = next(c for c in ctx.result.checks if c.name == "test_inputs_are_not_modified")
    assert check.outcome == "failed" and "relu(x=float64[4, 6]) changed its input x in place" in check.message


# -- the corpus -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str
    outcome: str  # of the first relu check, a regular expression; "ungradable" when activations.py cannot load
    says: str  # regular expression searched in that check's message, or in the part's diagnostic
    slow: bool = False
    jail: bool = False  # defended only in the jail
    also: Callable[[Context], None] | None = None
    seconds: float = LIMITS.call_seconds  # time limit of a call


IMPORT_FAILED = "ungradable"
CASES = [
    # broken code
    Case("syntax_error", IMPORT_FAILED, r"SyntaxError: .*\n  File \"activations.py\", line \d+"),
    Case("import_error", IMPORT_FAILED, r"ModuleNotFoundError: No module named 'tensorflow_is_not_installed_here'"),
    Case("exception_at_import", IMPORT_FAILED, r"raised RuntimeError: configuration file not found"),
    Case("missing_function", "error", r"activations.relu is missing: activations.py has no function or class"),
    Case("wrong_signature", "error", r"activations.relu does not accept the arguments the exercise specifies"),
    Case("exception_in_call", "error", r"raised NameError: name 'z' is not defined\n  File \"activations.py\", line"),
    Case("nan_output", "failed", r"the result is nan at index \(0, 0\) .*where a finite number was expected"),
    Case("wrong_shape", "failed", r"the result has shape \(4, 5, 1\); expected shape \(4, 5\)"),
    Case("wrong_dtype", "failed", r"the result has dtype float32; expected float64"),
    Case("input_mutated", "failed", r"the result is wrong at index", also=mutation_is_reported),
    # time
    Case("infinite_loop_in_call", "timeout", r"activations.relu did not finish within 1 s and was stopped", slow=True),
    Case("infinite_loop_at_import", IMPORT_FAILED, r"activations did not finish within 2 s and was stopped", slow=True),
    Case("sigalrm_ignored", "timeout", r"activations.relu did not finish within 1 s and was stopped", slow=True),
    # ending the process
    Case("sys_exit_at_import", IMPORT_FAILED, r"activations tried to end the program \(sys.exit"),
    Case("os_exit_at_import", IMPORT_FAILED, r"activations ended the Python process .*exited with code 0"),
    Case("sys_exit_in_call", "error", r"activations.relu tried to end the program \(sys.exit"),
    Case("os_exit_in_call", "crashed", r"activations.relu ended the Python process .*exited with code 0"),
    Case("segfault", "crashed", r"activations.relu ended the Python process .*segmentation fault"),
    # resources
    Case("memory_bomb", "error", r"reached one of the grader's limits: graded code may use at most 512 MiB of memory",
         slow=True, seconds=5.0),
    Case("fork_bomb", "error", r"limits: graded code may start at most 32 processes or threads", slow=True),
    Case("thread_bomb", "error", r"limits: graded code may start at most 32 processes or threads", slow=True),
    Case("disk_filler", "error", r"limits: graded code may write at most 32 MiB of files", slow=True, jail=True),
    Case("output_flood", "timeout|failed", r"", slow=True, also=output_is_capped),
    Case("background_child", "failed", r"the result is wrong at index", jail=True, also=no_orphan_survives),
    # forging the verdict
    Case("forged_results", "failed", r"the result is wrong at index"),
    Case("terminal_escapes", "failed", r"the result is wrong at index", also=no_control_characters),
    Case("forged_reply", "failed", r"the result is wrong at index"),
    Case("forged_huge_array", "error", r"activations.relu could not be graded: an array of shape "
                                       r"\(0, 4611686018427387904, 4611686018427387904\) exceeds the 64.0 MiB limit"),
    Case("conftest_submitted", "not_implemented", r"activations.relu is not implemented yet"),
    Case("pytest_ini_submitted", "not_implemented", r"activations.relu is not implemented yet"),
    Case("numpy_shadowed", "not_implemented", r"activations.relu is not implemented yet"),
    Case("sitecustomize_submitted", "not_implemented", r"activations.relu is not implemented yet"),
    Case("patched_np_testing", "failed", r"the result is wrong at index"),
    # answers that are not plain arrays
    Case("always_equal", "failed", r"the result is an object of type Anything; expected a numpy.ndarray of shape"),
    Case("array_function_object", "failed", r"the result is an object of type Chameleon; expected a numpy.ndarray"),
    Case("ndarray_subclass", "failed",
         r"the result is an object of type activations.Agreeable \(a subclass of numpy.ndarray\)"),
    Case("object_array", "failed", r"the result is an object of type numpy.ndarray of dtype object"),
    Case("oversized_result", "error",
         r"activations.relu could not be graded: a value of 76.3 MiB exceeds the 64.0 MiB limit"),
    # looking for the answers or for secrets
    Case("reads_hidden_files", "failed", r"the result is wrong at index", jail=True, also=no_hidden_source_is_shown),
    Case("walks_stack_and_gc", "failed", r"the result is wrong at index"),
    Case("reads_environment", "failed", r"the result is wrong at index", jail=True, also=no_secret_leaks),
    Case("network_connection", "error", r"limits: graded code has no network access", jail=True,
         also=no_connection_arrives),
]


def test_every_corpus_folder_has_a_row():
    assert sorted(c.name for c in CASES) == sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
    assert len(CASES) >= 30


# -- grading ----------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def honest_empty(tmp_path_factory: pytest.TempPathFactory) -> GradeResult:
    folder = reference_copy(tmp_path_factory.mktemp("honest-empty"))
    with open(folder / "activations.py", "a", encoding="utf-8") as file:
        file.write(HONEST_EMPTY_RELU)
    return grade(folder, PARTS, limits=LIMITS)


@pytest.fixture
def listener() -> socket.socket:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    yield server
    server.close()


def reference_copy(folder: Path) -> Path:
    for path in SOLUTIONS.glob("*.py"):
        if path.name != "__init__.py":
            shutil.copy(path, folder / path.name)
    return folder


def hostile_submission(case: Case, folder: Path, port: int) -> Path:
    reference_copy(folder)
    for path in (CORPUS / case.name).iterdir():
        text = path.read_text(encoding="utf-8").replace("__LISTENER_PORT__", str(port))
        if path.name == "activations.py":
            text = (SOLUTIONS / "activations.py").read_text(encoding="utf-8") + "\n\n# -- the case --\n\n" + text
        (folder / path.name).write_text(text, encoding="utf-8")
    return folder


def case_params():
    for case in CASES:
        marks = [pytest.mark.slow] if case.slow else []
        if case.jail and not JAILED:
            marks.append(pytest.mark.skip(reason="defended only in the jail (a grader running as root)"))
        yield pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", list(case_params()))
def test_hostile_submission_is_graded_safely(case: Case, honest_empty: GradeResult, listener: socket.socket,
                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capfd: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("NN_GRADER_CORPUS_SECRET", SECRET)
    folder = hostile_submission(case, tmp_path, listener.getsockname()[1])

    started = time.monotonic()
    result = grade(folder, PARTS, limits=replace(LIMITS, call_seconds=case.seconds))
    assert time.monotonic() - started < 60

    baseline = {c.id: c for c in honest_empty.checks}
    activations, metrics = result.parts
    assert [c.id for c in result.checks] == list(baseline)  # every check ran, none was dropped
    higher = [c.id for c in result.checks if c.passed and not baseline[c.id].passed and c.id not in PROPERTY_ONLY]
    assert not higher, f"scored above the honest empty submission: {higher}"
    assert metrics.points == metrics.max_points > 0
    if case.outcome == IMPORT_FAILED:
        assert {c.outcome for c in activations.checks} == {"ungradable"}
        assert re.search(case.says, activations.diagnostic), activations.diagnostic
    else:
        lost = [c.id for c in result.checks if baseline[c.id].passed and not c.passed]
        assert not lost, f"checks that do not involve the attack failed: {lost}"
        check = first_check(result)
        assert re.fullmatch(case.outcome, check.outcome), (check.outcome, check.message)
        assert re.search(case.says, check.message), check.message

    shown = "".join(c.output + c.message for c in result.checks) + activations.diagnostic
    assert PAYLOAD not in shown and PAYLOAD not in "".join(capfd.readouterr())
    assert str(ROOT) not in shown  # no message points into the grader's own files
    assert not [m for m in list(sys.modules.values()) if str(CORPUS) in str(getattr(m, "__file__", None))]
    if case.also:
        case.also(Context(result, listener))
