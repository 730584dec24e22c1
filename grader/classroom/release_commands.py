"""The commands a student copy offers: grader/cli.py's ``LAZY_COMMANDS`` without those whose module it leaves out.

`nn-grader --help` lists every lazy command and imports none, so a command whose module is missing would be
offered and then fail with a traceback; the copy's cli.py is rewritten without its line instead.
"""

from __future__ import annotations

import ast
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path

from grader.classroom.checkout import ReleaseError


def lazy_commands(source: str, path: Path) -> dict[str, str]:
    """The ``LAZY_COMMANDS`` table (name -> "module:attribute") of cli.py's ``source``, read without importing it."""
    statement, _ = lazy_table(source, path)
    return ast.literal_eval(statement.value)


def lazy_table(source: str, path: Path) -> tuple[ast.Assign, list[tuple[ast.expr, ast.expr]]]:
    """The statement ``LAZY_COMMANDS = {...}`` of cli.py's ``source``, and its entries as (key, value) nodes."""
    for node in ast.parse(source, filename=str(path)).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "LAZY_COMMANDS"
                                                for t in node.targets):
            if isinstance(node.value, ast.Dict) and None not in node.value.keys:  # None: a **spread
                return node, [(key, value) for key, value in zip(node.value.keys, node.value.values, strict=True)
                              if key is not None]
            raise ReleaseError(f"{path}:{node.lineno}: LAZY_COMMANDS must be a plain dict literal")
    raise ReleaseError(f"{path} has no LAZY_COMMANDS")


def find_module(root: Path, module: str) -> ModuleSpec | None:
    """Where Python, run from ``root``, would import ``module`` from; None if nowhere.

    The import system's own path finder, package by package from ``root``: ``importlib.util.find_spec`` would answer
    for this process, which has already imported the checkout's grader rather than the copy's.
    """
    locations: list[str] | None = [str(root)]
    spec = None
    names = module.split(".")
    for depth in range(1, len(names) + 1):
        if locations is None:  # the parent is a plain module, which holds no submodules
            return None
        spec = PathFinder.find_spec(".".join(names[:depth]), locations)
        if spec is None:
            return None
        locations = spec.submodule_search_locations
    return spec


def drop_absent_commands(cli: Path, root: Path) -> None:
    """Rewrite ``cli`` without the lazy commands whose module the copy in ``root`` leaves out (audit, release ...).

    Each such command's lines are removed, comment and all; every other byte of cli.py stays as it was.
    """
    source = cli.read_text(encoding="utf-8")
    table, entries = lazy_table(source, cli)
    absent, dropped_lines, kept_lines = [], set(), {table.lineno, table.end_lineno}
    for key, value in entries:
        assert value.end_lineno is not None  # ast.parse gives every node its end
        lines = set(range(key.lineno, value.end_lineno + 1))
        if find_module(root, ast.literal_eval(value).partition(":")[0]) is None:
            absent.append(ast.literal_eval(key))
            dropped_lines |= lines
        else:
            kept_lines |= lines
    if dropped_lines & kept_lines:
        raise ReleaseError(f"{cli}: LAZY_COMMANDS still names {', '.join(absent)}, whose module the copy leaves out; "
                           f"keep one command per line, as \"name\": \"module:attribute\",")
    kept = [line for number, line in enumerate(source.splitlines(keepends=True), 1) if number not in dropped_lines]
    cli.write_text("".join(kept), encoding="utf-8")
