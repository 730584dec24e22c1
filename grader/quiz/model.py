"""The quiz model: plain, typed, immutable dataclasses.

A `Question` holds what every copy of a quiz shows a student (prompt, options, parameters). What makes an answer
right -- which options are correct, the numeric answer, the feedback and the explanation -- lives apart in a
`QuestionKey`, so the three key tiers differ in one place only:

- ``open``   (instructor copy): every question carries its key.
- ``sealed`` (student self-check copy): no key; ``locks`` hold it encrypted under slow salted hashes
  (see grader.quiz.sealing).
- ``ci``     (student copy for graded work): no key and no locks; grading needs the open quiz.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from grader.quiz.expressions import Expression
from grader.quiz.source import FieldPath
from grader.quiz.text import Text

TYPES = ("single", "multiple", "true_false", "numeric")
TIERS = ("open", "sealed", "ci")


@dataclass(frozen=True)
class Param:
    """A per-student value: ``n_in: randint(10, 500)``; later parameters may use earlier ones."""

    name: str
    expression: Expression


@dataclass(frozen=True)
class Option:
    """One option as a student sees it: static text, or a value computed from the parameters.

    `slot` identifies the option across copies of the quiz: the option id for a static option, the expression
    source for a computed one.
    """

    slot: str
    text: Text | None = None
    value: Expression | None = None
    path: FieldPath = ()

    @property
    def computed(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class OptionKey:
    """Whether an option is correct, why (or why not), and the misconception a wrong option stands for."""

    correct: bool
    feedback: Text | None = None
    misconception: str | None = None


@dataclass(frozen=True)
class NumericKey:
    """A numeric answer: `answer` compared with `mode` and `tolerance` (see grader.quiz.scoring.numeric_matches).

    `distractors` are known wrong values, each with the misconception it reveals.
    """

    answer: Expression
    mode: str
    tolerance: float
    distractors: tuple[tuple[Expression, OptionKey], ...] = ()


@dataclass(frozen=True)
class QuestionKey:
    """Everything needed to grade one question: per-option keys (choice types) or a numeric key."""

    explanation: Text
    options: Mapping[str, OptionKey] = field(default_factory=dict)
    numeric: NumericKey | None = None


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: Text
    options: tuple[Option, ...] = ()
    points: float = 1.0
    tags: tuple[str, ...] = ()
    shuffle: bool = True
    scoring: str | None = None
    params: tuple[Param, ...] = ()
    digits: int = 4
    key: QuestionKey | None = None
    locks: Mapping[str, str] = field(default_factory=dict)
    path: FieldPath = ()

    @property
    def choice(self) -> bool:
        return self.type != "numeric"


@dataclass(frozen=True)
class Seal:
    """How a sealed copy's locks were made: scrypt with this salt and cost."""

    salt: bytes
    n: int
    r: int
    p: int


@dataclass(frozen=True)
class Quiz:
    id: str
    title: Text
    questions: tuple[Question, ...]
    languages: tuple[str, ...] = ("en",)
    shuffle: bool = True
    pass_mark: float = 0.6
    tier: str = "open"
    seal: Seal | None = None
    file: str = "<memory>"

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)
