"""A student's feedback in markdown, written beside their record: the score, what failed and why, the quizzes.

Everything shown is read from the record; nothing is scored here. The feedback speaks the class's language (the
record's ``language``; English for a record made before records carried it): every sentence comes from
``classroom.*`` in ``grader/locale/<lang>/classroom.yaml``.
"""

from __future__ import annotations

from typing import Any

from grader.i18n import DEFAULT_LANGUAGE, language, tr, tr_or
from grader.quiz.grading import message_language
from grader.report.common import fenced, notes_markdown, pts


def render_feedback(record: dict[str, Any]) -> str:
    with language(message_language(record.get("language") or DEFAULT_LANGUAGE)):
        return _render(record)


def _render(record: dict[str, Any]) -> str:
    total = tr("classroom.feedback.total", points=pts(record["points"]), max=pts(record["max_points"]))
    breakdown = tr("classroom.feedback.breakdown", code_points=pts(record["code_points"]),
                   code_max=pts(record["code_max"]), quiz_points=pts(record["quiz_points"]),
                   quiz_max=pts(record["quiz_max"]))
    lines = [f"# {tr('classroom.feedback.title', student=record['student'])}", "",
             f"**{total}** ({breakdown}) -- {_word('classroom.status', record['status'])}", ""]
    if record.get("message"):
        lines += [*fenced(record["message"].rstrip()), ""]
    if notes := notes_markdown((record.get("code") or {}).get("notes") or []):  # what a notebook left ungraded
        lines += [notes, ""]
    lines += _code_lines(record)
    for quiz_id, entry in record.get("quizzes", {}).items():
        lines += _quiz_lines(quiz_id, entry)
    code = record.get("code") or {}
    versions = record.get("versions", {})
    lines += ["---", tr("classroom.feedback.reproduce", seed=record.get("seed"), suites=code.get("suite_hash", "-"),
                        python=versions.get("python", "?"), numpy=versions.get("numpy", "?"),
                        version=versions.get("nn-grader", "?")), ""]
    return "\n".join(lines)


def _code_lines(record: dict[str, Any]) -> list[str]:
    lines = [f"## {tr('classroom.feedback.code_heading')}", "",
             f"| {tr('classroom.feedback.col_part')} | {tr('classroom.feedback.col_points')} |", "|---|---|"]
    lines += [f"| {name} | {pts(p['points'])} / {pts(p['max_points'])} |" for name, p in record["parts"].items()]
    lines.append("")
    for part in (record.get("code") or {}).get("parts", []):
        if part.get("diagnostic"):
            lines += [f"### {tr('classroom.feedback.part_not_graded', part=part['name'])}", "",
                      *fenced(part["diagnostic"].rstrip()), ""]
            continue
        failing = [c for c in part["checks"] if c["outcome"] != "passed"]
        if not failing:
            continue
        if all(c["outcome"] == "not_implemented" for c in failing) and len(failing) == len(part["checks"]):
            lines += [f"### {tr('classroom.feedback.part_not_started', part=part['name'], count=len(failing))}", ""]
            continue
        lines += [f"### {part['name']}", ""]
        for check in failing:
            lines.append(f"- **{_word('classroom.outcome', check['outcome'])}**: {check['title']} "
                         f"({pts(check['points'])} / {pts(check['max_points'])})")
            detail = "\n".join(filter(None, [check.get("message", ""),
                                             tr("classroom.feedback.hint", hint=check["hint"])
                                             if check.get("hint") else ""]))
            if detail:
                lines += ["", *fenced(detail, indent="  ")]
        lines.append("")
    return lines


def _quiz_lines(quiz_id: str, entry: dict[str, Any]) -> list[str]:
    heading = tr("classroom.feedback.quiz_heading", quiz=quiz_id, points=pts(entry["points"]),
                 max=pts(entry["max_points"]))
    lines = [f"## {heading}", ""]
    if entry.get("message"):
        lines += [entry["message"], ""]
    for question in (entry.get("result") or {}).get("questions", []):
        verdict = tr("classroom.verdict." + ("correct" if question["correct"] else
                                             "unanswered" if not question["answered"] else "wrong"))
        given = f"; {tr('classroom.feedback.you_answered', given=question['given'])}" if question["given"] else ""
        lines.append(f"- {question['id']}: **{verdict}** ({pts(question['points'])} / "
                     f"{pts(question['max_points'])}){given}")
        for answer in question.get("answers", []):
            if answer.get("feedback") and not answer.get("correct"):
                lines.append(f"  - {answer['label']}: {answer['feedback']}")
        if not question["correct"] and question.get("explanation"):
            lines.append(f"  - {tr('classroom.feedback.why', explanation=question['explanation'])}")
    lines.append("")
    return lines


def _word(area: str, name: str) -> str:
    """A status's or an outcome's word in the current language; an unknown one is shown as it is stored."""
    return tr_or(f"{area}.{name}", name)

