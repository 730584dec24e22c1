"""`nn-grader autograde`, `gradebook merge` and `gradebook export`: parse, call grader.classroom, report progress.

Exit codes: 0 the run finished (whatever the students scored), 2 a usage error, 130 interrupted (everything
finished so far is kept; run the same command again to continue).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader.options import jobs_option, lang_option, parts_argument, quiet_option, seed_option
from grader.output import prepare_folder

if TYPE_CHECKING:  # click's progress bar type lives in a private module
    from click._termui_impl import ProgressBar

SECRET_ENV = "NN_GRADER_COURSE_SECRET"


@click.command()
@click.argument("submissions", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the gradebook, the summary and each student's record and feedback.")
@jobs_option("Grading processes in parallel.")
@click.option("--quiz", "quizzes", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="An open quiz file (the key), or a folder of them; students' <quiz id>.answers.yaml are graded.")
@click.option("--student", "only", multiple=True, help="Grade only this student (repeatable).")
@click.option("--force", is_flag=True, help="Regrade students whose record is current.")
@click.option("--shard", default=None, metavar="K/N", callback=lambda ctx, param, text: shard_of(text),
              help="Grade only the K-th of N equal shares of the class.")
@click.option("--budget", type=click.FloatRange(1), default=300, show_default=True,
              help="Seconds one student's whole grade may take.")
@click.option("--call-seconds", type=click.FloatRange(0.1), default=None, help="Time limit of one call.")
@click.option("--import-seconds", type=click.FloatRange(0.1), default=None, help="Time limit of one import.")
@seed_option()
@lang_option()
@click.option("--html", is_flag=True,
              help="Also write each student's HTML report, with plots from their own code, beside their feedback.")
@click.option("--report", "class_report", is_flag=True,
              help="Also write the class report (what the class got wrong; see nn-grader report) into OUTPUT.")
@quiet_option("No progress bar and no notes on standard error; the class's summary is still printed.")
@parts_argument()
def autograde(submissions: Path, output: Path, jobs: int | None, quizzes: tuple[Path, ...], only: tuple[str, ...],
              force: bool, shard: tuple[int, int] | None, budget: float, call_seconds: float | None,
              import_seconds: float | None, seed: int, lang: str, html: bool, class_report: bool, quiet: bool,
              parts: tuple[str, ...]) -> None:
    """Grade every student in SUBMISSIONS (one folder or zip each) on PARTS (all unless named)."""
    from dataclasses import replace

    from grader.classroom.autograde import autograde as run_class
    from grader.classroom.roster import layout_of
    from grader.classroom.student import ClassSettings
    from grader.sandbox.limits import Limits

    limits = Limits()
    if call_seconds:
        limits = replace(limits, call_seconds=call_seconds)
    if import_seconds:
        limits = replace(limits, import_seconds=import_seconds)
    quiz_files = tuple(f for q in quizzes for f in (sorted(q.glob("*.yaml")) if q.is_dir() else [q]))
    settings = ClassSettings(parts=parts, seed=seed, lang=lang, limits=limits,
                             quizzes=quiz_files, quiz_secret=os.environ.get(SECRET_ENV, ""),
                             html_output=output.resolve() if html else None)
    prepare_folder(output)  # a folder that cannot be made is one line and exit 2, never a traceback
    progress = Progress(quiet=quiet)
    try:
        progress.note(f"{submissions}: {layout_of(submissions)} layout")
        run = run_class(submissions, output, settings, workers=jobs, budget=budget, force=force, only=only,
                        shard=shard, on_start=progress.start,
                        on_record=progress.advance)
    except KeyboardInterrupt:
        progress.close()
        click.echo(f"interrupted: {progress.done} graded and kept; run the same command to continue", err=True)
        sys.exit(130)
    progress.close()
    s = run.summary
    click.echo(f"graded {len(run.graded)}, skipped {len(run.skipped)} (current); class of {s['students']}: "
               f"mean {s['mean']:g}, median {s['median']:g} of {s['max_total']:g}; statuses "
               + ", ".join(f"{k} {v}" for k, v in s["statuses"].items()))
    click.echo(f"gradebook: {output / 'gradebook.csv'}")
    if class_report:
        from grader.classroom.report_cli import write_class_report

        page, _ = write_class_report(output, quiz_files, lang)
        click.echo(f"class report: {page}")


def shard_of(text: str | None) -> tuple[int, int] | None:
    """``--shard K/N`` as (K, N); a malformed one is a usage error naming the option."""
    from grader.classroom.autograde import parse_shard

    if text is None:
        return None
    try:
        return parse_shard(text)
    except ValueError as error:  # parse_shard's only error: the text is not K/N
        raise click.BadParameter(str(error), param_hint="--shard") from None


class Progress:
    """A progress bar with an ETA on standard error, advanced as each student finishes (none with ``--quiet``)."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.bar: ProgressBar[str | None] | None = None
        self.done = 0
        self.quiet = quiet

    def note(self, line: str) -> None:
        """Tell the instructor something on standard error, unless ``--quiet``."""
        if not self.quiet:
            click.echo(line, err=True)

    def start(self, to_grade: int, skipped: int) -> None:
        if skipped:
            self.note(f"{skipped} students already graded (use --force to regrade)")
        if to_grade and not self.quiet:
            self.bar = click.progressbar(length=to_grade, label="grading", show_eta=True, show_pos=True,
                                         file=sys.stderr, item_show_func=lambda s: s)
            self.bar.__enter__()

    def advance(self, record: dict) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1, f"{record['student']}: {record['status']}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.group()
