"""PrairieLearn's external grader ``results.json``.

Format as documented in PrairieLearn's "External grading" page (the results a grader writes to
``/grade/results/results.json``, rendered by ``<pl-external-grader-results>``): ``gradable``, ``score`` as a
fraction from 0 to 1, ``message``, ``output`` and ``tests``, each test with ``name``, ``description``,
``points``, ``max_points``, ``message`` and ``output``. The grade's reproduction data goes in ``output``.
"""

from __future__ import annotations

import json

from grader.report.gradescope import WORD, hidden_note, reproduction, reproduction_markdown
from grader.results import GradeResult


def render_prairielearn(result: GradeResult, **_: object) -> str:
    document = {
        "gradable": True,
        "score": round(result.points / result.max_points, 6) if result.max_points else 0.0,
        "message": "\n".join(filter(None, [f"{result.points:g}/{result.max_points:g} points", hidden_note(result)])),
        "output": reproduction_markdown(result),
        "tests": [
            {
                "name": f"{part.name}: {check.title}",
                "description": WORD[check.outcome],
                "points": check.points,
                "max_points": check.max_points,
                "message": "\n".join(filter(None, [check.message or (part.diagnostic if not check.passed else ""),
                                                   f"hint: {check.hint}" if check.hint else ""])),
                "output": check.output if not check.passed else "",
            }
            for part in result.parts for check in part.checks
        ],
        "nn_grader": reproduction(result),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
