"""The student copy's README.md: templates/release/README.md with this copy's parts, figures and quiz tier."""

from __future__ import annotations

import textwrap
from string import Template
from typing import TYPE_CHECKING, Any

from grader import parts as course
from grader.classroom.checkout import RELEASE_TEMPLATES, ReleaseError
from grader.i18n import language
from grader.report.text import hidden_sentence
from grader.results import HiddenChecks

if TYPE_CHECKING:
    from grader.classroom.release import Release

CI_QUIZ_NOTE = ("When you finish a quiz, your answers are saved to `<quiz id>.answers.yaml` in this folder: hand that "
                "file in with your code. Your instructor's grader scores it.")
SEALED_QUIZ_NOTE = ("The quizzes here are for checking yourself: after each answer you see whether it was right, and "
                    "why. Nothing is saved unless you add `--save FILE`.")


def student_readme(project: dict[str, Any], release: Release) -> str:
    """The student README from its template (``$name`` placeholders), filled in for ``release``."""
    template = Template((RELEASE_TEMPLATES / "README.md").read_text(encoding="utf-8"))
    try:
        return template.substitute(readme_values(project, release))
    except (KeyError, ValueError) as exc:  # an unknown name, or a `$` that is not a placeholder (write `$$`)
        raise ReleaseError(f"the student README template has a placeholder this release cannot fill: {exc}") from None


def readme_values(project: dict[str, Any], release: Release) -> dict[str, str]:
    """What the README's placeholders stand for; ``project`` is pyproject.toml's [project] table."""
    parts = course.discover()
    first = parts[0]
    with language("en"):
        example_hidden = hidden_sentence(release.hidden.get(first.name, HiddenChecks()))
    ci = release.quiz_tier == "ci"
    shortest_quiz = min(release.quizzes, key=release.quizzes.__getitem__) if release.quizzes else "QUIZ"
    return {
        "title": f"{project.get('description', 'nn-grader')}: your copy",
        "quiz_count": str(len(release.quizzes)),
        "parts": ", ".join(p.name for p in parts),
        "public_checks": str(release.public_checks),
        "public_points": f"{release.public_points:g}",
        "hidden_checks": str(release.hidden_total.checks),
        "hidden_points": f"{release.hidden_total.points:g}",
        "example_part": f"{first.name:<12} {first.title[:52]:<52}   ...",
        "example_hidden": example_hidden,
        "quiz_example": shortest_quiz,
        "quiz_note": textwrap.fill(CI_QUIZ_NOTE if ci else SEALED_QUIZ_NOTE, 116),
        "answers_upload": " and your `*.answers.yaml` files" if ci else "",
    }
