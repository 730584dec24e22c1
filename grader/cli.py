"""The `nn-grader` command line: parse, call the library, render. No grading logic lives here.

Exit codes: 0 everything passed (or the command succeeded), 1 some check failed, 2 a usage or configuration error
(any :class:`grader.errors.UserError`, said in one line by :class:`LazyGroup`), 70 a bug in nn-grader (only from the
installed command, :func:`run`).
"""

from __future__ import annotations

import atexit
import os
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from pkgutil import resolve_name
from typing import IO, Any, NoReturn

import click

from grader import __version__
from grader.errors import INTERNAL_ERROR_EXIT, UserError
from grader.i18n import language, tr
from grader.options import Decorated, lang_option, parts_argument, quiet_option, seed_option
from grader.output import (
    STDOUT,
    OutputError,
    colour_wanted,
    is_stdout,
    prepare_file,
    prepare_folder,
    write_text,
)
from grader.report import DEFAULT_HIDDEN_VISIBILITY, RENDERER_PATHS, RENDERERS, VISIBILITIES
from grader.sandbox.limits import single_threaded_unset

FORMATS = tuple(RENDERER_PATHS)  # each renderer is imported only when its format is chosen


def hidden_visibility_option() -> Callable[[Decorated], Decorated]:
    """``--hidden-visibility``: when Gradescope shows the hidden checks' details (public checks are always shown)."""
    return click.option("--hidden-visibility", type=click.Choice(VISIBILITIES), default=DEFAULT_HIDDEN_VISIBILITY,
                        show_default=True, help="Gradescope: when students see the hidden checks' details; before "
                                                "then, only their total. Public checks are always visible.")


# Commands that live beside the library they drive, imported only when asked for, so that `nn-grader check` does
# not pay for the quiz engine or the classroom tools. name -> "module:attribute".
LAZY_COMMANDS = {
    "quiz": "grader.quiz.cli:quiz",
    "autograde": "grader.classroom.cli:autograde",
    "gradebook": "grader.classroom.cli:gradebook",
    "report": "grader.classroom.report_cli:report",
    "audit": "grader.audit_cli:audit_command",
    "release": "grader.classroom.release_cli:release",
    "gradescope": "grader.classroom.release_cli:gradescope",
    "notebooks": "grader.classroom.notebooks:notebooks",
}


class LazyGroup(click.Group):
    """A click group whose commands in :data:`LAZY_COMMANDS` are imported on first use, and the one place where a
    :class:`UserError` raised by any command becomes one message and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as error:  # as click shows its own errors: `Error: <message>` on stderr, then the code
            click.echo(f"Error: {error.message}", err=True)
            ctx.exit(error.exit_code)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            command: click.Command = resolve_name(LAZY_COMMANDS[name])
            return command
        return super().get_command(ctx, name)


class GradingCommand(click.Command):
    """A command that grades: its zygote (``grader.sandbox.zygote``) starts as soon as the command is chosen.

    That is before its options are parsed, because parsing already loads the grader (``--seed``'s default lives in
    ``grader.grading``): the worker's Python and numpy then load in the zygote while this process loads pytest and the
    checks. Not for ``--help`` or shell completion, which grade nothing.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not ctx.resilient_parsing and not set(args) & set(ctx.help_option_names):
            from grader.sandbox import zygote

            zygote.prewarm()
        return super().parse_args(ctx, args)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nn-grader")
def main() -> None:
    """Grade numpy deep-learning exercises and concept quizzes."""


