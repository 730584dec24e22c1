"""Student notebooks for the notebook tests: the generated notebook of a part, untouched, with the reference bodies
pasted into its stub cells, or with one bug. A module of its own, imported as ``tests.notebook.cells``."""

from __future__ import annotations

import ast
from typing import Any

import nbformat

from grader.classroom.notebooks import expected_notebooks
from grader.notebook_source import absolute_course_imports
from tests.conftest import EXERCISES, SOLUTIONS

STUB = "raise NotImplementedError"
# test_one_bug_submissions' sigmoid bug, as a student would type it into the cell
SIGMOID_BUG = ("    s = sigmoid(x)\n    return s * (1 - s)", "    return x * (1 - x)")


def generated(part: str, lang: str = "en", **where: str) -> Any:
    """The part's generated notebook, set to find the other parts' modules in the checkout's exercises/."""
    where = {"install_from": "nn-grader-is-installed-already", "exercises": str(EXERCISES), **where}
    texts = expected_notebooks(SOLUTIONS, lang, **where)
    name = next(n for n in texts if n.split("_", 1)[1].split(".")[0] == part)
    return nbformat.reads(texts[name], as_version=4)


def with_reference(notebook: Any, part: str, bug: tuple[str, str] | None = None) -> Any:
    """``notebook`` with every stub cell's function replaced by the reference's (and ``bug`` applied to them)."""
    reference = absolute_course_imports((SOLUTIONS / f"{part}.py").read_text(encoding="utf-8"))
    bodies = {node.name: ast.get_source_segment(reference, node) for node in ast.parse(reference).body
              if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    for cell in notebook.cells:
        if cell.cell_type == "code" and STUB in cell.source:
            cell.source = bodies[ast.parse(cell.source).body[0].name]  # type: ignore[attr-defined]
            if bug and bug[0] in cell.source:
                cell.source = cell.source.replace(bug[0], bug[1])
    return notebook


def code_cells(notebook: Any) -> list[str]:
    """The code cells' sources as IPython's ``In`` holds them after running all: In[0] is empty."""
    return ["", *(cell.source for cell in notebook.cells if cell.cell_type == "code")]


