"""GIFT, Moodle's plain-text question format: one language (``--lang``), Moodle's grading.

Types: single ``{=right ~wrong#why}``, multiple ``{~%50%right ~%-50%wrong}``, true_false ``{T#why-wrong}``, numeric
``{#=answer:tolerance ~=wrong:tolerance#why}``; the explanation is ``####`` general feedback. GIFT has no points and
no per-question option order, which the loss report says.
"""

from __future__ import annotations

from collections.abc import Callable

from grader.quiz.lms.items import Item, Losses, correct_fractions, moodle_fraction, multiple_losses, one_language
from grader.quiz.model import Quiz
from grader.quiz.text import Text

SPECIAL = "\\~=#{}:"
Say = Callable[[Text | None], str]


def escape(text: str) -> str:
    """`text` with GIFT's special characters escaped and line breaks as ``\\n``, so it cannot end a field."""
    out = "".join("\\" + char if char in SPECIAL else char for char in text)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def write_gift(quiz: Quiz, items: list[Item], *, lang: str, losses: Losses) -> str:
    """The GIFT text of `items` in language `lang`."""
    if len(quiz.languages) > 1:
        losses.add("one_language", format="GIFT", lang=lang)
    say = lambda text: escape(one_language(text, lang, quiz))  # noqa: E731
    blocks = [f"// {quiz.id}: exported by nn-grader\n$CATEGORY: $course$/{quiz.id}"]
    group = None
    for item in items:
        if item.group != group:
            group = item.group
            blocks.append(f"$CATEGORY: $course$/{quiz.id}" + (f"/{group}" if group else ""))
        if item.question.points != 1:
            losses.add("points_gift", question=item.question.id)
        if not item.question.shuffle and item.type in ("single", "multiple"):
            losses.add("order_gift", question=item.question.id)
        blocks.append(f"::{escape(item.ident)}::{say(item.prompt)} {{\n{_answers(item, say, losses)}"
                      f"\t####{say(item.explanation)}\n}}")
    return "\n\n".join(blocks) + "\n"


def _answers(item: Item, say: Say, losses: Losses) -> str:
    if item.type == "numeric":
        lines = [f"\t=%100%{item.answer!r}:{item.tolerance!r}"]
        lines += [f"\t=%0%{value!r}:{item.tolerance!r}{_why(feedback, say)}" for value, feedback in item.wrong_values]
        return "#\n" + "\n".join(lines) + "\n"
    if item.type == "true_false":
        wrong = next(c for c in item.choices if not c.correct)
        right = item.choices[0].correct  # the first choice is "true"
        return f"\t{'TRUE' if right else 'FALSE'}{_why(wrong.feedback, say)}\n"
    if item.type == "single":
        return "".join(f"\t{'=' if c.correct else '~'}{say(c.text)}{_why(c.feedback, say)}\n" for c in item.choices)
    multiple_losses(item, "GIFT", losses)
    right_share, wrong_share = correct_fractions(item)
    if moodle_fraction(right_share) is None:
        losses.add("fraction", question=item.question.id, n=sum(c.correct for c in item.choices))
    return "".join(f"\t~%{_fraction(right_share if c.correct else wrong_share)}%{say(c.text)}{_why(c.feedback, say)}\n"
                   for c in item.choices)


def _fraction(percent: float) -> str:
    return moodle_fraction(percent) or f"{percent:.5f}"


def _why(feedback: Text | None, say: Say) -> str:
    return f"#{say(feedback)}" if feedback else ""

