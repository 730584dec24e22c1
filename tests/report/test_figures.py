"""The figures' data, gathered from the student's own code and the reference: what each picture would show."""

from __future__ import annotations

import re

import numpy as np
import pytest

from grader import reference
from grader.figures.curves import PROBE, WINDOW, shown_range
from grader.figures.gather import gather_figures
from grader.figures.model import REFERENCE, STUDENT
from grader.figures.plan import plan
from grader.gradcheck import GRADIENT_TOLERANCE
from grader.results import CheckResult, GradeResult, PartResult
from tests.report.conftest import FAST, SOLUTIONS, copy_reference


def test_the_reference_gets_only_the_three_training_pictures(reference_report):
    figures = reference_report.figures
    assert reference_report.result.all_passed
    assert sorted(f.kind for f in figures.items) == ["depth", "overfitting", "training"]
    assert all(f.problem == "" and f.lines(STUDENT) for f in figures.items)


def test_a_sigmoid_stack_loses_its_gradient_and_a_relu_stack_keeps_it(reference_report):
    depth = reference_report.figures.find("depth", "layers.dense_backward")
    for panel, role in zip(depth.panels, (REFERENCE, STUDENT), strict=True):
        sigmoid, relu = panel.line(role, 0), panel.line(role, 1)
        assert (sigmoid.label, relu.label) == ("sigmoid", "relu")
        assert sigmoid.x.tolist() == list(range(1, 11))
        assert sigmoid.y[0] < relu.y[0] / 1000  # the first layer: far below ReLU's
        assert sigmoid.y[-1] > 100 * sigmoid.y[0]  # and shrinking layer by layer towards the input
        assert relu.y.max() < 10 * relu.y.min()
    np.testing.assert_allclose(depth.panels[1].line(STUDENT, 0).y, depth.panels[0].line(REFERENCE, 0).y)


def test_the_capstone_trains_the_students_pieces_from_the_same_start(reference_report):
    capstone = reference_report.figures.find("training", "training.fit")
    panel = capstone.panels[0]
    plain, momentum = panel.line(STUDENT, 0), panel.line(STUDENT, 1)
    assert plain.y.shape == momentum.y.shape == (reference.resolve("training.CAPSTONE")["epochs"],)
    np.testing.assert_allclose(plain.y, panel.line(REFERENCE, 0).y, rtol=1e-9)  # the reference's own pieces
    to_target = reference.resolve("training.epochs_to_target")
    assert to_target(list(momentum.y), panel.threshold) < to_target(list(plain.y), panel.threshold)


def test_a_wrong_elu_is_drawn_where_it_differs_from_the_reference(wrong_elu_report):
    figures, result = wrong_elu_report.figures, wrong_elu_report.result
    check = next(c for c in result.checks if c.name == "test_activation_matches_reference[elu]")
    assert check.outcome == "failed"
    figure = figures.find("activation", "activations.elu")
    assert check.id in figure.checks and figure.problem == ""
    panel = figure.panels[0]
    ours, theirs = panel.line(REFERENCE), panel.line(STUDENT)
    assert panel.xscale == "linear" and ours.x.min() == -WINDOW and ours.x.max() == WINDOW
    np.testing.assert_allclose(ours.y, reference.call("activations.elu", ours.x))
    np.testing.assert_allclose(theirs.y, np.where(theirs.x > 0, theirs.x, np.exp(np.minimum(theirs.x, 0))))
    differs = ~np.isclose(theirs.y, ours.y)
    assert np.array_equal(differs, theirs.x <= 0)  # the bug's branch, and only it
    assert sorted(panel.marks[0]) == sorted(theirs.x[theirs.x <= 0])
    # The input the check reports as wrong is drawn, and there the two curves give the check's own two numbers.
    where = re.search(r"for x = (\S+): expected (\S+), got (\S+) ", check.message)
    x, expected, got = (float(v) for v in where.groups())
    at = np.flatnonzero(np.isclose(ours.x, x, rtol=1e-5, atol=0))
    assert at.size == 1 and panel.marks[0].tolist().count(ours.x[at[0]]) == 1
    assert (ours.y[at[0]], theirs.y[at[0]]) == pytest.approx((expected, got), abs=1e-6)
    assert "x = " in figure.summary


