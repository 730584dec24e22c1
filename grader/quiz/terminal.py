"""The interactive quiz in a terminal: ``nn-grader quiz take``.

Questions come one at a time with lettered options in this student's order. After each answer the student sees
whether it was right, the feedback for every option chosen (or missed), the explanation and the running score; a
summary closes the session. With a ci copy, answers are only recorded.

``--plain`` mode is for screen readers and logs: no colour, no symbols, no layout that only makes sense visually;
every verdict is a word in every mode, so colour never carries meaning alone. Its sentences are ``quiz.*`` in the
language catalogues (``grader/locale/<lang>/quiz.yaml``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click

from grader.i18n import DEFAULT_LANGUAGE, catalogue, language, tr
from grader.quiz.answers import choice_slots, number
from grader.quiz.grading import QuestionGrader, message_language
from grader.quiz.keys import KeySource
from grader.quiz.model import Quiz
from grader.quiz.results import QuestionResult
from grader.quiz.text import pick
from grader.quiz.variants import ShownQuestion, show_question, student_seed

PREFIX = "quiz."  # of the session's sentences in the language catalogues
SKIP, QUIT = {"skip", "s", "건너뛰기"}, {"quit", "q", "exit", "그만"}


@dataclass
class Session:
    """One student's run through a quiz; `answers` is what an answers file would hold."""

    quiz: Quiz
    student: str
    lang: str
    plain: bool
    keys: KeySource | None
    secret: str = ""
    ask: Callable[[str], str] = field(default=lambda text: click.prompt(text, default="", show_default=False))
    answers: dict[str, Any] = field(default_factory=dict)
    results: list[QuestionResult] = field(default_factory=list)

    @property
    def words(self) -> dict[str, str]:
        """The session's sentences as templates by name (``saved``: ``"Your answers were written to {path}."``)."""
        english, own = catalogue(DEFAULT_LANGUAGE), catalogue(self.message_language)
        return {key.removeprefix(PREFIX): own.get(key, template) for key, template in english.items()
                if key.startswith(PREFIX)}

    @property
    def message_language(self) -> str:
        """The language of the session's own sentences: the quiz's language where the grader speaks it."""
        return message_language(self.lang)

    def message(self, name: str, **params: Any) -> str:
        """The session's sentence ``quiz.<name>`` in its language."""
        with language(self.message_language):
            return tr(PREFIX + name, **params)

    def points(self, got: float, most: float) -> str:
        return self.message("points_one" if most == 1 else "points", got=got, max=most)

    def say(self, text: str = "", colour: str | None = None, bold: bool = False) -> None:
        if self.plain or colour is None and not bold:
            click.echo(text)
        else:
            click.echo(click.style(text, fg=colour, bold=bold))

    def text(self, value: Any) -> str:
        return pick(value, self.lang, self.quiz.languages)

    def run(self) -> None:
        quiz = self.quiz
        self.say(self.message("header", title=self.text(quiz.title)), bold=True)
        self.say(self.message("student", student=self.student, n=len(quiz.questions), mark=f"{quiz.pass_mark:.0%}"))
        if self.lang not in quiz.languages:
            self.say(self.message("fallback", lang=self.lang, used=quiz.languages[0]))
        if quiz.tier in ("sealed", "ci"):
            self.say(self.message(quiz.tier))
        self.say(self.message("help"))
        seed = student_seed(quiz.id, self.student, self.secret)
        for i, question in enumerate(quiz.questions, 1):
            shown = show_question(question, seed)
            try:
                raw = self.ask_question(i, shown)
            except (click.Abort, EOFError):
                raw = QUIT
            if raw == QUIT:
                self.say()
                self.say(self.message("stopped", i=i - 1, n=len(quiz.questions)))
                break
            self.answer(shown, raw)
        self.summary()

    def ask_question(self, i: int, shown: ShownQuestion) -> Any:
        """Show question `i` and read answers until one can be read; return it (None if skipped)."""
        question = shown.question
        self.say()
        self.say(self.message("question_one" if question.points == 1 else "question", i=i, n=len(self.quiz.questions),
                              points=f"{question.points:g}"), bold=True)
        self.say(self.text(shown.prompt))
        for option in shown.options:
            self.say(f"  {option.letter}) {self.text(option.text)}")
        while True:
            reply = self.ask(self.message(f"ask.{question.type}")).strip()
            if reply.lower() in QUIT:
                return QUIT
            if reply.lower() in SKIP:
                return None
            if not reply:
                self.say(self.message("help"))
                continue
            raw, error = self.read(shown, reply)
            if error is None:
                return raw
            self.say(error, colour="yellow")

    def read(self, shown: ShownQuestion, reply: str) -> tuple[Any, str | None]:
        """The answer in `reply` as an answers file would hold it, or an error saying what was expected."""
        question = shown.question
        if question.type == "numeric":
            value = number(reply)
            return (value, None) if value is not None else (None, self.message("not_a_number", reply=repr(reply)))
        if question.type == "multiple" and reply == "-":
            return [], None
        with language(self.message_language):
            slots, error = choice_slots(shown, reply)
        if error:
            return None, error
        letters = {o.slot: o.letter for o in shown.options}
        # Computed options have no id, so their letter is recorded; static ones by id, stable across seeds.
        record = [letters[s] if (option := shown.by_slot(s)) and option.value is not None else s for s in slots]
        if question.type == "true_false":
            return slots[0] == "true", None
        return (record if question.type == "multiple" else record[0]), None

    def answer(self, shown: ShownQuestion, raw: Any) -> None:
        question = shown.question
        self.answers[question.id] = raw
        if self.keys is None:
            self.say(self.message("recorded"))
            return
        result = QuestionGrader(self.keys, self.lang, self.quiz.languages).question(shown, raw)
        self.results.append(result)
        verdict = "unanswered" if not result.answered else (
            "correct" if result.correct else "partial" if result.points > 0 else "wrong")
        colour = {"correct": "green", "partial": "yellow", "wrong": "red"}.get(verdict)
        mark = "" if self.plain else {"correct": "✓ ", "partial": "~ ", "wrong": "✗ "}.get(verdict, "")
        self.say(f"{mark}{self.message(f'verdict.{verdict}')}: {self.points(result.points, result.max_points)}",
                 colour=colour, bold=True)
        if result.message and result.answered:
            self.say(result.message)
        for item in result.answers:
            who = self.message("you" if item.selected else "missed")
            self.say(f"  {item.heading} ({who}): {item.feedback}")
        if result.explanation:
            self.say(f"{self.message('explanation')}: {result.explanation}")
        got = sum(r.points for r in self.results)
        most = sum(r.max_points for r in self.results)
        self.say(self.message("running", got=got, max=most))

    def summary(self) -> None:
        quiz = self.quiz
        if self.keys is None:
            return
        self.say()
        self.say(self.message("summary"), bold=True)
        for i, result in enumerate(self.results, 1):
            verdict = "unanswered" if not result.answered else (
                "correct" if result.correct else "partial" if result.points > 0 else "wrong")
            self.say(f"  {i}. {result.question_id}: {self.message(f'verdict.{verdict}')}, "
                     f"{self.points(result.points, result.max_points)}")
        got = sum(r.points for r in self.results)
        pct = 100 * got / quiz.max_points if quiz.max_points else 0
        self.say(self.message("total", got=got, max=quiz.max_points, pct=pct), bold=True)
        passed = pct / 100 >= quiz.pass_mark - 1e-9
        self.say(self.message("passed" if passed else "failed", mark=f"{quiz.pass_mark:.0%}"),
                 colour="green" if passed else "yellow")
