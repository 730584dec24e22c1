"""Figures drawn in a drawing process are the figures the grading process would draw, whatever befalls that process;
and `check --html` draws there, so the grading process never loads matplotlib."""

from __future__ import annotations

import dataclasses
import io
import pickle
import re
import subprocess

import numpy as np
import pytest

from grader.figures import drawer as drawer_module
from grader.figures.draw import Drawing, NotDrawn, draw_all
from grader.figures.drawer import Drawer, serve
from grader.figures.model import Figure, Line, Panel
from grader.i18n import language, tr
from grader.report.html import render_html
from tests.conftest import SOLUTIONS
from tests.grader.test_lazy_imports import modules_after
from tests.report.conftest import make_report

pytest.importorskip("matplotlib")


def drawn_by_the_drawer(monkeypatch) -> None:
    """Refuse the grading process's own drawing: what a page shows then was drawn by the drawer process."""
    def refused(drawings):
        raise AssertionError("drawn in the grading process, not by the drawer")

    monkeypatch.setattr(drawer_module, "draw_all", refused)


@pytest.fixture(scope="module")
def drawings(one_bug_each_report) -> list[Drawing]:
    figures = one_bug_each_report.figures.items
    assert {f.kind for f in figures} >= {"loss", "gradient"}, "lines and bars, on linear and log axes"
    broken = Figure("fig-broken", "activations", "activation", "activations.elu", [],
                    panels=[Panel("", "x", "y", yscale="no such scale")])
    return [*(Drawing(f, f.kind, f"salt-{i}", "en") for i, f in enumerate(figures)),
            Drawing(broken, "broken", "salt-x", "en")]


def test_a_drawer_draws_what_the_grading_process_would(drawings, monkeypatch):
    expected = draw_all(drawings)
    assert all(isinstance(p, str) and p.startswith("<svg") for p in expected[:-1])
    assert isinstance(expected[-1], NotDrawn) and "scale" in expected[-1].detail  # one bad figure costs only itself
    again = dataclasses.replace(drawings[0], salt="again")  # a drawing it has not seen: drawn anew
    expected_again = draw_all([again])
    drawn_by_the_drawer(monkeypatch)
    with Drawer() as drawer:
        assert drawer.draw_all(drawings) == expected
        assert drawer.draw_all([again]) == expected_again  # it draws for as long as it is asked
        assert drawer.process is not None and drawer.process.poll() is None
    assert drawer.process is None


def test_the_page_drawn_by_a_drawer_is_the_same_page(one_bug_each_report, monkeypatch):
    drawn_by_the_drawer(monkeypatch)
    with Drawer() as drawer:
        page = render_html(one_bug_each_report.result, one_bug_each_report.figures, draw=drawer.draw_all)
    assert page == one_bug_each_report.html


def test_a_drawer_draws_in_the_language_of_the_page(wrong_elu, monkeypatch):
    # the words matplotlib draws itself (the legend's "differs") are the page's language, not the drawer's default
    report = make_report(wrong_elu, ["activations"], lang="ko")
    drawn_by_the_drawer(monkeypatch)
    with Drawer() as drawer:
        page = render_html(report.result, report.figures, draw=drawer.draw_all)
    assert page == report.html
    pictures = "".join(re.findall(r"<svg.*?</svg>", page, re.S))
    with language("ko"):
        assert tr("report.series.differs") in pictures
    assert tr("report.series.differs") not in pictures


def test_a_drawer_that_died_leaves_the_drawing_to_the_grading_process(drawings):
    with Drawer() as drawer:
        assert drawer.process is not None
        drawer.process.kill()
        drawer.process.wait()
        assert drawer.draw_all(drawings) == draw_all(drawings)
        assert drawer.process is None  # not asked again


def test_a_drawer_that_cannot_start_or_does_not_answer_changes_nothing_but_the_time(drawings, monkeypatch):
    def no_python(*args, **kwargs):
        raise OSError("no interpreter")

    with monkeypatch.context() as patched:
        patched.setattr(subprocess, "Popen", no_python)
        with Drawer() as drawer:
            assert drawer.process is None
            assert drawer.draw_all(drawings[:1]) == draw_all(drawings[:1])
    monkeypatch.setattr(drawer_module, "SERVE", "import time; time.sleep(60)")  # reads nothing, answers nothing
    monkeypatch.setattr(drawer_module, "ANSWER_SECONDS", 0.5)
    with Drawer() as drawer:
        assert drawer.draw_all(drawings[:1]) == draw_all(drawings[:1])
        assert drawer.process is None  # killed


@pytest.mark.parametrize("answer", ["a=pickle.dumps(42); out.write(struct.pack('>Q', len(a)) + a)",  # not a picture
                                    "out.write(struct.pack('>Q', 2**40))"])  # a length past any picture's
