"""Auditing the hidden checks against the catalogue of mistakes: which mistakes no check catches, which are caught
but not named, and the mutation score; and against the exercises themselves: which graded blocks no check needs.

Every catalogued mistake is graded as a submission: a copy of the reference in which the one function it imitates
is replaced by the variant's source (the variant uses only the reference module's names, so it runs the same in
the worker as in the grader's process). A mistake is *caught* when a check that the reference passes fails on it,
and *named* when such a failing check's finding names this very mistake. The mutation score is the share of the
catalogue caught. The unmodified reference is graded too, once per part: a check it fails is reported and not
counted.

Every graded block (``# BEGIN SOLUTION`` ... ``# END SOLUTION`` in solutions/) is graded the same way: a copy of the
reference with that one block replaced by its stub, as the student receives it (grader.stubgen.stub_block). A block
is *covered* when a check that the reference passes fails without it, and that failing check names the function (in
its name or its message). A block no check needs would give an untouched stub full marks.

Instructors who change or add checks run ``nn-grader audit`` (its command is in grader.audit_cli); the project's
tests require every mistake to be caught and named, and every graded block covered.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
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
from typing import Any, NamedTuple

from grader import mistakes as catalogue
from grader import parts as course
from grader.grading import DEFAULT_SEED, grade
from grader.mistakes import Mistake
from grader.reference import REFERENCE_PACKAGE
from grader.results import GradeResult, Outcome
from grader.sandbox.limits import usable_cpu_count
from grader.stubgen import solution_blocks, stub_block

CATCHING_OUTCOMES = frozenset(o for o in Outcome if o.catches_mistake)


class Verdict(NamedTuple):
    """What the audit reads of one check's verdict on one submission it graded."""

    outcome: str
    mistake: str = ""  # the catalogued mistake the check's finding named
    message: str = ""  # the failure message (for "<diagnostic>": why the part could not be graded)


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


@dataclass(frozen=True)
class GradedBlock:
    """One ``# BEGIN SOLUTION`` block of the reference: the code a student must write."""

    id: str  # "metrics.specificity"; a function's second and later blocks add "#2", "#3"
    function: str  # the function it belongs to, qualified by its module: "network.MLP.forward"
    part: str
    index: int  # among its module's blocks, as grader.stubgen.solution_blocks lists them


@dataclass
class BlockCoverage:
    """What the hidden checks made of one graded block stubbed alone in the reference."""

    id: str
    function: str
    part: str
    index: int
    failed: list[str] = field(default_factory=list)  # checks (passed by the reference) that fail without the block
    named: list[str] = field(default_factory=list)  # of those, the ones that name its function
    errors: list[str] = field(default_factory=list)  # checks that broke, or why the part could not be graded

    @property
    def covered(self) -> bool:
        """Some check fails without the block and says which function is missing."""
        return bool(self.named)


@dataclass
class AuditReport:
    """The audit of the whole catalogue (or of some parts) against the hidden suites."""

    mistakes: list[MistakeAudit]
    reference_failures: dict[str, list[str]] = field(default_factory=dict)  # part -> checks the reference fails
    seed: int = DEFAULT_SEED
    duration: float = 0.0
    blocks: list[BlockCoverage] = field(default_factory=list)

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
    def uncovered(self) -> list[BlockCoverage]:
        """Graded blocks that an untouched stub could leave without losing a point (or without being told which)."""
        return [b for b in self.blocks if not b.covered]

    @property
    def complete(self) -> bool:
        """Every mistake caught and named, every graded block covered, and the reference passes every check."""
        return self.named == self.total and not self.uncovered and not any(self.reference_failures.values())

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
            "blocks_total": len(self.blocks),
            "blocks_covered": len(self.blocks) - len(self.uncovered),
            "blocks": [dict(asdict(b), covered=b.covered) for b in self.blocks],
        }


# -- running it --------------------------------------------------------------------------------------------------


