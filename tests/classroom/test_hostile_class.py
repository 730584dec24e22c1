"""A class whose submissions, names and disk try to stop or fool the class run: each costs only its own student,
is said in one line, and leaves a gradebook that is safe to open in a spreadsheet.

One class is graded once for this file (``hostile``); the tests that need a run of their own (a name that is not
UTF-8, a full disk, a killed run) make a small class of empty folders, which grade in a second.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.classroom.archive import ArchiveError, unpack
from grader.classroom.gradebook import gradebook_csv
from grader.classroom.pool import kill_tree
from grader.classroom.records import load_record
from grader.classroom.roster import find_students
from grader.classroom.student import ClassSettings, grade_student
from grader.cli import main
from tests.classroom.conftest import LIMITS, QUIZ, RIGHT, answer, copy_reference

DEEP_ANSWERS = "answers: " + "[" * 100_000 + "]" * 100_000 + "\n"  # RecursionError in a YAML reader
FORMULA_NAME = '=HYPERLINK("http:evil","click me").zip'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: what a spreadsheet may run as a formula
SCRATCH_PREFIX = "nn-grader-class-"
GRADE = ["--workers", "2", "--quiz", str(QUIZ), "--call-seconds", "1", "--import-seconds", "2", "activations"]


def autograde_cli(submissions: Path, output: Path, *extra: str):
    """Run ``nn-grader autograde`` in this process, as the tests in test_cli.py do."""
    return CliRunner().invoke(main, ["autograde", str(submissions), "--output", str(output), *extra])


def gradebook_rows(output: Path) -> list[dict[str, str]]:
    with open(output / "gradebook.csv", newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def by_source(output: Path) -> dict[str, dict[str, str]]:
    return {row["source"].removeprefix("'"): row for row in gradebook_rows(output)}


def write_zip(path: Path, entries: list[tuple[str, str]]) -> None:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, text in entries:
            bundle.writestr(name, text)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    """(submissions, output, CLI result) of one class run over the hostile class."""
    root = tmp_path_factory.mktemp("hostile")
    subs = root / "subs"
    subs.mkdir()
    answer(copy_reference(subs / "alice"), "student: alice\n" + RIGHT)
    answer(copy_reference(subs / "ann"), "student: alice\n" + RIGHT)  # alice's file, copied
    (copy_reference(subs / "deep") / "class-quiz.answers.yaml").write_text(DEEP_ANSWERS, encoding="utf-8")
    write_zip(subs / "clash.zip", [("x.py", "a = 1\n"), ("x.py/inner.py", "b = 1\n")])
    write_zip(subs / "clash-folder-first.zip", [("x.py/inner.py", "b = 1\n"), ("x.py", "a = 1\n")])
    write_zip(subs / "long-name.zip", [("a" * 300 + ".py", "a = 1\n")])
    (subs / FORMULA_NAME).write_bytes(b"not a zip at all")
    for name in ("+1+2", "-2+3", "@SUM(A1)", "a b", "a_b"):
        (subs / name).mkdir()
    (subs / "a_b.zip").write_bytes(b"not a zip either")
    output = root / "graded"
    result = autograde_cli(subs, output, *GRADE)
    return subs, output, result


def test_the_hostile_class_is_graded_to_the_end_without_a_traceback(hostile):
    subs, output, result = hostile
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert len(gradebook_rows(output)) == len(list(subs.iterdir()))


# 1. a name that is not UTF-8 -----------------------------------------------------------------------------------------

def test_a_name_that_is_not_utf8_is_invalid_and_the_students_after_it_are_graded(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    os.mkdir(os.fsencode(subs) + b"/\xff\xfe-bad")
    for name in ("zed", "zoe"):
        (subs / name).mkdir()
    output = tmp_path / "graded"
    result = autograde_cli(subs, output, "--workers", "1", "activations")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    rows = {row["student"]: row for row in gradebook_rows(output)}
    assert sorted(rows) == ["_xff_xfe-bad", "zed", "zoe"]
    assert rows["zed"]["status"] == rows["zoe"]["status"] == "no_code"
    bad = rows["_xff_xfe-bad"]
    assert bad["status"] == "invalid" and bad["source"] == r"\xff\xfe-bad"
    assert "not valid UTF-8" in bad["message"] and r"'\xff\xfe-bad'" in bad["message"]
    record = load_record(output / "students" / "_xff_xfe-bad.json")
    assert record["source"] == r"\xff\xfe-bad" and record["status"] == "invalid"

    again = autograde_cli(subs, output, "--workers", "1", "activations")
    assert again.exit_code == 0 and "graded 0, skipped 3" in again.output, again.output


# 2. a zip the file system cannot hold --------------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["clash.zip", "clash-folder-first.zip", "long-name.zip"])
def test_a_zip_the_file_system_cannot_hold_is_invalid_and_names_no_grader_folder(hostile, source):
    _, output, _ = hostile
    row = by_source(output)[source]
    assert row["status"] == "invalid", row
    assert row["message"].startswith(f"the zip '{source}' cannot be used: the zip holds "), row
    for internal in ("/tmp", "nn-grader-class", "unpacked", "student-"):
        assert internal not in row["message"], row


@pytest.mark.parametrize(("entries", "says"), [
    ([("x.py", "a = 1\n"), ("x.py/inner.py", "b = 1\n")], "a file and a folder of the same name: 'x.py/inner.py'"),
    ([("x.py/inner.py", "b = 1\n"), ("x.py", "a = 1\n")], "a file and a folder of the same name: 'x.py'"),
    ([("a" * 300 + ".py", "a = 1\n")], "a name longer than a file system allows: 'aaaa"),
])
def test_unpack_refuses_entries_the_file_system_cannot_hold(tmp_path, entries, says):
    write_zip(tmp_path / "s.zip", entries)
    with pytest.raises(ArchiveError) as caught:
        unpack(tmp_path / "s.zip", tmp_path / "out")
    assert says in str(caught.value) and str(tmp_path) not in str(caught.value)
    assert len(str(caught.value)) < 250  # a 300-character name is cut


# 3. a broken answers file costs only its quiz ------------------------------------------------------------------------

def test_answers_nested_too_deep_cost_only_the_quiz(hostile):
    _, output, _ = hostile
    rows = by_source(output)
    deep, alice = rows["deep"], rows["alice"]
    assert deep["status"] == "graded" and float(deep["activations"]) == float(alice["activations"]) > 0
    assert float(deep["quiz:class-quiz"]) == 0
    quiz = load_record(output / "students" / "deep.json")["quizzes"]["class-quiz"]
    assert quiz["submitted"] and quiz["points"] == 0 and "class-quiz.answers.yaml" in quiz["message"]


@pytest.mark.parametrize("target", ["grader.quiz.answers.read_answers", "grader.quiz.grading.grade_answers"])
def test_any_exception_from_an_answers_file_costs_only_that_quiz(tmp_path, monkeypatch, target):
    def explode(*args, **kwargs):
        raise RuntimeError(f"the reader broke on {tmp_path}/scratch/unpacked/x")

    monkeypatch.setattr(target, explode)
    student = find_students(_one_student(tmp_path))[0]
    settings = ClassSettings(parts=("activations",), limits=LIMITS, quizzes=(QUIZ,), quiz_max={"class-quiz": 2.0})
    record = grade_student(student, settings, tmp_path / "scratch")
    assert record["status"] == "graded" and record["code_points"] == record["code_max"] > 0
    quiz = record["quizzes"]["class-quiz"]
    assert quiz["points"] == 0 and quiz["submitted"]
    assert quiz["message"].startswith("the answers file class-quiz.answers.yaml could not be graded (RuntimeError")
    assert str(tmp_path) not in quiz["message"]


def _one_student(tmp_path: Path) -> Path:
    subs = tmp_path / "subs"
    answer(copy_reference(subs / "ann"), RIGHT)
    (tmp_path / "scratch").mkdir()
    return subs


# 4. an answers file that names another student -----------------------------------------------------------------------

def test_a_copied_answers_file_is_graded_and_flagged_in_record_feedback_and_gradebook(hostile):
    _, output, _ = hostile
    rows = by_source(output)
    assert rows["alice"]["flags"] == ""
    ann = rows["ann"]
    assert float(ann["quiz:class-quiz"]) == 2  # graded as it is ...
    assert ann["flags"] == "class-quiz: the answers file names student 'alice', not 'ann': it was graded as it is " \
                           "and flagged for your instructor"  # ... and flagged
    record = load_record(output / "students" / "ann.json")
    assert record["flags"] == [ann["flags"]] and record["quizzes"]["class-quiz"]["answers_student"] == "alice"
    assert "names student 'alice', not 'ann'" in (output / "students" / "ann.md").read_text(encoding="utf-8")


def test_a_student_is_known_by_every_name_the_class_folder_gives_them():
    from grader.classroom.student import names_student

    assert names_student(" Ann ", "ann", ())
    assert names_student("a b", "a_b~c8687a", ("a b",))
    assert names_student("ada@example.edu", "2024001", ("2024001", "Ada", "ada@example.edu"))
    assert not names_student("alice", "ann", ("ann",))


# 5. a full disk ------------------------------------------------------------------------------------------------------

def full_disk_after(monkeypatch: pytest.MonkeyPatch, writes: int) -> None:
    """Let ``writes`` files be written, then fail every later one as a full disk does (when it is flushed)."""
    real, count = os.fsync, [0]

    def fsync(fd: int) -> None:
        count[0] += 1
        if count[0] > writes:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_a_full_disk_is_one_line_keeps_every_record_written_and_a_rerun_goes_on(tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    for name in ("amy", "bob", "cat"):
        (subs / name).mkdir(parents=True)
    output = tmp_path / "graded"
    full_disk_after(monkeypatch, 2)  # amy's feedback and record
    result = autograde_cli(subs, output, "--workers", "1", "activations")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "the disk is full" in errors[0] and "run the same command" in errors[0]
    assert load_record(output / "students" / "amy.json")["status"] == "no_code"
    assert not (output / "students" / "bob.json").exists()
    assert not [p for p in output.rglob("*") if p.name.endswith((".tmp", ".merging"))]

    monkeypatch.undo()
    again = autograde_cli(subs, output, "--workers", "1", "activations")
    assert again.exit_code == 0 and "graded 2, skipped 1" in again.output, again.output


def test_a_full_disk_while_merging_is_one_line(tmp_path, monkeypatch):
    shard = tmp_path / "shard"
    (shard / "students").mkdir(parents=True)
    (tmp_path / "subs" / "amy").mkdir(parents=True)
    assert autograde_cli(tmp_path / "subs", shard, "--workers", "1", "activations").exit_code == 0
    full_disk_after(monkeypatch, 0)
    result = CliRunner().invoke(main, ["gradebook", "merge", str(tmp_path / "merged"), str(shard)])
    assert result.exit_code == 2 and "the disk is full" in result.output and "Traceback" not in result.output
    assert load_record(tmp_path / "merged" / "students" / "amy.json")["student"] == "amy"


# 6. a run killed outright leaves no scratch folder behind ------------------------------------------------------------

def test_the_next_run_removes_the_scratch_folder_of_a_run_killed_with_sigkill(tmp_path):
    subs = tmp_path / "subs"
    for i in range(3):
        copy_reference(subs / f"s{i}")
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}, "TMPDIR": str(temp)}
    command = [sys.executable, "-m", "grader", "autograde", str(subs), "--output", str(tmp_path / "graded"),
               "--workers", "1", "activations"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(temp.glob(f"{SCRATCH_PREFIX}*/process-1")) and time.monotonic() < deadline:
        time.sleep(0.05)
    kill_tree(process.pid)  # kill -9: the run, its grading process and the sandbox worker, with no cleanup
    process.wait(timeout=30)
    left = list(temp.glob(f"{SCRATCH_PREFIX}*"))
    assert left, "the killed run should have left its scratch folder"

    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
    assert not list(temp.glob(f"{SCRATCH_PREFIX}*"))


def test_a_live_runs_scratch_folder_is_left_alone(tmp_path):
    from grader.classroom.pool import SCRATCH_LOCK, hold_lock, remove_stale_scratch

    live, killed = tmp_path / f"{SCRATCH_PREFIX}live", tmp_path / f"{SCRATCH_PREFIX}killed"
    for folder in (live, killed):
        (folder / "process-1").mkdir(parents=True)
    lock = hold_lock(live / SCRATCH_LOCK)
    (killed / SCRATCH_LOCK).write_bytes(b"")  # its run died: nobody holds the lock
    try:
        assert remove_stale_scratch(tmp_path) == [killed]
        assert live.is_dir() and not killed.exists()
    finally:
        lock.close()


# 7. a gradebook safe to open in a spreadsheet ------------------------------------------------------------------------

def test_no_gradebook_cell_starts_like_a_formula(hostile):
    _, output, _ = hostile
    text = (output / "gradebook.csv").read_text(encoding="utf-8")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    rows = by_source(output)
    assert rows["+1+2"]["student"] == "'+1+2" and rows["-2+3"]["student"] == "'-2+3"
    assert rows["@SUM(A1)"]["student"] == "'@SUM_A1_"
    formula = rows[FORMULA_NAME]
    assert formula["status"] == "invalid" and formula["source"] == "'" + FORMULA_NAME
    assert formula["message"].startswith("the zip '=HYPERLINK(")


def test_numbers_stay_numbers_and_text_cells_are_neutralised_and_cannot_split_a_row():
    record = {"student": "\tx", "source": "\rx", "status": "graded", "parts": {"p": {"points": -1.5}},
              "quizzes": {}, "code_points": -1.5, "quiz_points": 0, "points": -1.5, "max_points": 3,
              "flags": ["-flag"], "message": "=1+1"}
    header, row = list(csv.reader(io.StringIO(gradebook_csv([record]), newline="")))
    assert dict(zip(header, row, strict=True)) == {"student": "'\tx", "source": "\\rx", "status": "graded", "p": "-1.5",
                                      "code": "-1.5", "quizzes": "0", "total": "-1.5", "max_total": "3",
                                      "flags": "'-flag", "message": "'=1+1"}


# 8. names that map to one id -----------------------------------------------------------------------------------------

def test_names_that_map_to_one_id_get_ids_of_their_own_and_a_source_column(hostile):
    subs, output, _ = hostile
    rows = by_source(output)
    assert rows["a_b"]["student"] == "a_b"  # the literal name keeps its id
    others = {rows["a b"]["student"], rows["a_b.zip"]["student"]}
    assert len(others) == 2 and all(i.startswith("a_b~") for i in others)
    ids = [row["student"] for row in gradebook_rows(output)]
    assert len(ids) == len(set(ids))
    before = {s.source.name: s.id for s in find_students(subs)}
    assert {row["source"].removeprefix("'"): row["student"] for row in gradebook_rows(output)} == {
        name: ("'" + sid if sid[0] in "+-@" else sid) for name, sid in before.items()}


def test_an_id_does_not_change_when_another_student_with_a_clashing_name_arrives(tmp_path):
    for name in ("a b", "a_b", "a_b.zip"):
        (tmp_path / name).mkdir() if not name.endswith(".zip") else (tmp_path / name).write_bytes(b"")
    before = {s.source.name: s.id for s in find_students(tmp_path)}
    assert before == {s.source.name: s.id for s in find_students(tmp_path)}
    (tmp_path / "a;b").mkdir()
    (tmp_path / "a b c").mkdir()
    after = {s.source.name: s.id for s in find_students(tmp_path)}
    assert {name: after[name] for name in before} == before
    assert len(set(after.values())) == len(after) == 5


def test_merging_a_class_with_clashing_names_keeps_every_row(hostile, tmp_path):
    _, output, _ = hostile
    result = CliRunner().invoke(main, ["gradebook", "merge", str(tmp_path / "merged"), str(output)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "merged" / "gradebook.csv").read_text(encoding="utf-8") == \
        (output / "gradebook.csv").read_text(encoding="utf-8")
    summary = json.loads((tmp_path / "merged" / "summary.json").read_text(encoding="utf-8"))
    assert summary["students"] == len(gradebook_rows(output))
