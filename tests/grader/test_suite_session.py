"""A process configures pytest and collects the suites once per set of parts (``runner.SuiteSession``): every run after
the first grades with the same collected checks, keeps nothing of the run before, and an edited suite or a run that
stopped half-way gets a session of its own."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
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
    shared.once("run", lambda: RUNS.append(n))


@pytest.mark.points(1)
def test_same_inputs_on_every_run(inputs):
    DRAWN.append(float(inputs.normal(1)[0]))
    assert len(set(DRAWN)) == 1
'''


@pytest.fixture
def sessions(monkeypatch) -> Iterator[list[runner.SuiteSession]]:
    """The sessions made from here on (none is kept from an earlier test), closed at the end."""
    made: list[runner.SuiteSession] = []
    real = runner.SuiteSession.__init__

    def recorded(session, parts):
        real(session, parts)
        made.append(session)

    monkeypatch.setattr(runner, "_sessions", {})
    monkeypatch.setattr(runner.SuiteSession, "__init__", recorded)
    yield made
    runner.forget_sessions()


def suite_module(parts: list[course.Part]):
    """The module the session imported the (one) suite of ``parts`` as."""
    path = parts[0].path.resolve()
    return next(m for m in list(sys.modules.values()) if getattr(m, "__file__", None) and Path(m.__file__) == path)


def write_suite(folder: Path, text: str = SUITE) -> list[course.Part]:
    (folder / "check_demo.py").write_text(text, encoding="utf-8")
    return course.discover(folder)


def test_the_checks_are_collected_once_and_each_run_starts_afresh(tmp_path, sessions):
    parts = write_suite(tmp_path)
    runs = [run_suites(None, parts, seed=0) for _ in range(3)]
    assert len(sessions) == 1
    for run in runs:  # the same inputs drawn in each run
        assert [c.outcome for c in run.checks] == ["passed"] * 3
    assert suite_module(parts).RUNS == [1, 1, 1]  # shared.once computed in each run, by its first check
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


def test_a_run_tears_down_every_fixture_even_when_its_last_part_cannot_be_graded(tmp_path, sessions):
    """A session-scoped fixture is set up and torn down once per run, so that nothing of one student's run reaches
    the next; the last part's checks, answered without pytest (its module did not import), used to keep it up."""
    (tmp_path / "check_a.py").write_text(HEADER + """
EVENTS = []


@pytest.fixture(scope="session")
def per_run():
    EVENTS.append("up")
    yield
    EVENTS.append("down")


@pytest.mark.points(1)
def test_a(per_run):
    pass
""", encoding="utf-8")
    (tmp_path / "check_b.py").write_text(HEADER.replace("ORDER = 1", "ORDER = 2") +
                                         "@pytest.mark.points(1)\ndef test_b():\n    pass\n", encoding="utf-8")
    parts = course.discover(tmp_path)
    assert [p.name for p in parts] == ["a", "b"]
    for _ in range(2):
        run = run_suites(None, parts, seed=0, missing={"b": "b.py does not import"})
        assert [c.outcome for c in run.checks] == ["passed", "ungradable"]
    assert suite_module(parts).EVENTS == ["up", "down", "up", "down"]


def test_a_check_that_moves_the_working_folder_moves_it_for_itself_only(tmp_path, sessions, monkeypatch):
    """Each run gives back the folder it began in: the process's own moves between runs (a notebook's ``%cd``) stay,
    and a first folder since removed costs the later runs nothing."""
    parts = write_suite(tmp_path, HEADER + f"@pytest.mark.points(1)\ndef test_moves():\n"
                                           f"    import os\n    os.chdir({str(tmp_path)!r})\n")
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        monkeypatch.chdir(tmp_path / name)
        assert [c.outcome for c in run_suites(None, parts, seed=0).checks] == ["passed"]
        assert os.getcwd() == str(tmp_path / name)
        if name == "first":
            os.chdir(tmp_path)
            (tmp_path / name).rmdir()


def test_each_run_makes_its_tmp_path_in_a_base_folder_of_its_own(tmp_path, sessions, monkeypatch, tmp_path_factory):
    """As each pytest.main did: pytest keeps the last few base folders, so a class does not fill one."""
    monkeypatch.setenv("PYTEST_DEBUG_TEMPROOT", str(tmp_path))  # the sessions' base folders, apart from this run's
    parts = write_suite(tmp_path, HEADER + "BASES = []\n\n\n@pytest.mark.points(1)\ndef test_writes(tmp_path):\n"
                                           "    BASES.append(tmp_path.parent)\n")
    for _ in range(6):
        assert [c.outcome for c in run_suites(None, parts, seed=0).checks] == ["passed"]
    bases = suite_module(parts).BASES
    left = [folder for folder in bases[0].parent.iterdir() if folder.name.removeprefix("pytest-").isdigit()]
    if not hasattr(tmp_path_factory, "_exit_stack"):  # pytest 8 removes old bases only at exit: one is shared
        assert len(set(bases)) == 1 and left == [bases[0]]
        return
    assert len(set(bases)) == 6 and len({base.parent for base in bases}) == 1
    assert bases[-1] in left and len(left) <= 4  # older ones removed as each run ended


