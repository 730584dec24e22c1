"""GitHub Classroom: the result JSON the autograding reporter reads, and a job summary with the points line.

``render_github`` writes the result a test runner hands to GitHub Classroom's ``autograding-grading-reporter``
action (base64-encoded in ``<RUNNER>_RESULTS``). The reporter (github-education-resources/autograding-grading-reporter:
``src/main.js``, ``src/notify-classroom.js``, ``src/console-results.js``) reads ``status`` ("pass", "fail" or
"error"), ``max_score`` and ``tests[]`` with ``name``, ``status``, ``score`` and ``message``; the runners also
give ``line_no``, ``execution_time`` (as text, "12ms") and a ``version`` (written here as 3; the reporter does
not read it). The reporter posts ``Points <sum of tests' score>/<max_score>`` to the classroom, so each check
carries its own points; note that its console table instead scores passed/total tests times max_score.

``render_github_summary`` is markdown for ``$GITHUB_STEP_SUMMARY``: the same ``Points X/Y`` line, then a table
per part. A grade from a student's copy of the course adds how many hidden checks it did not run: a ``hidden`` field
beside ``tests`` (the reporter ignores it) and a line under the points.
"""

from __future__ import annotations

import json

from grader.report.gradescope import WORD, hidden_note, reproduction, reproduction_markdown
from grader.results import GradeResult


def render_github(result: GradeResult, **_: object) -> str:
    broken = any(c.outcome == "error" for c in result.checks)
    document = {
        "version": 3,
        "status": "pass" if result.all_passed else ("error" if broken else "fail"),
        "max_score": result.max_points,
        "tests": [
            {
                "name": f"{part.name}: {check.title}",
                "status": "pass" if check.passed else ("error" if check.outcome == "error" else "fail"),
                "score": check.points,
                "message": None if check.passed else "\n".join(
                    filter(None, [check.message or part.diagnostic, f"hint: {check.hint}" if check.hint else ""])),
                "line_no": None,
                "execution_time": f"{round(check.duration * 1000)}ms",
                "test_code": check.id,
            }
            for part in result.parts for check in part.checks
        ],
        "reproduce": reproduction(result),
    }
    if result.hidden.checks:
        document["hidden"] = result.hidden.to_dict()
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_github_summary(result: GradeResult, **_: object) -> str:
    lines = [f"Points {result.points:g}/{result.max_points:g}", ""]
    if result.hidden.checks:
        lines += [hidden_note(result), ""]
    lines += ["| part | points | checks passed |", "|---|---|---|"]
    lines += [f"| {p.name} | {p.points:g}/{p.max_points:g} | {p.passed_count}/{len(p.checks)} |"
              for p in result.parts]
    failing = [(p, c) for p in result.parts for c in p.checks if not c.passed]
    if failing:
        lines += ["", "<details><summary>What failed</summary>", ""]
        lines += [f"- **{WORD[c.outcome]}** {p.name}: {c.title}" for p, c in failing]
        lines += ["", "</details>"]
    lines += ["", reproduction_markdown(result)]
    return "\n".join(lines) + "\n"
