"""Finding quizzes by id: ``nn-grader quiz take seed-002`` instead of a path.

A NAME is a file path if such a file exists; otherwise a quiz id (or file stem) searched for in, in order, the
directories listed in ``NN_GRADER_QUIZZES`` (separated like PATH), ``./quizzes``, and the quizzes shipped with
nn-grader.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from grader.quiz.loader import MAX_QUIZ_BYTES
from grader.quiz.source import read_text_file, read_yaml

SHIPPED = Path(__file__).resolve().parents[2] / "quizzes"
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class QuizEntry:
    id: str
    path: Path
    title: str


def quiz_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("NN_GRADER_QUIZZES", "").split(os.pathsep) if p]
    dirs += [Path.cwd() / "quizzes", SHIPPED]
    unique: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def available_quizzes() -> list[QuizEntry]:
    """Every readable quiz in the search directories (unreadable files are skipped here; `validate` reports them).

    A quiz folder may hold a colleague's broken or hostile file; it is read with the same bounds as any quiz, so it
    is skipped rather than stopping `list` or `take` of every other quiz.
    """
    entries: list[QuizEntry] = []
    for directory in quiz_dirs():
        try:
            paths = sorted(p for p in directory.iterdir() if p.suffix in SUFFIXES)
        except OSError:
            continue
        for path in paths:
            entry = _entry(path)
            if entry is not None:
                entries.append(entry)
    return entries


def _entry(path: Path) -> QuizEntry | None:
    """The id and title of the quiz at `path`, or None if it cannot be read as a quiz."""
    text, _ = read_text_file(path, MAX_QUIZ_BYTES)
    if text is None:
        return None
    document, _ = read_yaml(text, str(path))
    data = document.data if document is not None else None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    title = data.get("title")
    if isinstance(title, dict):
        title = title.get("en", next(iter(title.values()), ""))
    return QuizEntry(data["id"], path, "" if title is None else str(title))


def resolve_quiz(name: str) -> Path:
    """The file NAME refers to; raise LookupError saying what was searched."""
    path = Path(name)
    if path.is_file():
        return path
    entries = available_quizzes()
    for entry in entries:
        if name in (entry.id, entry.path.stem):
            return entry.path
    known = ", ".join(sorted({e.id for e in entries})) or "none"
    raise LookupError(f"no quiz file or quiz id {name!r}; known quiz ids: {known}")
