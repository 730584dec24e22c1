"""One renderer per output format. Renderers read a ``GradeResult`` and compute nothing but sums."""

from collections.abc import Callable

from grader.report.github_classroom import render_github, render_github_summary
from grader.report.gradescope import render_gradescope
from grader.report.json_report import render_json
from grader.report.junit import render_junit
from grader.report.prairielearn import render_prairielearn
from grader.report.text import render_text

# each takes the result and its own keyword options (verbose, colour, hidden_visibility, ...)
RENDERERS: dict[str, Callable[..., str]] = {
    "text": render_text, "json": render_json, "junit": render_junit, "gradescope": render_gradescope,
    "github": render_github, "github-summary": render_github_summary, "prairielearn": render_prairielearn,
}
