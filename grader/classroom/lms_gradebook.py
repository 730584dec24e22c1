"""`nn-grader gradebook export`: the class's totals as a CSV file an LMS imports as it is (Canvas, Moodle).

Built from the student records alone, like the gradebook (grader.classroom.gradebook): one row per student, their
total (``points``) in one assignment column. Every text cell goes through the gradebook's ``text_cell``, so no cell
runs as a spreadsheet formula, whatever a folder or roster name holds.

**Canvas** ("Import" in the Gradebook): ``Student, ID, SIS User ID, SIS Login ID, Section`` then the assignment
column ``<name> (<assignment id>)``; Canvas matches a row to a student by ``ID``, ``SIS User ID`` or ``SIS Login
ID`` and the column to an existing assignment by the id in parentheses (a header without an id makes a new
assignment). The second row, ``Points Possible``, is the one Canvas's own export writes and its import skips.
Source: https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades
(the required columns: name or ID or SIS User ID, SIS Login ID, Section, then the assignment).

**Moodle** ("Import" > "CSV file", grade/import/csv): an identifier column mapped on the import page to a user field
(``ID number`` to ``useridnumber``, or ``Email address`` to ``useremail``), then one column per grade item named
for it. Source: https://docs.moodle.org/311/en/Grade_import ("Map from" / "Map to", email addresses are
case-sensitive).

**Roster** (``--roster``): a UTF-8 CSV whose header names its columns, in any order: ``student`` (required: the
folder id, the gradebook's ``student`` column), ``lms_id`` (Canvas's numeric ``ID``; Moodle's ``ID number``), and
optional ``name``, ``section``, ``email``, ``sis_user_id``, ``sis_login_id``. Any other column, a missing
``student`` column, an empty or repeated ``student`` is a :class:`RosterFileError` (one line, exit 2). A student
with a record but no roster row keeps their folder id (as ``Student`` and ``SIS Login ID`` for Canvas, as ``ID
number`` for Moodle), so the LMS lists the row as one it cannot match; ``strict`` leaves them out instead. Both
kinds of mismatch are returned to be reported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.classroom.gradebook import gradebook_csv, text_cell
from grader.errors import UserError
from grader.report.common import pts

FORMATS = ("canvas", "moodle", "csv")
DEFAULT_ASSIGNMENT = "nn-grader"
ROSTER_REQUIRED = ("student",)
ROSTER_OPTIONAL = ("lms_id", "name", "section", "email", "sis_user_id", "sis_login_id")
MAX_ROSTER_BYTES = 20 * 1024 * 1024  # a roster of 100,000 students is a few MB; a bigger file is a mistake
CANVAS_IDS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_IDS = ("ID number", "Email address", "Full name")
UNGRADED = ("error",)  # the grader itself failed on this student: an empty cell, so the LMS keeps what it has


class RosterFileError(UserError, ValueError):
    """The roster file cannot be used: the message names the file, the line and what was expected."""


@dataclass(frozen=True)
class Export:
    """The file's text, and what the instructor should know: students with no roster row (``unlisted``; left out
    when ``strict``), roster rows with no record (``unknown``), students whose cell was left empty (``ungraded``)."""

    text: str
    unlisted: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    ungraded: list[str] = field(default_factory=list)


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """The roster at ``path`` (schema in the module docstring): folder id -> its row, every column present."""
    path = Path(path)
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_ROSTER_BYTES + 1)
    except OSError as exc:
        raise RosterFileError(f"roster {path}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_ROSTER_BYTES:
        raise RosterFileError(f"roster {path}: larger than {MAX_ROSTER_BYTES // 2**20} MB; expected a CSV of students")
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        raise RosterFileError(f"roster {path}: byte {exc.start} is not UTF-8; save it as CSV UTF-8") from None
    return _roster_rows(path, text)


def _roster_rows(path: Path, text: str) -> dict[str, dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        _check_header(path, header)
        roster: dict[str, dict[str, str]] = {}
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # a blank line, as spreadsheets leave at the end
            entry = _roster_entry(path, reader.line_num, header, row)
            if entry["student"] in roster:
                raise RosterFileError(f"roster {path}, line {reader.line_num}: student {entry['student']!r} "
                                      "is listed twice; expected one row per student")
            roster[entry["student"]] = entry
    except csv.Error as exc:
        raise RosterFileError(f"roster {path}, line {reader.line_num}: not CSV ({exc})") from None
    return roster


def _check_header(path: Path, header: list[str]) -> None:
    known = (*ROSTER_REQUIRED, *ROSTER_OPTIONAL)
    unknown = [h for h in header if h not in known]
    if "student" not in header or unknown or len(set(header)) != len(header):
        what = f"unknown column {unknown[0]!r}" if unknown else (
            "no 'student' column" if "student" not in header else "a column named twice")
        raise RosterFileError(f"roster {path}, line 1: {what}; expected a header of 'student' and any of "
                              + ", ".join(ROSTER_OPTIONAL))


def _roster_entry(path: Path, line: int, header: list[str], row: list[str]) -> dict[str, str]:
    if len(row) > len(header):
        raise RosterFileError(f"roster {path}, line {line}: {len(row)} cells under {len(header)} columns")
    entry = dict.fromkeys((*ROSTER_REQUIRED, *ROSTER_OPTIONAL), "")
    entry.update((h, cell.strip()) for h, cell in zip(header, row, strict=False))
    if not entry["student"]:
        raise RosterFileError(f"roster {path}, line {line}: empty 'student'; expected the student's folder id")
    return entry


def export_gradebook(records: list[dict[str, Any]], fmt: str, *, roster: dict[str, dict[str, str]] | None = None,
                     assignment: str = DEFAULT_ASSIGNMENT, assignment_id: str = "", strict: bool = False) -> Export:
    """The gradebook of ``records`` in the LMS format ``fmt`` (one of :data:`FORMATS`); see the module docstring."""
    if fmt == "csv":
        return Export(gradebook_csv(records))
    roster = roster or {}
    listed = [r for r in records if not roster or r["student"] in roster or not strict]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    column = f"{assignment} ({assignment_id})" if assignment_id else assignment
    if fmt == "canvas":
        writer.writerow([text_cell(c) for c in (*CANVAS_IDS, column)])
        # Canvas's export writes this row and its import skips it: it tells the instructor what the points are out of
        writer.writerow([text_cell("Points Possible"), "", "", "", "", pts(_points_possible(records))])
    else:
        writer.writerow([text_cell(c) for c in (*MOODLE_IDS, column)])
    for record in listed:
        entry = roster.get(record["student"])
        ids = _canvas_ids(record["student"], entry) if fmt == "canvas" else _moodle_ids(record["student"], entry)
        writer.writerow([*(text_cell(c) for c in ids), _points(record)])
    students = {r["student"] for r in records}
    return Export(out.getvalue(),
                  unlisted=[r["student"] for r in records if roster and r["student"] not in roster],
                  unknown=[s for s in roster if s not in students],
                  ungraded=[r["student"] for r in listed if r["status"] in UNGRADED])


def _canvas_ids(student: str, entry: dict[str, str] | None) -> tuple[str, ...]:
    if entry is None:  # no LMS id known: the folder id where a login goes, for the LMS to show as unmatched
        return (student, "", "", student, "")
    return (entry["name"] or student, entry["lms_id"], entry["sis_user_id"], entry["sis_login_id"], entry["section"])


def _moodle_ids(student: str, entry: dict[str, str] | None) -> tuple[str, ...]:
    if entry is None:
        return (student, "", student)
    return (entry["lms_id"] or entry["sis_user_id"], entry["email"], entry["name"] or student)


def _points(record: dict[str, Any]) -> str:
    return "" if record["status"] in UNGRADED else pts(record["points"])


def _points_possible(records: list[dict[str, Any]]) -> float:
    return max((r["max_points"] for r in records), default=0)
