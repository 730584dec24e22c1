"""`nn-grader gradebook export`: Canvas's and Moodle's grade import CSVs, built from records alone.

The class is synthesised as records with test_class_report's helpers (nothing is graded); the files are read back
with the csv module, as the LMS reads them.
"""

from __future__ import annotations

import csv
import io
import random
import shlex
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from grader.cli import main
from tests.classroom.documented import CLASSROOM_DOC, bash_blocks
from tests.classroom.test_class_report import quiz, synth_record, write_class

__all__ = ["quiz"]  # the fixture, shared with the class report's tests

ROSTER = ("student,lms_id,name,section,email,sis_user_id,sis_login_id\n"
          "alice,101,\"Liddell, Alice\",L01,alice@uni.edu,900101,aliddell\n"
          "=1+1,102,@SUM(A1),L02,bob@uni.edu,900102,=cmd\n"
          "ghost,103,Ghost,L01,ghost@uni.edu,900103,ghost\n")


@pytest.fixture
def graded(tmp_path: Path, quiz: Any) -> Path:
    """Three students: alice, a hostile folder id, and carol, whom the roster does not list."""
    rng = random.Random(3)
    records = [synth_record(name, rng, quiz) for name in ("alice", "=1+1", "carol")]
    for record, points in zip(records, (4.5, 2.0, 0.0), strict=True):
        record["points"] = points
    return write_class(tmp_path / "graded", records)


def export(graded: Path, *args: str, roster: str | None = ROSTER) -> tuple[Result, list[list[str]]]:
    out = graded.parent / "export.csv"
    extra = []
    if roster is not None:
        (graded.parent / "roster.csv").write_text(roster, encoding="utf-8")
        extra = ["--roster", str(graded.parent / "roster.csv")]
    result = CliRunner().invoke(main, ["gradebook", "export", str(graded), "--output", str(out), *extra, *args])
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8")))) if out.exists() else []
    return result, rows


def test_canvas_columns_assignment_header_and_points_possible(graded: Path, quiz: Any) -> None:
    result, rows = export(graded, "--format", "canvas", "--assignment", "Numpy nets", "--assignment-id", "4711")
    assert result.exit_code == 0, result.output
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Numpy nets (4711)"]
    assert rows[1] == ["Points Possible", "", "", "", "", f"{3 + quiz.max_points:g}"]
    alice = next(r for r in rows if r[1] == "101")
    assert alice == ["Liddell, Alice", "101", "900101", "aliddell", "L01", "4.5"]


def test_canvas_text_cells_never_start_a_formula(graded: Path) -> None:
    result, rows = export(graded, "--format", "canvas", "--assignment", "=HYPERLINK(1)")
    assert result.exit_code == 0, result.output
    assert rows[0][-1] == "'=HYPERLINK(1)"
    bob = next(r for r in rows if r[1] == "102")
    assert bob == ["'@SUM(A1)", "102", "900102", "'=cmd", "L02", "2"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_moodle_has_an_identifier_column_and_one_grade_column_per_item(graded: Path) -> None:
    result, rows = export(graded, "--format", "moodle", "--assignment", "Numpy nets")
    assert result.exit_code == 0, result.output
    assert rows[0] == ["ID number", "Email address", "Full name", "Numpy nets"]
    assert ["101", "alice@uni.edu", "Liddell, Alice", "4.5"] in rows
    assert ["102", "bob@uni.edu", "'@SUM(A1)", "2"] in rows
    assert len(rows) == 4  # no Points Possible row: Moodle would read it as a student


def test_students_and_roster_rows_that_do_not_match_are_reported(graded: Path) -> None:
    result, rows = export(graded, "--format", "canvas")
    assert result.exit_code == 0, result.output
    assert "not in the roster, exported by folder id: 'carol'" in result.stderr
    assert "in the roster but without a record" in result.stderr and "'ghost'" in result.stderr
    assert ["carol", "", "", "carol", "", "0"] in rows
    assert not any("ghost" in cell.lower() for row in rows for cell in row)


def test_strict_leaves_out_the_students_the_roster_does_not_list(graded: Path) -> None:
    result, rows = export(graded, "--format", "moodle", "--strict")
    assert result.exit_code == 0, result.output
    assert "left out (--strict): 'carol'" in result.stderr
    assert sorted(r[0] for r in rows[1:]) == ["101", "102"]


def test_a_student_the_grader_failed_on_gets_an_empty_cell(tmp_path: Path, quiz: Any) -> None:
    record = synth_record("alice", random.Random(1), quiz)
    record.update(status="error", points=0.0)
    result, rows = export(write_class(tmp_path / "graded", [record]), "--format", "canvas")
    assert result.exit_code == 0, result.output
    assert rows[2][-1] == "" and "the grader failed on 'alice'" in result.stderr


def test_plain_csv_is_the_gradebook(graded: Path) -> None:
    result, rows = export(graded, roster=None)
    assert result.exit_code == 0, result.output
    assert rows[0][:3] == ["student", "source", "status"] and rows[1][0] == "'=1+1"


@pytest.mark.parametrize(("roster", "expected"), [
    ("lms_id,name\n1,A\n", "line 1: no 'student' column"),
    ("student,lms_idd\nalice,1\n", "line 1: unknown column 'lms_idd'"),
    ("student,lms_id\nalice,1\nalice,2\n", "line 3: student 'alice' is listed twice"),
    ("student,lms_id\n,1\n", "line 2: empty 'student'"),
    ("student,lms_id\nalice,1,extra\n", "line 2: 3 cells under 2 columns"),
    ("student,lms_id\nal\xefce,1\n".encode("latin-1").decode("utf-8", "surrogateescape"), "is not UTF-8"),
])
def test_a_bad_roster_is_one_line_and_exit_2(graded: Path, roster: str, expected: str) -> None:
    path = graded.parent / "bad.csv"
    path.write_bytes(roster.encode("utf-8", "surrogateescape"))
    out = graded.parent / "out.csv"
    result = CliRunner().invoke(main, ["gradebook", "export", str(graded), "--format", "canvas",
                                       "--output", str(out), "--roster", str(path)])
    assert result.exit_code == 2 and expected in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not out.exists()


def test_a_folder_without_records_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["gradebook", "export", str(tmp_path), "--format", "canvas",
                                       "--output", str(tmp_path / "out.csv")])
    assert result.exit_code == 2 and "holds no student records" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_documented_commands_write_what_the_docs_say(graded: Path) -> None:
    blocks = bash_blocks(CLASSROOM_DOC, "### Grades into Canvas or Moodle")
    commands = [shlex.split(" ".join(block).replace("\\ ", " ")) for block in blocks]
    assert [c[:5] for c in commands] == [["nn-grader", "gradebook", "export", "graded/", "--format"]] * 2
    (graded.parent / "roster.csv").write_text(ROSTER, encoding="utf-8")
    places = {"graded/": str(graded), "roster.csv": str(graded.parent / "roster.csv")}
    for command in commands:
        args = [places.get(a, str(graded.parent / a) if a.endswith(".csv") else a) for a in command[1:]]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    canvas = (graded.parent / "canvas-grades.csv").read_text(encoding="utf-8").splitlines()
    moodle = (graded.parent / "moodle-grades.csv").read_text(encoding="utf-8").splitlines()
    assert canvas[0].endswith(",First network (4711)") and moodle[0].endswith(",First network")