def audit(parts: list[str] | tuple[str, ...] | None = None, *, seed: int = DEFAULT_SEED,
          jobs: int | None = None, on_progress: Callable[[int, int], None] | None = None,
          mistakes: bool = True, blocks: bool = True) -> AuditReport:
    """Grade every catalogued mistake and every graded block of ``parts`` (every part when none are named).

    ``mistakes`` / ``blocks`` choose what is audited (both by default). ``on_progress(done, total)`` is called as
    each submission (a mistake, a stubbed block, or a part's reference) is graded.

    Raises ``UnknownPart`` for a named part without a hidden suite. A mistake or block of a part that has no suite
    yet is reported as not caught (not covered).
    """
    started = time.monotonic()
    suites = {p.name for p in course.discover()}
    if parts:
        course.select(list(parts))  # raises UnknownPart, naming the valid parts
    selected = [m for m in catalogue.all_mistakes() if not parts or m.part in parts] if mistakes else []
    stubbed = graded_blocks(parts) if blocks else []
    graded_parts = sorted(({m.part for m in selected} | {b.part for b in stubbed}) & suites)
    tasks = ([_Task(part, seed) for part in graded_parts]
             + [_Task(m.part, seed, mistake=m.id) for m in selected if m.part in suites]
             + [_Task(b.part, seed, block=b.index) for b in stubbed if b.part in suites])
    results = dict(zip(tasks, _run(_grade_task, tasks, jobs, on_progress), strict=True))
    reference_failures = {}
    passing_on_reference: dict[str, set[str]] = {}
    for part in graded_parts:
        reference = results[_Task(part, seed)]
        reference_failures[part] = sorted(name for name, v in reference.items() if v.outcome != "passed")
        passing_on_reference[part] = {name for name, v in reference.items() if v.outcome == "passed"}
    audited = []
    for m in selected:
        if m.part not in suites:
            audited.append(MistakeAudit(m.id, m.target, m.part, errors=[f"no hidden suite for the part {m.part!r}"]))
        else:
            audited.append(_judge(m, results[_Task(m.part, seed, mistake=m.id)], passing_on_reference[m.part]))
    covered = []
    for b in stubbed:
        if b.part not in suites:
            covered.append(BlockCoverage(**asdict(b), errors=[f"no hidden suite for the part {b.part!r}"]))
        else:
            covered.append(_cover(b, results[_Task(b.part, seed, block=b.index)], passing_on_reference[b.part]))
    return AuditReport(audited, {p: f for p, f in reference_failures.items() if f}, seed,
                       time.monotonic() - started, covered)


def graded_blocks(parts: list[str] | tuple[str, ...] | None = None) -> list[GradedBlock]:
    """Every ``# BEGIN SOLUTION`` block of the reference's modules (of ``parts`` when named), in course-file order."""
    found = []
    for path in sorted(reference_folder().glob("*.py")):
        if parts and path.stem not in parts:
            continue
        blocks = solution_blocks(path.read_text(encoding="utf-8"), path.name)
        seen: dict[str, int] = {}
        for index, block in enumerate(blocks):
            function = f"{path.stem}.{block.qualname}"
            seen[function] = seen.get(function, 0) + 1
            block_id = function if seen[function] == 1 else f"{function}#{seen[function]}"
            found.append(GradedBlock(block_id, function, path.stem, index))
    return found


def names_function(function: str, check: str, message: str) -> bool:
    """Whether a check's name or message names ``function`` ("metrics.specificity"): its name inside the module
    ("specificity", "MLP.forward") as a whole word, so that "step" is not found in "sgd_step"."""
    qualname = function.partition(".")[2]
    pattern = rf"(?<!\w){re.escape(qualname)}(?!\w)"
    return re.search(pattern, check) is not None or re.search(pattern, message) is not None


def _judge(m: Mistake, checks: dict[str, Verdict], counted: set[str]) -> MistakeAudit:
    failed, errors = _failures(checks, counted)
    result = MistakeAudit(m.id, m.target, m.part, list(failed), errors=errors)
    for name, verdict in failed.items():
        if verdict.mistake == m.id:
            result.named.append(name)
        elif verdict.mistake:
            result.misnamed[name] = verdict.mistake
    return result