def run() -> NoReturn:
    """The installed ``nn-grader`` command: :func:`main`, with a last safety net for bugs in nn-grader itself.

    A user error is already one line and exit code 2 (:class:`LazyGroup`). Anything else that escapes is a bug: one
    line saying so, the traceback in a file for the bug report, and exit code 70, never read by CI as a grade.
    (Tests call :func:`main` through click's runner, and still see the exception itself.) Called from the top of the
    program (the console script, ``python -m grader``), it ends the process at once (:func:`exit_without_teardown`).
    """
    # The grader's matrices are tiny, so BLAS threads never help it, and OpenBLAS's pool spins for ~0.15 s once numpy
    # loads, on the core the zygote needs to start (a tenth of a fresh check's CPU). Set before numpy is imported;
    # a user's own setting wins. (A grade in a notebook, where numpy is already loaded, is held to one thread by
    # grading.grade instead.)
    os.environ.update(single_threaded_unset())
    try:
        main(prog_name="nn-grader")
    except SystemExit as done:  # how every command ends: click exits with the command's code
        if sys._getframe(1).f_globals.get("__name__") != "__main__":
            raise  # run() was called by another program (a test), which goes on after it: no shortcut
        exit_without_teardown(done.code)
    except Exception as bug:  # noqa: BLE001 -- the whole point: no bug reaches the user as a traceback
        click.echo(tr("cli.internal_error", kind=type(bug).__name__, message=bug, file=save_traceback(bug)), err=True)
        sys.exit(INTERNAL_ERROR_EXIT)
    sys.exit(0)  # click's main exits itself; this is for the type checker


def exit_without_teardown(code: Any) -> NoReturn:
    """End the process with exit code ``code`` as Python's own exit would, but without its tear-down.

    After a check, Python's exit spends 60-90 ms taking numpy, pytest and the checks apart object by object, memory
    the system frees at once. What an exit owes the user is done here first: the standard streams are flushed and the
    ``atexit`` handlers run (the zygote ends, temporary folders go). While another thread still runs, or when a stream
    cannot be flushed (a closed pipe), or for an exit code that is not a number, Python's own exit is taken instead,
    so that nothing changes there.
    """
    status = 0 if code is None else code
    if isinstance(status, int) and threading.active_count() == 1 and flushed(sys.stdout, sys.stderr):
        atexit._run_exitfuncs()
        flushed(sys.stdout, sys.stderr)  # what the handlers said
        os._exit(status)
    sys.exit(code)


def flushed(*streams: IO[str]) -> bool:
    """Whether every stream could be flushed (a reader that went away cannot be written to)."""
    try:
        for stream in streams:
            stream.flush()
    except (OSError, ValueError):  # ValueError: a closed stream
        return False
    return True


def save_traceback(error: BaseException) -> str:
    """Write ``error``'s traceback to a new temporary file and return its name (or why it could not be written)."""
    try:
        with tempfile.NamedTemporaryFile("w", prefix="nn-grader-traceback-", suffix=".txt", delete=False,
                                         encoding="utf-8") as file:
            file.write("".join(traceback.format_exception(error)))
        return file.name
    except OSError as why:
        return tr("cli.traceback_unsaved", reason=why.strerror or type(why).__name__)


@main.command(cls=GradingCommand)
@parts_argument()
@click.option("--submission", "-s", type=click.Path(path_type=Path), default=Path("exercises"), show_default=True,
              help="The folder with your exercise modules, or a Jupyter notebook (.ipynb) holding them.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Write the report to this file instead of the terminal (its folders are created; - is the "
                   "terminal).")
