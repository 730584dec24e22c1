"""Finding what a student's copy of the course must not contain: a line of a solution, or a hidden check's name.

Both are searched for anywhere in any line of any file, as text.

A solution line is a line between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` in ``solutions/*.py`` that says
something: not a comment, at least ``MIN_LINE`` characters long, and not also in the generated stubs (a docstring
may show a line of the answer on purpose, as fit's does for the order of the samples). A hidden check's name is
searched as a whole word, so ``test_forward`` is not found inside ``test_forward_matches_reference``.

A notebook (``*.ipynb``) is searched cell by cell in its cells' text, not in its JSON, where a quote or a backslash
of a solution line would be escaped and so not found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from grader.stubgen import BEGIN_MARKER, END_MARKER, make_stub

MIN_LINE = 10


def solution_lines(solutions: Path) -> dict[str, str]:
    """Every telling line of the marked solution blocks in ``solutions``, stripped -> where it is (file:line)."""
    found: dict[str, str] = {}
    for path in sorted(Path(solutions).glob("*.py")):
        source = path.read_text(encoding="utf-8")
        stub = make_stub(source, path.name)
        inside = False
        for number, line in enumerate(source.splitlines(), start=1):
            text = line.strip()
            if text in (BEGIN_MARKER, END_MARKER):
                inside = text == BEGIN_MARKER
            elif inside and len(text) >= MIN_LINE and not text.startswith("#") and text not in stub:
                found.setdefault(text, f"{path.name}:{number}")
    return found


def find_leaks(tree: Path, solutions: Path, hidden_checks: Iterable[str]) -> list[str]:
    """``file:line: what`` for every solution line and hidden check name found in any file under ``tree``."""
    lines = solution_lines(solutions)
    names = sorted(set(hidden_checks))
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b") if names else None
    leaks = []
    for path in sorted(p for p in Path(tree).rglob("*") if p.is_file()):
        for place, text in searchable_texts(path, path.relative_to(tree)):
            present = {s: origin for s, origin in lines.items() if s in text}  # most files have none: look once
            if not present and not (pattern and pattern.search(text)):
                continue
            for number, line in enumerate(text.splitlines(), start=1):
                where = f"{place}:{number}"
                leaks += [f"{where}: the solution line {s!r} ({origin})" for s, origin in present.items() if s in line]
                found = pattern.finditer(line) if pattern else ()
                leaks += [f"{where}: the hidden check {m.group(1)}" for m in found]
    return leaks


def searchable_texts(path: Path, name: Path) -> Iterator[tuple[str, str]]:
    """The texts of a file to search, each with the place it is reported as: the file itself, and for a notebook
    also each cell's source (``notebooks/01_activations.ipynb cell 3``)."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    yield str(name), text
    if path.suffix != ".ipynb":
        return
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):  # not a notebook after all: its text was searched above
        return
    for number, cell in enumerate(cells if isinstance(cells, list) else []):
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        yield f"{name} cell {number}", "".join(source) if isinstance(source, list) else str(source)
