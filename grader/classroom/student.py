"""Grading one student of a class: open the submission, find the code and quiz answers, grade both.

This runs inside a grading process of the pool (grader.classroom.pool), so it never raises for anything a student
did: a broken zip, a missing module, an unreadable answers file all become a record with a status and a message.
A submission whose name is not valid UTF-8 is ``invalid`` without being opened (its name is shown escaped). Code and
quizzes are graded independently: whatever reading or grading one answers file does (even raise), it costs that
quiz alone, with a message saying so.

An answers file that names another student (``student: alice`` in ann's submission) is still graded, under the
name it gives, since that name drew its letters; it is flagged, so the instructor sees it: the quiz's entry has a
``flag`` and the student named (``answers_student``), the record lists its ``flags``, the feedback shows it under the
quiz and the gradebook in its ``flags`` column. ``nn-grader quiz grade --student`` refuses such a file instead:
there one file is graded on request, here a whole class is graded unattended, and many students take quizzes under
their computer's login, not their class id, so refusing would silently cost them their points.

Where things are looked for inside a submission (a folder, or a zip unpacked by grader.classroom.archive):
- the code: the shallowest folder holding an exercise module (``activations.py`` ...); on a tie, the one holding
  the most, then one named ``exercises``. So a repository (``exercises/...``), a bare folder of modules and a zip
  with one top folder all work. Without any module, the shallowest folder holding Jupyter notebooks (``.ipynb``),
  whose code cells are graded (docs/notebooks.md); a notebook handed in alone is graded as it is. A notebook that
  cannot be read as one makes the student's record ``invalid``, saying why.
- a quiz's answers: ``<quiz id>.answers.yaml`` (as ``nn-grader quiz take`` saves it), the shallowest one found.

A record's messages are for its student, so they speak the class's language (``classroom.record.*`` in
``grader/locale/<lang>/classroom.yaml``), and the record says which one (``language``) for its feedback.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader import parts as course
from grader.classroom.archive import ArchiveError, unpack
from grader.classroom.records import RECORD_SCHEMA, record_path, write_atomic
from grader.classroom.roster import IGNORED, Student, is_utf8, quoted_name, safe_id
from grader.grading import DEFAULT_SEED, grade, versions
from grader.i18n import language, tr
from grader.results import GradeResult
from grader.sandbox.limits import Limits
from grader.submission import NOTEBOOK_SUFFIX, SubmissionError

MAX_DEPTH = 4
MAX_ANSWERS_BYTES = 1024 * 1024  # an answers file is a few lines; a bigger one could exhaust a grading process
SHOWN_CHARS = 200  # of an error or a name given by a student, in a message
FOLDERS = re.compile(r"(?:/[^/\s'\":]+)+/")  # the folders of an absolute path: /tmp/x/ in /tmp/x/a.yaml


@dataclass(frozen=True)
class ClassSettings:
    """How every student of a run is graded. ``quizzes`` are the open quiz files (the keys)."""

    parts: tuple[str, ...] = ()
    seed: int = DEFAULT_SEED
    lang: str = "en"
    limits: Limits | None = None
    quizzes: tuple[Path, ...] = ()
    quiz_secret: str = ""
    part_max: dict[str, float] = field(default_factory=dict)  # filled in by autograde from the suites
    quiz_max: dict[str, float] = field(default_factory=dict)  # filled in by autograde from the quizzes
    html_output: Path | None = None  # the run's output folder, when each student also gets an HTML report

    def key(self) -> dict[str, Any]:
        """What a record must have been graded under to count as current (see grader.classroom.records)."""
        selected = course.select(list(self.parts))
        return {
            "seed": self.seed,
            "lang": self.lang,
            "parts": [p.name for p in selected],
            "suite_hash": course.suite_hash(selected),
            "quizzes": {str(Path(q).name): _file_hash(q) for q in self.quizzes},
            **({"html": True} if self.html_output is not None else {}),  # a record without its page is not current
        }


def grade_student(student: Student, settings: ClassSettings, scratch: Path, *,
                  unfinished: tuple[str, str, float] | None = None) -> dict[str, Any]:
    """The record of ``student`` (see grader.classroom.records), grading in the empty folder ``scratch``.

    ``unfinished`` (status, message, seconds spent) marks a second attempt after grading the code did not finish:
    only the quizzes are graded, and the record keeps that status, message and time.
    """
    started = time.monotonic() - (unfinished[2] if unfinished else 0.0)
    record = _blank_record(student, settings)
    name = quoted_name(student.source.name)
    if not is_utf8(student.source.name):
        return _finish(record, "invalid", say(settings.lang, "classroom.record.name_not_utf8", name=name), started)
    root = student.source
    if student.is_zip:
        try:
            unpack(student.source, scratch / "unpacked")
        except ArchiveError as exc:
            return _finish(record, "invalid", say(settings.lang, "classroom.record.zip_unusable", name=name,
                                                  problem=say(settings.lang, exc.key, **exc.params)), started)
        root = scratch / "unpacked"
    if not root.is_dir() and not is_notebook(root):
        return _finish(record, "invalid", say(settings.lang, "classroom.record.not_folder_or_zip", name=name),
                       started)

    for quiz_path in settings.quizzes:
        quiz_id, entry = grade_quiz(root, Path(quiz_path), student.id, settings, names=student.names)
        record["quizzes"][quiz_id] = entry
    if unfinished is not None:
        return _finish(record, unfinished[0], unfinished[1], started)

    modules = [p.module_file for p in course.discover()]
    code_dir = root if is_notebook(root) else find_code(root, modules)
    if code_dir is None:
        return _finish(record, "no_code", say(settings.lang, "classroom.record.no_code", modules=", ".join(modules)),
                       started)
    try:
        result = grade(code_dir, list(settings.parts), seed=settings.seed, lang=settings.lang, limits=settings.limits)
    except SubmissionError as exc:  # a notebook that is not one, too big, of another format: this student only
        return _finish(record, "invalid", _error_line(exc, root), started)
    result.submission = f"{student.source.name}/{code_dir.relative_to(root).as_posix()}".rstrip("/.")
    page_problem = ""
    if settings.html_output is not None:
        problem = write_report_page(settings.html_output, student.id, result, code_dir, settings.limits)
        page_problem = problem and say(settings.lang, "classroom.record.page_failed", error=problem)
    record["code"] = result.to_dict()
    record["parts"] = {p.name: {"points": p.points, "max_points": p.max_points} for p in result.parts}
    record["versions"] = result.versions
    return _finish(record, "graded", page_problem, started)


def write_report_page(output: Path, student_id: str, result: GradeResult, code_dir: Path,
                      limits: Limits | None) -> str:
    """Write the student's HTML report, its figures drawn from their own code, beside their feedback
    (``<output>/students/<id>.html``); returns "" or, if the page could not be made, the error (the grade stands)."""
    from grader.figures import report_figures
    from grader.report.html import render_html

    try:
        write_atomic(record_path(output, student_id, ".html"),
                     render_html(result, report_figures(result, code_dir, limits)))
    except Exception as exc:  # the page is an extra: its failure must not cost the student a grade
        return f"{type(exc).__name__}: {exc}"
    return ""


def grade_quiz(root: Path, quiz_path: Path, student_id: str, settings: ClassSettings, *,
               names: tuple[str, ...] | None = None) -> tuple[str, dict[str, Any]]:
    """(quiz id, the quiz's entry in the record) for the answers to the open quiz at ``quiz_path`` in ``root``.

    ``names`` are the names the student is known by besides ``student_id``; when given, an answers file naming
    someone else is flagged (see the module docstring). Nothing the answers file does raises from here.
    """
    quiz = load_key(quiz_path)
    entry: dict[str, Any] = {"points": 0.0, "max_points": quiz.max_points, "submitted": False, "message": "",
                             "result": None}
    found = find_file(root, f"{quiz.id}.answers.yaml") or find_file(root, f"{quiz.id}.answers.yml")
    if found is None:
        entry["message"] = say(settings.lang, "classroom.record.no_answers", quiz=quiz.id)
        return quiz.id, entry
    entry["submitted"] = True
    shown = found.relative_to(root).as_posix()
    try:
        entry.update(_grade_answers_file(found, quiz, student_id, names, settings, root))
    except Exception as exc:  # whatever one answers file does to the reader costs that quiz only
        entry.update(points=0.0, result=None, message=say(settings.lang, "classroom.record.answers_failed",
                                                          file=shown, error=_error_line(exc, root)))
    return quiz.id, entry


def _grade_answers_file(found: Path, quiz: Any, student_id: str, names: tuple[str, ...] | None,
                        settings: ClassSettings, root: Path) -> dict[str, Any]:
    """What the answers file ``found`` adds to its quiz's entry: points and result, or the message why not."""
    from grader.quiz.answers import read_answers
    from grader.quiz.grading import grade_answers
    from grader.quiz.results import result_to_dict

    if found.stat().st_size > MAX_ANSWERS_BYTES:
        return {"message": say(settings.lang, "classroom.record.answers_too_large", file=found.relative_to(root)
                               .as_posix(), kib=MAX_ANSWERS_BYTES // 1024)}
    with language(settings.lang):  # the problems read_answers finds are sentences for the student
        answers, problems = read_answers(found)
    if answers is None:
        return {"message": _within(root, "; ".join(str(p) for p in problems)[:4 * SHOWN_CHARS])
                or say(settings.lang, "classroom.record.answers_unreadable")}
    if answers.quiz not in (None, quiz.id):
        return {"message": say(settings.lang, "classroom.record.answers_other_quiz", found=answers.quiz[:SHOWN_CHARS],
                               expected=quiz.id)}
    result = grade_answers(quiz, answers.answers, answers.student or student_id, lang=settings.lang,
                           secret=settings.quiz_secret)
    added: dict[str, Any] = {"points": result.points, "result": result_to_dict(result)}
    if names is not None and answers.student and not names_student(answers.student, student_id, names):
        flag = say(settings.lang, "classroom.record.answers_other_student",
                   found=repr(answers.student[:SHOWN_CHARS]), expected=repr(student_id))
        added.update(message=flag, flag=flag, answers_student=answers.student[:SHOWN_CHARS])
    return added


def names_student(named: str, student_id: str, names: tuple[str, ...]) -> bool:
    """Whether ``named`` (an answers file's ``student:``) is the student ``student_id``, known also as ``names``:
    the same text, ignoring case and surrounding spaces, or the same id once made safe."""
    wanted = named.strip().casefold()
    return (any(wanted == n.strip().casefold() for n in (student_id, *names))
            or safe_id(named) == student_id)


def _within(root: Path, text: str) -> str:
    """``text`` with ``root`` left out of the paths in it: the student sees their own file names, never the
    grader's scratch folders."""
    return text.replace(f"{root}{os.sep}", "").replace(str(root), ".")


def _error_line(exc: BaseException, root: Path) -> str:
    """The exception's type and the first line of its message, short, with the folders of any path in it left out:
    the student's own paths are relative to their submission, and the grader's are none of their business."""
    text = str(exc).strip().splitlines()
    line = _within(root, f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__)
    return FOLDERS.sub("", line)[:SHOWN_CHARS]


_KEYS: dict[str, Any] = {}


def load_key(path: Path) -> Any:
    """The open quiz at ``path``, loaded (and validated) once per process."""
    from grader.quiz.loader import require_quiz

    name = str(Path(path).resolve())
    if name not in _KEYS:
        _KEYS[name] = require_quiz(path)
    return _KEYS[name]


def find_code(root: Path, modules: list[str]) -> Path | None:
    """The folder of ``root`` (to ``MAX_DEPTH``) that holds the exercise modules, else the notebooks (see the module
    docstring)."""
    best: tuple[int, int, int, int] | None = None
    chosen = None
    for folder, depth in _folders(root):
        held = sum((folder / m).is_file() for m in modules)
        if held or _holds_notebook(folder):
            rank = (0 if held else 1, depth, -held, 0 if folder.name == "exercises" else 1)
            if best is None or rank < best:
                best, chosen = rank, folder
    return chosen


def is_notebook(path: Path) -> bool:
    """Whether ``path`` is a notebook handed in alone (a file, not a link)."""
    return path.suffix.lower() == NOTEBOOK_SUFFIX and path.is_file() and not path.is_symlink()


def _holds_notebook(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(e.name.lower().endswith(NOTEBOOK_SUFFIX) and not e.name.startswith(".") and e.is_file()
                       for e in entries)
    except OSError:
        return False


def find_file(root: Path, name: str) -> Path | None:
    for folder, _ in _folders(root):
        if (folder / name).is_file() and not (folder / name).is_symlink():
            return folder / name
    return None


def _folders(root: Path):
    """``(folder, depth)`` breadth first, skipping hidden, ignored and linked folders."""
    level = [root]
    for depth in range(MAX_DEPTH + 1):
        following = []
        for folder in level:
            yield folder, depth
            try:
                children = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            following += [Path(c.path) for c in children if c.is_dir(follow_symlinks=False)
                          and not c.name.startswith(".") and c.name not in IGNORED]
        level = following[:200]


def _blank_record(student: Student, settings: ClassSettings) -> dict[str, Any]:
    return {
        "schema": RECORD_SCHEMA,
        "student": student.id,
        "source": student.source_name,  # the name on disk; not UTF-8 bytes are written \xNN
        "status": "",
        "message": "",
        "points": 0.0,
        "max_points": 0.0,
        "parts": {name: {"points": 0.0, "max_points": top} for name, top in settings.part_max.items()},
        "quizzes": {quiz_id: {"points": 0.0, "max_points": top, "submitted": False,
                              "message": say(settings.lang, "classroom.record.quiz_not_graded"), "result": None}
                    for quiz_id, top in settings.quiz_max.items()},
        "code": None,
        "seed": settings.seed,
        "language": settings.lang,  # what its messages and feedback speak; a record without it is shown in English
        "versions": versions(),
    }


def _finish(record: dict[str, Any], status: str, message: str, started: float) -> dict[str, Any]:
    code_points = sum(p["points"] for p in record["parts"].values())
    code_max = sum(p["max_points"] for p in record["parts"].values())
    quiz_points = sum(q["points"] for q in record["quizzes"].values())
    quiz_max = sum(q["max_points"] for q in record["quizzes"].values())
    flags = [f"{quiz_id}: {entry['flag']}" for quiz_id, entry in record["quizzes"].items() if entry.get("flag")]
    record.update(status=status, message=message, flags=flags, code_points=code_points, code_max=code_max,
                  quiz_points=quiz_points, quiz_max=quiz_max, points=code_points + quiz_points,
                  max_points=code_max + quiz_max, duration=round(time.monotonic() - started, 3),
                  graded_at=datetime.now(UTC).isoformat(timespec="seconds"))
    return record


def failed_record(student: Student, settings: ClassSettings, status: str, message: str,
                  seconds: float) -> dict[str, Any]:
    """The record of a student whose grading did not finish (time budget, crashed process, grader error)."""
    record = _finish(_blank_record(student, settings), status, message, time.monotonic() - seconds)
    return record


def say(lang: str, key: str, /, **params: object) -> str:
    """The message ``key`` of the catalogues in ``lang``, filled with ``params`` (see grader.i18n)."""
    with language(lang):
        return tr(key, **params)


def _file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
