"""A student's feedback in markdown, written beside their record: the score, what failed and why, the quizzes.

Everything shown is read from the record; nothing is scored here.
"""

from __future__ import annotations

from typing import Any

OUTCOME_WORD = {"passed": "passed", "failed": "failed", "not_implemented": "not started", "error": "check error",
                "timeout": "timed out", "crashed": "crashed", "ungradable": "not graded"}
STATUS_WORD = {"graded": "graded", "no_code": "no code found", "invalid": "submission could not be opened",
               "timeout": "grading ran out of time", "crashed": "grading crashed", "error": "grader error"}


def render_feedback(record: dict[str, Any]) -> str:
    lines = [f"# Feedback for {record['student']}", "",
             f"**Total: {_pts(record['points'])} / {_pts(record['max_points'])}** "
             f"(code {_pts(record['code_points'])} / {_pts(record['code_max'])}, "
             f"quizzes {_pts(record['quiz_points'])} / {_pts(record['quiz_max'])}) -- "
             f"{STATUS_WORD.get(record['status'], record['status'])}", ""]
    if record.get("message"):
        lines += ["```", record["message"].rstrip(), "```", ""]
    lines += _code_lines(record)
    for quiz_id, entry in record.get("quizzes", {}).items():
        lines += _quiz_lines(quiz_id, entry)
    code = record.get("code") or {}
    versions = record.get("versions", {})
    lines += ["---", f"Reproduce: seed {record.get('seed')}, suites {code.get('suite_hash', '-')}, "
              f"Python {versions.get('python', '?')}, numpy {versions.get('numpy', '?')}, "
              f"nn-grader {versions.get('nn-grader', '?')}.", ""]
    return "\n".join(lines)


def _code_lines(record: dict[str, Any]) -> list[str]:
    lines = ["## Code", "", "| part | points |", "|---|---|"]
    lines += [f"| {name} | {_pts(p['points'])} / {_pts(p['max_points'])} |" for name, p in record["parts"].items()]
    lines.append("")
    for part in (record.get("code") or {}).get("parts", []):
        if part.get("diagnostic"):
            lines += [f"### {part['name']}: not graded", "", "```", part["diagnostic"].rstrip(), "```", ""]
            continue
        failing = [c for c in part["checks"] if c["outcome"] != "passed"]
        if not failing:
            continue
        if all(c["outcome"] == "not_implemented" for c in failing) and len(failing) == len(part["checks"]):
            lines += [f"### {part['name']}: not started ({len(failing)} checks)", ""]
            continue
        lines += [f"### {part['name']}", ""]
        for check in failing:
            lines.append(f"- **{OUTCOME_WORD.get(check['outcome'], check['outcome'])}**: {check['title']} "
                         f"({_pts(check['points'])} / {_pts(check['max_points'])})")
            detail = "\n".join(filter(None, [check.get("message", ""),
                                             f"hint: {check['hint']}" if check.get("hint") else ""]))
            if detail:
                lines += ["", "  ```", *[f"  {line}" for line in detail.splitlines()], "  ```"]
        lines.append("")
    return lines


def _quiz_lines(quiz_id: str, entry: dict[str, Any]) -> list[str]:
    lines = [f"## Quiz {quiz_id}: {_pts(entry['points'])} / {_pts(entry['max_points'])}", ""]
    if entry.get("message"):
        lines += [entry["message"], ""]
    for question in (entry.get("result") or {}).get("questions", []):
        verdict = "correct" if question["correct"] else ("not answered" if not question["answered"] else "wrong")
        lines.append(f"- {question['id']}: **{verdict}** ({_pts(question['points'])} / "
                     f"{_pts(question['max_points'])})" + (f"; you answered {question['given']}"
                                                          if question["given"] else ""))
        for answer in question.get("answers", []):
            if answer.get("feedback") and not answer.get("correct"):
                lines.append(f"  - {answer['label']}: {answer['feedback']}")
        if not question["correct"] and question.get("explanation"):
            lines.append(f"  - why: {question['explanation']}")
    lines.append("")
    return lines


def _pts(x: float) -> str:
    return f"{x:g}"
