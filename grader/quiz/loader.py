"""Loading a quiz file of any tier: read, check, and return the quiz with every problem found.

`load_quiz` is the one entry point the CLI and the classroom tools use. An open quiz gets the full validation
(grader.quiz.schema for shape, grader.quiz.checks for the rules between fields); a sealed or ci copy, which the
engine wrote itself, gets a damage check.
"""

from __future__ import annotations

from pathlib import Path

from grader.quiz.checks import DEFAULT_SEEDS, check_quiz
from grader.quiz.model import TIERS, Quiz
from grader.quiz.problems import Problem, QuizError
from grader.quiz.schema import read_quiz
from grader.quiz.sealing import read_sealed
from grader.quiz.source import check_text_size, read_text_file, read_yaml

# Real quizzes are tens of KB; reading is roughly linear (about 2 s a MiB), so this keeps a hostile file from
# stalling `validate`, `list` or a class's autograde while leaving room for any real quiz.
MAX_QUIZ_BYTES = 1 << 20


def load_quiz(path: str | Path, *, seeds: int = DEFAULT_SEEDS) -> tuple[Quiz | None, list[Problem]]:
    """Read and validate the quiz at `path`.

    Returns the quiz and its problems; the quiz is None when the file cannot be used at all. A quiz returned with
    problems is usable for previewing but should not be given to students. `seeds` is how many student seeds the
    parameterized questions are checked over.
    """
    name = str(path)
    text, problems = read_text_file(path, MAX_QUIZ_BYTES)
    if text is None:
        return None, problems
    return load_quiz_text(text, name, seeds=seeds)


def load_quiz_text(text: str, file: str = "<text>", *, seeds: int = DEFAULT_SEEDS) -> tuple[Quiz | None, list[Problem]]:
    """Like `load_quiz`, for YAML already in memory; `file` names it in problems."""
    too_large = check_text_size(text, file, MAX_QUIZ_BYTES)
    if too_large:
        return None, too_large
    document, problems = read_yaml(text, file)
    if document is None:
        return None, problems
    tier = document.data.get("tier", "open") if isinstance(document.data, dict) else "open"
    if tier not in TIERS:
        return None, problems + [document.problem(("tier",), f"unknown tier `{tier}`; expected one of: "
                                                             f"{', '.join(TIERS)}")]
    if tier != "open":
        quiz, more = read_sealed(document)
        return quiz, problems + more
    quiz, more = read_quiz(document)
    problems += more
    if quiz is not None:
        problems += check_quiz(quiz, document, seeds)
    return quiz, problems


def require_quiz(path: str | Path, *, seeds: int = DEFAULT_SEEDS) -> Quiz:
    """The quiz at `path`, or QuizError listing every problem if it has any."""
    quiz, problems = load_quiz(path, seeds=seeds)
    if problems or quiz is None:
        raise QuizError(problems or [Problem(str(path), None, "", "the quiz could not be read")])
    return quiz
