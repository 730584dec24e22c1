"""The overfitting picture: the student's training and validation loss per epoch over the reference's, drawn whenever
training is graded, with each validation minimum marked and a caption in the report's language."""

from __future__ import annotations

import re

import numpy as np
import pytest

from grader import reference
from grader.figures import gather
from grader.figures.asking import Unusable
from grader.figures.gather import gather_figures
from grader.figures.model import REFERENCE, STUDENT
from grader.figures.plan import OVERFITTING_CHECKS, plan
from grader.figures.training import TRAINING_LOSS, VALIDATION_LOSS, as_validated_history
from grader.grading import grade
from grader.i18n import language, tr
from grader.inputs import OVERFITTING_RUN, run_seed
from grader.sandbox.client import Submission
from tests.report.conftest import SOLUTIONS, Report, copy_reference, make_report

VALIDATED = "    return history if validation_data is None else dict(loss=history, val_loss=val_history)"
IGNORES_VALIDATION = "    return history"  # Keras' fit before validation_data: the training losses alone


def overfitting_figure(report: Report):
    figure = report.figures.find("overfitting", "training.fit")
    assert figure is not None, [f.id for f in report.figures.items]
    return figure


def drawn_inline(html: str, figure_id: str) -> bool:
    """Whether the page's figure ``figure_id`` holds its picture as an inline SVG element (no file, no URL)."""
    return re.search(rf'<figure class="plot[^"]*" id="{figure_id}">\s*<svg ', html) is not None


def test_the_reference_page_draws_training_and_validation_loss_with_the_minimum_marked(reference_report):
    figure = overfitting_figure(reference_report)
    assert reference_report.result.all_passed and figure.problem == ""  # drawn although nothing failed
    panel = figure.panels[0]
    expected = reference.call("training.run_overfitting", run_seed(reference_report.result.seed, OVERFITTING_RUN))
    for role in (REFERENCE, STUDENT):
        np.testing.assert_allclose(panel.line(role, TRAINING_LOSS).y, expected["loss"], rtol=1e-9)
        np.testing.assert_allclose(panel.line(role, VALIDATION_LOSS).y, expected["val_loss"], rtol=1e-9)
    assert len(panel.lines) == 4
    best = int(np.argmin(expected["val_loss"]))
    assert [(p.role, p.x, p.y) for p in panel.points] == [(role, best + 1, expected["val_loss"][best])
                                                          for role in (REFERENCE, STUDENT)]
    assert figure.checks == ["training::test_validation_loss_matches_reference", "training::test_overfitting_is_seen"]
    assert f"after epoch {best + 1}" in figure.summary

    page = reference_report.page
    assert drawn_inline(reference_report.html, figure.id)
    assert tr("report.caption.overfitting") in page.text
    for label in (*(line.label for line in panel.lines), *(point.label for point in panel.points)):
        assert label in page.text  # the legend: SVG text, set in the browser's fonts
    training_section = reference_report.html.split('id="training"', 1)[1]
    assert f'id="{figure.id}"' in training_section


def test_the_caption_and_legend_are_korean_on_a_korean_page():
    report = make_report(SOLUTIONS, ["training"], lang="ko")
    figure = overfitting_figure(report)
    page = report.page
    with language("ko"):
        caption, title = tr("report.caption.overfitting"), tr("report.title.overfitting")
        assert "과적합" in caption and "검증 손실" in caption and "훈련 손실" in caption
        assert caption in page.text and title in page.text
        assert f"{tr('report.series.student')}, {tr('report.series.validation_loss')}" in page.text
    assert [line.label for line in figure.panels[0].lines] == ["정답, 훈련 손실", "정답, 검증 손실",
                                                               "여러분의 것, 훈련 손실", "여러분의 것, 검증 손실"]
    assert "과적합" not in tr("report.caption.overfitting")  # the English page keeps its own words


@pytest.fixture(scope="module")
def ignores_validation_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = copy_reference(tmp_path_factory.mktemp("no-validation") / "submission",
                            {"training": [(VALIDATED, IGNORES_VALIDATION)]})
    return make_report(folder, ["training"])


def test_a_fit_that_ignores_validation_data_has_its_training_loss_drawn_and_the_gap_named(ignores_validation_report):
    report = ignores_validation_report
    failed = {c.name for c in report.result.checks if not c.passed}
    assert {"test_validation_loss_matches_reference", "test_overfitting_is_seen"} <= failed
    figure = overfitting_figure(report)
    panel = figure.panels[0]
    assert figure.problem == tr("report.problem.no_val_loss")
    assert panel.line(STUDENT, VALIDATION_LOSS) is None and [p.role for p in panel.points] == [REFERENCE]
    np.testing.assert_allclose(panel.line(STUDENT, TRAINING_LOSS).y, panel.line(REFERENCE, TRAINING_LOSS).y,
                               rtol=1e-9)  # the training itself is right
    assert figure.summary.startswith("Trained on 16 samples and validated on 200 others")
    assert figure.problem in report.page.text and drawn_inline(report.html, figure.id)


@pytest.mark.parametrize("reply", [None, {"loss": [0.5] * 3}, {"loss": [0.5] * 3, "val_loss": [np.nan] * 3},
                                   "history", [0.5, 0.4]])
