"""A typed number is echoed as itself, not as "0.3) 0.3" as if it were an option's letter; options keep "C) text"."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from grader.cli import main
from grader.quiz import Quiz
from grader.quiz.grading import QuestionGrader
from grader.quiz.keys import OpenKey
from grader.quiz.variants import show_question, student_seed


def graded(quiz: Quiz, question_id: str, answer: object, lang: str = "ko"):  # type: ignore[no-untyped-def]
    question = quiz.question(question_id)
    assert question is not None
    shown = show_question(question, student_seed(quiz.id, "s1"))
    return QuestionGrader(OpenKey(quiz), lang, quiz.languages).question(shown, answer), shown


def test_a_numeric_answer_is_named_by_its_number_alone(shipped: dict[str, Quiz]) -> None:
    result, _ = graded(shipped["activations"], "sigmoid-grad-peak", 0.3)
    assert [a.heading for a in result.answers] == ["0.3"]


def test_an_option_is_named_by_its_letter_and_text(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["first-network"]
    question = quiz.question("dense-param-count")
    shown = show_question(question, student_seed(quiz.id, "s1"))  # type: ignore[arg-type]
    letter = next(o.letter for o in shown.options if o.slot == "p1000")
    result, _ = graded(quiz, "dense-param-count", letter)
    assert [a.heading for a in result.answers if a.selected] == [f"{letter}) 1,000"]


def test_quiz_grade_echoes_a_wrong_number_once(tmp_path: Path) -> None:
    answers = tmp_path / "s1.yaml"
    answers.write_text(yaml.safe_dump({"quiz": "activations", "student": "s1",
                                       "answers": {"sigmoid-grad-peak": 0.3}}), encoding="utf-8")
    result = CliRunner().invoke(main, ["quiz", "grade", "activations", "--answers", str(answers), "--lang", "ko"])
    assert result.exit_code == 0, result.output
    assert "0.3) 0.3" not in result.output
    assert "    0.3: " in result.output and "[notes-say-0-3]" in result.output