def _cover(block: GradedBlock, checks: dict[str, Verdict], counted: set[str]) -> BlockCoverage:
    failed, errors = _failures(checks, counted)
    named = [name for name, verdict in failed.items() if names_function(block.function, name, verdict.message)]
    return BlockCoverage(**asdict(block), failed=list(failed), named=named, errors=errors)


def _failures(checks: dict[str, Verdict], counted: set[str]) -> tuple[dict[str, Verdict], list[str]]:
    """The counted checks (those the reference passes) that the change made fail, and what broke: checks that
    ended in their own error, or why the part could not be graded."""
    failed: dict[str, Verdict] = {}
    errors: list[str] = []
    for name, verdict in checks.items():
        if name == "<diagnostic>":
            errors.append(verdict.message)
        elif verdict.outcome == "error":
            errors.append(name)
        elif name in counted and verdict.outcome in CATCHING_OUTCOMES:
            failed[name] = verdict
    return failed, errors


def _run(function: Callable, tasks: list, jobs: int | None,
         on_progress: Callable[[int, int], None] | None = None) -> list:
    jobs = max(1, min(jobs or usable_cpu_count(), len(tasks)))
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


@dataclass(frozen=True)
class _Task:
    """One submission the audit grades: the reference of ``part``, with one mistake or one block stubbed, or neither."""

    part: str
    seed: int
    mistake: str = ""
    block: int = -1  # index among the module's solution blocks; -1: none


def _grade_task(task: _Task) -> dict[str, Verdict]:
    """Grade the reference, or one mistake, or one stubbed block, on its part: check name -> its verdict."""
    with tempfile.TemporaryDirectory(prefix="nn-grader-audit-") as tmp:
        folder = reference_copy(Path(tmp) / "submission")
        if task.mistake:
            write_variant(folder, catalogue.find(task.mistake))
        if task.block >= 0:
            write_stubbed_block(folder, task.part, task.block)
        result = grade(folder, [task.part], seed=task.seed)
    return _outcomes(result)


def _outcomes(result: GradeResult) -> dict[str, Verdict]:
    outcomes = {c.name: Verdict(c.outcome, c.mistake, c.message) for c in result.checks}
    for p in result.parts:
        if p.diagnostic:
            outcomes["<diagnostic>"] = Verdict("ungradable", message=p.diagnostic)
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


def write_stubbed_block(folder: Path, part: str, index: int) -> Path:
    """Replace the ``index``-th graded block of ``folder/<part>.py`` by its stub; the path of the rewritten module."""
    path = folder / f"{part}.py"
    path.write_text(stub_block(path.read_text(encoding="utf-8"), index, path.name), encoding="utf-8")
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
    if report.blocks:
        lines += ["", "Graded blocks, each replaced alone by its stub in the reference:"]
        lines += [f"  {b.id:<44} {block_verdict(b)}" for b in report.blocks]
    lines += ["", f"Mistakes caught: {report.caught}/{report.total}  (mutation score {report.mutation_score:.1%})",
              f"Mistakes named:  {report.named}/{report.total}"]
    if report.blocks:
        lines.append(f"Blocks covered:  {len(report.blocks) - len(report.uncovered)}/{len(report.blocks)}")
    return "\n".join(lines) + "\n"


def block_verdict(b: BlockCoverage) -> str:
    """One block's line of the report: how many checks fail without it, or why it is not covered."""
    broke = f"; checks broke: {', '.join(b.errors)}" if b.errors else ""
    if b.covered:
        return f"covered by {len(b.failed)} check{'s' if len(b.failed) != 1 else ''}{broke}"
    if b.failed:
        return f"NOT NAMED: {len(b.failed)} checks fail without it, none names {b.function}{broke}"
    return f"NO CHECK FAILS WITHOUT IT{broke}"

