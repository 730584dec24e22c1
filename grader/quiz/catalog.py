"""Finding quizzes by id: ``nn-grader quiz take seed-002`` instead of a path.

A NAME is a file path if such a file exists; otherwise a quiz id (or file stem) searched for in, in order, the
directories listed in ``NN_GRADER_QUIZZES`` (separated like PATH), ``./quizzes``, and the quizzes shipped with
nn-grader.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

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
    """Every readable quiz in the search directories (unreadable files are skipped here; `validate` reports them)."""
    entries: list[QuizEntry] = []
    for directory in quiz_dirs():
        for path in sorted(p for p in directory.iterdir() if p.suffix in SUFFIXES):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                title = data.get("title")
                title = title.get("en", next(iter(title.values()), "")) if isinstance(title, dict) else str(title)
                entries.append(QuizEntry(data["id"], path, title))
    return entries


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
