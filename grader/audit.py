"""Auditing the hidden checks against the catalogue of mistakes: which mistakes no check catches, which are caught
but not named, and the mutation score.

Every catalogued mistake is graded as a submission: a copy of the reference in which the one function it imitates
is replaced by the variant's source (the variant uses only the reference module's names, so it runs the same in
the worker as in the grader's process). A mistake is *caught* when a check that the reference passes fails on it,
and *named* when such a failing check's finding names this very mistake. The mutation score is the share of the
catalogue caught. The unmodified reference is graded too, once per part: a check it fails is reported and not
counted.

Instructors who change or add checks run ``nn-grader audit`` (its command is in grader.audit_cli); the project's
tests require every mistake to be caught and named.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import os
import re
import shutil
import tempfile
import textwrap
import time
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from grader import mistakes as catalogue
from grader import parts as course
from grader.grading import DEFAULT_SEED, grade
from grader.mistakes import Mistake
from grader.reference import REFERENCE_PACKAGE
from grader.results import GradeResult, Outcome

CATCHING_OUTCOMES = frozenset(o for o in Outcome if o.catches_mistake)


class TransplantError(ValueError):
    """A variant that cannot be written into the reference's source faithfully."""


# -- the report --------------------------------------------------------------------------------------------------


@dataclass
class MistakeAudit:
    """What the hidden checks made of one catalogued mistake."""

    id: str
    target: str
    part: str
    failed: list[str] = field(default_factory=list)  # checks (passed by the reference) that failed on it
    named: list[str] = field(default_factory=list)  # of those, the ones whose finding names this mistake
    misnamed: dict[str, str] = field(default_factory=dict)  # failing check -> the other mistake it named
    errors: list[str] = field(default_factory=list)  # checks that broke, or why the part could not be graded

    @property
    def caught(self) -> bool:
        return bool(self.failed)

    @property
    def is_named(self) -> bool:
        return bool(self.named)


@dataclass
class AuditReport:
    """The audit of the whole catalogue (or of some parts) against the hidden suites."""

    mistakes: list[MistakeAudit]
    reference_failures: dict[str, list[str]] = field(default_factory=dict)  # part -> checks the reference fails
    seed: int = DEFAULT_SEED
    duration: float = 0.0

    @property
    def total(self) -> int:
        return len(self.mistakes)

    @property
    def caught(self) -> int:
        return sum(m.caught for m in self.mistakes)

    @property
    def named(self) -> int:
        return sum(m.is_named for m in self.mistakes)

    @property
    def mutation_score(self) -> float:
        """The share of the catalogue that some check catches (killed mutants / mutants)."""
        return self.caught / self.total if self.total else 1.0

    @property
    def uncaught(self) -> list[MistakeAudit]:
        return [m for m in self.mistakes if not m.caught]

    @property
    def unnamed(self) -> list[MistakeAudit]:
        """Caught, but no failing check names the mistake."""
        return [m for m in self.mistakes if m.caught and not m.is_named]

    @property
    def complete(self) -> bool:
        """Every mistake caught and named, and the reference passes every check."""
        return self.named == self.total and not any(self.reference_failures.values())

    def to_dict(self) -> dict:
        return {
            "seed": self.seed,
            "duration": round(self.duration, 3),
            "total": self.total,
            "caught": self.caught,
            "named": self.named,
            "mutation_score": round(self.mutation_score, 4),
            "reference_failures": self.reference_failures,
            "mistakes": [dict(asdict(m), caught=m.caught, is_named=m.is_named) for m in self.mistakes],
        }


# -- running it --------------------------------------------------------------------------------------------------