def gradebook() -> None:
    """Work with autograde's gradebooks."""


@gradebook.command()
@click.argument("output", type=click.Path(file_okay=False, path_type=Path))
@click.argument("shards", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
def merge(output: Path, shards: tuple[Path, ...]) -> None:
    """Join the autograde outputs SHARDS into OUTPUT and rebuild its gradebook (no SHARDS: just rebuild)."""
    from grader.classroom.gradebook import merge as merge_shards

    prepare_folder(output)
    summary = merge_shards(output, list(shards))
    click.echo(f"{summary['students']} students in {output / 'gradebook.csv'}")


@gradebook.command()
@click.argument("graded", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["canvas", "moodle", "csv"]), default="csv", show_default=True,
              help="canvas / moodle: the LMS's grade import CSV; csv: the plain gradebook.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write ('-' for standard output).")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="CSV mapping folder ids to LMS ids: student, lms_id, name, section, email, sis_user_id, "
                   "sis_login_id (docs/classroom.md).")
@click.option("--assignment", default="nn-grader", show_default=True, help="The assignment's (grade item's) name.")
@click.option("--assignment-id", default="", help="Canvas: the assignment's id, so the import updates it.")
@click.option("--strict", is_flag=True, help="Leave out students the roster does not list.")
def export(graded: Path, fmt: str, output: Path, roster: Path | None, assignment: str, assignment_id: str,
           strict: bool) -> None:
    """Write GRADED's totals (an autograde --output folder) as a CSV file Canvas or Moodle imports as it is."""
    from grader.classroom.class_report import load_class
    from grader.classroom.lms_gradebook import export_gradebook, read_roster
    from grader.classroom.roster import quoted_name
    from grader.output import is_stdout, prepare_file, write_text

    if fmt == "csv" and (roster or strict):
        raise click.UsageError("--roster and --strict apply to --format canvas and moodle")
    prepare_file(output)  # before the work: a file that cannot be written is one line, at once
    made = export_gradebook(load_class(graded), fmt, roster=read_roster(roster) if roster else None,
                            assignment=assignment, assignment_id=assignment_id, strict=strict)
    write_text(output, made.text)
    fate = "left out (--strict)" if strict else "exported by folder id"
    for student in made.unlisted:
        click.echo(f"not in the roster, {fate}: {quoted_name(student)}", err=True)
    for student in made.unknown:
        click.echo(f"in the roster but without a record in {graded}: {quoted_name(student)}", err=True)
    for student in made.ungraded:
        click.echo(f"the grader failed on {quoted_name(student)}: their cell is empty (see their record)", err=True)
    if not is_stdout(output):
        click.echo(f"{fmt} gradebook: {output}")
