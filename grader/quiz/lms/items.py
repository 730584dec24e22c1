"""An open quiz as LMS items: every text filled in, every key resolved, one item per question or per variant.

An LMS question bank has no per-student parameters, so a parameterized question becomes `variants` pre-drawn
copies. Variant i of question q is drawn with the seed ``student_seed(quiz id, "lms-variant/<seed>/<i>")``: the same
``--seed`` gives the same variants on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from grader.i18n import tr
from grader.quiz.expressions import Number, evaluate
from grader.quiz.model import Question, Quiz
from grader.quiz.problems import Problem, QuizError
from grader.quiz.text import Text, pick
from grader.quiz.variants import draw_values, format_number, render, student_seed


@dataclass
class Losses:
    """What an export could not carry: one sentence each, from the ``quiz_lms.loss.*`` catalogue keys."""

    lines: list[str] = field(default_factory=list)

    def add(self, key: str, **params: object) -> None:
        """Note one loss (once: the same sentence for many items is said once)."""
        line = tr(f"quiz_lms.loss.{key}", **params)
        if line not in self.lines:
            self.lines.append(line)


@dataclass(frozen=True)
class Choice:
    """One option of a choice item: its text, whether it is correct, and why (or why not)."""

    text: Text
    correct: bool
    feedback: Text | None = None


@dataclass(frozen=True)
class Item:
    """One question ready for an LMS; `group` is the question id when the item is one of its drawn variants."""

    ident: str
    question: Question
    prompt: Text
    explanation: Text
    choices: tuple[Choice, ...] = ()
    answer: float | None = None
    tolerance: float = 0.0
    wrong_values: tuple[tuple[float, Text | None], ...] = ()
    group: str | None = None

    @property
    def type(self) -> str:
        return self.question.type


def prepare_items(quiz: Quiz, *, variants: int, seed: int, losses: Losses) -> list[Item]:
    """The items of open quiz `quiz`; QuizError for a sealed or ci copy, which has no key to export."""
    if quiz.tier != "open":
        raise QuizError([Problem(quiz.file, None, "tier", tr("quiz_lms.needs_open", tier=quiz.tier))])
    items: list[Item] = []
    for question in quiz.questions:
        if not question.params:
            items.append(_item(question, {}, question.id, None))
            continue
        for i in range(1, variants + 1):
            values = draw_values(question, student_seed(quiz.id, f"lms-variant/{seed}/{i}"))
            items.append(_item(question, values, f"{question.id}-v{i}", question.id))
    if any(q.key and (q.key.numeric and any(k.misconception for _, k in q.key.numeric.distractors)
                      or any(k.misconception for k in q.key.options.values())) for q in quiz.questions):
        losses.add("misconceptions")
    losses.add("pass_mark", mark=f"{quiz.pass_mark:g}")
    return items


def _item(question: Question, values: dict[str, Number], ident: str, group: str | None) -> Item:
    """`question` with `values` filled in."""
    key = question.key
    assert key is not None, "an open quiz carries its keys"
    digits = question.digits
    fill = lambda text: render(text, values, digits)  # noqa: E731 - one line, used four times
    base = Item(ident, question, fill(question.prompt), fill(key.explanation), group=group)
    if key.numeric is not None:
        answer = float(evaluate(key.numeric.answer, values))
        wrong = tuple((float(evaluate(e, values)), fill(k.feedback) if k.feedback else None)
                      for e, k in key.numeric.distractors)
        tolerance = absolute_tolerance(answer, key.numeric.mode, key.numeric.tolerance)
        return replace(base, answer=answer, tolerance=tolerance, wrong_values=wrong)
    choices: list[tuple[Number, Choice]] = []
    for option in question.options:
        option_key = key.options[option.slot]
        feedback = fill(option_key.feedback) if option_key.feedback else None
        if option.value is not None:
            value = evaluate(option.value, values)
            choices.append((value, Choice({"*": format_number(value, digits)}, option_key.correct, feedback)))
        else:
            choices.append((0, Choice(fill(option.text or {}), option_key.correct, feedback)))
    choices.sort(key=lambda pair: pair[0])  # computed options by value, as a student sees them before shuffling
    return replace(base, choices=tuple(choice for _, choice in choices))


def absolute_tolerance(answer: float, mode: str, tolerance: float) -> float:
    """The ± margin around `answer` that `mode` accepts: what an LMS's numeric tolerance can say."""
    return tolerance * abs(answer) if mode == "rel_tol" else (tolerance if mode == "abs_tol" else 0.0)


def one_language(text: Text | None, lang: str, quiz: Quiz) -> str:
    """`text` in `lang` (the fallback rule of grader.quiz.text), for a format that holds one language."""
    return pick(text, lang, quiz.languages)


def correct_fractions(item: Item) -> tuple[float, float]:
    """Moodle's per-option fractions (percent) for a multiple-select item: +100/|C| for a correct option and
    -100/|C| for a wrong one, which is exactly the ``net-correct`` scheme once Moodle floors the sum at 0."""
    share = 100.0 / max(1, sum(c.correct for c in item.choices))
    return share, -share


# Moodle accepts only these grade fractions (percent) for an answer; anything else fails its import.
MOODLE_FRACTIONS = (100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0, 25.0, 20.0,
                    16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0)


def moodle_fraction(percent: float) -> str | None:
    """`percent` as a fraction Moodle accepts (within 0.01), or None if it has none."""
    for allowed in MOODLE_FRACTIONS:
        if abs(abs(percent) - allowed) < 0.01:
            return f"{allowed if percent >= 0 else -allowed:g}"
    return None


def multiple_losses(item: Item, fmt: str, losses: Losses) -> None:
    """Say how `item`'s scoring scheme lands in a Moodle-style format (Moodle XML and GIFT share Moodle's grading)."""
    scheme = item.question.scoring or "all-or-nothing"
    if scheme != "net-correct":
        losses.add("scheme_moodle", scheme=scheme, format=fmt, question=item.question.id)
