"""Per-student variants: the seed, the drawn parameters, the option order and the rendered text.

The seed is SHA-256 of ``nn-grader/quiz-seed/v1``, the course secret (empty if none), the quiz id and the student
id; so any student's variant can be regenerated to regrade, and adding a course secret keeps students from
computing each other's variants. Every random choice comes from SHA-256 of the seed and a label (question id plus
parameter name, or ``#order``), never from Python's `random`, so variants stay the same across Python versions and
one question's draws do not move when another question is added.

Option order, which fixes the letters a student sees:
- computed options start in ascending order of value; static options start in file order if the question has
  ``shuffle: false``, else in order of option id;
- with shuffling on (the default), that order is then permuted by the student's seed.
Starting from ids or values rather than file order means an open quiz and its sealed or ci copies, which store
options differently, show every student the same letters.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from grader.quiz.expressions import Number, evaluate
from grader.quiz.model import Question, Quiz
from grader.quiz.text import Text, map_text

SEED_LABEL = "nn-grader/quiz-seed/v1"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def student_seed(quiz_id: str, student_id: str, secret: str = "") -> int:
    """The 64-bit seed of `student_id`'s variant of quiz `quiz_id`."""
    digest = hashlib.sha256("\0".join((SEED_LABEL, secret, quiz_id, student_id)).encode()).digest()
    return int.from_bytes(digest[:8], "big")


class SeededDraws:
    """`randint` and `choice` from a SHA-256 counter stream keyed by the seed and `labels`."""

    def __init__(self, seed: int, *labels: str) -> None:
        self.prefix = f"{seed}\0" + "\0".join(labels)
        self.counter = 0

    def next(self) -> int:
        self.counter += 1
        digest = hashlib.sha256(f"{self.prefix}\0{self.counter}".encode()).digest()
        return int.from_bytes(digest[:8], "big")

    def randint(self, low: int, high: int) -> int:
        return low + self.next() % (high - low + 1)

    def choice(self, values: list[Number]) -> Number:
        return values[self.next() % len(values)]


class CornerDraws:
    """Draws that always take the lowest (or highest) value: the edge cases a random sample may miss."""

    def __init__(self, highest: bool) -> None:
        self.highest = highest

    def randint(self, low: int, high: int) -> int:
        return high if self.highest else low

    def choice(self, values: list[Number]) -> Number:
        return values[-1] if self.highest else values[0]


def draw_values(question: Question, seed: int | None = None, corner: bool | None = None) -> dict[str, Number]:
    """The parameter values of `question` for `seed` (or for the low/high corner when `corner` is given)."""
    values: dict[str, Number] = {}
    for param in question.params:
        draws = CornerDraws(corner) if corner is not None else SeededDraws(seed or 0, question.id, param.name)
        values[param.name] = evaluate(param.expression, values, draws)
    return values


# an option on its way to the student: its slot, its text and, if computed, its value
_Entry = tuple[str, Text, Number | None]


@dataclass(frozen=True)
class ShownOption:
    """An option as shown to one student: its letter, its text and, if computed, its value."""

    letter: str
    slot: str
    text: Text
    value: Number | None = None


@dataclass(frozen=True)
class ShownQuestion:
    """A question as shown to one student."""

    question: Question
    prompt: Text
    options: tuple[ShownOption, ...]
    values: Mapping[str, Number]

    def by_letter(self, letter: str) -> ShownOption | None:
        return next((o for o in self.options if o.letter == letter.upper()), None)

    def by_slot(self, slot: str) -> ShownOption | None:
        return next((o for o in self.options if o.slot == slot), None)


def show_question(question: Question, seed: int) -> ShownQuestion:
    """`question` as the student with `seed` sees it (raises ExpressionError if a value cannot be computed)."""
    values = draw_values(question, seed)
    entries: list[_Entry] = []
    for option in question.options:
        if option.value is not None:
            value = evaluate(option.value, values)
            entries.append((option.slot, {"*": format_number(value, question.digits)}, value))
        else:
            entries.append((option.slot, render(option.text or {}, values, question.digits), None))
    if any(value is not None for _, _, value in entries):
        entries.sort(key=_by_value)
    elif question.shuffle:
        entries.sort(key=lambda entry: entry[0])
    if question.shuffle:
        draws = SeededDraws(seed, question.id, "#order")
        for i in range(len(entries) - 1, 0, -1):  # Fisher-Yates
            j = draws.randint(0, i)
            entries[i], entries[j] = entries[j], entries[i]
    options = tuple(ShownOption(LETTERS[i], slot, text, value) for i, (slot, text, value) in enumerate(entries))
    return ShownQuestion(question, render(question.prompt, values, question.digits), options, values)


def _by_value(entry: _Entry) -> tuple[Number, str]:
    """A computed option's place before shuffling: by value, then slot (a question is all computed or all text)."""
    slot, _, value = entry
    if value is None:
        raise ValueError(f"option `{slot}` has no value in a question of computed options")
    return value, slot


def show_quiz(quiz: Quiz, student_id: str, secret: str = "") -> list[ShownQuestion]:
    seed = student_seed(quiz.id, student_id, secret)
    return [show_question(question, seed) for question in quiz.questions]


def render(text: Text, values: Mapping[str, Number], digits: int = 4) -> dict[str, str]:
    """Fill ``{name}`` placeholders with parameter values; ``{{`` and ``}}`` stand for literal braces."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]
        return format_number(values[name], digits) if name in values else match.group(0)

    return map_text(text, lambda s: PLACEHOLDER.sub(fill, s))


def placeholders(text: str) -> set[str]:
    return {m.group(1) for m in PLACEHOLDER.finditer(text) if m.group(1)}


def format_number(value: Number, digits: int = 4) -> str:
    """Whole numbers with thousands separators (1,010); others with `digits` significant digits (0.25)."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return f"{int(value):,}"
    return f"{value:.{digits}g}"
