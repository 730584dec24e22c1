"""The figures' SVG writer: scales and ticks, lines and bars, legends, and markup fit for a page or an image."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from grader.figures.draw import Drawing, NotDrawn, draw_all, svg_data_url, svg_of
from grader.figures.legend import along
from grader.figures.model import REFERENCE, STUDENT, Figure, Line, Panel, Point
from grader.figures.scales import (
    MAX_TICKS,
    Axis,
    backward,
    decade_ticks,
    forward,
    nice_ticks,
    power_of_ten,
    symlog_ticks,
    tick_label,
)
from grader.figures.style import AXIS_INK, DASH, ROLE_COLOURS
from grader.figures.svg import HELD, hollow_circle, marker, path_of, text_width, wrapped

EPOCHS = np.arange(1, 21, dtype=np.float64)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def figure(*panels: Panel, kind: str = "training") -> Figure:
    return Figure("fig-test", "training", kind, "training.fit", panels=list(panels))


def curves(student: np.ndarray | None = None, **options) -> Panel:
    panel = Panel("", "epoch", "loss", **options)
    panel.lines.append(Line("reference", EPOCHS, np.linspace(1.0, 0.1, 20), REFERENCE))
    if student is not None:
        panel.lines.append(Line("yours", EPOCHS, student, STUDENT))
    return panel


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def elements(svg: str, tag: str) -> list[ET.Element]:
    return list(parsed(svg).iter(tag))


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in elements(svg, "text")]


def legend_box(svg: str) -> ET.Element:
    box = next(g for g in elements(svg, "g") if g.get("class") == "legend").find("rect")
    assert box is not None
    return box


def axes_edges(svg: str) -> list[tuple[float, float, float, float]]:
    """Each panel's axes (left, top, right, bottom), read from its spines."""
    spines = [p.get("d", "") for p in elements(svg, "path")]
    found = [re.fullmatch(r"M([\d.]+),([\d.]+)V([\d.]+)H([\d.]+)", d) for d in spines]
    return [(float(m[1]), float(m[2]), float(m[4]), float(m[3])) for m in found if m]


def numbers_in(svg: str) -> list[float]:
    """Every coordinate and size written: the attributes' and the paths' numbers."""
    attributes = re.findall(r'\b(?:x|y|cx|cy|x1|x2|y1|y2|width|height)="(-?[\d.e+]+)"', svg)
    paths = [n for d in re.findall(r'\bd="([^"]*)"', svg) for n in re.findall(r"-?[\d.]+(?:e[+-]?\d+)?", d)]
    return [float(v) for v in attributes + paths]


# -- scales and ticks ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["linear", "log", "symlog"])
def test_backward_undoes_forward(kind):
    values = [0.003, 0.5, 4.0, 5.0, 7.5, 1e4] + ([] if kind == "log" else [-1e4, -6.0, -2.0, 0.0])
    for value in values:
        assert backward(kind, float(forward(kind, np.array([value]))[0])) == pytest.approx(value)


def test_an_unknown_scale_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown scale 'bogus'"):
        forward("bogus", np.ones(2))


def test_a_fitted_axis_shows_every_drawable_value_with_a_margin():
    axis = Axis.fitted("linear", np.array([2.0, np.nan, 12.0, np.inf]))
    assert axis.low == pytest.approx(1.5) and axis.high == pytest.approx(12.5)  # 5% of the span either side
    log = Axis.fitted("log", np.array([1e-6, 0.0, -3.0, 1e-2]))  # what a log axis cannot show is left out
    assert np.log10(log.low) == pytest.approx(-6.2) and np.log10(log.high) == pytest.approx(-1.8)
    assert list(log.fraction(np.array([1e-6, 1e-2]))) == pytest.approx([0.2 / 4.4, 4.2 / 4.4])
    assert Axis.fitted("linear", np.array([3.0, 3.0])) == Axis("linear", 2.5, 3.5)  # one value: room around it
    assert Axis.fitted("log", np.array([np.nan])) == Axis("log", 0.1, 10.0)


