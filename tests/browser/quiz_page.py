"""Driving an exported quiz page the way a student does, and the open key's answers for a shown question."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.quiz import Quiz
from grader.quiz.expressions import evaluate
from grader.quiz.variants import ShownOption, ShownQuestion, format_number


class QuizPage:
    """An exported quiz page in a playwright tab; question `i` counts from 0."""

    def __init__(self, page: Any, path: Path) -> None:
        self.page = page
        self.path = path

    def open(self) -> QuizPage:
        self.page.goto(self.path.resolve().as_uri())
        return self

    def start(self, student: str) -> QuizPage:
        self.open()
        self.page.fill("#student", student)
        self.page.click("#start button")
        self.page.wait_for_selector("#questions form")
        return self

    def question(self, i: int) -> Any:
        return self.page.locator(f"#q{i + 1}")

    def letters(self, i: int) -> list[tuple[str, str]]:
        """(letter, option slot) in the order the page shows question `i`'s options."""
        options = self.question(i).locator("label.option")
        return [(options.nth(k).locator(".letter").inner_text().rstrip(")"),
                 options.nth(k).locator("input").get_attribute("value")) for k in range(options.count())]

    def choose(self, i: int, answer: list[str] | float) -> None:
        """Select option slots (choice questions) or type a number (numeric), without checking."""
        if isinstance(answer, list):
            for slot in answer:
                self.question(i).locator(f"input[value='{slot}']").check()
        else:
            self.question(i).locator("input[type=text]").fill(format_number(answer, 12))

    def check(self, i: int) -> str:
        """Press "Check answer" and return the feedback once it is shown."""
        self.question(i).locator("button.check").click()
        self.question(i).locator(".feedback .verdict, .feedback .problem").wait_for()
        return self.feedback(i)

    def answer(self, i: int, answer: list[str] | float) -> str:
        self.choose(i, answer)
        return self.check(i)

    def feedback(self, i: int) -> str:
        return self.question(i).locator(".feedback").inner_text()

    def verdict(self, i: int) -> str:
        return self.question(i).locator(".feedback .verdict strong").inner_text()

    def summary(self) -> str:
        return self.page.locator("#summary").inner_text()

    def download(self, folder: Path) -> Path:
        with self.page.expect_download() as info:
            self.page.click("#download")
        target = folder / info.value.suggested_filename
        info.value.save_as(target)
        return target


def right_answer(quiz: Quiz, shown: ShownQuestion) -> list[str] | float:
    """The correct option slots of `shown` (or its numeric answer), from the open `quiz`."""
    key = quiz.question(shown.question.id).key  # type: ignore[union-attr]
    assert key is not None
    if key.numeric is not None:
        return float(evaluate(key.numeric.answer, shown.values))
    return [o.slot for o in shown.options if key.options[o.slot].correct]


def wrong_answer(quiz: Quiz, shown: ShownQuestion) -> list[str] | float:
    """A wrong answer with a misconception: a known wrong value, or the first wrong option (all, for multiple)."""
    key = quiz.question(shown.question.id).key  # type: ignore[union-attr]
    assert key is not None
    if key.numeric is not None:
        wrong = key.numeric.distractors[0][0] if key.numeric.distractors else key.numeric.answer
        return float(evaluate(wrong, shown.values)) + (0 if key.numeric.distractors else 1000)
    wrong_options = [o.slot for o in shown.options if not key.options[o.slot].correct]
    return wrong_options if shown.question.type == "multiple" else wrong_options[:1]


def option(shown: ShownQuestion, slot: str) -> ShownOption:
    found = shown.by_slot(slot)
    assert found is not None
    return found
