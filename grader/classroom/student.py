"""Grading one student of a class: open the submission, find the code and quiz answers, grade both.

This runs inside a grading process of the pool (grader.classroom.pool), so it never raises for anything a student
did: a broken zip, a missing module, an unreadable answers file all become a record with a status and a message.

Where things are looked for inside a submission (a folder, or a zip unpacked by grader.classroom.archive):
- the code: the shallowest folder holding an exercise module (``activations.py`` ...); on a tie, the one holding
  the most, then one named ``exercises``. So a repository (``exercises/...``), a bare folder of modules and a zip
  with one top folder all work.
- a quiz's answers: ``<quiz id>.answers.yaml`` (as ``nn-grader quiz take`` saves it), the shallowest one found.

A record's messages are for its student, so they speak the class's language (``classroom.record.*`` in
``grader/locale/<lang>/classroom.yaml``), and the record says which one (``language``) for its feedback.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from grader import parts as course
from grader.classroom.archive import ArchiveError, unpack
from grader.classroom.records import RECORD_SCHEMA, record_path, write_atomic
from grader.classroom.roster import IGNORED, Student
from grader.grading import DEFAULT_SEED, grade, versions
from grader.i18n import language, tr
from grader.results import GradeResult
from grader.sandbox.limits import Limits

MAX_DEPTH = 4


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
    root = student.source
    if student.is_zip:
        try:
            unpack(student.source, scratch / "unpacked")
        except ArchiveError as exc:
            return _finish(record, "invalid", f"{student.source.name}: {say(settings.lang, exc.key, **exc.params)}",
                           started)
        root = scratch / "unpacked"
    if not root.is_dir():
        return _finish(record, "invalid", say(settings.lang, "classroom.record.not_folder_or_zip",
                                              name=student.source.name), started)

    for quiz_path in settings.quizzes:
        quiz_id, entry = grade_quiz(root, Path(quiz_path), student.id, settings)
        record["quizzes"][quiz_id] = entry
    if unfinished is not None:
        return _finish(record, unfinished[0], unfinished[1], started)

    modules = [p.module_file for p in course.discover()]
    code_dir = find_code(root, modules)
    if code_dir is None:
        return _finish(record, "no_code", say(settings.lang, "classroom.record.no_code", modules=", ".join(modules)),
                       started)
    result = grade(code_dir, list(settings.parts), seed=settings.seed, lang=settings.lang, limits=settings.limits)
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
    except Exception as exc:  # noqa: BLE001 -- the page is an extra: its failure must not cost the student a grade
        return f"{type(exc).__name__}: {exc}"
    return ""


def grade_quiz(root: Path, quiz_path: Path, student_id: str, settings: ClassSettings) -> tuple[str, dict[str, Any]]:
    """(quiz id, the quiz's entry in the record) for the answers to the open quiz at ``quiz_path`` in ``root``."""
    from grader.quiz.answers import read_answers
    from grader.quiz.grading import grade_answers
    from grader.quiz.results import result_to_dict

    quiz = load_key(quiz_path)
    entry: dict[str, Any] = {"points": 0.0, "max_points": quiz.max_points, "submitted": False, "message": "",
                             "result": None}
    found = find_file(root, f"{quiz.id}.answers.yaml") or find_file(root, f"{quiz.id}.answers.yml")
    if found is None:
        entry["message"] = say(settings.lang, "classroom.record.no_answers", quiz=quiz.id)
        return quiz.id, entry
    with language(settings.lang):  # the problems read_answers finds are sentences for the student
        answers, problems = read_answers(found)
    entry["submitted"] = True
    if answers is None:
        entry["message"] = ("; ".join(str(p) for p in problems)
                            or say(settings.lang, "classroom.record.answers_unreadable"))
        return quiz.id, entry
    if answers.quiz not in (None, quiz.id):
        entry["message"] = say(settings.lang, "classroom.record.answers_other_quiz", found=answers.quiz,
                               expected=quiz.id)
        return quiz.id, entry
    result = grade_answers(quiz, answers.answers, answers.student or student_id, lang=settings.lang,
                           secret=settings.quiz_secret)
    entry.update(points=result.points, result=result_to_dict(result))
    return quiz.id, entry


_KEYS: dict[str, Any] = {}


def load_key(path: Path) -> Any:
    """The open quiz at ``path``, loaded (and validated) once per process."""
    from grader.quiz.loader import require_quiz

    name = str(Path(path).resolve())
    if name not in _KEYS:
        _KEYS[name] = require_quiz(path)
    return _KEYS[name]


def find_code(root: Path, modules: list[str]) -> Path | None:
    """The folder of ``root`` (to ``MAX_DEPTH``) that holds the exercise modules (see the module docstring)."""
    best: tuple[int, int, int] | None = None
    chosen = None
    for folder, depth in _folders(root):
        held = sum((folder / m).is_file() for m in modules)
        if held:
            rank = (depth, -held, 0 if folder.name == "exercises" else 1)
            if best is None or rank < best:
                best, chosen = rank, folder
    return chosen


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
        "source": student.source.name,
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
    record.update(status=status, message=message, code_points=code_points, code_max=code_max,
                  quiz_points=quiz_points, quiz_max=quiz_max, points=code_points + quiz_points,
                  max_points=code_max + quiz_max, duration=round(time.monotonic() - started, 3),
                  graded_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
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
