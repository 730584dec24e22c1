"""PrairieLearn's external grader ``results.json``.

Format as documented in PrairieLearn's "External grading" page (docs/externalGrading.md in PrairieLearn/PrairieLearn:
the results a grader writes to ``/grade/results/results.json``, rendered by ``<pl-external-grader-results>``):
``gradable``, ``score`` as a fraction from 0 to 1, ``message``, ``output``, ``images`` and ``tests``, each test with
``name``, ``description``, ``points``, ``max_points``, ``message`` and ``output``. The grade's reproduction data goes
in ``output``, its notes (what a notebook left ungraded) in ``message``; what a student reads is in the grade's
language.

- A submission with nothing to grade (no exercise module imports, or none was submitted) is ``gradable: false`` with
  ``format_errors``: PrairieLearn then marks it "invalid, not gradable" and the student keeps the attempt.
- PrairieLearn has no per-test visibility, so hidden checks (not marked ``public``) are shown as one test, their
  total, unless ``hidden_visibility`` is ``visible`` -- the same rule as Gradescope's before its chosen time
  (grader.report.gradescope): no input, index or expected value of a hidden check reaches the student.
- The report's figures (``grader.figures``) go in ``images`` as SVG data URLs, which PrairieLearn shows as
  ``<img>``, at most ``MAX_IMAGES`` of them and ``MAX_IMAGE_BYTES`` in all (PrairieLearn caps results at 1 MB), and
  only those that explain no hidden check while hidden checks' details are withheld.
"""

from __future__ import annotations

import json
from typing import Any

from grader.figures.model import Figures
from grader.i18n import language, tr
from grader.report import DEFAULT_HIDDEN_VISIBILITY
from grader.report.common import (
    explanation,
    figure_title,
    hidden_checks_total,
    hidden_note,
    outcome_word,
    pts,
    reproduction,
    reproduction_markdown,
    shown_check_ids,
)
from grader.results import CheckResult, GradeResult, Outcome, PartResult

MAX_IMAGES = 4
MAX_IMAGE_BYTES = 400_000  # the images' base64 text in all, well under PrairieLearn's 1 MB for the whole results


def render_prairielearn(result: GradeResult, **options: Any) -> str:
    """The results document as JSON; ``options`` may give ``hidden_visibility`` and ``figures``."""
    document = prairielearn_document(result, hidden_visibility=str(options.get("hidden_visibility")
                                                                   or DEFAULT_HIDDEN_VISIBILITY),
                                     figures=options.get("figures"))
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def prairielearn_document(result: GradeResult, *, hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY,
                          figures: Figures | None = None) -> dict[str, Any]:
    """The results document (see the module docstring)."""
    public = shown_check_ids(result, hidden_visibility)
    with language(result.language):
        errors = format_errors(result)
        if errors:
            return {"gradable": False, "format_errors": errors + result.notes,
                    "message": "\n".join([tr("report.prairielearn.ungradable"), *result.notes]),
                    "nn_grader": reproduction(result)}
        points = tr("report.platform.points", points=pts(result.points), max=pts(result.max_points))
        tests = [_test(check, part) for part in result.parts for check in part.checks
                 if public is None or check.id in public]
        if public is not None:
            tests += hidden_total(result, public)
        document = {
            "gradable": True,
            "score": round(result.points / result.max_points, 6) if result.max_points else 0.0,
            "message": "\n".join(filter(None, [points, *result.notes, hidden_note(result)])),
            "output": reproduction_markdown(result),
            "tests": tests,
            "nn_grader": reproduction(result),
        }
        images = figure_images(figures, public)
        if images:
            document["images"] = images
    return document


def format_errors(result: GradeResult) -> list[str]:
    """Why ``result`` has nothing to grade, one line per part ("" list when something was graded): every part's
    module is missing or does not import, so no check ran on the student's code."""
    if not result.parts or any(not _nothing_to_grade(part) for part in result.parts):
        return []
    return [f"{part.name}: {part.diagnostic or outcome_word(Outcome.UNGRADABLE)}" for part in result.parts]


def _nothing_to_grade(part: PartResult) -> bool:
    return part.ungradable or all(c.outcome is Outcome.UNGRADABLE for c in part.checks)


def hidden_total(result: GradeResult, public: frozenset[str]) -> list[dict[str, Any]]:
    """One test carrying the hidden checks' points, saying only their total; none when no check is hidden."""
    found = hidden_checks_total(result, public)
    if found is None:
        return []
    hidden, total = found
    return [{"name": total, "description": tr("report.prairielearn.hidden_description"),
             "points": sum(c.points for c in hidden), "max_points": sum(c.max_points for c in hidden), "message": "",
             "output": ""}]


def figure_images(figures: Figures | None, public: frozenset[str] | None) -> list[dict[str, str]]:
    """The figures as PrairieLearn ``images``: labelled SVG data URLs, bounded in number and size, leaving out any
    that explains a hidden check while hidden checks' details are withheld (``public`` is None when they are not)."""
    from grader.figures.draw import svg_data_url

    if figures is None:
        return []
    images: list[dict[str, str]] = []
    budget = MAX_IMAGE_BYTES
    for figure in figures.items:
        if len(images) == MAX_IMAGES:
            break
        if not figure.panels or (public is not None and not set(figure.checks) <= public):
            continue
        try:
            url = svg_data_url(figure, title=figure_title(figure))
        except Exception:  # noqa: BLE001 -- one figure that cannot be drawn must not cost the grade
            continue
        if len(url) > budget:
            continue
        budget -= len(url)
        images.append({"label": figure_title(figure), "url": url})
    return images


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
