"""The conventions every `nn-grader` command shares: one kind of user error, said in one line with exit code 2; a bug
said as a bug (exit 70) by the installed command; the same --lang, --seed and --jobs everywhere; NO_COLOR; --quiet;
and shell completion of part names."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
import click.testing
import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner

from grader import audit as auditing
from grader import cli
from grader.classroom.archive import ArchiveError
from grader.classroom.checkout import ReleaseError
from grader.classroom.records import OutputError as ClassOutputError
from grader.classroom.roster import RosterError
from grader.errors import INTERNAL_ERROR_EXIT, UserError
from grader.grading import SeedNotRecorded
from grader.output import OutputError
from grader.parts import UnknownPart, discover
from grader.quiz.problems import Problem, QuizError
from grader.runner import SuiteAuthoringError
from grader.submission import SubmissionError

PART_NAMES = [part.name for part in discover()]


def invoke(*args: str | Path, env: dict[str, str] | None = None, color: bool = False) -> click.testing.Result:
    return CliRunner().invoke(cli.main, [str(a) for a in args], env=env, color=color)


def assert_one_line_error(result: click.testing.Result, *words: str) -> None:
    """Exit 2, and one ``Error: ...`` line on standard error holding ``words``; never a traceback."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]


# -- one user error -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("error", [UnknownPart("x"), SubmissionError("x"), SeedNotRecorded("x"), RosterError("x"),
                                   ReleaseError("x"), ArchiveError("classroom.zip.unreadable", detail="x"),
                                   OutputError("x"), SuiteAuthoringError(["check_x.py, line 3: no points"]),
                                   QuizError([Problem("q.yaml", 3, "title", "a text")])],
                         ids=lambda error: type(error).__name__)
def test_every_user_error_is_a_user_error_with_exit_code_2(error):
    assert isinstance(error, UserError) and error.exit_code == 2


def test_the_classroom_and_the_commands_share_one_output_error():
    assert ClassOutputError is OutputError


def test_the_errors_keep_the_base_their_callers_catch():
    assert issubclass(UnknownPart, ValueError) and issubclass(SubmissionError, ValueError)
    assert issubclass(RosterError, ValueError) and issubclass(ArchiveError, ValueError)
    assert issubclass(ReleaseError, RuntimeError)


@pytest.mark.parametrize(("args", "words"), [
    (("check", "no_such_part"), ("unknown part 'no_such_part'", "activations")),
    (("check", "--submission", "no/such/folder"), ("no/such/folder",)),
    (("list", "no_such_part"), ("unknown part 'no_such_part'",)),
    (("audit", "no_such_part"), ("unknown part 'no_such_part'",)),
], ids=lambda value: " ".join(value) if isinstance(value, tuple) and value[0].isalpha() else "")
def test_each_command_says_a_user_error_in_one_line_with_exit_2(args, words):
    assert_one_line_error(invoke(*args), *words)


def test_autograde_says_an_unknown_student_in_one_line_with_exit_2(tmp_path):
    (tmp_path / "class" / "ada").mkdir(parents=True)
    result = invoke("autograde", tmp_path / "class", "--output", tmp_path / "out", "--student", "nobody", "-q")
    assert_one_line_error(result, "no submission for student nobody")


def test_autograde_says_a_malformed_shard_as_a_usage_error(tmp_path):
    (tmp_path / "class").mkdir()
    result = invoke("autograde", tmp_path / "class", "--output", tmp_path / "out", "--shard", "three")
    assert result.exit_code == 2 and "--shard" in result.stderr and "K/N" in result.stderr


def test_gradescope_run_says_a_missing_submission_in_one_line_with_exit_2(tmp_path):
    assert_one_line_error(invoke("gradescope", "run", "--root", tmp_path), "submission", "does not exist")


def test_a_quiz_with_problems_lists_each_on_its_own_line(tmp_path):
    (tmp_path / "class").mkdir()
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitle: [not, a, text]\n", encoding="utf-8")
    result = invoke("autograde", tmp_path / "class", "--output", tmp_path / "out", "--quiz", broken, "-q")
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ") and len(lines) >= 2
    assert all(str(broken) in line for line in lines), lines


def test_a_bug_is_not_dressed_as_a_usage_error(monkeypatch):
    """An unexpected exception in a command (here a ValueError, which the old commands caught) stays itself."""

    def bug(parts):
        raise ValueError("an internal mistake")

    monkeypatch.setattr(cli.list_, "callback", bug)
    with pytest.raises(ValueError, match="an internal mistake"):  # not click's UsageError, not a SystemExit(2)
        cli.main(["list"], standalone_mode=False)


# -- the installed command's safety net -----------------------------------------------------------------------------