def test_each_check_goes_through_pytests_set_up_call_and_tear_down_hooks(tmp_path, sessions):
    """The grader makes no test reports of its own, but every check is still set up, called and torn down through
    pytest's hooks: a skip marker stops the check (it does not pass), and an instructor's conftest hooks run around
    each check, in order."""
    events = tmp_path / "events.txt"
    (tmp_path / "conftest.py").write_text(
        f"EVENTS = {str(events)!r}\n\n\n"
        "def note(what, item):\n    with open(EVENTS, 'a') as out:\n        out.write(f'{what} {item.name}\\n')\n\n\n"
        "def pytest_runtest_setup(item):\n    note('setup', item)\n\n\n"
        "def pytest_runtest_call(item):\n    note('call', item)\n\n\n"
        "def pytest_runtest_teardown(item, nextitem):\n    note('teardown', item)\n", encoding="utf-8")
    parts = write_suite(tmp_path, HEADER + "@pytest.mark.points(1)\n@pytest.mark.skip(reason='not this term')\n"
                                           "def test_skipped():\n    pass\n\n\n"
                                           "@pytest.mark.points(1)\ndef test_runs():\n    pass\n")
    run = run_suites(None, parts, seed=0)
    assert [(c.name, c.passed) for c in run.checks] == [("test_skipped", False), ("test_runs", True)]
    # pytest's skip marker stops the set-up before the conftest's hook sees it; the tear-down runs all the same
    assert events.read_text(encoding="utf-8").split("\n") == [
        "teardown test_skipped", "setup test_runs", "call test_runs", "teardown test_runs", ""]


def test_a_grade_makes_no_test_report(tmp_path, sessions):
    """Reading a check's outcome from its ``CallInfo`` spares making, logging and announcing pytest's test reports, a
    fifth of the grading process's time around the checks: an instructor's conftest hooks for reports never run."""
    events = tmp_path / "events.txt"
    (tmp_path / "conftest.py").write_text(
        f"EVENTS = {str(events)!r}\n\n\n"
        "def note(what):\n    with open(EVENTS, 'a') as out:\n        out.write(what + '\\n')\n\n\n"
        "def pytest_runtest_makereport(item, call):\n    note('makereport')\n\n\n"
        "def pytest_runtest_logreport(report):\n    note('logreport')\n\n\n"
        "def pytest_runtest_logstart(nodeid, location):\n    note('logstart')\n", encoding="utf-8")
    parts = write_suite(tmp_path, HEADER + "@pytest.mark.points(1)\ndef test_runs():\n    pass\n")
    run = run_suites(None, parts, seed=0)
    assert [(c.name, c.passed) for c in run.checks] == [("test_runs", True)]
    assert not events.exists()


def test_a_check_needing_only_the_graders_fixtures_is_called_plainly_and_any_other_through_pytest(tmp_path,
                                                                                                 sessions):
    """pytest's hooks would only compute the grader's own fixtures and call such a check, so it is called plainly;
    a check with another fixture (a module-scoped one of the suite's, tmp_path) or marker (skip) goes through
    pytest's set-up and tear-down as before, and the two kinds may follow each other in any order."""
    events = tmp_path / "events.txt"
    (tmp_path / "check_second.py").write_text(HEADER.replace("ORDER = 1", "ORDER = 2") + (
        "@pytest.mark.points(1)\ndef test_uses_tmp_path(tmp_path):\n    (tmp_path / 'x').write_text('x')\n\n\n"
        "@pytest.mark.points(1)\ndef test_plain_too(rng):\n    assert 0 <= rng.random() < 1\n"), encoding="utf-8")
    parts = write_suite(tmp_path, HEADER + f"EVENTS = {str(events)!r}\n\n\n" + (
        "def note(what):\n    with open(EVENTS, 'a') as out:\n        out.write(what + '\\n')\n\n\n"
        "@pytest.fixture(scope='module')\ndef resource():\n    note('set up')\n    yield 1\n    note('torn down')\n\n\n"
        "@pytest.mark.points(1)\ndef test_with_the_suites_fixture(resource):\n    note('first')\n\n\n"
        "@pytest.mark.points(1)\n@pytest.mark.skip(reason='not this term')\n"
        "def test_skipped(rng):\n    note('no')\n\n\n"
        "@pytest.mark.points(1)\n@pytest.mark.parametrize('n', [1, 2])\n"
        "def test_plain(shared, inputs, n):\n    note(f'plain {n}')\n"))
    run = run_suites(None, parts, seed=0)  # the suite's last checks plain: its module is torn down all the same
    assert [(c.name, c.outcome) for c in run.checks] == [
        ("test_with_the_suites_fixture", "passed"), ("test_skipped", "error"), ("test_plain[1]", "passed"),
        ("test_plain[2]", "passed"), ("test_uses_tmp_path", "passed"), ("test_plain_too", "passed")]
    assert events.read_text(encoding="utf-8").split("\n") == ["set up", "first", "plain 1", "plain 2", "torn down", ""]
    plugin = sessions[0].plugin
    assert plugin.plain_hooks
    assert {nodeid.split("::")[1]: plain for nodeid, plain in plugin.plain_checks.items()} == {
        "test_with_the_suites_fixture": False, "test_plain[1]": True, "test_plain[2]": True, "test_skipped": False,
        "test_uses_tmp_path": False, "test_plain_too": True}


