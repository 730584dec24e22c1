"""Autograding a generated class of 31 submissions: the gradebook row by row, feedback, summary, and resuming."""

from __future__ import annotations

import csv
import json
import shutil

from grader.classroom.autograde import autograde
from grader.classroom.gradebook import merge
from grader.classroom.records import RECORD_SCHEMA, fingerprint, load_record, save_record
from tests.classroom.conftest import BUDGET, SETTINGS


def rows(output):
    with open(output / "gradebook.csv", newline="", encoding="utf-8") as stream:
        return {row["student"]: row for row in csv.DictReader(stream)}


def test_every_student_has_a_row_with_the_expected_status_and_points(graded_class):
    submissions, output, expect, run = graded_class
    table = rows(output)
    assert len(expect) >= 30 and sorted(table) == sorted(expect) == sorted(run.graded)
    full = max(float(r["activations"]) for r in table.values())
    assert full > 0
    for student, want in expect.items():
        row = table[student]
        code = float(row["activations"])
        assert row["status"] == want["status"], (student, row)
        assert {"full": code == full, "zero": code == 0, "partial": 0 < code < full}[want["code"]], (student, row)
        assert float(row["quiz:class-quiz"]) == want["quiz"], (student, row)
        assert float(row["total"]) == code + want["quiz"], (student, row)
        assert float(row["max_total"]) == full + 2, (student, row)


def test_each_failure_is_recorded_where_it_happened(graded_class):
    _, output, expect, _ = graded_class
    for student, want in expect.items():
        record = load_record(output / "students" / f"{student}.json")
        outcomes = {c["id"]: c["outcome"] for p in (record["code"] or {}).get("parts", []) for c in p["checks"]}
        if "fails" in want:
            assert outcomes[want["fails"]] == "failed", student
        if "outcome" in want:
            assert want["outcome"] in outcomes.values(), (student, set(outcomes.values()))
    crashed_import = load_record(output / "students" / "crash-import.json")
    assert crashed_import["code"]["parts"][0]["diagnostic"]
    assert "budget" in load_record(output / "students" / "slow.json")["message"]
    assert "outside its folder" in load_record(output / "students" / "zip-escape.json")["message"]
    assert not (output.parent / "escaped.py").exists()


def test_a_hostile_submission_costs_only_its_own_budget(graded_class):
    _, output, _, _ = graded_class
    slow = load_record(output / "students" / "slow.json")
    assert slow["status"] == "timeout" and BUDGET <= slow["duration"] < BUDGET + 5
    others = [load_record(p) for p in (output / "students").glob("*.json")]
    assert max(r["duration"] for r in others if r["student"] != "slow") < BUDGET


def test_every_student_gets_markdown_and_json_feedback_that_carries_what_reproduces_the_grade(graded_class):
    _, output, expect, _ = graded_class
    for student in expect:
        record = json.loads((output / "students" / f"{student}.json").read_text(encoding="utf-8"))
        assert record["seed"] == SETTINGS.seed and {"python", "numpy"} <= set(record["versions"])
        assert record["settings"]["suite_hash"]
        text = (output / "students" / f"{student}.md").read_text(encoding="utf-8")
        assert text.startswith(f"# Feedback for {student}") and "Reproduce: seed" in text
    bug = (output / "students" / "bug-sigmoid-1.md").read_text(encoding="utf-8")
    assert "sigmoid" in bug and "failed" in bug and "each neuron has a bias too" in bug


def test_a_record_has_one_field_per_line_and_reads_back_whole(tmp_path):
    record = {"schema": RECORD_SCHEMA, "student": "jisoo-김", "status": "graded", "points": 7.5,
              "code": {"parts": [{"checks": [{"id": "a", "message": "line one\nline two"}]}]}, "quizzes": []}
    path = save_record(tmp_path, record)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "{" and lines[-1] == "}" and len(lines) == len(record) + 2
    assert [line.split(":", 1)[0].strip() for line in lines[1:-1]] == [json.dumps(key) for key in record]
    assert '  "student": "jisoo-김",' in lines and load_record(path) == record


def test_summary_lists_the_checks_the_class_fails_most_first(graded_class):
    _, output, expect, _ = graded_class
    summary = json.loads((output / "summary.json").read_text(encoding="utf-8"))
    assert summary["students"] == len(expect)
    rates = [c["pass_rate"] for c in summary["checks"]]
    assert rates == sorted(rates) and rates[0] < rates[-1] <= 1
    table = rows(output)
    totals = sorted(float(r["total"]) for r in table.values())
    assert summary["mean"] == round(sum(totals) / len(totals), 3)
    assert "Checks, most failed first" in (output / "summary.md").read_text(encoding="utf-8")


def test_a_second_run_regrades_only_the_student_whose_result_is_missing(graded_class, tmp_path):
    submissions, output, _, _ = graded_class
    copy = tmp_path / "graded"
    shutil.copytree(output, copy)
    before = rows(copy)
    (copy / "students" / "bug-relu-1.json").unlink()
    run = autograde(submissions, copy, SETTINGS, workers=2, budget=BUDGET)
    assert run.graded == ["bug-relu-1"] and len(run.skipped) == len(before) - 1
    assert rows(copy) == before


def test_shards_merge_into_the_same_gradebook(graded_class, tmp_path):
    _, output, expect, _ = graded_class
    shards = [tmp_path / "shard-1", tmp_path / "shard-2"]
    for i, student in enumerate(sorted(expect)):
        target = shards[i % 2] / "students"
        target.mkdir(parents=True, exist_ok=True)
        for suffix in (".json", ".md"):
            shutil.copyfile(output / "students" / f"{student}{suffix}", target / f"{student}{suffix}")
    merged = tmp_path / "merged"
    merge(merged, shards)
    assert (merged / "gradebook.csv").read_text() == (output / "gradebook.csv").read_text()


def test_a_students_edited_notebook_is_regraded_and_an_edited_readme_is_not(tmp_path):
    # a re-run skips a student whose gradable bytes did not change: a notebook is gradable, a README is not
    student = tmp_path / "bob"
    student.mkdir()
    (student / "work.ipynb").write_text('{"cells": []}')
    (student / "README.md").write_text("notes")
    before = fingerprint(student)
    (student / "README.md").write_text("other notes")
    assert fingerprint(student) == before
    (student / "work.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "x = 1"}]}')
    assert fingerprint(student) != before
