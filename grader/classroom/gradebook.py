"""The gradebook CSV and the class summary, built from the student records; merging the shards of a class.

Both are always rebuilt from ``<output>/students/*.json``, so they can be regenerated at any time, a partial run
gives a partial gradebook, and merging shards is copying records into one folder and rebuilding.

``gradebook.csv``: one row per student: ``student, source, status, <part>..., quiz:<id>..., code, quizzes, total,
max_total, flags, message``. ``source`` is the submission's name in the class folder (students whose names map to
one id are told apart by it, grader.classroom.roster), ``flags`` what the instructor should look at (an answers file
naming another student). The CSV is safe to open in a spreadsheet: a text cell that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) starts with ``'`` instead, as OWASP
advises against CSV injection; the number columns are written as numbers. ``summary.json`` / ``summary.md``: the
count per status, mean and median total, and every check's pass rate over the students whose code was graded, lowest
first: the checks the class fails most.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import statistics
from pathlib import Path
from typing import Any

from grader.classroom.records import STUDENTS_DIR, cannot_write, load_records, write_atomic
from grader.report.common import pts

GRADEBOOK = "gradebook.csv"
SUMMARY_JSON = "summary.json"
SUMMARY_MD = "summary.md"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula (OWASP)


def write_gradebook(output: Path) -> dict[str, Any]:
    """Rebuild ``gradebook.csv`` and the summary in ``output`` from its records; return the summary."""
    output = Path(output)
    records = load_records(output)
    write_atomic(output / GRADEBOOK, gradebook_csv(records))
    summary = summarize(records)
    write_atomic(output / SUMMARY_JSON, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    write_atomic(output / SUMMARY_MD, summary_markdown(summary))
    return summary


def gradebook_csv(records: list[dict[str, Any]]) -> str:
    """The gradebook of ``records`` (see the module docstring); every text cell made safe with ``text_cell``."""
    parts = _union(r["parts"] for r in records)
    quizzes = _union(r["quizzes"] for r in records)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([text_cell(c) for c in ["student", "source", "status", *parts, *(f"quiz:{q}" for q in quizzes),
                                            "code", "quizzes", "total", "max_total", "flags", "message"]])
    for r in records:
        writer.writerow([text_cell(r["student"]), text_cell(r.get("source", "")), text_cell(r["status"]),
                         *(pts(r["parts"].get(p, {}).get("points", 0)) for p in parts),
                         *(pts(r["quizzes"].get(q, {}).get("points", 0)) for q in quizzes),
                         pts(r["code_points"]), pts(r["quiz_points"]), pts(r["points"]), pts(r["max_points"]),
                         text_cell("; ".join(r.get("flags", []))), text_cell(_last_line(r.get("message", "")))])
    return out.getvalue()


def text_cell(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs: a line break or other control character in it (a folder's name
    may hold one) is written escaped, ``\\r``, so it cannot split the row, and a cell that starts like a formula
    gets a leading ``'``."""
    text = "".join(c if c.isprintable() or c == "\t" else repr(c)[1:-1] for c in text)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def summarize(records: list[dict[str, Any]]) -> dict[str, Any]:
    totals = [r["points"] for r in records]
    statuses: dict[str, int] = {}
    for r in records:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    checks: dict[str, dict[str, Any]] = {}
    for r in records:
        for part in (r.get("code") or {}).get("parts", []):
            for c in part["checks"]:
                row = checks.setdefault(c["id"], {"id": c["id"], "title": c["title"], "passed": 0, "graded": 0})
                row["graded"] += 1
                row["passed"] += c["outcome"] == "passed"
    questions: dict[str, dict[str, Any]] = {}
    for r in records:
        for quiz_id, entry in r["quizzes"].items():
            for q in (entry.get("result") or {}).get("questions", []):
                key = f"{quiz_id}::{q['id']}"
                row = questions.setdefault(key, {"id": key, "correct": 0, "answered": 0})
                row["answered"] += 1
                row["correct"] += bool(q["correct"])
    for row in checks.values():
        row["pass_rate"] = round(row["passed"] / row["graded"], 4)
    for row in questions.values():
        row["correct_rate"] = round(row["correct"] / row["answered"], 4)
    return {
        "students": len(records),
        "statuses": dict(sorted(statuses.items())),
        "max_total": max((r["max_points"] for r in records), default=0),
        "mean": round(statistics.fmean(totals), 3) if totals else 0,
        "median": statistics.median(totals) if totals else 0,
        "checks": sorted(checks.values(), key=lambda c: (c["pass_rate"], c["id"])),
        "quiz_questions": sorted(questions.values(), key=lambda q: (q["correct_rate"], q["id"])),
    }


def summary_markdown(summary: dict[str, Any]) -> str:
    lines = ["# Class summary", "",
             f"{summary['students']} students; total out of {pts(summary['max_total'])}: mean "
             f"{pts(summary['mean'])}, median {pts(summary['median'])}.", "",
             "| status | students |", "|---|---|", *(f"| {k} | {v} |" for k, v in summary["statuses"].items()), "",
             "## Checks, most failed first", "", "| check | passed | pass rate |", "|---|---|---|"]
    lines += [f"| {c['id']} | {c['passed']}/{c['graded']} | {c['pass_rate']:.0%} |" for c in summary["checks"]]
    if summary["quiz_questions"]:
        lines += ["", "## Quiz questions, most missed first", "", "| question | correct | rate |", "|---|---|---|"]
        lines += [f"| {q['id']} | {q['correct']}/{q['answered']} | {q['correct_rate']:.0%} |"
                  for q in summary["quiz_questions"]]
    return "\n".join(lines) + "\n"


def merge(output: Path, shards: list[Path]) -> dict[str, Any]:
    """Join the records of ``shards`` (autograde output folders) into ``output`` and rebuild the gradebook.

    A student graded in two shards keeps the record graded last. A file that cannot be written is an
    ``OutputError``; the records already copied stay whole.
    """
    try:
        return _merge(Path(output), shards)
    except OSError as exc:
        raise cannot_write(exc, output) from None


def _merge(output: Path, shards: list[Path]) -> dict[str, Any]:
    target = Path(output) / STUDENTS_DIR
    target.mkdir(parents=True, exist_ok=True)
    kept = {r["student"]: r.get("graded_at", "") for r in load_records(output)}
    for shard in shards:
        for record in load_records(shard):
            sid = record["student"]
            if sid in kept and kept[sid] > record.get("graded_at", ""):
                continue
            kept[sid] = record.get("graded_at", "")
            for suffix in (".json", ".md"):
                source = Path(shard) / STUDENTS_DIR / f"{sid}{suffix}"
                if source.is_file():
                    _copy_atomic(source, target / f"{sid}{suffix}")
    return write_gradebook(output)


def _copy_atomic(source: Path, dest: Path) -> None:
    """Copy ``source`` to ``dest`` through a hidden file and a rename, removing the hidden file if the copy fails."""
    partial = dest.with_name(f".{dest.name}.merging")
    try:
        shutil.copyfile(source, partial)
        partial.replace(dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1][:200] if lines else ""


def _union(mappings) -> list[str]:
    seen: dict[str, None] = {}
    for mapping in mappings:
        seen.update(dict.fromkeys(mapping))
    return list(seen)
