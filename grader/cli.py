"""The `nn-grader` command line: parse, call the library, render. No grading logic lives here.

Exit codes: 0 everything passed (or the command succeeded), 1 some check failed, 2 a usage or configuration error.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from grader import __version__
from grader.i18n import available_languages, language, tr
from grader.output import STDOUT, OutputError, is_stdout, prepare_file, prepare_folder, reason, write_text
from grader.parts import UnknownPart
from grader.submission import SubmissionError

FORMATS = ("text", "json", "junit", "gradescope", "github", "github-summary", "prairielearn")

# Commands that live beside the library they drive, imported only when asked for, so that `nn-grader check` does
# not pay for the quiz engine or the classroom tools. name -> "module:attribute".
LAZY_COMMANDS = {
    "quiz": "grader.quiz.cli:quiz",
    "autograde": "grader.classroom.cli:autograde",
    "gradebook": "grader.classroom.cli:gradebook",
    "audit": "grader.audit_cli:audit_command",
    "release": "grader.classroom.release_cli:release",
    "gradescope": "grader.classroom.release_cli:gradescope",
}


class LazyGroup(click.Group):
    """A click group whose commands in :data:`LAZY_COMMANDS` are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module, _, attribute = LAZY_COMMANDS[name].partition(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nn-grader")
def main() -> None:
    """Grade numpy deep-learning exercises and concept quizzes."""


@main.command()
@click.argument("parts", nargs=-1)
@click.option("--submission", "-s", type=click.Path(path_type=Path), default=Path("exercises"), show_default=True,
              help="The folder with your exercise modules.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Write the report to this file instead of the terminal (its folders are created; - is the "
                   "terminal).")
@click.option("--seed", type=int, default=None, help="Seed of the generated inputs (recorded in every result).")
@click.option("--lang", type=click.Choice(available_languages()), default="en", show_default=True,
              help="Language of the feedback.")
@click.option("--verbose", "-v", is_flag=True, help="List passed checks too.")
@click.option("--html", "html", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Also write a self-contained HTML report with plots of what failed to this file (its folders "
                   "are created).")
def check(parts: tuple[str, ...], submission: Path, fmt: str, output: Path | None, seed: int | None, lang: str,
          verbose: bool, html: Path | None) -> None:
    """Grade a submission, part by part (all parts unless PARTS are named)."""
    from grader.grading import DEFAULT_SEED, grade
    from grader.report import RENDERERS

    with language(lang):  # before grading: a report that cannot be written must not cost a whole grading run
        for path in (output, html):
            if path is not None:
                prepare_file(path)
    try:
        result = grade(submission, list(parts), seed=DEFAULT_SEED if seed is None else seed, lang=lang)
    except (UnknownPart, SubmissionError) as exc:
        raise click.UsageError(str(exc)) from None
    if html:
        from grader.figures import report_figures
        from grader.report.html import render_html

        page = render_html(result, report_figures(result, submission))
        with language(lang):
            write_text(html, page)
    colour = fmt == "text" and (output is None or is_stdout(output)) and sys.stdout.isatty()
    text = RENDERERS[fmt](result, verbose=verbose, colour=colour)
    with language(lang):
        write_text(output or STDOUT, text)
    sys.exit(0 if result.all_passed else 1)


@main.command("list")
@click.argument("parts", nargs=-1)
def list_(parts: tuple[str, ...]) -> None:
    """Show the parts, their checks and points."""
    from grader import parts as course
    from grader.runner import list_checks

    try:
        selected = course.select(list(parts))
    except UnknownPart as exc:
        raise click.UsageError(str(exc)) from None
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
@click.option("--exercises", type=click.Path(path_type=Path, file_okay=False), default=Path("exercises"),
              show_default=True)
def stubs(check_only: bool, solutions: Path, exercises: Path) -> None:
    """Generate the student stubs in EXERCISES from the marked reference in SOLUTIONS."""
    from grader.stubgen import find_drift, write_exercises

    require_folders(solutions, *([exercises] if check_only else []), solutions=solutions, exercises=exercises)
    try:
        if check_only:
            drift = find_drift(solutions, exercises)
            for line in drift:
                click.echo(line)
            sys.exit(1 if drift else 0)
        prepare_folder(exercises)
        generated = write_exercises(solutions, exercises)
    except ValueError as exc:  # a marker mistake: file and line are in the message
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # e.g. an exercise file that is a folder, or a full disk
        raise OutputError(tr("output.cannot_write", path=exc.filename or exercises,
                             reason=reason(Path(exc.filename or exercises), exc))) from None
    click.echo(f"{len(generated)} exercise files in {exercises} are up to date with {solutions}")


def require_folders(*needed: Path, solutions: Path, exercises: Path) -> None:
    """Exit 2 in one line when a folder of `stubs` is missing: outside a checkout there is nothing to generate."""
    missing = [folder for folder in needed if not folder.is_dir()]
    if missing:
        raise OutputError(tr("stubs.needs_checkout", solutions=solutions, exercises=exercises,
                             missing=", ".join(map(str, missing))))
