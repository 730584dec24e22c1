"""GitHub Classroom: the result JSON the autograding reporter reads, and a job summary with the points line.

``render_github`` writes the result a test runner hands to GitHub Classroom's ``autograding-grading-reporter``
action (base64-encoded in ``<RUNNER>_RESULTS``). The reporter (github-education-resources/autograding-grading-reporter:
``src/main.js``, ``src/notify-classroom.js``, ``src/console-results.js``) reads ``status`` ("pass", "fail" or
"error"), ``max_score`` and ``tests[]`` with ``name``, ``status``, ``score`` and ``message``; the runners also
give ``line_no`` (0, as the command grader sends it: the reporter prints it after each test), ``execution_time``
(as text, "12ms") and a ``version`` (written here as 3; the reporter does not read it). The reporter posts
``Points <sum of tests' score>/<max_score>`` to the classroom, while its console table shows passed/total tests
times ``max_score``; the two agree only when every test is worth the same whole number of points. So what is sent
is one test per check worth 1 point, ``max_score`` the number of checks: the classroom records the checks passed
out of the checks run. The checks' own (weighted) points are beside it, in ``points`` and ``max_points`` (which the
reporter ignores), and in the job summary. ``summary`` holds the job summary's markdown, so that the workflow grades
once and writes both.

``render_github_summary`` is markdown for ``$GITHUB_STEP_SUMMARY``: the same ``Points X/Y`` line, the grade's notes
(what a notebook left ungraded, fenced), then a table per part. A grade from a student's copy of the course adds how
many hidden checks it did not run: a ``hidden`` field beside ``tests`` (the reporter ignores it) and a line under
the points. What a student reads is in the grade's language; the fields the reporter reads keep its words.
"""

from __future__ import annotations

import json

from grader.i18n import language, tr
from grader.report.common import (
    explanation,
    hidden_note,
    notes_markdown,
    outcome_word,
    pts,
    reproduction,
    reproduction_markdown,
)
from grader.results import CheckResult, GradeResult, Outcome, PartResult


def render_github(result: GradeResult, **_: object) -> str:
    broken = any(c.outcome is Outcome.ERROR for c in result.checks)
    with language(result.language):
        tests = [_test(check, part) for part in result.parts for check in part.checks]
    document = {
        "version": 3,
        "status": "pass" if result.all_passed else ("error" if broken else "fail"),
        "max_score": len(tests),
        "tests": tests,
        "points": result.points,
        "max_points": result.max_points,
        "reproduce": reproduction(result),
        "summary": render_github_summary(result),
    }
    if result.hidden.checks:
        document["hidden"] = result.hidden.to_dict()
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _test(check: CheckResult, part: PartResult) -> dict:
    """One check as the reporter reads it: ``status`` is its word ("pass", "fail", "error"), ``message`` the
    student's, in the current language."""
    return {
        "name": f"{part.name}: {check.title}",
        "status": "pass" if check.passed else ("error" if check.outcome is Outcome.ERROR else "fail"),
        "score": 1 if check.passed else 0,  # one whole point per check: see the module docstring
        "message": None if check.passed else explanation(check, part),
        "line_no": 0,
        "execution_time": f"{round(check.duration * 1000)}ms",
        "test_code": check.id,
    }


def render_github_summary(result: GradeResult, **_: object) -> str:
    with language(result.language):
        return "\n".join(_summary_lines(result)) + "\n"


def _summary_lines(result: GradeResult) -> list[str]:
    # "Points X/Y" is the line the reporter itself posts to the classroom: kept as it writes it, in any language
    lines = [f"Points {sum(c.passed for c in result.checks)}/{len(result.checks)}", "",
             tr("report.github.weighted", points=pts(result.points), max=pts(result.max_points)), ""]
    if result.hidden.checks:
        lines += [hidden_note(result), ""]
    if notes := notes_markdown(result.notes):
        lines += [notes, ""]
    lines += [f"| {tr('report.col.part')} | {tr('report.col.points')} | {tr('report.col.checks_passed')} |",
              "|---|---|---|"]
    lines += [f"| {p.name} | {pts(p.points)}/{pts(p.max_points)} | {p.passed_count}/{len(p.checks)} |"
              for p in result.parts]
    failing = [(p, c) for p in result.parts for c in p.checks if not c.passed]
    if failing:
        lines += ["", f"<details><summary>{tr('report.what_failed')}</summary>", ""]
        lines += [f"- **{outcome_word(c.outcome)}** {p.name}: {c.title}" for p, c in failing]
        lines += ["", "</details>"]
    return lines + ["", reproduction_markdown(result)]
