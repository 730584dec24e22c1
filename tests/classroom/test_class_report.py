"""The class report (`nn-grader report`): what a generated class got wrong, recovered from its records alone.

The class is synthesised as records (no code is graded, so it is fast): each student's check outcomes, named
mistakes and quiz answers are drawn at known rates, the answers graded by the real quiz grader against a small quiz
written here, and the report must find those rates again.
"""

from __future__ import annotations

import csv
import io
import random
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from grader.classroom.class_report import CORRECT, ItemRow, build_report, correlation
from grader.classroom.class_report_csv import write_csv_files
from grader.classroom.class_report_html import render_class_html
from grader.classroom.gradebook import merge
from grader.classroom.records import RECORD_SCHEMA, save_record
from grader.cli import main
from grader.quiz.grading import grade_answers
from grader.quiz.loader import require_quiz
from grader.quiz.results import result_to_dict

QUIZ_TEXT = """
id: rates-quiz
title:
  en: "Rates"
languages: [en]
shuffle: true
pass_mark: 0.5
questions:
  - id: peak
    type: single
    tags: [vanishing-gradient]
    prompt:
      en: "The largest slope of the sigmoid?"
    options:
      - id: quarter
        text: "0.25"
        correct: true
      - id: half
        text: "0.5"
        misconception: value-not-slope
        feedback:
          en: "0.5 is its value at 0."
      - id: one
        text: "1"
        misconception: never-chosen
        feedback:
          en: "The slope never reaches 1."
    explanation:
      en: "s(1 - s) peaks at 0.25."
  - id: layers
    type: numeric
    tags: [softmax]
    prompt:
      en: "Type 0.25."
    answer: 0.25
    mode: abs_tol
    tolerance: 0.001
    distractors:
      - "0.5  # half-instead"
    misconceptions:
      half-instead:
        en: "That is the value, not the slope."
    explanation:
      en: "0.25."
  - id: relus
    type: multiple
    scoring: all-or-nothing
    tags: [relu]
    prompt:
      en: "Which keep a gradient for negative inputs?"
    options:
      - id: leaky
        text: "Leaky ReLU"
        correct: true
      - id: elu
        text: "ELU"
        correct: true
      - id: plain
        text: "ReLU"
        misconception: relu-negative-slope
        feedback:
          en: "ReLU is flat below 0."
    explanation:
      en: "Leaky ReLU and ELU."
  - id: unasked
    type: true_false
    prompt:
      en: "Nobody answers this."
    answer: true
    explanation:
      en: "Nobody knows."
"""
# What the class does, and at which rates.
MISTAKE_RATE = 0.38  # sigmoid_grad applied to x (the catalogued mistake sigmoid-grad-of-x)
UNMATCHED_RATE = 0.2  # relu wrong in a way no catalogued mistake names
TODO_RATE = 0.1  # the losses part not started
PEAK = {"quarter": 0.55, "half": 0.35, None: 0.10}  # None: skipped
LAYERS = {0.25: 0.5, 0.5: 0.3, 7.0: 0.2}
PLAIN_RATE = 0.25  # chose plain ReLU among the ReLUs
CHECKS = ("activations::test_sigmoid_grad", "activations::test_relu", "losses::test_mse")


