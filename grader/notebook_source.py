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
import json
from collections.abc import Callable
from dataclasses import dataclass

GRADER_PACKAGE = "grader"
NBFORMAT = 4  # the notebook format read; 3 and older differ in layout (worksheets), 5 does not exist yet
KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Skipped:
    """A piece of a cell that was left out of the module: which cell (0-based), which line in it, and why."""

    cell: int
    line: int
    what: str  # "magic", "syntax error: ...", or the statement's first line


@dataclass(frozen=True)
class Statement:
    """A kept top-level statement of a cell (see the module docstring): where it is, its node and its text."""

    cell: int
    node: ast.stmt
    source: str

    @property
    def is_future(self) -> bool:
        return isinstance(self.node, ast.ImportFrom) and self.node.module == "__future__"

    @property
    def binds(self) -> set[str]:
        """The module-level names it defines."""
        node = self.node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return {node.name}
        if isinstance(node, ast.Import):
            return {alias.asname or alias.name.split(".")[0] for alias in node.names}
        if isinstance(node, ast.ImportFrom) and not self.is_future:
            return {alias.asname or alias.name for alias in node.names if alias.name != "*"}
        if isinstance(node, ast.Assign):
            return {t.id for t in node.targets if isinstance(t, ast.Name)}
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            return {node.target.id}
        return set()

    @property
    def uses(self) -> set[str]:
        """Every name it mentions (a local variable that shares a module name's spelling counts too: the split
        below then takes one definition too many, never one too few)."""
        if isinstance(self.node, (ast.Import, ast.ImportFrom)):
            return set()
        return {n.id for n in ast.walk(self.node) if isinstance(n, ast.Name)}


def extract(cells: list[str]) -> tuple[str, list[Skipped]]:
    """The module made of the definitions in ``cells`` (see the module docstring), and what was skipped."""
    kept, skipped = statements(cells)
    return module_text(kept), skipped


def module_text(kept: list[Statement], preamble: tuple[str, ...] = ()) -> str:
    """The module of the ``kept`` statements in their order, ``from __future__`` imports first, then ``preamble``."""
    future = [s.source for s in kept if s.is_future]  # Python wants them first, wherever their cell ran
    body = [s.source for s in kept if not s.is_future]
    return "".join(part + "\n" for part in [*dict.fromkeys(future), *preamble, *body])


def statements(cells: list[str]) -> tuple[list[Statement], list[Skipped]]:
    """The statements of ``cells`` that the module keeps, in order, and what was skipped."""
    kept: list[Statement] = []
    skipped: list[Skipped] = []
    for index, cell in enumerate(cells):
        code, magics = _without_magics(cell)
        skipped += [Skipped(index, line, "magic") for line in magics]
        if not code.strip():
            continue
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError) as error:  # ValueError: a NUL byte in the cell
            line = getattr(error, "lineno", None) or 1
            skipped.append(Skipped(index, line, f"syntax error: {getattr(error, 'msg', str(error))}"))
            continue
        except RecursionError:  # an expression nested past what the parser takes
            skipped.append(Skipped(index, 1, "syntax error: too deeply nested"))
            continue
        for node in tree.body:
            if is_definition(node):
                kept.append(Statement(index, node, _statement_source(node, code)))
            else:
                text = ast.get_source_segment(code, node) or ""
                skipped.append(Skipped(index, node.lineno, text.splitlines()[0][:80] if text else ""))
    return kept, skipped


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


class NotebookError(ValueError):
    """A file that cannot be read as a Jupyter notebook: ``key`` names the catalogue's sentence (``notebook.<key>``),
    ``params`` fill it in."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def notebook_cells(data: bytes) -> list[str]:
    """The sources of every cell of the nbformat 4 notebook ``data``, in order, a cell that is not code as "" (so a
    cell's index is its place in the notebook). Outputs are never looked at. Raises :class:`NotebookError`."""
    try:
        document = json.loads(data)
    except RecursionError:  # json gives up on deep nesting with this, not a ValueError
        raise NotebookError("too_deep") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise NotebookError("not_json", error=str(error).splitlines()[0][:120]) from None
    if not isinstance(document, dict) or "nbformat" not in document:
        raise NotebookError("no_nbformat")
    if document["nbformat"] != NBFORMAT or isinstance(document["nbformat"], bool):
        raise NotebookError("wrong_version", version=str(document["nbformat"])[:20])
    cells = document.get("cells")
    if not isinstance(cells, list):
        raise NotebookError("no_cells")
    return [_cell_source(cell, number) for number, cell in enumerate(cells, start=1)]


def _cell_source(cell: object, number: int) -> str:
    """A cell's source ("" for a markdown or raw cell); nbformat keeps it as a string or a list of lines."""
    if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
        raise NotebookError("bad_cell", cell=number)
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise NotebookError("bad_cell", cell=number)
    return source if cell["cell_type"] == "code" else ""


def split_by_part(kept: list[Statement], owned: dict[str, set[str]], graded: dict[str, set[str]]) -> dict[str, str]:
    """The module of each part that the ``kept`` statements define one of the ``graded`` names of (part -> the
    functions and classes its checks call); ``owned`` are all the names each part's reference module defines.

    A name defined twice keeps its last definition, as running top to bottom would. A part's module holds its own
    names' definitions and, following what they use, the helpers and imports nobody owns (a helper used by two
    parts goes to both); a name another part owns is imported from that part's module instead, as the stubs do.
    Imports open the module (cells may have been written in any order, and an annotation needs its import when
    the ``def`` runs); the rest keeps the notebook's order.
    """
    last = {name: index for index, statement in enumerate(kept) for name in statement.binds}
    # a part's own name is the student's definition of it, even where a later cell imports it (one notebook holding
    # every part imports activations' softmax for losses' cells): the import would make the module import itself
    last |= {name: index for index, statement in enumerate(kept) for name in statement.binds
             if owned_anywhere(name, owned) and not isinstance(statement.node, (ast.Import, ast.ImportFrom))}
    owners: dict[str, set[str]] = {}
    for part, names in owned.items():
        for name in names:
            owners.setdefault(name, set()).add(part)
    modules = {}
    for part, names in owned.items():
        if not graded.get(part, set()) & last.keys():
            continue
        picked, borrowed = _closure(kept, last, owners, part, sorted(names & last.keys()))
        chosen = [kept[i] for i in sorted(picked)]
        imports = [s.source for s in chosen if isinstance(s.node, (ast.Import, ast.ImportFrom))]
        imports += [f"from .{owner} import {name}" for name, owner in sorted(borrowed.items())]
        rest = [s for s in chosen if not isinstance(s.node, (ast.Import, ast.ImportFrom))]
        modules[part] = module_text(rest + [s for s in kept if s.is_future], tuple(imports))
    return modules


def owned_anywhere(name: str, owned: dict[str, set[str]]) -> bool:
    return any(name in names for names in owned.values())


def _closure(kept: list[Statement], last: dict[str, int], owners: dict[str, set[str]], part: str,
             roots: list[str]) -> tuple[set[int], dict[str, str]]:
    """The statements ``part``'s module needs for ``roots`` (their indices), and the names it imports from the
    other parts that own them (name -> part)."""
    picked: set[int] = set()
    borrowed: dict[str, str] = {}
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in last:
            continue  # a builtin, a local variable, or a name the notebook never defines
        seen.add(name)
        name_owners = owners.get(name, set())
        if name_owners and part not in name_owners:
            borrowed[name] = sorted(name_owners)[0]
            continue
        picked.add(last[name])
        todo += kept[last[name]].uses
    return picked, borrowed


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