@pytest.mark.parametrize(("low", "high"), [(0.05, 20.95), (0.012, 0.74), (-1.2, 3.4), (-1e3, 5e4), (7.0, 7.0001)])
def test_nice_ticks_are_few_evenly_spaced_nice_numbers_in_view(low, high):
    ticks = nice_ticks(low, high)
    assert 2 <= len(ticks) <= MAX_TICKS and all(low <= t <= high for t in ticks)
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0])
    mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
    assert any(np.isclose(mantissa, nice) for nice in (1, 2, 2.5, 5))


def test_counted_axes_have_whole_ticks():
    assert nice_ticks(0.55, 10.45, integer=True) == [2.0, 4.0, 6.0, 8.0, 10.0]
    assert nice_ticks(0.9, 3.1, integer=True) == [1.0, 2.0, 3.0]  # never 1.5


def test_decades_are_thinned_but_keep_one():
    assert decade_ticks(3e-7, 0.2) == [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]
    many = decade_ticks(1e-17, 1e4)
    assert 1.0 in many and len(many) <= MAX_TICKS + 1 and len(set(np.diff(np.log10(many)).round(9))) == 1


def test_symlog_ticks_are_linear_near_zero_and_decades_far_out():
    assert symlog_ticks(-6.3, 6.3) == nice_ticks(-6.3, 6.3)
    assert symlog_ticks(-1e4, 1e4) == [-1e4, -1e3, -100.0, -10.0, -5.0, 0.0, 5.0, 10.0, 100.0, 1e3, 1e4]


def test_tick_labels_read_as_numbers_do():
    assert [tick_label(t, "linear", 0.25) for t in (-0.5, 0.0, 0.25)] == ["\u22120.50", "0.00", "0.25"]
    assert tick_label(15.0, "linear", 5.0) == "15" and tick_label(-1e-17, "linear", 0.5) == "0.0"
    assert [power_of_ten(v) for v in (1e-5, 0.01, 1.0, 100.0, 1e4)] == ["1e-5", "0.01", "1", "100", "1e4"]
    assert tick_label(-1000.0, "symlog") == "\u22121e3" and tick_label(1e-3, "log") == "1e-3"


# -- the markup ------------------------------------------------------------------------------------------------------


def test_an_inline_svg_is_titled_and_its_ids_are_salted():
    svg = svg_of(figure(curves(np.linspace(1.0, 0.1, 20)), curves()), title="Loss <per> epoch", salt="fig-7")
    root = parsed(svg)
    assert root.tag == "svg" and root.get("role") == "img" and root.get("aria-labelledby") == "fig-7-title"
    assert root[0].tag == "title" and root[0].text == "Loss <per> epoch" and root[0].get("id") == "fig-7-title"
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) >= 3 and all(i.startswith("fig-7-") for i in ids)
    assert "width" not in root.attrib and "xmlns" not in svg  # it takes its column's width; HTML needs no namespace
    assert all(ref[5:-1].startswith("fig-7-") for ref in re.findall(r"url\(#[^)]*\)", svg))


def test_an_image_is_a_standalone_svg_document():
    url = svg_data_url(figure(curves()), title="training")
    assert url.startswith("data:image/svg+xml;base64,")
    document = base64.b64decode(url.partition(",")[2]).decode("utf-8")
    root = parsed(document)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and float(root.get("width", 0)) > 0
    assert float(root.get("height", 0)) > 0


def test_the_students_line_is_dashed_over_the_references_pale_band():
    svg = svg_of(figure(curves(np.linspace(0.9, 0.2, 20))), title="t", salt="s")
    paths = [p for p in elements(svg, "path") if p.get("stroke") in ROLE_COLOURS.values()]
    reference, student = paths  # the reference first: the student's is drawn on top
    assert reference.get("stroke") == ROLE_COLOURS[REFERENCE] and reference.get("stroke-dasharray") is None
    assert float(reference.get("stroke-width")) > float(student.get("stroke-width"))
    assert student.get("stroke") == ROLE_COLOURS[STUDENT] and student.get("stroke-dasharray") == DASH
    assert {"reference", "yours"} <= set(texts(svg))  # the legend names both


def test_a_line_breaks_where_there_is_no_number_and_far_values_stay_bounded():
    student = np.linspace(1.0, 0.1, 20)
    student[[5, 12]] = np.nan
    student[15] = 1e300
    svg = svg_of(figure(curves(student)), title="t", salt="s")
    dashed = next(p for p in elements(svg, "path") if p.get("stroke-dasharray"))
    assert dashed.get("d").count("M") == 3  # three runs of numbers
    coordinates = [float(v) for v in re.findall(r"-?\d+\.?\d*", dashed.get("d"))]
    assert max(map(abs, coordinates)) <= 1e4
    assert path_of(np.array([np.nan]), np.array([1.0])) == "M0,0"  # nothing to draw is still a valid path


