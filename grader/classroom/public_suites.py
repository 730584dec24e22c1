"""A suite as a student's copy ships it: the public checks only, and what they need.

A check is public when it is marked ``@pytest.mark.public``; every other ``test_*`` function is hidden and removed
from the source, together with the module-level helpers and constants that only hidden checks use, and the comment
lines directly above each removed definition. Everything else -- the module docstring (the part's title),
``ORDER``, imports, and whatever the public checks use, however indirectly -- is kept as written.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TypeGuard

PUBLIC_MARKER = "pytest.mark.public"
CHECK_PREFIX = "test_"
ALWAYS_KEPT = {"ORDER"}


@dataclass(frozen=True)
class PublicSuite:
    source: str  # the suite with only its public checks
    public: tuple[str, ...]  # names of the public check functions kept
    hidden: tuple[str, ...]  # names of the hidden check functions removed


def public_suite(source: str, filename: str = "<suite>") -> PublicSuite:
    """Strip the hidden checks (and what only they use) from a suite's ``source``."""
    tree = ast.parse(source, filename=filename)
    checks = [n for n in tree.body if is_check(n)]
    public = [n for n in checks if is_public(n)]
    needed = set().union(*(names_used(n) for n in public)) if public else set()
    definitions = [n for n in tree.body if defined_names(n) and not is_check(n)]
    kept_definitions: list[ast.stmt] = []
    grew = True
    while grew:  # a helper a kept helper uses is needed too
        grew = False
        for node in definitions:
            if node not in kept_definitions and (defined_names(node) & (needed | ALWAYS_KEPT)):
                kept_definitions.append(node)
                needed |= names_used(node)
                grew = True
    dropped = [n for n in checks if n not in public] + [n for n in definitions if n not in kept_definitions]
    text = remove_statements(source, dropped)
    ast.parse(text, filename=filename)  # the stripped suite must still be Python
    return PublicSuite(text, tuple(n.name for n in public), tuple(n.name for n in checks if n not in public))


def is_check(node: ast.stmt) -> TypeGuard[ast.FunctionDef | ast.AsyncFunctionDef]:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(CHECK_PREFIX)


def is_public(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(ast.unparse(d) == PUBLIC_MARKER for d in node.decorator_list)


def defined_names(node: ast.stmt) -> set[str]:
    """Names a module-level definition or assignment binds (imports are always kept, so they bind none here)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def names_used(node: ast.AST) -> set[str]:
    """Every name a definition reads, and every parameter name (a fixture is asked for by parameter name)."""
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    used |= {a.arg for n in ast.walk(node) if isinstance(n, ast.arguments)
             for a in (*n.posonlyargs, *n.args, *n.kwonlyargs)}
    return used


def remove_statements(source: str, nodes: list[ast.stmt]) -> str:
    """``source`` without the lines of ``nodes`` (decorators included) and the comment lines right above each."""
    lines = source.splitlines(keepends=True)
    drop: set[int] = set()
    for node in nodes:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        assert node.end_lineno is not None  # ast.parse gives every statement its end
        drop.update(range(first - 1, node.end_lineno))
        above = first - 2
        while above >= 0 and lines[above].lstrip().startswith("#"):
            drop.add(above)
            above -= 1
    kept = drop_empty_sections([line for i, line in enumerate(lines) if i not in drop])
    text = re.sub(r"\n{4,}", "\n\n\n", "".join(kept))  # at most two blank lines where definitions were removed
    return text.rstrip("\n") + "\n"


def drop_empty_sections(lines: list[str]) -> list[str]:
    """Remove section headings (a comment line between blank lines) left with nothing under them."""
    def heading(i: int) -> bool:
        return (lines[i].startswith("#") and (i == 0 or not lines[i - 1].strip())
                and i + 1 < len(lines) and not lines[i + 1].strip())

    out = []
    for i, line in enumerate(lines):
        if heading(i):
            following = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
            if following is None or heading(following):
                continue
        out.append(line)
    return out
