"""Gradescope's autograder ``results.json``: one test per check, the grade's reproduction data in ``extra_data``.

Format as specified in Gradescope's autograder documentation, "Autograder Specifications" (gradescope-autograders
on Read the Docs, ``specs``; also ``docs/specs.md`` in gradescope/autograder_samples): top-level ``score``,
``execution_time`` (a number, seconds), ``output``, ``output_format``, ``test_output_format``, ``visibility``,
``stdout_visibility``, ``extra_data`` and ``tests``; each test has ``score``, ``max_score``, ``status``
("passed"/"failed"), ``name``, ``number``, ``output``, ``output_format``, ``tags`` and ``visibility``. Output is
markdown (``md``). The student's own prints stay in each test's output; the autograder's stdout is hidden. A grade
from a student's copy of the course says in ``output`` how many hidden checks it did not run; what a notebook left
ungraded (the grade's notes) is there too, fenced. What a student reads is in the grade's language; ``status`` and
``tags`` are read by Gradescope, so they stay as it spells them.

Hidden checks (those not marked ``public``) get the test ``visibility`` chosen with ``hidden_visibility``:
``after_published`` (the default), ``after_due_date``, ``hidden`` or ``visible``; public checks are always
``visible``. Unless hidden checks are ``visible``, one visible test without a score, "hidden checks: 61/75", tells the
student their total before that time, with no input, index or expected value. The top-level ``output`` states the
same total as the tests add up to, quizzes included (``extra_tests``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from grader.i18n import language, tr
from grader.report import DEFAULT_HIDDEN_VISIBILITY
from grader.report.common import (
    fenced,
    hidden_checks_total,
    hidden_note,
    hint_line,
    notes_markdown,
    outcome_word,
    output_tail,
    problem,
    pts,
    reproduction,
    reproduction_markdown,
    shown_check_ids,
)
from grader.results import CheckResult, GradeResult, PartResult


def render_gradescope(result: GradeResult, **options: object) -> str:
    """The results document as JSON; ``options`` may give ``hidden_visibility`` (``check --hidden-visibility``)."""
    document = gradescope_document(result, hidden_visibility=str(options.get("hidden_visibility")
                                                                 or DEFAULT_HIDDEN_VISIBILITY))
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def gradescope_document(result: GradeResult, *, hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY,
                        extra_tests: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The results document; ``extra_tests`` (a quiz's test each) are appended and counted in the score and the
    ``output``'s total."""
    public = shown_check_ids(result, hidden_visibility)
    with language(result.language):
        tests = [_test(check, part, f"{i}.{j}", visibility(check, public, hidden_visibility))
                 for i, part in enumerate(result.parts, start=1) for j, check in enumerate(part.checks, start=1)]
        if public is not None:
            tests += hidden_summary(result, public, hidden_visibility)
        tests += [dict(test, number=str(len(result.parts) + n)) for n, test in enumerate(extra_tests, start=1)]
        points = result.points + sum(t["score"] for t in extra_tests)
        max_points = result.max_points + sum(t["max_score"] for t in extra_tests)
        output = "\n\n".join(filter(None, [reproduction_markdown(result, points=points, max_points=max_points),
                                            notes_markdown(result.notes), hidden_note(result)]))
    return {
        "score": points,
        "execution_time": round(result.duration, 3),
        "output": output,
        "output_format": "md",
        "test_output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": reproduction(result),
        "tests": tests,
    }


def visibility(check: CheckResult, public: frozenset[str] | None, hidden_visibility: str) -> str:
    """``visible`` for a public check (or when everything is), else the visibility chosen for hidden checks."""
    return "visible" if public is None or check.id in public else hidden_visibility


def hidden_summary(result: GradeResult, public: frozenset[str], hidden_visibility: str) -> list[dict[str, Any]]:
    """One visible test, worth 0 of 0 points (the hidden tests carry the points), saying the hidden checks' total and
    when their details are shown; none when the grade has no hidden check."""
    found = hidden_checks_total(result, public)
    if found is None:
        return []
    hidden, total = found
    status = "passed" if all(c.passed for c in hidden) else "failed"
    return [{"name": total, "number": "0", "score": 0, "max_score": 0, "status": status,
             "output": tr(f"report.gradescope.hidden_when.{hidden_visibility}"), "output_format": "md",
             "tags": ["hidden"], "visibility": "visible"}]


def _test(check: CheckResult, part: PartResult, number: str, shown: str = "visible") -> dict:
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
        "visibility": shown,
        "extra_data": {"id": check.id, "outcome": check.outcome},
    }


def check_markdown(check: CheckResult, part: PartResult) -> str:
    """A check's verdict, message, hint and the student's output, as markdown, in the current language."""
    lines = [f"**{outcome_word(check.outcome)}** ({pts(check.points)}/{pts(check.max_points)})"]
    message = problem(check, part)
    if message:
        lines += ["", *fenced(message.rstrip())]
    if check.hint:
        lines += ["", hint_line(check)]
    if check.output and not check.passed:
        lines += ["", f"{tr('text.output')}:", *fenced(output_tail(check))]
    return "\n".join(lines)
