"""One renderer per output format. Renderers read a ``GradeResult`` and compute nothing but sums."""

from grader.report.json_report import render_json
from grader.report.junit import render_junit
from grader.report.text import render_text

RENDERERS = {"text": render_text, "json": render_json, "junit": render_junit}
