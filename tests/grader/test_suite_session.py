"""A process configures pytest and collects the suites once per set of parts (``runner.SuiteSession``): every run after
the first grades with the same collected checks, keeps nothing of the run before, and an edited suite or a run that
stopped half-way gets a session of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import parts as course
from grader import runner
from grader.grading import grade
from grader.runner import list_checks, run_suites

from submissions import SOLUTIONS, copy_reference

HEADER = '"""A demo part\n\nFor the session tests.\n"""\n\nimport pytest\n\nORDER = 1\n\n'
SUITE = HEADER + '''
RUNS = []
DRAWN = []


@pytest.mark.points(1)
@pytest.mark.parametrize("n", [1, 2])
def test_shared_is_computed_once_per_run(shared, n):
    assert shared.once("run", lambda: RUNS.append(n) or len(RUNS)) == len(RUNS)


@pytest.mark.points(1)
def test_same_inputs_on_every_run(inputs):
    DRAWN.append(float(inputs.normal(1)[0]))
    assert len(set(DRAWN)) == 1
'''


@pytest.fixture
def sessions(monkeypatch) -> list[runner.SuiteSession]:
    """The sessions made from here on (none is kept from an earlier test)."""
    made: list[runner.SuiteSession] = []
    real = runner.SuiteSession.__init__

    def recorded(session, parts):
        real(session, parts)
        made.append(session)

    monkeypatch.setattr(runner, "_sessions", {})
    monkeypatch.setattr(runner.SuiteSession, "__init__", recorded)
    return made


def write_suite(folder: Path, text: str = SUITE) -> list[course.Part]:
    (folder / "check_demo.py").write_text(text, encoding="utf-8")
    return course.discover(folder)


def test_the_checks_are_collected_once_and_each_run_starts_afresh(tmp_path, sessions):
    parts = write_suite(tmp_path)
    runs = [run_suites(None, parts, seed=0) for _ in range(3)]
    assert len(sessions) == 1
    for run in runs:  # shared.once computed in each run, the same inputs drawn in each
        assert [c.outcome for c in run.checks] == ["passed"] * 3
    assert [c.name for c in list_checks(parts)] == [c.name for c in runs[0].checks] and len(sessions) == 1


def test_only_runs_the_checks_asked_for(tmp_path, sessions):
    parts = write_suite(tmp_path)
    run = run_suites(None, parts, seed=0, only=[("demo", "test_shared_is_computed_once_per_run[2]")])
    assert [c.name for c in run.checks] == ["test_shared_is_computed_once_per_run[2]"]
    assert [c.outcome for c in run_suites(None, parts, seed=0).checks] == ["passed"] * 3 and len(sessions) == 1


def test_an_edited_suite_is_collected_afresh(tmp_path, sessions):
    parts = write_suite(tmp_path)
    assert len(list_checks(parts)) == 3
    parts = write_suite(tmp_path, SUITE + "\n\n@pytest.mark.points(2)\ndef test_new():\n    pass\n")
    assert [c.name for c in list_checks(parts)][-1] == "test_new" and len(sessions) == 2


def test_a_run_stopped_half_way_closes_its_session_and_the_next_run_starts_a_new_one(tmp_path, sessions):
    once = str(tmp_path / "interrupted")  # the first run is interrupted, the next is not
    parts = write_suite(tmp_path, SUITE + f"""

@pytest.fixture
def held():
    yield


@pytest.mark.points(1)
def test_interrupted(held):
    import pathlib
    if not pathlib.Path({once!r}).exists():
        pathlib.Path({once!r}).touch()
        raise KeyboardInterrupt
""")
    with pytest.raises(KeyboardInterrupt):
        run_suites(None, parts, seed=0)
    assert sessions[0].closed
    assert [c.outcome for c in run_suites(None, parts, seed=0).checks] == ["passed"] * 4 and len(sessions) == 2


def test_a_grade_after_a_broken_submission_keeps_nothing_of_it(tmp_path, sessions):
    broken = copy_reference(tmp_path)
    (broken / "activations.py").write_text("def relu(:\n", encoding="utf-8")
    first = grade(broken, ["activations", "losses"])
    assert first.parts[0].diagnostic and first.points < first.max_points
    again = grade(SOLUTIONS, ["activations", "losses"])
    assert again.points == again.max_points and not any(p.diagnostic for p in again.parts)
    assert len(sessions) == 1


def test_rng_and_inputs_of_one_check_draw_from_one_generator(tmp_path, sessions):
    """Two generators of the same seed would give a check that takes both the same numbers twice."""
    parts = write_suite(tmp_path, HEADER + "@pytest.mark.points(1)\ndef test_both(rng, inputs):\n"
                                           "    assert rng.standard_normal() != inputs.normal(1)[0]\n")
    assert [c.outcome for c in run_suites(None, parts, seed=0).checks] == ["passed"]