def test_the_range_widens_only_when_the_curves_differ_only_far_out():
    near = np.abs(PROBE - 1.0) < 0.01
    assert shown_range(PROBE, near) == (pytest.approx(np.abs(PROBE) <= WINDOW), "linear")
    nowhere = np.zeros(PROBE.shape, bool)
    assert shown_range(PROBE, nowhere)[1] == "linear"
    far = PROBE >= 1000.0  # an overflow at |x| = 1000 and beyond
    shown, scale = shown_range(PROBE, far)
    assert scale == "symlog"
    assert PROBE[shown].min() == -WINDOW and PROBE[shown].max() == PROBE.max()
    assert shown[far].all()


def test_loss_curves_and_gradient_errors_point_at_the_wrong_elements(one_bug_each_report):
    figures = one_bug_each_report.figures
    bce = figures.find("loss", "losses.binary_crossentropy").panels[0]
    assert bce.xlabel == "p = y_pred" and bce.line(STUDENT, 0).x.tolist()[::60] == [0.0, 1.0]
    for y_true in (0, 1):
        ours, theirs = bce.line(REFERENCE, y_true), bce.line(STUDENT, y_true)
        wrong = ~np.isclose(theirs.y, ours.y) | ~np.isfinite(theirs.y)
        assert wrong[[0, -1]].all() and not wrong[1:-1].any()  # the missing clip shows at p = 0 and p = 1 only

    mse = figures.find("gradient", "losses.mean_squared_error_grad")
    errors = mse.panels[0].line(STUDENT).y
    assert errors.size == 12 and (errors > GRADIENT_TOLERANCE).all()  # every element off by the factor N

    dense = figures.find("gradient", "layers.dense_backward")
    assert [p.title.split()[0] for p in dense.panels] == ["grad_x", "grad_W", "grad_b"]
    grad_x, grad_w, grad_b = (p.line(STUDENT).y for p in dense.panels)
    assert (grad_x <= GRADIENT_TOLERANCE).all() and (grad_w <= GRADIENT_TOLERANCE).all()
    assert grad_b.size == 3 and (grad_b > GRADIENT_TOLERANCE).all()  # the mean where the sum belongs
    assert dense.panels[2].ticks == ["0", "1", "2"]


def test_stubs_get_no_figure_per_check_and_training_pictures_that_say_what_is_missing(stub_report):
    figures = stub_report.figures
    assert sorted(f.kind for f in figures.items) == ["depth", "overfitting", "training"]
    training, overfitting = figures.find("training", "training.fit"), figures.find("overfitting", "training.fit")
    depth = figures.find("depth", "layers.dense_backward")
    for figure in (training, overfitting):
        assert "training.fit" in figure.problem and "not implemented" in figure.problem
    assert "layers.dense_forward" in depth.problem and "not implemented" in depth.problem
    for figure in (training, overfitting, depth):
        assert figure.lines(STUDENT) == [] and figure.lines(REFERENCE)


def test_a_function_that_hung_or_crashed_in_its_check_is_not_run_again(broken_report):
    result, figures = broken_report.result, broken_report.figures
    for name, outcome in (("elu", "timeout"), ("softplus", "crashed")):
        figure = figures.find("activation", f"activations.{name}")
        check = next(c for c in result.checks if c.name == f"test_activation_matches_reference[{name}]")
        assert check.outcome == outcome
        assert figure.problem.endswith(check.message) and "not run again" in figure.problem
        assert figure.lines(REFERENCE) and not figure.lines(STUDENT)
    raised = figures.find("gradient", "layers.dense_backward")
    assert "ValueError: shapes do not align" in raised.problem and not raised.lines(STUDENT)


