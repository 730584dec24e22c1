"""An instructor's authoring mistakes in a hidden suite stop the run loudly, naming the file and the check.

Each case writes a small suite into a temporary folder, reached with ``parts.discover(folder)`` (and, for the
commands, by pointing ``parts.select`` at it), and runs it with the grader's own pytest configuration.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import parts as course
from grader.cli import main
from grader.runner import SuiteAuthoringError, list_checks, run_suites

from submissions import SOLUTIONS

HEADER = '"""A demo part\n\nFor the authoring tests.\n"""\n\nimport pytest\n\nORDER = 1\n\n'


def write_suite(folder: Path, body: str, name: str = "demo") -> Path:
    path = folder / f"check_{name}.py"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def authoring_problems(folder: Path) -> list[str]:
    with pytest.raises(SuiteAuthoringError) as raised:
        list_checks(course.discover(folder))
    return raised.value.problems


def test_a_misspelled_points_marker_names_the_file_line_and_check(tmp_path):
    write_suite(tmp_path, "\n@pytest.mark.points(1)\ndef test_fine():\n    pass\n\n\n"
                          "@pytest.mark.point(3)\ndef test_worth_three():\n    pass\n")
    (problem,) = authoring_problems(tmp_path)
    assert problem.startswith("check_demo.py, line 16 (test_worth_three): @pytest.mark.point is not a marker")


def test_a_misspelled_public_marker_does_not_keep_the_check_hidden_silently(tmp_path):
    write_suite(tmp_path, "@pytest.mark.publc\n@pytest.mark.points(1)\ndef test_shown():\n    pass\n")
    (problem,) = authoring_problems(tmp_path)
    assert "(test_shown)" in problem and "@pytest.mark.publc" in problem


def test_a_check_without_points_is_an_authoring_error(tmp_path):
    write_suite(tmp_path, "@pytest.mark.public\ndef test_free():\n    pass\n\n\n"
                          "@pytest.mark.points(2)\ndef test_paid():\n    pass\n")
    assert authoring_problems(tmp_path) == [
        "check_demo.py::test_free: no @pytest.mark.points(n): every check must say what it is worth"]


@pytest.mark.parametrize("marker", ["points('3')", "points(0)", "points(1, 2)", "points()", "points(True)"])
def test_points_must_be_one_positive_number(tmp_path, marker):
    write_suite(tmp_path, f"@pytest.mark.{marker}\ndef test_odd():\n    pass\n")
    (problem,) = authoring_problems(tmp_path)
    assert problem.startswith(f"check_demo.py::test_odd: @pytest.mark.{marker}") and "one positive number" in problem


def test_a_figure_marker_must_name_a_kind_and_a_parameter_the_check_has(tmp_path):
    write_suite(tmp_path, '@pytest.mark.points(1)\n@pytest.mark.parametrize("name", ["relu"])\n'
                          '@pytest.mark.figure("activation", "activations.{nme}")\n'
                          '@pytest.mark.figure("curve", "activations.relu")\ndef test_drawn(name):\n    pass\n')
    problems = authoring_problems(tmp_path)
    assert len(problems) == 2 and all(p.startswith("check_demo.py::test_drawn[relu]: ") for p in problems)
    assert any("'activations.{nme}'" in p and "its parameters: name" in p for p in problems)
    assert any("figure takes a kind (activation, derivative, loss, gradient)" in p for p in problems)


def test_a_well_written_suite_lists_its_checks_and_their_figures(tmp_path):
    write_suite(tmp_path, '@pytest.mark.points(0.5)\n@pytest.mark.parametrize("name", ["relu", "elu"])\n'
                          '@pytest.mark.figure("gradient", "losses.{name}_grad", from_logits=True)\n'
                          'def test_drawn(name):\n    pass\n')
    listed = list_checks(course.discover(tmp_path))
    assert [(c.name, c.points) for c in listed] == [("test_drawn[relu]", 0.5), ("test_drawn[elu]", 0.5)]


def test_the_shipped_suites_register_every_marker_they_use():
    ini = (course.SUITES_DIR / "pytest.ini").read_text(encoding="utf-8")
    assert "--strict-markers" in ini
    for marker in ("points(n)", "public:", "figure(kind, target"):
        assert marker in ini


@pytest.fixture
def broken_suites(tmp_path, monkeypatch) -> Path:
    write_suite(tmp_path, "@pytest.mark.point(3)\ndef test_worth_three():\n    pass\n")
    discovered = course.discover(tmp_path)
    monkeypatch.setattr(course, "select", lambda names, suites_dir=None: discovered)
    return tmp_path


# The worker that `check` starts before the suites are collected leaves its output pipe to the garbage collector
# when it is closed at once (grader/sandbox/client.py): harmless here, and not what this test is about.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("command", [["list"], ["check", "--submission", str(SOLUTIONS)]])
def test_the_commands_stop_with_the_problem_and_exit_2(broken_suites, command):
    run = CliRunner().invoke(main, command)
    assert run.exit_code == 2, run.output
    assert "hidden suites are written wrong, so nothing was graded" in run.output
    assert "check_demo.py, line 10 (test_worth_three): @pytest.mark.point is not a marker" in run.output
    assert "Traceback" not in run.output and run.exception is None or isinstance(run.exception, SystemExit)


def test_the_error_crosses_a_process_boundary_whole():
    import pickle

    error = pickle.loads(pickle.dumps(SuiteAuthoringError(["check_demo.py::test_free: no points"])))
    assert error.problems == ["check_demo.py::test_free: no points"] and error.exit_code == 2


def test_a_warning_of_the_grading_process_stays_in_the_run_and_the_warning_markers_work(tmp_path):
    write_suite(tmp_path, "import warnings\n\n\n@pytest.mark.points(1)\ndef test_warns(recwarn):\n"
                          "    warnings.warn('the grader talking to itself')\n"
                          "    assert [str(w.message) for w in recwarn] == ['the grader talking to itself']\n\n\n"
                          "@pytest.mark.points(1)\ndef test_warns_plainly():\n"
                          "    warnings.warn('nobody should see this')\n\n\n"
                          "@pytest.mark.filterwarnings('error')\n@pytest.mark.points(1)\ndef test_warning_is_error():\n"
                          "    warnings.warn('an error here')\n")
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        run = run_suites(None, course.discover(tmp_path), seed=0)
    assert [c.outcome for c in run.checks] == ["passed", "passed", "error"]
    assert not [w for w in escaped if "nobody should see this" in str(w.message)]
