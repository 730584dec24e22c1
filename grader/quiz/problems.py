"""A problem: one located complaint about an instructor's or a student's file.

Every error the quiz engine reports is a `Problem`, never a traceback: it names the file, the 1-based line, the field
(a path such as ``questions[2].options[1].text.ko``) and says what was expected. Validation collects them all, so an
instructor fixes a quiz in one pass instead of one error per run.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.errors import UserError


@dataclass(frozen=True)
class Problem:
    """Something wrong at `file`:`line` in `field`; `message` says what was expected."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}


class QuizError(UserError):
    """Raised by the library when a file cannot be used at all; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