@pytest.fixture(scope="module")
def quiz(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("quiz") / "rates-quiz.yaml"
    path.write_text(QUIZ_TEXT, encoding="utf-8")
    return require_quiz(path)


def check(check_id: str, outcome: str, mistake: str = "") -> dict[str, Any]:
    return {"id": check_id, "part": check_id.partition("::")[0], "name": check_id.partition("::")[2],
            "title": check_id.partition("::")[2].replace("_", " "), "max_points": 1.0, "outcome": outcome,
            "mistake": mistake, "points": 1.0 if outcome == "passed" else 0.0}


def draw(rng: random.Random, rates: dict[Any, float]) -> Any:
    return rng.choices(list(rates), weights=list(rates.values()))[0]


def synth_record(student: str, rng: random.Random, quiz: Any) -> dict[str, Any]:
    """One student's record, as grader.classroom.student writes it, with outcomes drawn at the rates above."""
    sigmoid = check(CHECKS[0], "failed", "sigmoid-grad-of-x") if rng.random() < MISTAKE_RATE \
        else check(CHECKS[0], "passed")
    relu = check(CHECKS[1], "failed") if rng.random() < UNMATCHED_RATE else check(CHECKS[1], "passed")
    mse = check(CHECKS[2], "not_implemented" if rng.random() < TODO_RATE else "passed")
    parts = [{"name": "activations", "checks": [sigmoid, relu]}, {"name": "losses", "checks": [mse]}]
    answers: dict[str, Any] = {"layers": draw(rng, LAYERS),
                               "relus": ["leaky", "elu", "plain"] if rng.random() < PLAIN_RATE else ["leaky", "elu"]}
    peak = draw(rng, PEAK)
    if peak:
        answers["peak"] = peak
    result = result_to_dict(grade_answers(quiz, answers, student))
    part_points = {p["name"]: {"points": sum(c["points"] for c in p["checks"]), "max_points": len(p["checks"])}
                   for p in parts}
    code_points = sum(p["points"] for p in part_points.values())
    return {"schema": RECORD_SCHEMA, "student": student, "source": student, "status": "graded", "message": "",
            "parts": part_points, "code": {"parts": parts},
            "quizzes": {quiz.id: {"points": result["points"], "max_points": quiz.max_points, "submitted": True,
                                  "message": "", "result": result}},
            "code_points": code_points, "quiz_points": result["points"], "points": code_points + result["points"],
            "max_points": 3 + quiz.max_points, "flags": [], "graded_at": "2026-01-01T00:00:00+00:00"}


def synth_class(count: int, quiz: Any, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [synth_record(f"s{i:04d}", rng, quiz) for i in range(count)]


@pytest.fixture(scope="module")
def big_class(quiz: Any) -> list[dict[str, Any]]:
    return synth_class(1000, quiz)


def test_the_report_recovers_the_rates_the_class_was_drawn_at(big_class: list[dict[str, Any]], quiz: Any) -> None:
    report = build_report(big_class, [quiz])
    checks = {c.id: c for c in report.checks}
    assert checks[CHECKS[0]].failure_rate == pytest.approx(MISTAKE_RATE, abs=0.05)
    assert checks[CHECKS[2]].outcomes["not_implemented"] == checks[CHECKS[2]].failed
    assert report.checks[0].id == CHECKS[0]  # the most failed first
    (mistake,) = report.mistakes
    assert mistake.id == "sigmoid-grad-of-x" and mistake.concept == "vanishing-gradient"
    assert mistake.rate == pytest.approx(MISTAKE_RATE, abs=0.05) and "sigmoid" in mistake.explanation
    assert [u.checks for u in report.unmatched] == [[CHECKS[1]]]
    assert report.unmatched[0].rate == pytest.approx(UNMATCHED_RATE, abs=0.05)
    losses = next(p for p in report.parts if p.name == "losses")
    assert losses.not_started / report.students == pytest.approx(TODO_RATE, abs=0.03)

    items = {i.question: i for i in report.items}
    peak = items["peak"]
    assert peak.skipped / peak.takers == pytest.approx(PEAK[None], abs=0.03)
    for slot in ("quarter", "half"):
        assert peak.share(peak.options[slot]) == pytest.approx(PEAK[slot] / (1 - PEAK[None]), abs=0.05)
    assert peak.facility == pytest.approx(PEAK["quarter"], abs=0.05)
    assert peak.discrimination == pytest.approx(0, abs=0.1)  # answers drawn independently discriminate nothing
    assert "unchosen_distractor" in peak.flags and peak.options["one"].chosen == 0
    layers = items["layers"]
    assert layers.share(layers.options[CORRECT]) == pytest.approx(LAYERS[0.25], abs=0.05)
    assert layers.options["0.5"].misconception == "half-instead"
    assert layers.share(layers.options["0.5"]) == pytest.approx(LAYERS[0.5], abs=0.05)
    relus = items["relus"]
    assert relus.share(relus.options["plain"]) == pytest.approx(PLAIN_RATE, abs=0.05)
    assert items["unasked"].facility is None and items["unasked"].flags == ["nobody_answered"]

    concepts = {c.concept: c for c in report.concepts}
    assert concepts["vanishing-gradient"].code_rate == pytest.approx(MISTAKE_RATE, abs=0.05)
    assert concepts["vanishing-gradient"].quiz_rate == pytest.approx(PEAK["half"] / (1 - PEAK[None]), abs=0.05)
    assert concepts["relu-family"].quiz_rate == pytest.approx(PLAIN_RATE, abs=0.05)


def test_item_statistics_match_a_hand_computed_example(quiz: Any) -> None:
    # Four students; the item right for the two whose rest of the quiz is higher:
    # item x = 1, 1, 0, 0; rest y = 3, 2, 2, 1 -> mean 0.5 and 2; Sxy = 1, Sxx = 1, Syy = 2; r = 1 / sqrt(2).
    assert correlation([1, 1, 0, 0], [3, 2, 2, 1]) == pytest.approx(2 ** -0.5)
    item = ItemRow("q", "i", "single", scores=[1, 1, 0, 0], rests=[3, 2, 2, 1], answered=4)
    assert item.facility == 0.5 and item.discrimination == pytest.approx(0.7071, abs=1e-4)
    reversed_item = ItemRow("q", "i", "single", scores=[0, 0, 1, 1], rests=[3, 2, 2, 1], answered=4)
    assert reversed_item.discrimination == pytest.approx(-0.7071, abs=1e-4)
    assert "negative_discrimination" in reversed_item.flags
    assert correlation([1, 1, 1], [1, 2, 3]) is None  # a question everyone got right discriminates nothing


def test_a_distractor_chosen_more_than_the_key_is_flagged(quiz: Any) -> None:
    rng = random.Random(1)
    records = [synth_record(f"s{i}", rng, quiz) for i in range(6)]
    for record in records:  # everyone answers "0.5"
        result = result_to_dict(grade_answers(quiz, {"peak": "half"}, record["student"]))
        record["quizzes"][quiz.id].update(result=result, points=result["points"])
    peak = next(i for i in build_report(records, [quiz]).items if i.question == "peak")
    assert peak.options["half"].chosen == 6 and "distractor_beats_key" in peak.flags


def write_class(folder: Path, records: list[dict[str, Any]]) -> Path:
    for record in records:
        save_record(folder, record)
    return folder


def test_the_command_writes_the_page_and_the_tables_from_records_alone(tmp_path: Path, quiz: Any,
                                                                        big_class: list[dict[str, Any]]) -> None:
    graded = write_class(tmp_path / "graded", big_class)
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["report", str(graded), "--quiz", quiz.file, "--html",
                                       str(tmp_path / "class.html")])
    print(f"report of 1,000 students: {time.perf_counter() - started:.2f}s")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "class.html").read_text(encoding="utf-8")
    assert "What the class got wrong" in page and "<svg" in page
    for needle in ("http:", "https:", "url(", "src=", "//"):
        assert needle not in page, needle
    assert "38%" in page or "37%" in page or "39%" in page or "40%" in page  # sigmoid-grad-of-x, drawn at 38%
    for name in ("checks.csv", "mistakes.csv", "items.csv", "options.csv"):
        assert (graded / name).is_file()
    items = list(csv.DictReader(io.StringIO((graded / "items.csv").read_text(encoding="utf-8"))))
    unasked = next(r for r in items if r["question"] == "unasked")
    assert unasked["facility"] == "" and unasked["answered"] == "0"  # unknown, not 0%