def audit(parts: list[str] | tuple[str, ...] | None = None, *, seed: int = DEFAULT_SEED,
          jobs: int | None = None, on_progress: Callable[[int, int], None] | None = None) -> AuditReport:
    """Grade every catalogued mistake of ``parts`` (every part with catalogued mistakes when none are named).

    ``on_progress(done, total)`` is called as each submission (a mistake, or a part's reference) is graded.

    Raises ``UnknownPart`` for a named part without a hidden suite. A mistake of a part that has no suite yet is
    reported as not caught.
    """
    started = time.monotonic()
    suites = {p.name for p in course.discover()}
    if parts:
        course.select(list(parts))  # raises UnknownPart, naming the valid parts
    selected = [m for m in catalogue.all_mistakes() if not parts or m.part in parts]
    graded_parts = sorted({m.part for m in selected} & suites)
    tasks = [("", part, seed) for part in graded_parts] + [(m.id, m.part, seed) for m in selected
                                                           if m.part in suites]
    results = dict(zip(tasks, _run(_grade_task, tasks, jobs, on_progress), strict=True))
    reference_failures = {}
    passing_on_reference: dict[str, set[str]] = {}
    for part in graded_parts:
        reference = results[("", part, seed)]
        reference_failures[part] = sorted(name for name, (outcome, _) in reference.items() if outcome != "passed")
        passing_on_reference[part] = {name for name, (outcome, _) in reference.items() if outcome == "passed"}
    audited = []
    for m in selected:
        if m.part not in suites:
            audited.append(MistakeAudit(m.id, m.target, m.part, errors=[f"no hidden suite for the part {m.part!r}"]))
        else:
            audited.append(_judge(m, results[(m.id, m.part, seed)], passing_on_reference[m.part]))
    return AuditReport(audited, {p: f for p, f in reference_failures.items() if f}, seed,
                       time.monotonic() - started)


def _judge(m: Mistake, checks: dict[str, tuple[str, str]], counted: set[str]) -> MistakeAudit:
    result = MistakeAudit(m.id, m.target, m.part)
    for name, (outcome, named) in checks.items():
        if name == "<diagnostic>":
            result.errors.append(named)
        elif outcome == "error":
            result.errors.append(name)
        elif name in counted and outcome in CATCHING_OUTCOMES:
            result.failed.append(name)
            if named == m.id:
                result.named.append(name)
            elif named:
                result.misnamed[name] = named
    return result


def _run(function: Callable, tasks: list, jobs: int | None,
         on_progress: Callable[[int, int], None] | None = None) -> list:
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    results = []
    answers: Iterator[Any]
    with contextlib.ExitStack() as stack:
        if jobs == 1:
            answers = map(function, tasks)
        else:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")))
            answers = pool.map(function, tasks)
        for answer in answers:  # in order, so the bar advances as the earliest unfinished task ends
            results.append(answer)
            if on_progress is not None:
                on_progress(len(results), len(tasks))
    return results


def _grade_task(task: tuple[str, str, int]) -> dict[str, tuple[str, str]]:
    """Grade the reference (no mistake id) or one mistake on its part: check name -> (outcome, mistake named)."""
    mistake_id, part, seed = task
    with tempfile.TemporaryDirectory(prefix="nn-grader-audit-") as tmp:
        folder = reference_copy(Path(tmp) / "submission")
        if mistake_id:
            write_variant(folder, catalogue.find(mistake_id))
        result = grade(folder, [part], seed=seed)
    return _outcomes(result)


def _outcomes(result: GradeResult) -> dict[str, tuple[str, str]]:
    outcomes: dict[str, tuple[str, str]] = {c.name: (c.outcome, c.mistake) for c in result.checks}
    for p in result.parts:
        if p.diagnostic:
            outcomes["<diagnostic>"] = ("ungradable", p.diagnostic)
    return outcomes


# -- transplanting a variant into a copy of the reference -------------------------------------------------------


def reference_folder() -> Path:
    init = importlib.import_module(REFERENCE_PACKAGE).__file__
    assert init is not None  # the reference is a regular package: it has an __init__.py
    return Path(init).parent