def appending(events: Path, definition: str, what: str) -> str:
    """The source of a function (``definition``, its ``def`` line) that appends ``what`` (an expression) to the file
    ``events``: a hook or a set-up that leaves a trace of having run."""
    return f"{definition}\n    with open({str(events)!r}, 'a') as out:\n        out.write({what})\n"


def test_a_conftest_that_hooks_into_a_checks_steps_has_every_check_go_through_pytest(tmp_path, sessions):
    events = tmp_path / "events.txt"
    (tmp_path / "conftest.py").write_text(appending(events, "def pytest_runtest_call(item):", "item.name"),
                                          encoding="utf-8")
    parts = write_suite(tmp_path, HEADER + "@pytest.mark.points(1)\ndef test_plain(rng):\n    pass\n")
    run = run_suites(None, parts, seed=0)
    assert [c.outcome for c in run.checks] == ["passed"]
    assert events.read_text(encoding="utf-8") == "test_plain"  # the conftest's hook ran around the check
    assert sessions[0].plugin.plain_hooks is False


def test_what_pytest_would_do_otherwise_is_left_to_pytest(tmp_path, sessions):
    """A suite's own fixture of one of the grader's names, an indirect parameter, and an async check each go through
    pytest, which gives the suite's fixture and refuses the async check; a tear-down that fails after a plain check
    costs no check, as with pytest."""
    (tmp_path / "check_second.py").write_text(HEADER.replace("ORDER = 1", "ORDER = 2") + (
        "@pytest.mark.points(1)\ndef test_after(shared):\n    pass\n"), encoding="utf-8")
    parts = write_suite(tmp_path, HEADER + (
        "import numpy as np\n\n\n"
        "@pytest.fixture\ndef rng():\n    return np.random.default_rng(12345)\n\n\n"
        "@pytest.fixture(scope='module')\ndef resource():\n    yield 1\n    raise RuntimeError('tear-down broke')\n\n\n"
        "@pytest.mark.points(1)\ndef test_suites_rng(rng, resource):\n"
        "    assert rng.integers(10**9) == np.random.default_rng(12345).integers(10**9)\n\n\n"
        "@pytest.mark.points(1)\n@pytest.mark.parametrize('rng', [3], indirect=True)\n"
        "def test_indirect(rng):\n    assert rng is not None\n\n\n"
        "@pytest.mark.points(1)\nasync def test_async(shared):\n    pass\n\n\n"
        "@pytest.mark.points(1)\ndef test_plain_last(shared):\n    pass\n"))
    run = run_suites(None, parts, seed=0)
    assert [(c.name, c.outcome) for c in run.checks] == [
        ("test_suites_rng", "passed"), ("test_indirect[3]", "passed"), ("test_async", "error"),
        ("test_plain_last", "passed"), ("test_after", "passed")]
    plain = {nodeid.split("::")[1]: p for nodeid, p in sessions[0].plugin.plain_checks.items()}
    assert plain == {"test_suites_rng": False, "test_indirect[3]": False, "test_async": False,
                     "test_plain_last": True, "test_after": True}


def test_a_check_in_a_package_with_a_set_up_of_its_own_goes_through_pytest(tmp_path, sessions):
    events = tmp_path / "events.txt"
    package = tmp_path / "suites"
    package.mkdir()
    (package / "__init__.py").write_text(appending(events, "def setup_module():", "'package set up\\n'"),
                                         encoding="utf-8")
    parts = write_suite(package, HEADER + "@pytest.mark.points(1)\ndef test_plain_otherwise(rng):\n    pass\n")
    run = run_suites(None, parts, seed=0)
    assert [c.outcome for c in run.checks] == ["passed"]
    assert list(sessions[0].plugin.plain_checks.values()) == [False]
    if pytest.version_tuple >= (9,):  # pytest 8 runs no package set-up in this layout, through its hooks either
        assert events.read_text(encoding="utf-8") == "package set up\n"
