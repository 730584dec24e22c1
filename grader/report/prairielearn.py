"""PrairieLearn's external grader ``results.json``.

Format as documented in PrairieLearn's "External grading" page (the results a grader writes to
``/grade/results/results.json``, rendered by ``<pl-external-grader-results>``): ``gradable``, ``score`` as a
fraction from 0 to 1, ``message``, ``output`` and ``tests``, each test with ``name``, ``description``,
``points``, ``max_points``, ``message`` and ``output``. The grade's reproduction data goes in ``output``; what a
student reads is in the grade's language.
"""

from __future__ import annotations

import json

from grader.i18n import language, tr
from grader.report.common import explanation, hidden_note, outcome_word, pts, reproduction, reproduction_markdown
from grader.results import CheckResult, GradeResult, PartResult


def render_prairielearn(result: GradeResult, **_: object) -> str:
    with language(result.language):
        points = tr("report.platform.points", points=pts(result.points), max=pts(result.max_points))
        document = {
            "gradable": True,
            "score": round(result.points / result.max_points, 6) if result.max_points else 0.0,
            "message": "\n".join(filter(None, [points, hidden_note(result)])),
            "output": reproduction_markdown(result),
            "tests": [_test(check, part) for part in result.parts for check in part.checks],
            "nn_grader": reproduction(result),
        }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _test(check: CheckResult, part: PartResult) -> dict:
    """One check as ``<pl-external-grader-results>`` shows it, in the current language."""
    return {
        "name": f"{part.name}: {check.title}",
        "description": outcome_word(check.outcome),
        "points": check.points,
        "max_points": check.max_points,
        "message": explanation(check, part),
        "output": check.output if not check.passed else "",
    }
