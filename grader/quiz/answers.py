"""Answers files and the reading of one answer.

An answers file is YAML (or JSON, which is YAML too)::

    quiz: seed-002            # optional; must match the quiz if given
    student: s2024-017        # the student id that fixes the letters (may instead come from --student)
    answers:
      dense-param-count: C              # single choice: the letter shown to this student...
      output-activation: sigmoid        # ...or the option id, which is the same for every student
      select-all-losses: [A, C]         # multiple select: a list (or "A, C"); [] selects nothing
      sigmoid-is-zero-centred: false    # true/false: true or false (or the letter A/B as shown)
      sigmoid-grad-peak: 0.25           # numeric: a number ("1,010" is read as 1010)

Letters versus ids is never ambiguous: a one-character answer is a letter as shown on screen for this student's
seed, anything longer is an option id (option ids are at least two characters long for this reason).

An answer that cannot be read gives an error for the student, in the current language (``quiz.answer.*`` in the
language catalogues, grader.i18n): callers choose the language with ``grader.i18n.language``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.i18n import tr
from grader.quiz.problems import Problem
from grader.quiz.source import read_text_file, read_yaml
from grader.quiz.variants import ShownQuestion

ANSWERS_FIELDS = ("quiz", "student", "answers")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
TRUE_WORDS = {"true", "참", "o"}
FALSE_WORDS = {"false", "거짓", "x"}
# A whole class's answers to a long quiz are a few KB; a bigger file is a mistake or an attack on the grader.
MAX_ANSWERS_BYTES = 1 << 20


@dataclass(frozen=True)
class AnswersFile:
    file: str
    answers: dict[str, Any]
    student: str | None = None
    quiz: str | None = None
    lines: dict[str, int] = field(default_factory=dict)


def read_answers(path: str | Path) -> tuple[AnswersFile | None, list[Problem]]:
    """Read an answers file; return it, or None and the problems that make it unusable.

    Never raises, whatever the file holds: an answers file is the student's, and one bad file must not stop the
    grading of a class. The problems are sentences in the current language (grader.i18n.language).
    """
    name = str(path)
    text, problems = read_text_file(path, MAX_ANSWERS_BYTES)
    if text is None:
        return None, problems
    document, problems = read_yaml(text, name)
    if document is None:
        return None, problems
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        return None, problems + [document.problem((), tr("quiz.answers_file.not_a_mapping"))]
    for key in data:
        if key not in ANSWERS_FIELDS:
            problems.append(document.problem((key,), tr("quiz.answers_file.unknown_field", name=key,
                                                        fields=", ".join(ANSWERS_FIELDS))))
    student = data.get("student")
    quiz = data.get("quiz")
    # Keys are question ids; YAML reads an id such as 2024 as a number, so compare them as text.
    given = {str(qid): answer for qid, answer in data["answers"].items()}
    lines = {qid: document.lines.get(("answers", qid), 0) for qid in given}
    return AnswersFile(name, given, None if student is None else str(student),
                       None if quiz is None else str(quiz), lines), problems


def choice_slots(shown: ShownQuestion, raw: Any) -> tuple[list[str], str | None]:
    """The option slots an answer to a choice question selects, or an error saying what was expected (in the
    current language)."""
    question = shown.question
    if question.type == "true_false":
        return _true_false(shown, raw)
    if raw is None:
        tokens: list[str] = []
    elif isinstance(raw, list):
        tokens = [str(item).strip() for item in raw]
    else:
        tokens = [t for t in re.split(r"[,\s]+", str(raw).strip()) if t]
    slots = []
    letters = f"{shown.options[0].letter}-{shown.options[-1].letter}"
    for token in tokens:
        option = shown.by_letter(token) if len(token) == 1 else shown.by_slot(token)
        if option is None:
            kind = "no_letter" if len(token) == 1 else "no_option"
            return [], tr(f"quiz.answer.{kind}", token=repr(token), letters=letters)
        if option.slot not in slots:
            slots.append(option.slot)
    if question.type == "single" and len(slots) > 1:
        return [], tr("quiz.answer.one_only", n=len(slots))
    return slots, None


def _true_false(shown: ShownQuestion, raw: Any) -> tuple[list[str], str | None]:
    if isinstance(raw, bool):
        return [str(raw).lower()], None
    token = str(raw).strip().lower()
    if token in TRUE_WORDS:
        return ["true"], None
    if token in FALSE_WORDS:
        return ["false"], None
    option = shown.by_letter(token) if len(token) == 1 else None
    if option is None:
        return [], tr("quiz.answer.true_false", got=repr(raw))
    return [option.slot], None


def number(raw: Any) -> float | None:
    """The number in a numeric answer, or None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    text = str(raw).strip().replace("_", "")
    if THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None
