"""The HTML report's stylesheet is a file of its own (grader/report/html.css), inlined whole into every page."""

from __future__ import annotations

from grader.report.html import STYLESHEET, render_html
from grader.results import GradeResult


def test_the_page_inlines_the_stylesheet_file():
    css = STYLESHEET.read_text(encoding="utf-8")
    assert STYLESHEET.name == "html.css" and ".badge" in css and ":root" in css
    page = render_html(GradeResult(submission="exercises", parts=[], seed=1, versions={}, suite_hash=""))
    assert f"<style>\n{css}</style>" in page
    assert page.count("<style>") == 1 and "url(" not in css and "@import" not in css  # nothing points outside
