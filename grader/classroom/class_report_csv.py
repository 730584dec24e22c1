"""The class report's tables as CSV files beside the gradebook: checks.csv, mistakes.csv, items.csv, options.csv.

Headers and words are in the report's language; ids (checks, mistakes, questions, options) stay as they are, so a
spreadsheet can join the files. Every text cell goes through the gradebook's ``text_cell``, so no cell runs as a
formula; numbers are written as numbers (rates as fractions, 4 decimals), an unknown one (a question nobody
answered) as an empty cell, never 0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from grader.classroom.class_report import RELIABLE_MIN, ClassReport, ItemRow, MistakeRow
from grader.classroom.gradebook import text_cell
from grader.classroom.records import write_atomic
from grader.i18n import language, tr
from grader.results import Outcome

FILES = ("checks.csv", "mistakes.csv", "items.csv", "options.csv")
FAILURES = [o for o in Outcome if not o.passed]


def write_csv_files(report: ClassReport, folder: Path) -> list[Path]:
    """Write the four tables of ``report`` into ``folder``; returns their paths."""
    with language(report.lang):
        tables = {"checks.csv": checks_table(report), "mistakes.csv": mistakes_table(report),
                  "items.csv": items_table(report), "options.csv": options_table(report)}
    written = []
    for name, rows in tables.items():
        write_atomic(Path(folder) / name, to_csv(rows))
        written.append(Path(folder) / name)
    return written


def to_csv(rows: Iterable[list[Any]]) -> str:
    """Rows as CSV, every text cell made safe for a spreadsheet (numbers stay numbers, None an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if c is None else text_cell(c) if isinstance(c, str) else c for c in row])
    return out.getvalue()


def header(*keys: str) -> list[Any]:
    return [tr(f"class_report.col.{key}") for key in keys]


def rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def checks_table(report: ClassReport) -> list[list[Any]]:
    unreliable = _unreliable(report.code_graded)
    rows = [header("check", "title", "graded", "failed", "failure_rate")
            + [tr(f"report.outcome.{o}") for o in FAILURES] + header("unreliable", "students")]
    rows += [[c.id, c.title, c.graded, c.failed, rate(c.failure_rate), *(c.outcomes[o] for o in FAILURES),
              unreliable, " ".join(c.students)] for c in report.checks]
    return rows


def mistakes_table(report: ClassReport) -> list[list[Any]]:
    unreliable = _unreliable(report.code_graded)
    rows = [header("mistake", "name", "concept", "students", "rate", "checks", "explanation", "unreliable",
                   "student_ids")]
    rows += [_mistake_line(m, unreliable) for m in report.mistakes]
    rows += [_mistake_line(m, unreliable, tr("class_report.unmatched_name")) for m in report.unmatched]
    return rows


def _mistake_line(row: MistakeRow, unreliable: str, name: str = "") -> list[Any]:
    return [row.id, name or row.name, row.concept, len(row.students), rate(row.rate), " ".join(row.checks),
            row.explanation, unreliable, " ".join(row.students)]


def items_table(report: ClassReport) -> list[list[Any]]:
    rows = [header("quiz", "question", "type", "takers", "answered", "skipped", "facility", "discrimination",
                   "flags", "unreliable")]
    rows += [[i.quiz, i.question, i.type, i.takers, i.answered, i.skipped, rate(i.facility),
              rate(i.discrimination), flag_words(i), _unreliable(i.takers)] for i in report.items]
    return rows


def options_table(report: ClassReport) -> list[list[Any]]:
    rows = [header("quiz", "question", "option", "text", "correct", "misconception", "chosen", "share")]
    for item in report.items:
        rows += [[item.quiz, item.question, o.slot, o.text, _yes_no(o.correct), o.misconception, o.chosen,
                  rate(item.share(o))] for o in item.options.values()]
    return rows


def flag_words(item: ItemRow) -> str:
    """The item's flags in words, joined by "; "."""
    return "; ".join(tr(f"class_report.flag.{f}") for f in item.flags)


def _unreliable(count: int) -> str:
    return tr("class_report.yes") if count < RELIABLE_MIN else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else tr("class_report.yes" if value else "class_report.no")