def test_data_is_clipped_to_its_axes():
    svg = svg_of(figure(curves(np.linspace(1.0, 50.0, 20))), title="t", salt="s")
    group = next(g for g in elements(svg, "g") if g.get("clip-path"))
    clip_id = group.get("clip-path")[5:-1]
    assert any(c.get("id") == clip_id for c in elements(svg, "clipPath"))
    assert any(p.get("stroke-dasharray") for p in group.iter("path"))


def test_the_legend_goes_where_it_hides_the_least_data():
    rising = Panel("", "epoch", "loss")  # the curve fills the lower left and the upper right, where legends go first
    rising.lines.append(Line("reference", EPOCHS, np.r_[np.full(10, 0.0), np.full(10, 1.0)], REFERENCE))
    svg = svg_of(figure(rising), title="t", salt="s")
    box = legend_box(svg)
    ((left, top, right, _),) = axes_edges(svg)
    assert float(box.get("x")) < (left + right) / 2 and float(box.get("y")) < top + 40  # the empty upper left


def test_points_of_a_steep_segment_count_as_covered():
    covered = along(np.array([[0.0, 0.0], [0.0, 100.0], [np.nan, np.nan], [5.0, 5.0]]), (0.0, 0.0, 50.0, 80.0))
    assert len(covered) >= 20 and covered[:, 1].max() <= 80.0 and [5.0, 5.0] in covered.tolist()  # held in the area


def gradient_panel(title: str, errors: list[float]) -> Panel:
    panel = Panel(title, "element", "relative error", kind="bars", yscale="log", threshold=1e-5,
                  threshold_label="tolerance 1e-05")
    panel.ticks = [f"({i},)" for i in range(len(errors))]
    panel.lines.append(Line("yours", np.arange(len(errors), dtype=np.float64), np.array(errors), STUDENT))
    return panel


def test_bars_above_the_tolerance_are_vermillion_and_hatched():
    panel = gradient_panel("grad", [1e-9, 0.5, 0.0, np.inf])
    svg = svg_of(figure(panel, kind="gradient"), title="t", salt="s")
    bars = [r for r in elements(svg, "rect") if r.get("fill") in ROLE_COLOURS.values() and r.get("height")
            and float(r.get("width")) > 20]
    colours = [b.get("fill") for b in bars]
    assert colours == [ROLE_COLOURS[REFERENCE], ROLE_COLOURS[STUDENT], ROLE_COLOURS[REFERENCE], ROLE_COLOURS[STUDENT]]
    hatched = [r for r in elements(svg, "rect") if r.get("fill") == "url(#s-0-hatch)"]
    assert len(hatched) == 3  # the two bars above, and the legend's sample
    heights = [float(b.get("height")) for b in bars]
    assert heights[2] > 0 and heights[3] == max(heights)  # 0 drawn at the floor, infinity as an error of 1
    ((_, _, _, bottom),) = axes_edges(svg)
    assert float(legend_box(svg).get("y")) > bottom  # below the axes: it hides no bar
    assert {"(0,)", "(3,)", "tolerance 1e-05"} <= set(texts(svg))


def test_bar_panels_side_by_side_share_one_legend_and_one_y_axis():
    svg = svg_of(figure(gradient_panel("grad_x", [1e-9, 1e-8]), gradient_panel("grad_b", [0.5]), kind="gradient"),
                 title="t", salt="s")
    labels = texts(svg)
    assert labels.count("tolerance 1e-05") == 1
    assert labels.count("1e-8") == 1  # the y labels of the first panel only
    assert labels.count("relative error") == 1


def test_a_panel_with_no_data_says_so_and_takes_its_neighbours_x_axis():
    depth = [Panel(title, "layer", "norm", yscale="log") for title in ("reference", "yours")]
    depth[0].lines.append(Line("sigmoid", np.arange(1, 11, dtype=np.float64), np.geomspace(1e-4, 5, 10)))
    svg = svg_of(figure(*depth, kind="depth"), title="t", salt="s")
    labels = texts(svg)
    assert "no data from your code" in labels
    assert labels.count("10") == 2  # layer 10 marked on both panels' x axes (and no y label on the second)


