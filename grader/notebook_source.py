"""Turning the code cells of a notebook into a module the grader can import: definitions only, nothing run.

The rule (docs/notebooks.md): the cells are taken in the order they were run, and a cell's top-level statements are
kept only when they define something without doing anything:

- ``import`` and ``from ... import`` statements, except of the grader itself (``from grader.notebook import
  check``): graded code runs where the grader's package is not;
- function and class definitions (``def``, ``async def``, ``class``, with their decorators);
- assignments to plain names of a value that calls nothing (``EPSILON = 1e-7``, ``NAMES = BASE + ("softmax",)``,
  ``DTYPE = np.float32``), and bare strings (docstrings).

Everything else is skipped and reported: IPython magics (``%pip``, a ``%%time`` cell) and shell escapes (``!ls``)
in raw cells, the calls IPython turns them into in its transformed history (``get_ipython().run_line_magic(...)``),
expressions and calls (``check("activations")``, ``print(x)``), loops, other assignments, and whole cells that are
not valid Python. A later definition of a name replaces an earlier one, as it does in the kernel, because the
module keeps them in order; ``from __future__`` imports, which Python wants first, open the module.

Nothing here runs or imports the code: it is parsed with :mod:`ast` only. Standard library only.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from dataclasses import dataclass

GRADER_PACKAGE = "grader"
KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Skipped:
    """A piece of a cell that was left out of the module: which cell (0-based), which line in it, and why."""

    cell: int
    line: int
    what: str  # "magic", "syntax error: ...", or the statement's first line


def extract(cells: list[str]) -> tuple[str, list[Skipped]]:
    """The module made of the definitions in ``cells`` (see the module docstring), and what was skipped."""
    parts: list[str] = []
    future: list[str] = []  # `from __future__ import ...` must open the module, wherever its cell ran
    skipped: list[Skipped] = []
    for index, cell in enumerate(cells):
        code, magics = _without_magics(cell)
        skipped += [Skipped(index, line, "magic") for line in magics]
        if not code.strip():
            continue
        try:
            tree = ast.parse(code)
        except SyntaxError as error:
            skipped.append(Skipped(index, error.lineno or 1, f"syntax error: {error.msg}"))
            continue
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                future.append(_statement_source(node, code))
            elif is_definition(node):
                parts.append(_statement_source(node, code))
            else:
                text = ast.get_source_segment(code, node) or ""
                skipped.append(Skipped(index, node.lineno, text.splitlines()[0][:80] if text else ""))
    return "".join(part + "\n" for part in [*dict.fromkeys(future), *parts]), skipped


def is_definition(node: ast.stmt) -> bool:
    """Whether a top-level statement only defines something: an import, a def, a class, or a constant."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return not _imports_the_grader(node)
    if isinstance(node, KEPT):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
        return True  # a docstring, of the module or of the constant above it
    if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
        return _is_constant(node.value)
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
        return _is_constant(node.value)
    return False


def _imports_the_grader(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        modules = [node.module or ""] if node.level == 0 else []  # a relative import is of a sibling module
    else:
        modules = [alias.name for alias in node.names]
    return any(name.split(".")[0] == GRADER_PACKAGE for name in modules)


def _is_constant(value: ast.expr) -> bool:
    """Whether an expression computes a constant without calling anything: no call, no lambda or comprehension
    (a call at import time would be the notebook's experiments, run again, and perhaps for minutes, by the
    grader)."""
    calls = (ast.Call, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Await,
             ast.NamedExpr)
    return not any(isinstance(node, calls) for node in ast.walk(value))


def _without_magics(cell: str) -> tuple[str, list[int]]:
    """The cell with IPython's escaped lines blanked (line numbers kept), and the numbers of those lines.

    A cell magic (``%%``) makes the whole cell something other than Python. A line magic or shell escape is a line
    whose first non-blank character is ``%`` or ``!`` (Python never starts a statement with either), together with
    the lines it continues onto with a trailing backslash.
    """
    lines = cell.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        return "", [1]
    out, magics, continued = [], [], False
    for number, line in enumerate(lines, start=1):
        escaped = continued or line.lstrip().startswith(("%", "!"))
        if escaped:
            magics += [] if continued else [number]
            continued = line.rstrip().endswith("\\")
            # keep the indentation, so an escaped line inside a block still leaves the block valid
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}pass" if indent else "")
        else:
            out.append(line)
    return "\n".join(out), magics


def _statement_source(node: ast.stmt, code: str) -> str:
    """The statement's own text as written in the cell, decorators included (and nothing else that shares its
    line: ``import numpy as np; run()`` keeps the import only)."""
    decorators = [f"@{ast.get_source_segment(code, d)}" for d in getattr(node, "decorator_list", [])]
    return "\n".join([*decorators, ast.get_source_segment(code, node) or ""])


def absolute_course_imports(source: str) -> str:
    """``source`` with its imports of sibling course modules made absolute, for a notebook's kernel:
    ``from .activations import softmax`` -> ``from activations import softmax``, ``from . import activations`` ->
    ``import activations``. The kernel finds them in the exercises folder its set-up cell puts on ``sys.path``."""
    return _rewrite_imports(source, _absolute)


def relative_course_imports(source: str, modules: set[str]) -> str:
    """The reverse of :func:`absolute_course_imports` for the course's ``modules``, for a graded submission, whose
    modules form one package: ``from activations import softmax`` -> ``from .activations import softmax``."""
    return _rewrite_imports(source, functools.partial(_relative, modules=modules))


def _absolute(node: ast.Import | ast.ImportFrom) -> str | None:
    if not isinstance(node, ast.ImportFrom) or node.level != 1:
        return None
    names = ", ".join(ast.unparse(alias) for alias in node.names)
    return f"from {node.module} import {names}" if node.module else f"import {names}"


def _relative(node: ast.ImportFrom | ast.Import, modules: set[str]) -> str | None:
    if isinstance(node, ast.ImportFrom):
        if node.level == 0 and node.module in modules:
            return f"from .{node.module} import {', '.join(ast.unparse(alias) for alias in node.names)}"
        return None
    if all(alias.name in modules for alias in node.names):
        return f"from . import {', '.join(ast.unparse(alias) for alias in node.names)}"
    return None


def _rewrite_imports(source: str, rewrite: Callable[[ast.Import | ast.ImportFrom], str | None]) -> str:
    """``source`` with each top-level import statement that ``rewrite`` returns text for replaced by that text."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    for node in reversed(tree.body):  # from the end, so earlier line numbers stay right
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        new = rewrite(node)
        if new is None:
            continue
        end = node.end_lineno or node.lineno
        ending = "\n" if lines[end - 1].endswith("\n") else ""
        lines[node.lineno - 1 : end] = [new + ending]
    return "".join(lines)
