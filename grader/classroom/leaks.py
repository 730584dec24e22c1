"""Finding what a student's copy of the course must not contain: a line of a solution, or a hidden check's name.

Both are searched for anywhere in any line of any file, as text.

A solution line is a line between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` in ``solutions/*.py`` that says
something: not a comment, at least ``MIN_LINE`` characters long, and not also in the generated stubs (a docstring
may show a line of the answer on purpose, as fit's does for the order of the samples). A hidden check's name is
searched as a whole word, so ``test_forward`` is not found inside ``test_forward_matches_reference``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
        text = path.read_bytes().decode("utf-8", errors="replace")
        present = {s: origin for s, origin in lines.items() if s in text}  # most files have none: look once
        if not present and not (pattern and pattern.search(text)):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            where = f"{path.relative_to(tree)}:{number}"
            leaks += [f"{where}: the solution line {s!r} ({origin})" for s, origin in present.items() if s in line]
            leaks += [f"{where}: the hidden check {m.group(1)}" for m in (pattern.finditer(line) if pattern else ())]
    return leaks