def test_a_drawer_that_answers_something_else_is_not_believed(drawings, monkeypatch, answer):
    monkeypatch.setattr(drawer_module, "SERVE", "import pickle, struct, sys, time; sys.stdin.buffer.read(1); "
                                                f"out = sys.stdout.buffer; {answer}; out.flush(); time.sleep(60)")
    with Drawer() as drawer:
        assert drawer.draw_all(drawings[:1]) == draw_all(drawings[:1])
        assert drawer.process is None  # not believed, and not asked again


def test_what_the_drawing_code_prints_cannot_spoil_the_answers(drawings, monkeypatch):
    noisy = (f"import sys; sys.path.insert(0, {str(drawer_module.GRADER_ROOT)!r}); import grader.figures.drawer as d; "
             "real = d.draw_all; d.draw_all = lambda ds: (print('noise' * 1000), real(ds))[1]; d.serve()")
    monkeypatch.setattr(drawer_module, "SERVE", noisy)
    expected = draw_all(drawings[:2])
    drawn_by_the_drawer(monkeypatch)
    with Drawer() as drawer:
        assert drawer.draw_all(drawings[:2]) == expected
        assert drawer.process is not None  # answered, not given up on


def test_the_drawing_process_answers_each_drawing_in_order_until_the_pipe_closes(drawings):
    requests, answers = io.BytesIO(), io.BytesIO()
    for drawing in drawings:
        pickle.dump(drawing, requests)
    requests.seek(0)
    serve(requests, answers)
    answers.seek(0)
    framed = []
    for _ in drawings:
        (size,) = drawer_module.FRAME.unpack(answers.read(drawer_module.FRAME.size))
        framed.append(pickle.loads(answers.read(size)))
    assert framed == draw_all(drawings)
    assert answers.read() == b""


def test_check_html_draws_in_a_drawer_and_never_loads_matplotlib_itself(tmp_path):
    page = tmp_path / "report.html"
    modules = modules_after(f"from grader.cli import main; main(['check', 'training', '-s', r'{SOLUTIONS}', "
                            f"'--html', r'{page}'])")
    assert not [m for m in modules if m == "matplotlib" or m.startswith("matplotlib.")]
    assert page.read_text(encoding="utf-8").count("<svg") == 2  # the capstone and the overfitting pictures



def test_a_drawer_that_stops_reading_cannot_hold_the_report_up(monkeypatch):
    # more than a pipe holds (64 KiB): a drawer that reads nothing would block a plain write for ever
    big = Figure("fig-big", "losses", "loss", "losses.mean_squared_error", [], panels=[
        Panel("", "x", "y", lines=[Line("yours", np.arange(20_000.0), np.arange(20_000.0))])])
    monkeypatch.setattr(drawer_module, "SERVE", "import time; time.sleep(60)")
    monkeypatch.setattr(drawer_module, "ANSWER_SECONDS", 0.5)
    with Drawer() as drawer:
        assert drawer.draw_all([Drawing(big, "big", "salt", "en")]) == draw_all([Drawing(big, "big", "salt", "en")])


def test_a_students_copy_starts_no_drawer(monkeypatch):
    from grader import cli, reference

    with cli.start_drawer() as drawer:
        assert isinstance(drawer, Drawer)
    monkeypatch.setattr(reference, "is_replayed", lambda: True)  # as in a copy: it draws no figure
    with cli.start_drawer() as drawer:
        assert drawer is None


def test_drawings_started_early_are_drawn_once_and_returned_in_the_order_asked(drawings, monkeypatch):
    sent: list[Drawing] = []
    real_send = Drawer._send

    def counted(drawer: Drawer, drawing: Drawing) -> None:
        sent.append(drawing)
        real_send(drawer, drawing)

    monkeypatch.setattr(Drawer, "_send", counted)
    expected = draw_all(drawings[::-1])
    drawn_by_the_drawer(monkeypatch)
    with Drawer() as drawer:
        for drawing in drawings[:2]:
            drawer.start(drawing)
        assert drawer.draw_all(drawings[::-1]) == expected
    assert [d.salt for d in sent] == [d.salt for d in drawings[:2]] + [d.salt for d in drawings[:1:-1]]


def test_many_large_drawings_started_at_once_do_not_block_either_side(monkeypatch):
    # each answer and each request is bigger than a pipe holds: the grader reads answers while it waits to write
    big = Figure("fig-big", "losses", "loss", "losses.mean_squared_error", [], panels=[
        Panel("", "x", "y", lines=[Line("yours", np.arange(20_000.0), np.sin(np.arange(20_000.0)))])])
    many = [Drawing(big, "big", f"salt-{i}", "en") for i in range(4)]
    expected = draw_all(many)
    drawn_by_the_drawer(monkeypatch)
    with Drawer() as drawer:
        for drawing in many:
            drawer.start(drawing)
        pictures = drawer.draw_all(many)
        assert drawer.process is not None  # nothing timed out
    assert all(isinstance(p, str) and len(p) > 1 << 16 for p in pictures)
    assert pictures == expected
