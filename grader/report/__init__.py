"""One renderer per output format. Renderers read a ``GradeResult`` and compute nothing but sums.

Each renderer is imported when its format is first asked for, not with this package: a plain ``nn-grader check``
prints text, and must not pay for Gradescope's, PrairieLearn's (with its figures and numpy) or JUnit's renderer.
:data:`RENDERER_PATHS` is the one table of formats; :data:`RENDERERS` and the ``render_*`` names of this package
(``from grader.report import render_text``) both read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pkgutil import resolve_name

# Gradescope's own words for when a test is shown (its specification's ``visibility``). Here, not in the Gradescope
# renderer, so that the command line and the PrairieLearn renderer can use them without importing it.
VISIBILITIES = ("after_published", "after_due_date", "hidden", "visible")
DEFAULT_HIDDEN_VISIBILITY = "after_published"

# format -> "module:function"; each takes the result and its own keyword options (verbose, colour,
# hidden_visibility, ...)
RENDERER_PATHS = {
    "text": "grader.report.text:render_text",
    "json": "grader.report.json_report:render_json",
    "junit": "grader.report.junit:render_junit",
    "gradescope": "grader.report.gradescope:render_gradescope",
    "github": "grader.report.github_classroom:render_github",
    "github-summary": "grader.report.github_classroom:render_github_summary",
    "prairielearn": "grader.report.prairielearn:render_prairielearn",
}


class LazyRenderers(Mapping[str, Callable[..., str]]):
    """The renderers by format, each imported on first lookup (``RENDERERS["junit"](result)``)."""

    def __getitem__(self, fmt: str) -> Callable[..., str]:
        renderer: Callable[..., str] = resolve_name(RENDERER_PATHS[fmt])
        return renderer

    def __iter__(self) -> Iterator[str]:
        return iter(RENDERER_PATHS)

    def __len__(self) -> int:
        return len(RENDERER_PATHS)


RENDERERS = LazyRenderers()


def __getattr__(name: str) -> Callable[..., str]:
    """``render_text`` and the other renderers' names, imported when first read (PEP 562)."""
    for path in RENDERER_PATHS.values():
        if path.endswith(f":{name}"):
            renderer: Callable[..., str] = resolve_name(path)
            return renderer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