def test_code_that_hangs_or_crashes_while_the_figures_are_gathered_still_gives_figures(broken):
    def failed(name: str) -> CheckResult:
        return CheckResult("activations", f"test_activation_matches_reference[{name}]", name, 0.5, "failed",
                           figures=[{"kind": "activation", "target": f"activations.{name}", "options": {}}])

    result = GradeResult(str(broken), [PartResult("activations", "Activations", [failed("elu"), failed("softplus"),
                                                                                  failed("relu")])],
                         seed=1, versions={}, suite_hash="")
    figures = gather_figures(result, broken, FAST)
    elu, softplus, relu = (figures.find("activation", f"activations.{n}") for n in ("elu", "softplus", "relu"))
    assert "did not finish" in elu.problem and "ended the Python process" in softplus.problem
    assert elu.lines(REFERENCE) and softplus.lines(REFERENCE) and not elu.lines(STUDENT)
    assert relu.problem == "" and relu.lines(STUDENT)  # the worker was restarted for the next figure


def test_nothing_is_gathered_when_nothing_asks_for_a_figure(tmp_path):
    result = GradeResult(str(SOLUTIONS), [PartResult("metrics", "Metrics", [
        CheckResult("metrics", "test_accuracy", "accuracy", 1.0, "failed")])], seed=1, versions={}, suite_hash="")
    assert gather_figures(result, copy_reference(tmp_path / "s")).items == []


def test_a_softmax_without_the_max_shift_and_strided_maxout_groups_are_drawn(tmp_path):
    from grader.audit import reference_copy, write_variant
    from grader.figures.curves import CURVE_CALLS, first_column
    from grader.mistakes import find
    from tests.report.conftest import make_report

    submission = reference_copy(tmp_path / "submission")
    for mistake_id in ("softmax-without-max-shift", "maxout-strided-groups"):
        write_variant(submission, find(mistake_id))
    report = make_report(submission, ["activations"], limits=FAST)
    softmax = report.figures.find("activation", "activations.softmax")
    panel = softmax.panels[0]
    ours, theirs = panel.line(REFERENCE), panel.line(STUDENT)
    assert panel.ylabel == "softmax([x, 0, 1])[0]" and softmax.problem == ""
    assert panel.xscale == "symlog" and ours.x.max() > 100  # widened to where exp overflows without the shift
    np.testing.assert_allclose(ours.y, first_column(reference.call("activations.softmax",
                                                                   *CURVE_CALLS["softmax"][0](ours.x))))
    bad = ~np.isclose(theirs.y, ours.y, equal_nan=False)
    assert bad.any() and np.all(ours.x[bad] > WINDOW)  # right in [-5, 5], NaN only far out
    maxout = report.figures.find("activation", "activations.maxout").panels[0]
    ours, theirs = maxout.line(REFERENCE), maxout.line(STUDENT)
    np.testing.assert_allclose(ours.y, np.abs(ours.x))  # unit 0 of consecutive groups: max(x, -x)
    assert not np.allclose(theirs.y, ours.y)


def test_the_figures_keep_the_plans_order(reference_report):
    kinds = [f.kind for f in reference_report.figures.items]
    assert kinds == [r.kind for r in plan(reference_report.result)] == ["training", "overfitting", "depth"]


def test_the_reference_side_of_the_training_pictures_is_computed_once_per_process(reference_report, monkeypatch):
    # a class graded with reports draws them for every student, with the same seed: the reference trains once
    monkeypatch.setattr(reference, "_remembered", {})
    runs: list[str] = []
    real_call = reference.call

    def counting(target, *args, **kwargs):
        if target.startswith("training.run_"):
            runs.append(target)
        return real_call(target, *args, **kwargs)

    monkeypatch.setattr(reference, "call", counting)
    first = gather_figures(reference_report.result, SOLUTIONS)
    assert sorted(runs) == ["training.run_capstone"] * 2 + ["training.run_overfitting"]  # plain, momentum; overfitting
    second = gather_figures(reference_report.result, SOLUTIONS)
    assert len(runs) == 3
    for before, after, drawn in zip(first.items, second.items, reference_report.figures.items, strict=True):
        for old, new, earlier in zip(before.lines(REFERENCE), after.lines(REFERENCE), drawn.lines(REFERENCE),
                                     strict=True):
            assert old.label == new.label and np.array_equal(old.y, new.y) and np.array_equal(old.y, earlier.y)
    assert [f.lines(STUDENT)[0].y.tolist() for f in first.items] == [f.lines(STUDENT)[0].y.tolist()
                                                                     for f in second.items]
