"""``check()`` in a notebook cell: grade the functions a student defined in the notebook, as ``nn-grader check`` does.

    from grader.notebook import check
    check("activations")             # or check("activations", lang="ko")

No student code runs in the kernel's grading: ``check`` reads the *source* of the cells the kernel has run (IPython's
``In``, in the order they ran), keeps their imports, definitions and constants (grader/notebook_source.py says the
rule exactly; magics, shell escapes and other statements are skipped and listed under the report), writes them as
``<part>.py`` of a submission folder and grades that folder through the normal isolated path
(:func:`grader.grading.grade`): in a separate worker process, jailed where the machine allows it. The other parts'
modules, which this part's code may import (network.py imports activations.py), come from the exercises folder the
notebook's set-up cell put on ``sys.path``.

Where the machine refuses the isolation the grader would choose (Colab may refuse namespaces to a root kernel),
``check`` grades at the self-grading level (``process``: the worker still runs apart, under limits) and says so in
one line, never with an error. In a student's copy it runs the public checks and says how many hidden checks it did
not run, as ``nn-grader check`` does there.

The result shows as the HTML report in the cell (``_repr_html_``) and as the text report in front ends without HTML.
"""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import parts as course
from grader.errors import UserError
from grader.i18n import language, tr
from grader.notebook_source import Skipped, extract, relative_course_imports
from grader.results import GradeResult
from grader.sandbox.isolation import SandboxError
from grader.sandbox.limits import Limits
from grader.submission import skipped_note

DEFINITION = re.compile(r"^(?:async\s+def|def|class)\s", re.MULTILINE)  # a def or class at the top of a cell
SELF_GRADING = "process"  # the level every machine allows: the grader's own account, a separate worker process


@dataclass
class NotebookReport:
    """What ``check`` shows in the cell: the grade, what it skipped, and why it graded at a lower isolation."""

    result: GradeResult
    skipped: list[Skipped] = field(default_factory=list)
    fallback: str = ""  # the one-line note when the strongest isolation was refused

    def notes(self) -> list[str]:
        """The lines shown under the report, in the result's language."""
        with language(self.result.language):
            lines = [self.fallback] if self.fallback else []
            if self.skipped:
                lines.append(skipped_note([tr("notebook.skipped_item", cell=s.cell, line=s.line, what=s.what)
                                           for s in self.skipped]))
            return lines

    def __repr__(self) -> str:  # the plain-text report, for front ends without HTML (and IPython's terminal)
        from grader.report.text import render_text

        return render_text(self.result, verbose=False) + "".join(f"\n{line}" for line in self.notes())

    def _repr_html_(self) -> str:
        """The HTML report in a frame of its own: its page styles must not restyle the notebook around it."""
        from grader.report.html import render_html

        notes = "".join(f"<p>{html.escape(line)}</p>" for line in self.notes())
        page = html.escape(render_html(self.result), quote=True)
        return (f'<iframe srcdoc="{page}" title="nn-grader report" style="width:100%;height:640px;border:0">'
                f"</iframe>{notes}")


def check(part: str, *, lang: str = "en", cells: list[str] | None = None,
          exercises: str | Path | None = None) -> NotebookReport:
    """Grade the definitions of part ``part`` made in this notebook; see the module docstring.

    ``cells`` are the code cells' sources in the order they ran (by default the kernel's ``In``); ``exercises`` is
    the folder of the other parts' modules (by default the first folder on ``sys.path`` that holds one).
    """
    from grader.grading import grade

    with language(lang):
        known = {p.name for p in course.discover()}
        if part not in known:
            raise UserError(tr("notebook.unknown_part", part=part, parts=", ".join(sorted(known))))
        sources = cells if cells is not None else kernel_cells()
        module, skipped = extract(sources)
        with tempfile.TemporaryDirectory(prefix="nn-grader-notebook-") as tmp:
            folder = Path(tmp)
            copy_other_parts(folder, known - {part}, Path(exercises) if exercises else None)
            (folder / f"{part}.py").write_text(relative_course_imports(module, known), encoding="utf-8")
            shown = worth_saying(sources, skipped)
            try:
                result, note = grade(folder, [part], lang=lang), ""
            except SandboxError as refused:  # e.g. namespaces refused: grade at the level every machine allows
                note = tr("notebook.fallback", reason=str(refused).splitlines()[0])
                result = grade(folder, [part], lang=lang, limits=Limits(isolation=SELF_GRADING))
            # the report names what was graded: the notebook, not the scratch folder that is gone when it shows
            return NotebookReport(dataclasses.replace(result, submission=tr("notebook.submission", part=part)),
                                  shown, note)


def worth_saying(cells: list[str], skipped: list[Skipped]) -> list[Skipped]:
    """What was skipped in the cells that also define a function or a class: there a left-out statement may be
    something the student meant to be graded. The set-up cell, experiments and check cells are not mentioned."""
    defining = {index for index, cell in enumerate(cells) if DEFINITION.search(cell)}
    return [s for s in skipped if s.cell in defining]


def kernel_cells() -> list[str]:
    """The sources of the cells the running IPython kernel has executed, in order (its ``In`` list)."""
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell: Any = get_ipython() if get_ipython else None
    if shell is None:
        raise UserError(tr("notebook.no_kernel"))
    return [str(cell) for cell in shell.user_ns.get("In", [])]


def copy_other_parts(folder: Path, modules: set[str], exercises: Path | None) -> None:
    """Copy the other parts' modules the kernel imports from (``exercises``, else the first folder on ``sys.path``
    that has any of them) into the submission folder, so that this part's imports of them resolve there too."""
    source = exercises or next((Path(p) for p in sys.path if p and any((Path(p) / f"{m}.py").is_file()
                                                                     for m in modules)), None)
    if source is None:
        return
    for name in sorted(modules):
        if (source / f"{name}.py").is_file():
            shutil.copyfile(source / f"{name}.py", folder / f"{name}.py")