def reference_copy(folder: Path) -> Path:
    """A copy of the reference's exercise modules in ``folder``, as a student would hand them in."""
    shutil.copytree(reference_folder(), folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return folder


def write_variant(folder: Path, m: Mistake) -> Path:
    """Replace ``m``'s target in ``folder/<part>.py`` by the variant; the path of the rewritten module."""
    path = folder / f"{m.part}.py"
    path.write_text(transplant(path.read_text(encoding="utf-8"), m), encoding="utf-8")
    return path


def transplant(source: str, m: Mistake) -> str:
    """``source`` (a reference module) with the definition of ``m.qualname`` replaced by the variant's source."""
    foreign = foreign_names(m)
    if foreign:
        raise TransplantError(f"mistake {m.id!r} uses names that solutions/{m.part}.py does not define the same "
                              f"way: {', '.join(foreign)}; import them from {REFERENCE_PACKAGE}.{m.part}")
    node = _definition(ast.parse(source), m.qualname)
    if node is None:
        raise TransplantError(f"solutions/{m.part}.py has no {m.qualname} to replace with mistake {m.id!r}")
    lines = source.splitlines(keepends=True)
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    replacement = textwrap.indent(variant_source(m), " " * node.col_offset)
    return "".join(lines[: first - 1]) + replacement + "".join(lines[node.end_lineno:])


def variant_source(m: Mistake) -> str:
    """The variant's definition without its ``@mistake`` decorator, renamed to the function it replaces."""
    source = textwrap.dedent(inspect.getsource(m.function))
    node = ast.parse(source).body[0]
    lines = source.splitlines(keepends=True)[node.lineno - 1: node.end_lineno]
    lines[0] = re.sub(rf"\bdef\s+{re.escape(m.function.__name__)}\s*\(", f"def {m.qualname.rpartition('.')[2]}(",
                      lines[0], count=1)
    return "".join(lines)


def foreign_names(m: Mistake) -> list[str]:
    """Global names the variant uses that its reference module lacks or binds to something else."""
    module = importlib.import_module(f"{REFERENCE_PACKAGE}.{m.part}")
    missing = object()
    namespace = m.function.__globals__
    return sorted(name for name in _global_names(m.function.__code__)
                  if name in namespace and getattr(module, name, missing) is not namespace[name])


def _global_names(code: types.CodeType) -> Iterator[str]:
    yield from code.co_names
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _global_names(constant)


def _definition(tree: ast.Module, qualname: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    body: list[ast.stmt] = tree.body
    *owners, name = qualname.split(".")
    for owner in owners:
        cls = next((n for n in body if isinstance(n, ast.ClassDef) and n.name == owner), None)
        if cls is None:
            return None
        body = cls.body
    return next((n for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name), None)


# -- rendering -------------------------------------------------------------------------------------------------


def render_text(report: AuditReport) -> str:
    lines = [f"nn-grader audit: {report.total} catalogued mistakes against the hidden suites "
             f"(seed {report.seed}, {report.duration:.1f} s)", ""]
    for part in dict.fromkeys(m.part for m in report.mistakes):
        mine = [m for m in report.mistakes if m.part == part]
        lines.append(f"{part:<12} {len(mine):>3} mistakes: {sum(m.caught for m in mine):>3} caught, "
                     f"{sum(m.is_named for m in mine):>3} named")
    sections = [
        ("Not caught (no check fails):", report.uncaught, lambda m: "; ".join(m.errors)),
        ("Caught but not named:", report.unnamed, lambda m: "failed: " + ", ".join(m.failed)),
        ("Named as another mistake by some check:", [m for m in report.mistakes if m.misnamed],
         lambda m: ", ".join(f"{check} -> {other}" for check, other in m.misnamed.items())),
        ("Checks that broke (the check's own error):", [m for m in report.mistakes if m.errors and m.caught],
         lambda m: ", ".join(m.errors)),
    ]
    for title, found, detail in sections:
        if found:
            lines += ["", title] + [f"  {m.id:<44} {m.target}  ({detail(m)})" for m in found]
    for part, failures in report.reference_failures.items():
        lines += ["", f"The reference fails these checks of {part} (not counted): {', '.join(failures)}"]
    lines += ["", f"Mistakes caught: {report.caught}/{report.total}  (mutation score {report.mutation_score:.1%})",
              f"Mistakes named:  {report.named}/{report.total}"]
    return "\n".join(lines) + "\n"