def run_installed(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """``nn-grader ARGS`` as the console script runs it: its exit code and what it wrote on standard error."""
    monkeypatch.setattr(sys, "argv", ["nn-grader", *args])
    with pytest.raises(SystemExit) as exited:
        cli.run()
    return exited.value.code, capsys.readouterr().err


def test_the_installed_command_says_a_bug_in_one_line_and_exits_70(monkeypatch, capsys):
    def bug(parts):
        raise KeyError("lost")

    monkeypatch.setattr(cli.list_, "callback", bug)
    code, err = run_installed(monkeypatch, capsys, "list")
    assert code == INTERNAL_ERROR_EXIT == 70
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith("nn-grader: internal error (a bug in nn-grader, not in your input): KeyError: 'lost'")
    saved = Path(re.search(r"the traceback is in (\S+)$", lines[0]).group(1))
    try:
        assert "Traceback (most recent call last)" in saved.read_text() and "KeyError: 'lost'" in saved.read_text()
    finally:
        saved.unlink()


def test_the_installed_command_still_says_a_user_error_with_exit_2(monkeypatch, capsys):
    code, err = run_installed(monkeypatch, capsys, "list", "no_such_part")
    assert code == 2 and err.startswith("Error: unknown part") and "internal error" not in err


def test_the_console_script_and_python_m_grader_use_the_safety_net():
    assert 'nn-grader = "grader.cli:run"' in (Path(cli.__file__).parents[1] / "pyproject.toml").read_text()
    assert "run()" in (Path(cli.__file__).with_name("__main__.py")).read_text()


# -- shared options -------------------------------------------------------------------------------------------------

def command(*path: str) -> click.Command:
    found: click.Command = cli.main
    for name in path:
        with click.Context(found) as ctx:
            found = found.get_command(ctx, name)  # type: ignore[attr-defined]
    return found


@pytest.mark.parametrize("path", [("audit",), ("autograde",)])
def test_dash_j_means_jobs_everywhere(path):
    options = {opt: param.name for param in command(*path).params for opt in param.opts}
    assert options["-j"] == "jobs" and options["--jobs"] == "jobs"


def test_autograde_still_takes_workers_as_a_hidden_alias_of_jobs(tmp_path):
    autograde = command("autograde")
    for spelling in ("--workers", "-j", "--jobs"):
        with autograde.make_context("autograde", [str(tmp_path), "-o", str(tmp_path / "out"), spelling, "3"]) as ctx:
            assert ctx.params["jobs"] == 3
    assert "--workers" not in autograde.get_help(click.Context(autograde))


@pytest.mark.parametrize("path", [("check",), ("autograde",), ("gradescope", "build"), ("gradescope", "run"),
                                  ("quiz", "take"), ("quiz", "grade"), ("quiz", "export")])
def test_lang_reads_nn_grader_lang_in_every_command(path, monkeypatch):
    monkeypatch.setenv("NN_GRADER_LANG", "ko")
    lang = next(param for param in command(*path).params if param.name == "lang")
    with click.Context(command(*path)) as ctx:
        assert lang.process_value(ctx, None) == "ko"
        assert lang.process_value(ctx, "en") == "en"  # --lang wins
    monkeypatch.setenv("NN_GRADER_LANG", "fr")  # a language nn-grader does not speak is ignored, not refused
    with click.Context(command(*path)) as ctx:
        assert lang.process_value(ctx, None) in ("en", None)


def test_check_speaks_the_language_of_nn_grader_lang(stub_folder):
    korean = invoke("check", "activations", "--submission", stub_folder, env={"NN_GRADER_LANG": "ko"})
    assert korean.exit_code == 1 and "합계" in korean.stdout
    english = invoke("check", "activations", "--submission", stub_folder, "--lang", "en",
                     env={"NN_GRADER_LANG": "ko"})
    assert "Total" in english.stdout and "합계" not in english.stdout


def test_seed_defaults_to_nn_graders_own_in_every_command():
    from grader.grading import DEFAULT_SEED

    for path in [("check",), ("audit",), ("autograde",), ("gradescope", "build"), ("gradescope", "run")]:
        seed = next(param for param in command(*path).params if param.name == "seed")
        with click.Context(command(*path)) as ctx:
            assert seed.process_value(ctx, None) == DEFAULT_SEED and seed.process_value(ctx, 7) == 7


# -- terminal conventions -------------------------------------------------------------------------------------------

@pytest.fixture
def terminal(monkeypatch):
    """Standard output of click's runner as if it were a terminal."""
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True, raising=False)


def test_no_color_gives_no_ansi_code_at_all_from_check(stub_folder, terminal):
    coloured = invoke("check", "activations", "--submission", stub_folder, color=True)
    assert "\x1b[" in coloured.stdout  # the terminal does get colour ...
    plain = invoke("check", "activations", "--submission", stub_folder, color=True, env={"NO_COLOR": "1"})
    assert plain.exit_code == 1 and "\x1b[" not in plain.output  # ... but not with NO_COLOR, not even bold
    assert seconds_dropped(click.unstyle(coloured.stdout)) == seconds_dropped(plain.stdout)


def seconds_dropped(report: str) -> str:
    return re.sub(r"\d+\.\d+ s", "", report)


def test_check_quiet_prints_only_the_total_line_and_keeps_the_exit_code(stub_folder):
    result = invoke("check", "activations", "--submission", stub_folder, "-q")
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1 and result.stdout.startswith("Total: 0/22 points")


def test_audit_reports_progress_as_each_submission_is_graded():
    seen: list[tuple[int, int]] = []
    assert auditing._run(str, [1, 2, 3], 1, lambda done, total: seen.append((done, total))) == ["1", "2", "3"]
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_audit_draws_its_bar_on_a_terminal_only_and_not_when_quiet(monkeypatch, capsys):
    from grader.audit_cli import progress_bar

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    for quiet, drawn in ((False, True), (True, False)):
        with progress_bar(enabled=not quiet) as advance:
            advance(1, 2)
            advance(2, 2)
        assert ("2/2" in capsys.readouterr().err) is drawn


@pytest.mark.parametrize("name", ["check", "list", "audit"])
def test_part_names_complete_in_check_list_and_audit(name):
    complete = ShellComplete(cli.main, {}, "nn-grader", "_NN_GRADER_COMPLETE")
    assert [item.value for item in complete.get_completions([name], "")] == PART_NAMES
    assert [item.value for item in complete.get_completions([name], "la")] == ["layers"]
    assert "activations" not in [item.value for item in complete.get_completions([name, "activations"], "")]


def test_the_readme_documents_completion_and_quiet():
    readme = (Path(cli.__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "_NN_GRADER_COMPLETE=bash_source nn-grader" in readme and "--quiet" in readme
