"""`nn-grader autograde` and `nn-grader gradebook merge`: parse, call grader.classroom, report progress.

Exit codes: 0 the run finished (whatever the students scored), 2 a usage error, 130 interrupted (everything
finished so far is kept; run the same command again to continue).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from grader.i18n import available_languages
from grader.output import prepare_folder

SECRET_ENV = "NN_GRADER_COURSE_SECRET"


@click.command()
@click.argument("submissions", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the gradebook, the summary and each student's record and feedback.")
@click.option("--workers", "-j", type=click.IntRange(1, 256), default=None,
              help="Grading processes in parallel  [default: the machine's cores]")
@click.option("--quiz", "quizzes", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="An open quiz file (the key), or a folder of them; students' <quiz id>.answers.yaml are graded.")
@click.option("--student", "only", multiple=True, help="Grade only this student (repeatable).")
@click.option("--force", is_flag=True, help="Regrade students whose record is current.")
@click.option("--shard", default=None, metavar="K/N", help="Grade only the K-th of N equal shares of the class.")
@click.option("--budget", type=click.FloatRange(1), default=300, show_default=True,
              help="Seconds one student's whole grade may take.")
@click.option("--call-seconds", type=click.FloatRange(0.1), default=None, help="Time limit of one call.")
@click.option("--import-seconds", type=click.FloatRange(0.1), default=None, help="Time limit of one import.")
@click.option("--seed", type=int, default=None, help="Seed of the generated inputs.")
@click.option("--lang", type=click.Choice(available_languages()), default="en", show_default=True)
@click.option("--html", is_flag=True,
              help="Also write each student's HTML report, with plots from their own code, beside their feedback.")
@click.argument("parts", nargs=-1)
def autograde(submissions: Path, output: Path, workers: int | None, quizzes: tuple[Path, ...], only: tuple[str, ...],
              force: bool, shard: str | None, budget: float, call_seconds: float | None,
              import_seconds: float | None, seed: int | None, lang: str, html: bool, parts: tuple[str, ...]) -> None:
    """Grade every student in SUBMISSIONS (one folder or zip each) on PARTS (all unless named)."""
    from dataclasses import replace

    from grader.classroom.autograde import autograde as run_class, parse_shard
    from grader.classroom.roster import RosterError, layout_of
    from grader.classroom.student import ClassSettings
    from grader.grading import DEFAULT_SEED
    from grader.parts import UnknownPart
    from grader.quiz.problems import QuizError
    from grader.sandbox.limits import Limits

    limits = Limits()
    if call_seconds:
        limits = replace(limits, call_seconds=call_seconds)
    if import_seconds:
        limits = replace(limits, import_seconds=import_seconds)
    quiz_files = tuple(f for q in quizzes for f in (sorted(q.glob("*.yaml")) if q.is_dir() else [q]))
    settings = ClassSettings(parts=parts, seed=DEFAULT_SEED if seed is None else seed, lang=lang, limits=limits,
                             quizzes=quiz_files, quiz_secret=os.environ.get(SECRET_ENV, ""),
                             html_output=output.resolve() if html else None)
    prepare_folder(output)  # a folder that cannot be made is one line and exit 2, never a traceback
    progress = Progress()
    try:
        click.echo(f"{submissions}: {layout_of(submissions)} layout", err=True)
        run = run_class(submissions, output, settings, workers=workers, budget=budget, force=force, only=only,
                        shard=parse_shard(shard) if shard else None, on_start=progress.start,
                        on_record=progress.advance)
    except (ValueError, RosterError, UnknownPart) as exc:
        raise click.UsageError(str(exc)) from None
    except QuizError as exc:
        raise click.UsageError("the quiz has problems:\n" + "\n".join(map(str, exc.problems))) from None
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


class Progress:
    """A progress bar with an ETA on standard error, advanced as each student finishes."""

    def __init__(self) -> None:
        self.bar = None
        self.done = 0

    def start(self, to_grade: int, skipped: int) -> None:
        if skipped:
            click.echo(f"{skipped} students already graded (use --force to regrade)", err=True)
        if to_grade:
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