def test_words_are_text_escaped_korean_included():
    panel = curves(np.linspace(1.0, 0.1, 20))
    panel.lines[1].label = "내 코드 <b>&</b>"
    svg = svg_of(figure(panel), title="t", salt="s")
    assert "내 코드 <b>&</b>" in texts(svg) and "내 코드 &lt;b&gt;&amp;&lt;/b&gt;" in svg


def test_a_figure_that_cannot_be_drawn_costs_only_itself():
    good = Drawing(figure(curves()), "good", "a", "en")
    bad = Drawing(figure(curves(xscale="bogus")), "bad", "b", "en")
    empty = Drawing(figure(), "empty", "c", "en")
    drawn = draw_all([bad, good, empty])
    assert isinstance(drawn[0], NotDrawn) and "scale" in drawn[0].detail
    assert isinstance(drawn[1], str) and drawn[1].startswith("<svg")
    assert isinstance(drawn[2], NotDrawn) and "panels" in drawn[2].detail


def test_the_pictures_words_are_in_the_pages_language():
    bars = gradient_panel("grad", [1e-9, 0.5])
    bars.threshold_label = ""
    drawn = draw_all([Drawing(figure(bars, kind="gradient"), "t", "s", "ko"),
                      Drawing(figure(Panel("", "x", "y")), "t", "s", "ko")])
    assert all(isinstance(d, str) for d in drawn)
    legend = next(g for g in elements(str(drawn[0]), "g") if g.get("class") == "legend")
    words = [t.text or "" for t in legend.iter("text")]
    assert len(words) == 2 and all(HANGUL.search(w) for w in words)  # within and above the tolerance, in Korean
    assert any(HANGUL.search(t) for t in texts(str(drawn[1])))  # the "no data" note


def test_a_point_without_a_position_is_not_drawn():
    assert marker(STUDENT, 3.0, float("nan"), "#000") == "" == hollow_circle(float("inf"), 1.0)


@pytest.mark.parametrize("lines", [2, 6, 8])
def test_a_legend_below_the_axes_fits_in_the_picture(lines):
    panel = Panel("", "epoch", "loss", legend_below=True, threshold=0.3, threshold_label="target")
    for i in range(lines):
        panel.lines.append(Line(f"reference, the validation loss of run {i}", EPOCHS, np.linspace(1.0, 0.1 * i, 20),
                                REFERENCE, i % 2))
    svg = svg_of(figure(panel), title="t", salt="s")
    width, height = (float(v) for v in parsed(svg).get("viewBox").split()[2:])
    legend = legend_box(svg)
    assert float(legend.get("y")) + float(legend.get("height")) <= height
    assert 0 <= float(legend.get("x")) and float(legend.get("x")) + float(legend.get("width")) <= width
    assert sum(label.startswith("reference, the validation") for label in texts(svg)) == lines


def test_a_named_point_far_out_of_view_stays_a_sane_coordinate():
    panel = curves(np.full(20, 1e300))
    panel.points.append(Point("yours: lowest at epoch 3", 3.0, 1e300, STUDENT))
    svg = svg_of(figure(panel), title="t", salt="s")
    assert max(map(abs, numbers_in(svg))) <= HELD + 10 and "yours: lowest at epoch 3" in texts(svg)


def test_bars_without_labels_of_their_own_get_the_axis_ticks():
    panel = Panel("", "x", "relative error", kind="bars", yscale="log", threshold=1e-5)
    panel.lines.append(Line("yours", np.array([-1.25, 0.0, 1.25, 2.5]), np.array([1e-9, np.nan, 0.5, 1e-12]),
                            STUDENT))
    svg = svg_of(figure(panel, kind="gradient"), title="t", salt="s")
    ((_, _, _, bottom),) = axes_edges(svg)
    below = [t.text for t in elements(svg, "text") if float(t.get("y")) > bottom]
    assert {"\u22121", "0", "1", "2"} <= set(below)
    fills = [r.get("fill") for r in elements(svg, "rect") if r.get("fill", "").startswith("url(#s-0-hatch")]
    assert len(fills) == 3  # NaN is no error within the tolerance: hatched like 0.5 (and the legend's sample)