@seed_option()
@lang_option()
@click.option("--verbose", "-v", is_flag=True, help="List passed checks too.")
@quiet_option("Print only the total line (text format); the exit code is the same.")
@click.option("--html", "html", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Also write a self-contained HTML report with plots of what failed to this file (its folders "
                   "are created).")
@hidden_visibility_option()
def check(parts: tuple[str, ...], submission: Path, fmt: str, output: Path | None, seed: int, lang: str,
          verbose: bool, quiet: bool, html: Path | None, hidden_visibility: str) -> None:
    """Grade a submission, part by part (all parts unless PARTS are named)."""
    from grader.grading import grade

    with language(lang):  # before grading: a report that cannot be written must not cost a whole grading run
        for path in (output, html):
            if path is not None:
                prepare_file(path)
    with language(lang):  # the messages of a user error, too
        result = grade(submission, list(parts), seed=seed, lang=lang)
    if html:
        write_html_report(html, result, submission)
    colour = fmt == "text" and (output is None or is_stdout(output)) and colour_wanted(sys.stdout)
    if fmt in ("gradescope", "prairielearn"):  # the formats that know when students may see the hidden details
        text = RENDERERS[fmt](result, hidden_visibility=hidden_visibility)
    else:
        text = total_line(result) if quiet and fmt == "text" else RENDERERS[fmt](result, verbose=verbose, colour=colour)
    with language(lang):
        write_text(output or STDOUT, text)
    sys.exit(0 if result.all_passed else 1)


def write_html_report(path: Path, result: Any, submission: Path) -> None:
    """Write ``result``'s HTML report with the figures of ``submission`` to ``path``."""
    from grader.figures import report_figures
    from grader.report.html import render_html

    page = render_html(result, report_figures(result, submission))
    with language(result.language):
        write_text(path, page)


def total_line(result: Any) -> str:
    """The text report's last line alone (``check --quiet``): points, maximum and seconds, in the result's language."""
    from grader.report.common import pts

    with language(result.language):
        return tr("text.total", points=pts(result.points), max=pts(result.max_points),
                  seconds=f"{result.duration:.2f}") + "\n"


@main.command("list")
@parts_argument()
def list_(parts: tuple[str, ...]) -> None:
    """Show the parts, their checks and points."""
    from grader import parts as course
    from grader.runner import list_checks

    selected = course.select(list(parts))
    checks = list_checks(selected)
    for part in selected:
        mine = [c for c in checks if c.part == part.name]
        click.echo(f"{part.name:<12} {part.title}  ({sum(c.points for c in mine):g} points, {len(mine)} checks)")
        for c in mine:
            click.echo(f"    {c.points:>4g}  {c.name}: {c.title}")
    click.echo(f"total: {sum(c.points for c in checks):g} points in {len(checks)} checks")


@main.command()
@click.option("--check", "check_only", is_flag=True, help="Only report whether exercises/ is out of date (exit 1).")
@click.option("--solutions", type=click.Path(path_type=Path, file_okay=False), default=Path("solutions"),
              show_default=True)
@click.option("--exercises", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The folder of stubs.  [default: exercises, or exercises_<lang> in another language]")
@lang_option(help="Language of the exercises' docstrings (grader/locale/<lang>/exercises.yaml; the code is the "
                  "same).")
def stubs(check_only: bool, solutions: Path, exercises: Path | None, lang: str) -> None:
    """Generate the student stubs in EXERCISES from the marked reference in SOLUTIONS."""
    from grader.stubgen import find_drift, write_exercises

    # Another language gets its own folder by default, so that a Korean run never overwrites the English stubs.
    exercises = exercises or Path("exercises" if lang == "en" else f"exercises_{lang}")
    require_folders(solutions, *([exercises] if check_only else []), solutions=solutions, exercises=exercises)
    try:
        if check_only:
            drift = find_drift(solutions, exercises, lang)
            for line in drift:
                click.echo(line)
            sys.exit(1 if drift else 0)
        prepare_folder(exercises)
        generated = write_exercises(solutions, exercises, lang)
    except ValueError as exc:  # stubgen's documented error for a marker mistake: file and line are in the message
        raise UserError(str(exc)) from None
    except OSError as exc:  # e.g. an exercise file that is a folder, or a full disk
        raise OutputError.of(exc, exercises) from None
    click.echo(f"{len(generated)} exercise files in {exercises} are up to date with {solutions}")


def require_folders(*needed: Path, solutions: Path, exercises: Path) -> None:
    """Exit 2 in one line when a folder of `stubs` is missing: outside a checkout there is nothing to generate."""
    missing = [folder for folder in needed if not folder.is_dir()]
    if missing:
        raise OutputError(tr("stubs.needs_checkout", solutions=solutions, exercises=exercises,
                             missing=", ".join(map(str, missing))))
