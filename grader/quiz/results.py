"""The result of grading one student's answers: plain dataclasses, and `result_to_dict` for JSON.

Texts in a result are already in the student's language; renderers only lay them out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class AnswerFeedback:
    """What the grader says about one option (or number) in an answer.

    `selected` is False for a correct option the student missed in a multiple-select question. `slot` names the
    option the same way for every student whatever letter it was shown under (the option id, or the expression of a
    computed option or of a known wrong number), so a class's choices can be counted per option; "" where there is
    none (a numeric answer that is right, or matches no known wrong value).
    """

    label: str            # "C" or, for a numeric answer, the number as given
    text: str             # the option as shown, e.g. "1,010"
    correct: bool
    selected: bool = True
    feedback: str = ""
    misconception: str | None = None
    slot: str = ""

    @property
    def heading(self) -> str:
        """How the answer is named to a student: "C) 1,010" for an option, a typed number alone (not "0.3) 0.3")."""
        return self.text if self.text == self.label else f"{self.label}) {self.text}"


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    type: str
    points: float
    max_points: float
    answered: bool
    given: str                        # the answer as read, e.g. "A, C" or "0.25"; "" if none
    expected: str | None              # the correct letters or number; None when the key is sealed
    answers: tuple[AnswerFeedback, ...] = ()
    explanation: str = ""
    message: str = ""                 # e.g. why an answer could not be read

    @property
    def correct(self) -> bool:
        return self.points >= self.max_points

    @property
    def misconceptions(self) -> list[str]:
        return [a.misconception for a in self.answers if a.misconception and a.selected]


@dataclass(frozen=True)
class QuizResult:
    quiz_id: str
    student: str
    lang: str
    points: float
    max_points: float
    pass_mark: float
    questions: tuple[QuestionResult, ...]
    notes: tuple[str, ...] = field(default=())   # e.g. answers to questions the quiz does not have

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0

    @property
    def passed(self) -> bool:
        return self.fraction >= self.pass_mark - 1e-9


def result_to_dict(result: QuizResult) -> dict[str, Any]:
    """A JSON-ready dict; field names are part of the documented format (docs/quiz.md)."""
    return {
        "quiz": result.quiz_id,
        "student": result.student,
        "lang": result.lang,
        "points": result.points,
        "max_points": result.max_points,
        "fraction": round(result.fraction, 4),
        "pass_mark": result.pass_mark,
        "passed": result.passed,
        "notes": list(result.notes),
        "questions": [
            {
                "id": q.question_id,
                "type": q.type,
                "points": q.points,
                "max_points": q.max_points,
                "correct": q.correct,
                "answered": q.answered,
                "given": q.given,
                "expected": q.expected,
                "misconceptions": q.misconceptions,
                "answers": [asdict(a) for a in q.answers],
                "explanation": q.explanation,
                "message": q.message,
            }
            for q in result.questions
        ],
    }
