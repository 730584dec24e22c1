"""Blaming the function that broke it: which of the student's parts a part calls, and the note that says so.

A part calls the parts its suite declares (a module-level ``USES = ("network", "losses")`` in ``check_<part>.py``:
``training.fit`` drives the model and optimizer it is handed, which no import shows), or, without a declaration, the
parts the student's module imports (``from . import activations``). Such a part's checks take the fixture ``alone``:
they run on the student's whole submission first, and again with its module among the reference's only where they
fail there (``grading.failed_on_the_whole``); the ones its suite names in ``INTEGRATION = (...)`` only ever run on
the whole submission (see ``runner.SuiteRun.integrated``). A failure of such a check, in a part whose callees
(directly or through others) fail checks of their own, is led by a note naming them: the bug is most likely there,
and its own checks say where.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Collection, Iterable
from pathlib import Path

from grader.i18n import tr
from grader.parts import Part, assigned, parse_head
from grader.results import CheckResult

USES = "USES"
INTEGRATION = "INTEGRATION"


def declared_uses(suite: Path) -> set[str]:
    """The parts a suite's ``USES = (...)`` names (read without importing the suite); empty without one."""
    return declared_names(suite, USES)


def declared_integration(suite: Path) -> set[str]:
    """The checks a suite's ``INTEGRATION = (...)`` names: those that run the student's own callees, where every
    other check of a part that calls others takes the fixture ``alone``; empty without one."""
    return declared_names(suite, INTEGRATION)


def declared_names(suite: Path, variable: str) -> set[str]:
    """The strings of a suite's module-level tuple or list ``variable`` (read without importing the suite)."""
    return set(_declared_in(suite.read_text(encoding="utf-8"), str(suite), variable))


@functools.lru_cache(maxsize=64)
def _declared_in(source: str, filename: str, variable: str) -> frozenset[str]:
    """:func:`declared_names` of a suite's text, parsed once per text: a class grades every student with the same
    suites."""
    value = assigned(parse_head(source, filename, variable), variable)
    if not isinstance(value, (ast.Tuple, ast.List)):
        return frozenset()
    return frozenset(e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))


def imported_parts(module: Path, parts: Iterable[str]) -> set[str]:
    """The parts a student's module imports, anywhere in it (``from . import x``, ``from .x import f``, ``import
    submission.x``). A module that cannot be read or parsed imports nothing here: its part has a diagnostic."""
    try:
        tree = ast.parse(module.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level and node.module:
                names.add(node.module.split(".")[0])
            elif node.level:
                names.update(alias.name for alias in node.names)
            elif node.module:
                names.update(node.module.split(".")[1:2])
        elif isinstance(node, ast.Import):
            names.update(part for alias in node.names for part in alias.name.split(".")[1:2])
    return names & set(parts) - {module.stem}


def callees(parts: list[Part], package_dir: Path, of: Collection[str] | None = None) -> dict[str, set[str]]:
    """Part -> every part it calls, directly or through others (declared by its suite, else imported by the
    student's module), for the parts ``of`` (every part by default). A student's module is parsed only if one of
    them may call it."""
    names = [p.name for p in parts]
    by_name = {p.name: p for p in parts}

    @functools.cache
    def direct(name: str) -> set[str]:
        part = by_name[name]
        return (declared_uses(part.path) or imported_parts(package_dir / part.module_file, names)) - {name}

    closure: dict[str, set[str]] = {}
    for name in names if of is None else [n for n in names if n in of]:
        seen: set[str] = set()
        todo = list(direct(name))
        while todo:
            callee = todo.pop()
            if callee not in seen and callee != name:
                seen.add(callee)
                todo.extend(direct(callee) if callee in by_name else ())
        closure[name] = seen
    return closure


def callee_note(part: str, failing: dict[str, int]) -> str:
    """The note that leads a failure of ``part`` when the callees ``failing`` (part -> failed checks) fail theirs."""
    shown = ", ".join(tr("callees.part_failing", file=f"{name}.py", count=count) for name, count in failing.items())
    return tr("callees.fix_first", file=f"{part}.py", callees=shown)


def note_callee_failures(checks: list[CheckResult], parts: list[Part], package_dir: Path,
                         integrated: set[tuple[str, str]]) -> None:
    """Lead every failure of a check of ``integrated`` whose part calls a failing part with :func:`callee_note`.

    Only code that ran and missed gets the note (failed, error, time-out, crash): a stub or an unimportable module
    already says which function or file is unfinished."""
    order = [p.name for p in parts]
    failed: dict[str, int] = {}
    for check in checks:
        if not check.passed:
            failed[check.part] = failed.get(check.part, 0) + 1
    # Not those that passed, nor those that did not run: a stub's message already names the unfinished function
    led = [c for c in checks if c.outcome.asks_for_figure and (c.part, c.name) in integrated]
    if not led:
        return  # no student module needs parsing (a class's stubs: none)
    calls = callees(parts, package_dir, of={check.part for check in led})
    for check in led:
        failing = {name: failed[name] for name in order if name in calls[check.part] and name in failed}
        if failing:
            note = callee_note(check.part, failing)
            check.message = f"{note}\n{check.message}" if check.message else note
            check.callees_failing = list(failing)
