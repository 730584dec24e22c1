"""A quiz in and out of learning management systems: ``nn-grader quiz export --format qti|moodle|gift`` and
``nn-grader quiz import``.

- export: grader.quiz.lms.items turns an open quiz into `Item`s (one per question, or N drawn variants of a
  parameterized one) and the writers (qti, moodle, gift) render them; every writer reports what its format cannot
  carry in a `Losses` list, printed on stderr, so nothing is dropped silently.
- import: grader.quiz.lms.read_gift and read_moodle read a bank into the YAML schema; the result is then checked by
  the quiz loader like any hand-written quiz.
"""

from __future__ import annotations

from grader.quiz.lms.gift import write_gift
from grader.quiz.lms.items import Losses, prepare_items
from grader.quiz.lms.moodle import write_moodle
from grader.quiz.lms.qti import write_qti
from grader.quiz.model import Quiz

FORMATS = ("qti", "moodle", "gift")


def export_lms(quiz: Quiz, fmt: str, *, lang: str, variants: int, seed: int) -> tuple[bytes, Losses]:
    """`quiz` (an open quiz) in LMS format `fmt`, and what the format could not carry."""
    losses = Losses()
    items = prepare_items(quiz, variants=variants, seed=seed, losses=losses)
    if fmt == "qti":
        return write_qti(quiz, items, lang=lang, losses=losses), losses
    if fmt == "moodle":
        return write_moodle(quiz, items, losses=losses).encode("utf-8"), losses
    if fmt == "gift":
        return write_gift(quiz, items, lang=lang, losses=losses).encode("utf-8"), losses
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
