"""The class run: ``autograde(submissions, output)`` grades every student and keeps a gradebook.

Order of work: find the students (grader.classroom.roster), keep this shard's share, skip every student whose
record is current (same submission bytes, same settings; ``force`` regrades), grade the rest in parallel
(grader.classroom.pool), and as each student finishes write their record and feedback atomically. The gradebook and
summary are rebuilt from all records at the end -- also after Ctrl-C or an error, so nothing finished is lost and a
re-run picks up where this one stopped. An output file that cannot be written (a full disk) stops the run with an
``OutputError`` naming the file; every record written before it stays whole.

Output folder::

    <output>/gradebook.csv            one row per student (grader.classroom.gradebook)
    <output>/summary.json, summary.md mean, median, pass rate per check
    <output>/students/<id>.json       the student's record (grader.classroom.records)
    <output>/students/<id>.md         the student's feedback (grader.classroom.feedback)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader import parts as course
from grader.classroom.feedback import render_feedback
from grader.classroom.gradebook import write_gradebook
from grader.classroom.pool import GradingPool
from grader.classroom.records import (
    OutputError,
    cannot_write,
    fingerprint,
    is_current,
    load_record,
    record_path,
    save_record,
    write_atomic,
)
from grader.classroom.roster import RosterError, Student, find_students
from grader.classroom.student import ClassSettings, load_key
from grader.runner import list_checks
from grader.sandbox.limits import usable_cpu_count

DEFAULT_BUDGET = 300.0


@dataclass
class ClassRun:
    """What one run did: the students it was given, those it graded and those it skipped as current."""

    students: list[Student]
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> (2, 4): the second of four shards. Raises ValueError for anything else."""
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"a shard is K/N with whole numbers, like 1/4; got {text!r}") from None
    if not 1 <= k <= n:
        raise ValueError(f"shard {text}: K must be between 1 and N")
    return k, n


def select_students(students: list[Student], *, only: tuple[str, ...] = (),
                    shard: tuple[int, int] | None = None) -> list[Student]:
    """The students named in ``only`` (all when empty), then every N-th from the K-th for shard (K, N)."""
    if only:
        known = {s.id for s in students}
        unknown = [o for o in only if o not in known]
        if unknown:
            raise RosterError(f"no submission for student {', '.join(unknown)}")
        students = [s for s in students if s.id in only]
    if shard:
        k, n = shard
        students = [s for i, s in enumerate(students) if i % n == k - 1]
    return students


def autograde(submissions: Path, output: Path, settings: ClassSettings | None = None, *, workers: int | None = None,
              budget: float = DEFAULT_BUDGET, force: bool = False, only: tuple[str, ...] = (),
              shard: tuple[int, int] | None = None, on_start: Callable[[int, int], None] | None = None,
              on_record: Callable[[dict[str, Any]], None] | None = None) -> ClassRun:
    """Grade the class in ``submissions`` into ``output`` (see the module docstring).

    ``on_start(to_grade, skipped)`` is called once before grading, ``on_record(record)`` after each student: the
    command line draws its progress bar with them.
    """
    output = Path(output)
    settings = with_maxima(settings or ClassSettings())
    students = select_students(find_students(submissions), only=only, shard=shard)
    key = settings.key()
    prints = {s.id: fingerprint(s.source) for s in students}
    run = ClassRun(students)
    todo = []
    for student in students:
        if not force and is_current(load_record(record_path(output, student.id)), prints[student.id], key):
            run.skipped.append(student.id)
        else:
            todo.append(student)
    if on_start:
        on_start(len(todo), len(run.skipped))

    def keep(record: dict[str, Any]) -> None:
        record.update(fingerprint=prints[record["student"]], settings=key)
        write_atomic(record_path(output, record["student"], ".md"), render_feedback(record))
        save_record(output, record)  # last: a record on disk means the student is done
        run.graded.append(record["student"])
        if on_record:
            on_record(record)

    try:
        output.mkdir(parents=True, exist_ok=True)
        if todo:
            GradingPool(settings, workers=workers or usable_cpu_count(), budget=budget).grade_all(todo, keep)
    except OSError as exc:
        rebuild_gradebook_quietly(output)
        raise cannot_write(exc, output) from None
    except BaseException:
        rebuild_gradebook_quietly(output)
        raise
    try:
        run.summary = write_gradebook(output)
    except OSError as exc:
        raise cannot_write(exc, output) from None
    return run


def rebuild_gradebook_quietly(output: Path) -> None:
    """Rebuild the gradebook after a run that stopped, so it shows everyone finished; if that fails too (the disk
    is still full), the error that stopped the run is the one to report, and the next run rebuilds it."""
    try:
        write_gradebook(output)
    except (OSError, OutputError):
        pass


def with_maxima(settings: ClassSettings) -> ClassSettings:
    """``settings`` with each part's and quiz's maximum points, so a student whose code never ran still shows them.

    Loading the quizzes here also stops a run with a broken quiz before any student is graded.
    """
    selected = course.select(list(settings.parts))
    checks = list_checks(selected)
    part_max = {p.name: sum(c.points for c in checks if c.part == p.name) for p in selected}
    quiz_max = {quiz.id: quiz.max_points for quiz in map(load_key, settings.quizzes)}
    return replace(settings, part_max=part_max, quiz_max=quiz_max)