def test_a_reply_that_is_neither_a_history_nor_the_validated_dict_is_unusable(reply):
    with pytest.raises(Unusable, match=r"validation_data=\(x_val, y_val\)\) returned .*dict\(loss="):
        as_validated_history(reply, 3)


def test_the_validated_dict_and_a_plain_history_are_read():
    loss, val_loss = as_validated_history({"loss": [3, 2, 1], "val_loss": (1.0, 2.0, np.float32(3))}, 3)
    assert loss.tolist() == [3, 2, 1] and val_loss is not None and val_loss.tolist() == [1, 2, 3]
    loss, val_loss = as_validated_history(np.array([0.3, 0.2, 0.1]), 3)
    assert loss.tolist() == [0.3, 0.2, 0.1] and val_loss is None


def test_the_picture_is_of_the_run_the_validation_checks_judged(monkeypatch):
    """Same seed as the checks (their messages name it), so the reference's run is the one they already computed."""
    monkeypatch.setattr(reference, "_remembered", {})
    result = grade(SOLUTIONS, ["training"])
    runs: list[tuple] = []
    real_call = reference.call

    def counting(target, *args, **kwargs):
        runs.append((target, *args))
        return real_call(target, *args, **kwargs)

    monkeypatch.setattr(reference, "call", counting)
    figure = gather_figures(result, SOLUTIONS).find("overfitting", "training.fit")
    assert figure is not None and figure.problem == ""
    assert not [run for run in runs if run[0] == "training.run_overfitting"]
    expected = reference.remembered("training.run_overfitting", run_seed(result.seed, OVERFITTING_RUN))
    np.testing.assert_allclose(figure.panels[0].line(STUDENT, VALIDATION_LOSS).y, expected["val_loss"], rtol=1e-9)


def test_the_student_is_not_asked_again_for_the_run_the_grade_judged(monkeypatch):
    """The grade leaves the whole submission's validated run for the report (GradeResult.runs): the picture draws that
    reply, and the student's fit runs for the capstone's two runs only. A result read back from JSON has no such run:
    its picture runs the fit, with the same seed, and draws the same lines."""
    result = grade(SOLUTIONS, ["training"])
    asked: list[str] = []
    real_start = Submission.start

    def start(submission, target, *args, **kwargs):
        asked.append(target)
        return real_start(submission, target, *args, **kwargs)

    monkeypatch.setattr(Submission, "start", start)
    drawn = gather_figures(result, SOLUTIONS).find("overfitting", "training.fit")
    assert asked == ["training.fit"] * 2
    result.runs.clear()
    again = gather_figures(result, SOLUTIONS).find("overfitting", "training.fit")
    assert asked == ["training.fit"] * 5
    assert drawn is not None and again is not None and drawn.problem == again.problem == ""
    for group in (TRAINING_LOSS, VALIDATION_LOSS):
        np.testing.assert_array_equal(drawn.panels[0].line(STUDENT, group).y, again.panels[0].line(STUDENT, group).y)


def test_the_run_left_for_the_report_is_the_whole_submissions(tmp_path):
    """With a broken relu the validation checks fail on the whole submission and are judged again alone, with the
    reference's relu; the picture shows the student's whole code, so the grade leaves the first run, not the rerun."""
    student = copy_reference(tmp_path / "student", appended={
        "activations": "\n\ndef relu(x):\n    return np.abs(np.asarray(x, dtype=float))\n"})
    result = grade(student, ["activations", "training"])
    validated = {c.name: c.outcome for c in result.checks if c.name in OVERFITTING_CHECKS}
    assert set(validated.values()) == {"passed"}  # judged alone, with the reference's relu
    left = result.runs[OVERFITTING_RUN]
    reference_run = reference.remembered("training.run_overfitting", run_seed(result.seed, OVERFITTING_RUN))
    assert not np.allclose(left["val_loss"], reference_run["val_loss"])  # |x| trained, not relu


def test_a_fit_that_raised_in_the_checks_leaves_nothing_and_its_picture_runs_it_again(tmp_path, monkeypatch):
    raising = "    if validation_data is not None:\n        raise ValueError('no validation here')\n"
    student = copy_reference(tmp_path / "student", edits={"training": [(VALIDATED, raising + VALIDATED)]})
    result = grade(student, ["training"])
    assert result.runs == {}
    asked: list[str] = []
    real_start = Submission.start
    monkeypatch.setattr(Submission, "start", lambda submission, target, *args, **kwargs: asked.append(target)
                        or real_start(submission, target, *args, **kwargs))
    figure = gather_figures(result, student).find("overfitting", "training.fit")
    assert asked == ["training.fit"] * 3 and figure is not None and "no validation here" in figure.problem


def test_a_report_whose_only_figure_is_the_kept_run_starts_no_worker(monkeypatch):
    """The figures that ask the student's code nothing need no worker: drawing the run the grade kept starts none."""
    result = grade(SOLUTIONS, ["training"])
    started: list[str] = []
    real_start = gather._start_worker
    monkeypatch.setattr(gather, "_start_worker", lambda *args: started.append("worker") or real_start(*args))
    only_overfitting = [r for r in plan(result) if r.kind == "overfitting"]
    monkeypatch.setattr(gather, "plan", lambda result: only_overfitting)
    [figure] = gather_figures(result, SOLUTIONS).items
    assert started == [] and figure.problem == "" and figure.kind == "overfitting"
