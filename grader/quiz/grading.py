"""Grading: one student's answers against a quiz's key, producing a `QuizResult`.

The quiz is shown as this student saw it (grader.quiz.variants), each answer is read against that view
(grader.quiz.answers), scored (grader.quiz.scoring) and explained in the student's language: the quiz's own texts in
that language (grader.quiz.text), the grader's sentences from ``quiz.*`` in the language catalogues (grader.i18n). A
question the student did not answer scores 0 and still gets its explanation; an answer that cannot be read scores 0
and says what was expected. Nothing here raises for bad answers -- only for a quiz whose key is unavailable
(QuizError).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grader.i18n import DEFAULT_LANGUAGE, available_languages, language, tr
from grader.quiz.answers import choice_slots, number
from grader.quiz.expressions import ExpressionError, evaluate
from grader.quiz.keys import KeySource, key_for
from grader.quiz.model import Quiz
from grader.quiz.results import AnswerFeedback, QuestionResult, QuizResult
from grader.quiz.scoring import multiple_select_score, numeric_matches
from grader.quiz.text import pick
from grader.quiz.variants import ShownQuestion, format_number, render, show_question, student_seed


def message_language(lang: str) -> str:
    """The language of the grader's own sentences for a student reading `lang`: `lang` where the grader speaks it,
    else English (a quiz may be written in a language the catalogues do not have)."""
    return lang if lang in available_languages() else DEFAULT_LANGUAGE


def grade_answers(quiz: Quiz, answers: Mapping[str, Any], student_id: str, *, key: Quiz | None = None,
                  lang: str = "en", secret: str = "") -> QuizResult:
    """Grade `answers` (question id -> answer, see grader.quiz.answers) for `student_id`.

    `quiz` is the copy the student used (any tier); `key` is the open quiz, required for a ci copy. `secret` is
    the course secret the variants were drawn with, if any.
    """
    keys = key_for(quiz, key)
    seed = student_seed(quiz.id, student_id, secret)
    grader = QuestionGrader(keys, lang, quiz.languages)
    results = []
    for question in quiz.questions:
        shown = show_question(question, seed)
        results.append(grader.question(shown, answers.get(question.id)))
    with language(grader.speaks):
        notes = tuple(tr("quiz.grade.unknown_question", question=qid)
                      for qid in answers if quiz.question(str(qid)) is None)
    points = round(sum(r.points for r in results), 4)
    return QuizResult(quiz.id, student_id, lang, points, quiz.max_points, quiz.pass_mark, tuple(results), notes)


class QuestionGrader:
    """Grades one shown question at a time; `take` uses it to give feedback after each answer."""

    def __init__(self, keys: KeySource, lang: str, fallback: tuple[str, ...]) -> None:
        self.keys = keys
        self.lang = lang
        self.fallback = fallback
        self.speaks = message_language(lang)

    def say(self, text: Any, shown: ShownQuestion) -> str:
        return pick(render(text, shown.values, shown.question.digits), self.lang, self.fallback) if text else ""

    def question(self, shown: ShownQuestion, raw: Any) -> QuestionResult:
        """The result of answer `raw` to `shown`, every sentence in the student's language."""
        with language(self.speaks):
            return self._grade(shown, raw)

    def _grade(self, shown: ShownQuestion, raw: Any) -> QuestionResult:
        question = shown.question
        explanation = self.say(self.keys.explanation(question), shown)
        base: dict[str, Any] = dict(question_id=question.id, type=question.type, max_points=question.points,
                                    explanation=explanation)
        # For multiple select, [] or "" is an answer (nothing selected); elsewhere it means no answer.
        if raw is None or (raw == "" and question.type != "multiple"):
            return QuestionResult(points=0.0, answered=False, given="", expected=self.expected(shown),
                                  message=tr("quiz.feedback.unanswered"), **base)
        if question.type == "numeric":
            return self.numeric(shown, raw, base)
        slots, error = choice_slots(shown, raw)
        if error:
            return QuestionResult(points=0.0, answered=True, given=str(raw), expected=self.expected(shown),
                                  message=error, **base)
        return self.choice(shown, slots, base)

    def choice(self, shown: ShownQuestion, slots: list[str], base: dict[str, Any]) -> QuestionResult:
        question = shown.question
        # Multiple select needs every option's key (missed options count); single choice only the chosen one's.
        considered = [o for o in shown.options if o.slot in slots or question.type == "multiple"]
        feedback, correct = [], set()
        for option in considered:
            key = self.keys.option(question, option.slot)
            if key.correct:
                correct.add(option.slot)
            selected = option.slot in slots
            if not selected and not key.correct:
                continue
            default = "correct" if key.correct and selected else ("missed" if key.correct else "wrong")
            text = self.say(key.feedback, shown) or tr(f"quiz.feedback.{default}")
            feedback.append(AnswerFeedback(option.letter, pick(option.text, self.lang, self.fallback), key.correct,
                                           selected, text, key.misconception, option.slot))
        if question.type == "multiple":
            fraction = multiple_select_score(question.scoring or "all-or-nothing", set(slots), correct,
                                             len(shown.options))
        else:
            fraction = 1.0 if slots and slots[0] in correct else 0.0
        given = ", ".join(o.letter for o in shown.options if o.slot in slots)
        return QuestionResult(points=round(fraction * question.points, 4), answered=True, given=given,
                              expected=self.expected(shown), answers=tuple(feedback), **base)

    def numeric(self, shown: ShownQuestion, raw: Any, base: dict[str, Any]) -> QuestionResult:
        question = shown.question
        value = number(raw)
        if value is None:
            return QuestionResult(points=0.0, answered=True, given=str(raw), expected=self.expected(shown),
                                  message=tr("quiz.answer.not_a_number", got=repr(raw)), **base)
        key = self.keys.numeric(question)
        answer = evaluate(key.answer, shown.values)
        right = numeric_matches(value, answer, key.mode, key.tolerance)
        label = format_number(value, 12)
        feedback = AnswerFeedback(label, label, True, True, tr("quiz.feedback.correct"))
        if not right:
            feedback = AnswerFeedback(label, label, False, True, tr("quiz.feedback.wrong"))
            for expression, wrong in key.distractors:
                if numeric_matches(value, evaluate(expression, shown.values), key.mode, key.tolerance):
                    feedback = AnswerFeedback(label, label, False, True, self.say(wrong.feedback, shown) or
                                              tr("quiz.feedback.wrong"), wrong.misconception, expression.source)
                    break
        return QuestionResult(points=question.points if right else 0.0, answered=True, given=label,
                              expected=self.expected(shown), answers=(feedback,), **base)

    def expected(self, shown: ShownQuestion) -> str | None:
        """The correct letters (or number), when the key may say so."""
        if not self.keys.reveals_answers:
            return None
        question = shown.question
        try:
            if question.type == "numeric":
                key = self.keys.numeric(question)
                return format_number(evaluate(key.answer, shown.values), question.digits)
        except ExpressionError:
            return None
        letters = [o.letter for o in shown.options if self.keys.option(question, o.slot).correct]
        return ", ".join(letters)
