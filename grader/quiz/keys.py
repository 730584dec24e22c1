"""Where grading finds the key: in the open quiz, in a sealed copy's locks, or in an open quiz matched to a ci copy.

Grading always walks the quiz the student saw and asks a `KeySource` about one option, one explanation or one
numeric answer at a time, so a sealed copy opens only the locks an answer needs.
"""

from __future__ import annotations

from typing import Any, Protocol

from grader.quiz.expressions import parse_expression
from grader.quiz.locks import LockError, LockParams, open_lock
from grader.quiz.model import NumericKey, OptionKey, Question, QuestionKey, Quiz
from grader.quiz.problems import Problem, QuizError
from grader.quiz.text import ANY, Text


class KeySource(Protocol):
    reveals_answers: bool  # whether results may name the correct options

    def option(self, question: Question, slot: str) -> OptionKey: ...

    def explanation(self, question: Question) -> Text: ...

    def numeric(self, question: Question) -> NumericKey: ...


class OpenKey:
    """The key written in an open quiz (the quiz itself, or the instructor's quiz behind a ci copy)."""

    reveals_answers = True

    def __init__(self, quiz: Quiz) -> None:
        self.quiz = quiz

    def _key(self, question: Question) -> QuestionKey:
        own = self.quiz.question(question.id)
        assert own is not None and own.key is not None, f"the key has no question {question.id!r}"
        return own.key

    def option(self, question: Question, slot: str) -> OptionKey:
        return self._key(question).options[slot]

    def explanation(self, question: Question) -> Text:
        return self._key(question).explanation

    def numeric(self, question: Question) -> NumericKey:
        numeric = self._key(question).numeric
        assert numeric is not None
        return numeric


class SealedKey:
    """The key inside a sealed copy's locks, opened on demand (one scrypt run each) and remembered."""

    reveals_answers = False

    def __init__(self, quiz: Quiz) -> None:
        assert quiz.seal is not None
        self.quiz = quiz
        self.params = LockParams(quiz.seal.salt, quiz.seal.n, quiz.seal.r, quiz.seal.p)
        self.opened: dict[tuple[str, str], Any] = {}

    def _open(self, question: Question, slot: str) -> Any:
        if (question.id, slot) not in self.opened:
            lock = question.locks.get(slot)
            if lock is None:
                raise QuizError([Problem(self.quiz.file, None, f"questions.{question.id}.locks",
                                         f"no lock for `{slot}`; seal the quiz again")])
            try:
                self.opened[question.id, slot] = open_lock(self.params, self.quiz.id, question.id, slot, lock)
            except LockError as error:
                raise QuizError([Problem(self.quiz.file, None, f"questions.{question.id}.locks.{slot}",
                                         str(error))]) from None
        return self.opened[question.id, slot]

    def option(self, question: Question, slot: str) -> OptionKey:
        payload = self._open(question, slot)
        return OptionKey(bool(payload["correct"]), _text(payload.get("feedback")), payload.get("misconception"))

    def explanation(self, question: Question) -> Text:
        return _text(self._open(question, "explanation")["explanation"]) or {}

    def numeric(self, question: Question) -> NumericKey:
        payload = self._open(question, "numeric")
        distractors = tuple(
            (parse_expression(d["value"]), OptionKey(False, _text(d.get("feedback")), d.get("misconception")))
            for d in payload.get("distractors", ())
        )
        return NumericKey(parse_expression(payload["answer"]), payload["mode"], float(payload["tolerance"]),
                          distractors)


def key_for(quiz: Quiz, key: Quiz | None = None) -> KeySource:
    """The key for grading `quiz`: `key` (an open quiz) if given, else whatever `quiz` itself carries."""
    if key is not None:
        if key.tier != "open":
            raise QuizError([Problem(key.file, None, "tier", f"a key must be an open quiz; this is a {key.tier} copy")])
        problems = match_key(quiz, key)
        if problems:
            raise QuizError(problems)
        return OpenKey(key)
    if quiz.tier == "open":
        return OpenKey(quiz)
    if quiz.tier == "sealed":
        return SealedKey(quiz)
    raise QuizError([Problem(quiz.file, None, "tier", "this ci copy carries no key; grade it with the open quiz "
                                                      "(--key FILE)")])


def match_key(copy: Quiz, key: Quiz) -> list[Problem]:
    """Problems if `key` is not the quiz `copy` was sealed from (or was changed since)."""
    if copy.id != key.id:
        return [Problem(key.file, None, "id", f"the key is quiz `{key.id}` but the copy is quiz `{copy.id}`")]
    problems = []
    for question in copy.questions:
        own = key.question(question.id)
        if own is None:
            problems.append(Problem(key.file, None, "questions", f"the key has no question `{question.id}`"))
            continue
        if (own.type, sorted(o.slot for o in own.options)) != (question.type, sorted(o.slot for o in question.options)):
            problems.append(Problem(key.file, None, f"questions.{question.id}",
                                    "differs from the student copy (type or options changed after sealing); "
                                    "grade with the key the copy was sealed from"))
        elif [p.expression.source for p in own.params] != [p.expression.source for p in question.params]:
            problems.append(Problem(key.file, None, f"questions.{question.id}.params",
                                    "the parameters changed after sealing, so students saw other values"))
    return problems


def _text(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    return {ANY: value} if isinstance(value, str) else dict(value)