def test_merged_shards_give_the_same_report_as_one_run(tmp_path: Path, quiz: Any) -> None:
    records = synth_class(40, quiz, seed=3)
    whole = write_class(tmp_path / "whole", records)
    shards = [write_class(tmp_path / f"shard{k}", records[k::2]) for k in range(2)]
    merge(tmp_path / "merged", shards)
    for folder in (whole, tmp_path / "merged"):
        write_csv_files(build_report(_load(folder), [quiz]), folder)
    for name in ("checks.csv", "mistakes.csv", "items.csv", "options.csv"):
        assert (whole / name).read_text(encoding="utf-8") == (tmp_path / "merged" / name).read_text(encoding="utf-8")


def _load(folder: Path) -> list[dict[str, Any]]:
    from grader.classroom.class_report import load_class

    return load_class(folder)


def test_the_tables_are_safe_to_open_in_a_spreadsheet(tmp_path: Path, quiz: Any) -> None:
    records = synth_class(3, quiz)
    for record in records:
        for part in record["code"]["parts"]:
            for c in part["checks"]:
                c.update(outcome="failed", title="=HYPERLINK(\"x\")")
        record["quizzes"][quiz.id]["result"]["questions"][0]["answers"] = [
            {"label": "A", "text": "@SUM(A1)", "correct": False, "selected": True, "misconception": "+cmd"}]
        record["quizzes"][quiz.id]["result"]["questions"][0]["answered"] = True
    write_csv_files(build_report(records), tmp_path)
    cells = [cell for name in ("checks.csv", "mistakes.csv", "options.csv")
             for row in csv.reader(io.StringIO((tmp_path / name).read_text(encoding="utf-8"))) for cell in row]
    assert "'=HYPERLINK(\"x\")" in cells and "'@SUM(A1)" in cells and "'+cmd" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_a_small_class_is_marked_unreliable_not_hidden(quiz: Any) -> None:
    report = build_report(synth_class(5, quiz), [quiz])
    page = render_class_html(report)
    assert not report.reliable and "fewer than 20" in page and "unreliable" in page
    assert report.checks and report.items  # still shown


