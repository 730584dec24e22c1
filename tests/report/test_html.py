"""The HTML page: self-contained, accessible, and in the student's language."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from grader import mistakes
from grader.i18n import language, tr
from tests.report.conftest import Report, make_report

HANGUL = re.compile(r"[\uac00-\ud7a3]")
LINK_ATTRIBUTES = ("src", "href", "xlink:href", "action", "data", "poster", "srcset", "background")


@pytest.fixture(params=["reference_report", "wrong_elu_report", "one_bug_each_report", "stub_report",
                        "broken_report"])
def report(request) -> Report:
    return request.getfixturevalue(request.param)


def test_nothing_on_the_page_points_outside_it(report):
    page = report.page
    links = [(tag, name, value) for tag, attrs in page.tags for name, value in attrs.items()
             if name in LINK_ATTRIBUTES]
    assert links, "the page should at least link its own sections"
    assert all(value.startswith(("#", "data:")) for _, _, value in links), links
    ids = set(page.ids())
    assert all(value[1:] in ids for _, _, value in links if value.startswith("#"))  # no internal link is broken
    assert not page.all("script") and not page.all("link") and not page.all("iframe")
    assert not re.search(r"https?:|//[\w.-]+\.\w|url\(\s*['\"]?(?!#|data:)|@import", report.html)


def test_every_id_is_unique_and_every_figure_is_titled(report):
    page = report.page
    assert [i for i, n in Counter(page.ids()).items() if n > 1] == []  # several SVGs in one page share no id
    figures = page.all("figure")
    assert len(figures) == len(report.figures.items)
    svgs = page.all("svg")
    assert len(svgs) == len([f for f in report.figures.items if f.panels])
    titles = {attrs["id"] for tag, attrs in page.tags if tag == "title" and attrs.get("id")}
    assert all(svg["role"] == "img" and svg["aria-labelledby"] in titles for svg in svgs)
    assert len(page.all("figcaption")) == len(figures)


def test_the_score_table_lists_every_part_and_check(wrong_elu_report):
    result, page = wrong_elu_report.result, wrong_elu_report.page
    headers = [attrs for tag, attrs in page.tags if tag == "th"]
    assert headers and all(attrs.get("scope") in ("col", "row") for attrs in headers)
    rows = {attrs["id"] for attrs in page.all("tr") if attrs.get("id", "").startswith("check-")}
    assert len(rows) == len(result.checks)
    failed = next(c for c in result.checks if c.name == "test_activation_matches_reference[elu]")
    text = page.text
    assert " ".join(failed.message.split()) in text and " ".join(failed.hint.split()) in text
    with language("en"):
        assert failed.mistake and mistakes.find(failed.mistake).name in text  # the named mistake
    assert f"{result.points:g} / {result.max_points:g}" in text
    figure = wrong_elu_report.figures.find("activation", "activations.elu")
    assert {"href": f"#{figure.id}"} in page.all("a")


def test_the_reference_page_shows_both_training_pictures(reference_report):
    page = reference_report.page
    figure_ids = [attrs["id"] for attrs in page.all("figure")]
    assert figure_ids == [f.id for f in reference_report.figures.items]
    assert [h for h in page.headings if h[0] == "h2"][-1][1] == "How your network trains"
    assert "Vanishing gradients" in page.text and "The capstone" in page.text


def test_problems_of_the_students_code_are_on_the_page(broken_report, stub_report):
    for report in (broken_report, stub_report):
        text = report.page.text
        for figure in report.figures.items:
            assert figure.problem and " ".join(figure.problem.split()) in text


def test_the_page_speaks_korean(wrong_elu):
    report = make_report(wrong_elu, ["activations"], lang="ko")
    page = report.page
    assert page.all("html") == [{"lang": "ko"}]
    assert page.headings and all(HANGUL.search(text) for tag, text in page.headings if tag in ("h1", "h3"))
    with language("ko"):
        assert ("h2", tr("report.summary_heading")) in page.headings
        assert ("h3", tr("report.figures_heading")) in page.headings
        figure = report.figures.find("activation", "activations.elu")
        assert tr("report.title.activation", name="activations.elu") in page.text
        assert figure.panels[0].line("reference").label == tr("report.series.reference")
    assert not re.search(r"\bYours\b|\bpassed\b", page.text)
