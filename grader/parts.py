"""The parts of the course, discovered from the hidden suites: ``grader/suites/check_<part>.py`` grades
``<part>.py`` of a submission. Adding an exercise means adding its suite file; nothing here changes.

A suite's module docstring gives the part's English title (its first line; the catalogues hold it, and its
translations, as ``part.<part>.title``) and a module-level ``ORDER = n`` its place in the course. Both are read
without importing the suite.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from grader.errors import UserError
from grader.i18n import tr, tr_or

SUITES_DIR = Path(__file__).parent / "suites"
SUITE_PREFIX = "check_"
TOP_LEVEL_DEFINITION = re.compile(r"^(?:def |async def |class |@)", re.MULTILINE)


@dataclass(frozen=True)
class Part:
    name: str  # also the student's module: <name>.py
    docstring_title: str  # the first line of the suite's docstring
    order: int
    path: Path

    @property
    def title(self) -> str:
        """The part's title in the current language (``part.<name>.title``), else its docstring's."""
        return tr_or(f"part.{self.name}.title", self.docstring_title)

    @property
    def module_file(self) -> str:
        return f"{self.name}.py"


class SuiteOrderError(UserError):
    """A suite's ``ORDER`` is not a whole number, so the course order cannot be known."""


class UnknownPart(UserError, ValueError):
    """A part named on the command line has no hidden suite; the message names the valid parts."""


def discover(suites_dir: Path = SUITES_DIR) -> list[Part]:
    """Every part with a hidden suite, in course order."""
    parts = [_read_part(path) for path in suites_dir.glob(f"{SUITE_PREFIX}*.py")]
    return sorted(parts, key=lambda p: (p.order, p.name))


def select(names: list[str] | tuple[str, ...] | None, suites_dir: Path = SUITES_DIR) -> list[Part]:
    """The named parts (all when ``names`` is empty), in course order; ``UnknownPart`` names the valid ones."""
    parts = discover(suites_dir)
    if not names:
        return parts
    known = {p.name: p for p in parts}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UnknownPart(f"unknown part {', '.join(map(repr, unknown))}; the parts are: {', '.join(known)}")
    return [p for p in parts if p.name in names]


def suite_hash(parts: list[Part]) -> str:
    """A short hash of the suites' source, recorded with every grade so that it can be reproduced."""
    digest = hashlib.sha256()
    for part in sorted(parts, key=lambda p: p.name):
        digest.update(part.name.encode())
        digest.update(part.path.read_bytes())
    return digest.hexdigest()[:16]


def _read_part(path: Path) -> Part:
    stat = path.stat()
    return _parse_part(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _parse_part(path: Path, mtime_ns: int, size: int) -> Part:
    """The part a suite file describes; cached by the file's stat, since a class run asks once per student."""
    tree = parse_head(path.read_text(encoding="utf-8"), str(path), "ORDER")
    docstring = ast.get_docstring(tree) or ""
    value = assigned(tree, "ORDER")
    order = 100 if value is None else _order(path, value)
    name = path.stem.removeprefix(SUITE_PREFIX)
    return Part(name=name, docstring_title=docstring.splitlines()[0] if docstring else name, order=order, path=path)


def parse_head(source: str, filename: str, variable: str) -> ast.Module:
    """The suite's text up to its first top-level definition, parsed: where its docstring and its settings
    (``ORDER``, ``USES``, ``INTEGRATION``) are; a suite's thousand lines of checks cost a fresh `nn-grader check`
    ~15 ms to parse. The whole text when ``variable`` is set later, so that it still counts or is refused, or when
    the head alone does not parse."""
    first = TOP_LEVEL_DEFINITION.search(source)
    late = re.compile(rf"^{re.escape(variable)}\b", re.MULTILINE)
    if first is not None and not late.search(source, first.start()):
        try:
            return ast.parse(source[:first.start()], filename=filename)
        except SyntaxError:
            pass
    return ast.parse(source, filename=filename)


def assigned(tree: ast.Module, variable: str) -> ast.expr | None:
    """What a module's last top-level ``variable = ...`` assigns (as running it would leave it); None if none does."""
    found = None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == variable):
            found = node.value
    return found


def _order(path: Path, value: ast.expr) -> int:
    """The whole number ``ORDER = n`` gives; anything else (a string, a float, True, an expression) is an authoring
    error named by file and line, not a ValueError from int() or an order silently rounded."""
    if isinstance(value, ast.Constant) and isinstance(value.value, int) and not isinstance(value.value, bool):
        return value.value
    raise SuiteOrderError(tr("parts.bad_order", file=path.name, line=value.lineno, value=ast.unparse(value)))
