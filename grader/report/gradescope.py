"""Gradescope's autograder ``results.json``: one test per check, the grade's reproduction data in ``extra_data``.

Format as specified in Gradescope's autograder documentation, "Autograder Specifications" (gradescope-autograders
on Read the Docs, ``specs``; also ``docs/specs.md`` in gradescope/autograder_samples): top-level ``score``,
``execution_time`` (a number, seconds), ``output``, ``output_format``, ``test_output_format``, ``visibility``,
``stdout_visibility``, ``extra_data`` and ``tests``; each test has ``score``, ``max_score``, ``status``
("passed"/"failed"), ``name``, ``number``, ``output``, ``output_format``, ``tags`` and ``visibility``. Output is
markdown (``md``). The student's own prints stay in each test's output; the autograder's stdout is hidden. A grade
from a student's copy of the course says in ``output`` how many hidden checks it did not run.
"""

from __future__ import annotations

import json

from grader.i18n import language, tr
from grader.report.text import hidden_sentence
from grader.results import CheckResult, GradeResult, PartResult

WORD = {"passed": "passed", "failed": "failed", "not_implemented": "not implemented yet", "error": "check error",
        "timeout": "timed out", "crashed": "crashed", "ungradable": "not graded"}


def render_gradescope(result: GradeResult, **_: object) -> str:
    tests = []
    for i, part in enumerate(result.parts, start=1):
        for j, check in enumerate(part.checks, start=1):
            tests.append({
                "score": check.points,
                "max_score": check.max_points,
                "status": "passed" if check.passed else "failed",
                "name": f"{part.name}: {check.title}",
                "number": f"{i}.{j}",
                "output": check_markdown(check, part),
                "output_format": "md",
                "tags": [part.name, check.outcome] + ([check.mistake] if check.mistake else []),
                "visibility": "visible",
                "extra_data": {"id": check.id, "outcome": check.outcome},
            })
    document = {
        "score": result.points,
        "execution_time": round(result.duration, 3),
        "output": "\n\n".join(filter(None, [reproduction_markdown(result), hidden_note(result)])),
        "output_format": "md",
        "test_output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": reproduction(result),
        "tests": tests,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def check_markdown(check: CheckResult, part: PartResult) -> str:
    """A check's verdict, message, hint and the student's output, as markdown."""
    lines = [f"**{WORD[check.outcome]}** ({check.points:g}/{check.max_points:g})"]
    message = part.diagnostic if check.outcome == "ungradable" and part.diagnostic else check.message
    if message:
        lines += ["", "```", message.rstrip(), "```"]
    if check.hint:
        lines += ["", f"hint: {check.hint}"]
    if check.output and not check.passed:
        lines += ["", "your code printed:", "```", check.output.rstrip()[-1500:], "```"]
    return "\n".join(lines)


def reproduction(result: GradeResult) -> dict:
    """What is needed to reproduce the grade: seed, suite hash and versions."""
    return {"seed": result.seed, "suite_hash": result.suite_hash, "versions": result.versions,
            "language": result.language}


def reproduction_markdown(result: GradeResult) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in result.versions.items())
    return (f"{result.points:g}/{result.max_points:g} points. Graded with seed {result.seed}, hidden suites "
            f"{result.suite_hash}, {versions}.")


def hidden_note(result: GradeResult) -> str:
    """"In all, 68 hidden checks worth 75 points are not run here: ..." for a grade from a student's copy, else ""."""
    if not result.hidden.checks:
        return ""
    with language(result.language):
        return tr("text.hidden_total", hidden=hidden_sentence(result.hidden))