def test_the_korean_report_has_korean_headings(tmp_path: Path, quiz: Any) -> None:
    graded = write_class(tmp_path / "graded", synth_class(25, quiz))
    result = CliRunner().invoke(main, ["report", str(graded), "--lang", "ko"])
    assert result.exit_code == 0, result.output
    page = (graded / "class-report.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in page and "학급이 틀린 것" in page and "퀴즈 문항 분석" in page
    assert (graded / "checks.csv").read_text(encoding="utf-8").startswith("검사 항목,")


def test_a_folder_without_records_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "holds no student records" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_records_store_the_chosen_option_whatever_its_letter(quiz: Any) -> None:
    # The letters are shuffled per student; the slot names the option the same way for everyone.
    chosen = {result_to_dict(grade_answers(quiz, {"peak": "half"}, s))["questions"][0]["answers"][0]["slot"]
              for s in ("a", "b", "c", "d", "e")}
    assert chosen == {"half"}


def test_autograde_report_writes_the_class_report_after_grading(tmp_path: Path) -> None:
    # Quiz-only students: nothing to run, so the whole class is graded in moments.
    submissions = tmp_path / "submissions"
    for student, chosen in (("ann", "p1010"), ("bob", "p1000"), ("cat", "p1000")):
        (submissions / student).mkdir(parents=True)
        (submissions / student / "class-quiz.answers.yaml").write_text(f"answers:\n  dense-params: {chosen}\n",
                                                                       encoding="utf-8")
    quiz_file = Path(__file__).with_name("data") / "class-quiz.yaml"
    result = CliRunner().invoke(main, ["autograde", str(submissions), "--output", str(tmp_path / "graded"), "-q",
                                       "--quiz", str(quiz_file), "--report", "-j", "1"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "graded" / "class-report.html").read_text(encoding="utf-8")
    assert "class report:" in result.output and "dense-params" in page
    options = list(csv.DictReader(io.StringIO((tmp_path / "graded" / "options.csv").read_text(encoding="utf-8"))))
    chosen = {r["option"]: r["chosen"] for r in options if r["question"] == "dense-params"}
    assert chosen == {"p1000": "2", "p1010": "1", "p1100": "0"}


def test_a_failure_another_failing_part_explains_is_not_queued_for_the_catalogue(quiz: Any) -> None:
    """A check that ran the student's whole submission and failed while a part it calls fails its own checks (its
    record names them) counts as a failure of the check, but is no candidate for a new catalogued mistake."""
    plain, explained = synth_class(2, quiz, seed=3)
    for record, callees in ((plain, []), (explained, ["losses"])):
        relu = record["code"]["parts"][0]["checks"][1]
        relu.update(outcome="failed", mistake="", points=0.0, callees_failing=callees)
    report = build_report([plain, explained], [quiz])
    (row,) = [c for c in report.checks if c.id == CHECKS[1]]
    assert sorted(row.students) == sorted([plain["student"], explained["student"]])
    (queued,) = [m for m in report.unmatched if CHECKS[1] in m.checks]
    assert queued.students == [plain["student"]]
