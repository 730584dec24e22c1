"""`nn-grader report GRADED_DIR`: the class report (what the class got wrong) from autograde's stored records.

Writes the page (``--html``, by default ``GRADED_DIR/class-report.html``) and checks.csv, mistakes.csv, items.csv
and options.csv beside the gradebook. Nothing is regraded (grader.classroom.class_report). Exit codes: 0 written,
2 a usage error (no records in GRADED_DIR, a quiz file that cannot be read, a file that cannot be written).
"""

from __future__ import annotations

from pathlib import Path

import click

from grader.options import lang_option
from grader.output import prepare_file, write_text

REPORT_PAGE = "class-report.html"


@click.command("report")
@click.argument("graded", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--html", "html", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=f"Write the class report page to this file  [default: GRADED/{REPORT_PAGE}]")
@click.option("--quiz", "quizzes", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="An open quiz file (the key), or a folder of them: lists options nobody chose and links "
                   "questions to concepts.")
@lang_option(help="Language of the report and of its CSV headers.")
def report(graded: Path, html: Path | None, quizzes: tuple[Path, ...], lang: str) -> None:
    """Summarise what the class in GRADED (an autograde --output folder) got wrong: scores, checks, named mistakes,
    quiz item analysis and concepts, as an HTML page and CSV files."""
    from grader.i18n import language, tr

    quiz_files = tuple(f for q in quizzes for f in (sorted(q.glob("*.yaml")) if q.is_dir() else [q]))
    with language(lang):
        page, tables = write_class_report(graded, quiz_files, lang, html)
        click.echo(tr("class_report.written", html=page, tables=", ".join(str(t) for t in tables)))


def write_class_report(graded: Path, quiz_files: tuple[Path, ...], lang: str,
                       html: Path | None = None) -> tuple[Path, list[Path]]:
    """Build the class report of the records in ``graded`` and write its page and CSV files; returns their paths."""
    from grader.classroom.class_report import build_report, load_class
    from grader.classroom.class_report_csv import write_csv_files
    from grader.classroom.class_report_html import render_class_html
    from grader.classroom.records import cannot_write
    from grader.quiz.loader import require_quiz

    page = html or Path(graded) / REPORT_PAGE
    prepare_file(page)  # before the work: a page that cannot be written is one line, at once
    records = load_class(graded)
    built = build_report(records, [require_quiz(f) for f in quiz_files], lang)
    write_text(page, render_class_html(built))
    try:
        tables = write_csv_files(built, Path(graded))
    except OSError as exc:
        raise cannot_write(exc, graded) from None
    return page, tables