def test_tick_labels_of_tiny_steps_keep_their_decimals():
    assert tick_label(1.0000002, "linear", 2e-7) == "1.0000002"
    assert tick_label(3e-6, "linear", 1e-6) == "0.000003"
    panel = curves()
    panel.lines[0].y = 1.0 + np.linspace(0, 1e-9, 20)  # flat to a billionth: labels stay short
    assert max(len(label) for label in texts(svg_of(figure(panel), title="t", salt="s"))) <= 12


@pytest.mark.parametrize("values", [[1e-320, 1.0], [1e-10, 1e300], [1e308, 1e308]])
def test_a_log_axis_of_extreme_values_is_drawable(values):
    axis = Axis.fitted("log", np.array(values))
    assert 0 < axis.low < axis.high < np.inf and axis.ticks()
    panel = Panel("", "layer", "norm", yscale="log")
    panel.lines.append(Line("yours", np.arange(1.0, 3.0), np.array(values), STUDENT))
    assert isinstance(draw_all([Drawing(figure(panel), "t", "s", "en")])[0], str)


def test_a_symmetric_log_axis_is_thinned_alike_on_both_sides():
    panel = Panel("", "x", "f(x)", xscale="symlog")
    x = np.concatenate([-np.geomspace(1e4, 5, 30), np.linspace(-5, 5, 50), np.geomspace(5, 1e4, 30)])
    panel.lines.append(Line("reference", x, np.tanh(x), REFERENCE))
    svg = svg_of(figure(panel, kind="activation"), title="t", salt="s")
    ((_, _, _, bottom),) = axes_edges(svg)
    below = [t.text or "" for t in elements(svg, "text") if float(t.get("y")) > bottom and t.text != "x"]
    negative = {label[1:] for label in below if label.startswith("\u2212")}
    positive = {label for label in below if label[0].isdigit() and label != "0"}
    assert "0" in below and negative == positive and len(positive) >= 3, below


def test_a_shared_log_axis_keeps_the_references_shape_in_view():
    depth = [Panel(title, "layer", "norm", yscale="log") for title in ("reference", "yours")]
    layers = np.arange(1, 11, dtype=np.float64)
    depth[0].lines.append(Line("sigmoid", layers, np.geomspace(1e-4, 10, 10), REFERENCE))
    depth[1].lines.append(Line("sigmoid", layers, np.full(10, 1e300), STUDENT))
    svg = svg_of(figure(*depth, kind="depth"), title="t", salt="s")
    labels = [t for t in texts(svg) if t and t[0].isdigit()]
    assert "1e300" not in labels and {"1e-4", "10"} <= set(labels)  # 1e-4 .. 10, widened by at most 10 decades


def test_a_panel_whose_values_cannot_be_drawn_says_why():
    depth = [Panel(title, "layer", "norm", yscale="log") for title in ("reference", "yours")]
    layers = np.arange(1, 11, dtype=np.float64)
    depth[0].lines.append(Line("sigmoid", layers, np.geomspace(1e-4, 5, 10), REFERENCE))
    depth[1].lines.append(Line("sigmoid", layers, np.zeros(10), STUDENT))  # a dense_backward that returns no grad_W
    svg = svg_of(figure(*depth, kind="depth"), title="t", salt="s")
    note = [t for t in elements(svg, "text") if t.get("fill") == AXIS_INK]
    assert " ".join(t.text or "" for t in note).startswith("none of these values can be drawn")
    (_, (left, _, right, _)) = axes_edges(svg)
    assert len(note) >= 2 and all(left < float(t.get("x")) < right for t in note)  # wrapped within its panel
    assert all(text_width(t.text or "", 13) <= right - left for t in note)
    panel = curves(np.linspace(1.0, 0.1, 20))
    assert not any(t.startswith("none of these") for t in texts(svg_of(figure(panel), title="t", salt="s")))


def test_words_wrap_at_spaces_within_a_width():
    assert wrapped("a bb ccc dddd", 10, 6 * 7) == ["a bb", "ccc", "dddd"]  # 6 px a character at size 10
    assert wrapped("unbreakable", 10, 12) == ["unbreakable"] and wrapped("", 10, 50) == []
