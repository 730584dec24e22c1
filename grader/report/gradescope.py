"""Gradescope's autograder ``results.json``: one test per check, the grade's reproduction data in ``extra_data``.

Format as specified in Gradescope's autograder documentation, "Autograder Specifications" (gradescope-autograders
on Read the Docs, ``specs``; also ``docs/specs.md`` in gradescope/autograder_samples): top-level ``score``,
``execution_time`` (a number, seconds), ``output``, ``output_format``, ``test_output_format``, ``visibility``,
``stdout_visibility``, ``extra_data`` and ``tests``; each test has ``score``, ``max_score``, ``status``
("passed"/"failed"), ``name``, ``number``, ``output``, ``output_format``, ``tags`` and ``visibility``. Output is
markdown (``md``). The student's own prints stay in each test's output; the autograder's stdout is hidden. A grade
from a student's copy of the course says in ``output`` how many hidden checks it did not run. What a student reads
is in the grade's language; ``status`` and ``tags`` are read by Gradescope, so they stay as it spells them.
"""

from __future__ import annotations

import json

from grader.i18n import language, tr
from grader.report.common import hidden_note, hint_line, outcome_word, problem, pts, reproduction, reproduction_markdown
from grader.results import CheckResult, GradeResult, PartResult


def render_gradescope(result: GradeResult, **_: object) -> str:
    with language(result.language):
        tests = [_test(check, part, f"{i}.{j}") for i, part in enumerate(result.parts, start=1)
                 for j, check in enumerate(part.checks, start=1)]
        output = "\n\n".join(filter(None, [reproduction_markdown(result), hidden_note(result)]))
    document = {
        "score": result.points,
        "execution_time": round(result.duration, 3),
        "output": output,
        "output_format": "md",
        "test_output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": reproduction(result),
        "tests": tests,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _test(check: CheckResult, part: PartResult, number: str) -> dict:
    """One check as a Gradescope test.

    ``status`` and ``tags`` are read by Gradescope, so they stay as it spells them.
    """
    return {
        "score": check.points,
        "max_score": check.max_points,
        "status": "passed" if check.passed else "failed",
        "name": f"{part.name}: {check.title}",
        "number": number,
        "output": check_markdown(check, part),
        "output_format": "md",
        "tags": [part.name, check.outcome] + ([check.mistake] if check.mistake else []),
        "visibility": "visible",
        "extra_data": {"id": check.id, "outcome": check.outcome},
    }


def check_markdown(check: CheckResult, part: PartResult) -> str:
    """A check's verdict, message, hint and the student's output, as markdown, in the current language."""
    lines = [f"**{outcome_word(check.outcome)}** ({pts(check.points)}/{pts(check.max_points)})"]
    message = problem(check, part)
    if message:
        lines += ["", "```", message.rstrip(), "```"]
    if check.hint:
        lines += ["", hint_line(check)]
    if check.output and not check.passed:
        lines += ["", f"{tr('text.output')}:", "```", check.output.rstrip()[-1500:], "```"]
    return "\n".join(lines)
