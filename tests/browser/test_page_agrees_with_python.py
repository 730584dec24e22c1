"""The page's JavaScript and the Python engine agree: locks open to the same payloads, every student sees the same
values, letters and texts, numbers are formatted and rounded alike, and every shipped quiz -- numeric, multiple
select, true/false and computed options included -- scores the same in the page as its answers file does with
`nn-grader quiz grade`."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from grader.cli import main
from grader.quiz import Quiz, require_quiz
from grader.quiz.html_export import export_html, sealed_copy
from grader.quiz.locks import LockParams, open_lock
from grader.quiz.variants import format_number, show_quiz, student_seed
from tests.conftest import ROOT

from .quiz_page import QuizPage, right_answer, wrong_answer

SHIPPED = sorted((ROOT / "quizzes").glob("*.yaml"))
FAST_COST = 2**8  # the lock format is the same at any cost; this one opens in about a millisecond
SALT = b"reproducible-salt"
STUDENTS = ("s2024-017", "s1", "김민준", "x" * 40)


@pytest.fixture(scope="module")
def quizzes() -> dict[str, Quiz]:
    return {path.stem: require_quiz(path, seeds=10) for path in SHIPPED}


@pytest.fixture(scope="module")
def pages(quizzes: dict[str, Quiz], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    made = {}
    for name, quiz in quizzes.items():
        made[name] = folder / f"{name}.html"
        made[name].write_text(export_html(quiz, cost=FAST_COST, salt=SALT), encoding="utf-8")
    return made


SHOW_ALL = """async (student) => {
  const seed = await nnQuiz.studentSeed(nnQuiz.data.quiz.id, student);
  const shown = [];
  for (const question of nnQuiz.data.quiz.questions) {
    const s = await nnQuiz.showQuestion(question, seed);
    shown.push({prompt: s.prompt, options: s.options.map((o) => [o.letter, o.slot, o.text])});
  }
  return {seed: seed.toString(), shown};
}"""


@pytest.mark.parametrize("name", [path.stem for path in SHIPPED])
def test_every_student_sees_the_variant_python_draws(page: Any, pages: dict[str, Path], quizzes: dict[str, Quiz],
                                                    name: str) -> None:
    QuizPage(page, pages[name]).open()
    for student in STUDENTS:
        got = page.evaluate(SHOW_ALL, student)
        assert got["seed"] == str(student_seed(quizzes[name].id, student))
        expected = [{"prompt": dict(s.prompt), "options": [[o.letter, o.slot, dict(o.text)] for o in s.options]}
                    for s in show_quiz(quizzes[name], student)]
        assert got["shown"] == expected, (name, student)


@pytest.mark.parametrize("name", [path.stem for path in SHIPPED])
def test_every_lock_opens_to_the_payload_python_reads(page: Any, pages: dict[str, Path], quizzes: dict[str, Quiz],
                                                     name: str) -> None:
    QuizPage(page, pages[name]).open()
    copy = sealed_copy(quizzes[name], cost=FAST_COST, salt=SALT)
    params = LockParams(SALT, n=FAST_COST)
    opened = page.evaluate("""async () => {
      const quiz = nnQuiz.data.quiz, out = {};
      for (const q of quiz.questions) for (const [slot, lock] of Object.entries(q.locks))
        out[q.id + "/" + slot] = await nnQuiz.openLock(quiz.seal, quiz.id, q.id, slot, lock);
      return out;
    }""")
    expected = {f"{q.id}/{slot}": open_lock(params, copy.id, q.id, slot, lock)
                for q in copy.questions for slot, lock in q.locks.items()}
    assert opened == expected


def test_a_lock_at_the_default_cost_opens_alike(page: Any, first_network_page: Path) -> None:
    QuizPage(page, first_network_page).open()
    data = page.evaluate("nnQuiz.data.quiz")
    question = data["questions"][0]
    params = LockParams(base64.b64decode(data["seal"]["salt"]), data["seal"]["n"], data["seal"]["r"],
                        data["seal"]["p"])
    assert params.n == 2**14
    for slot, lock in question["locks"].items():
        got = page.evaluate("([q, slot, lock]) => nnQuiz.openLock(nnQuiz.data.quiz.seal, nnQuiz.data.quiz.id, q, "
                            "slot, lock)", [question["id"], slot, lock])
        assert got == open_lock(params, data["id"], question["id"], slot, lock)


def test_an_edited_lock_is_refused(page: Any, pages: dict[str, Path]) -> None:
    QuizPage(page, pages["first-network"]).open()
    message = page.evaluate("""async () => {
      const quiz = nnQuiz.data.quiz, q = quiz.questions[0], [slot, lock] = Object.entries(q.locks)[0];
      const edited = (lock[30] === "A" ? "B" : "A");
      try { await nnQuiz.openLock(quiz.seal, quiz.id, q.id, slot, lock.slice(0, 30) + edited + lock.slice(31)); }
      catch (error) { return error.message; }
      return "opened";
    }""")
    assert "does not open" in message


NUMBERS = [0.015625, 0.125, 2.5, 3.5, 0.0009765625, 1234567.0, 1e-5, 123456789012345.0, 1e15, 0.1 + 0.2,
           -0.0004321, 9.9995, 99999.5, 2**-20, 0.5, 1.0 / 3, 2.675, -1010.0, 6.02e23, 0.1, 1e16 + 2]


def test_numbers_are_formatted_and_rounded_as_python_does(page: Any, pages: dict[str, Path]) -> None:
    QuizPage(page, pages["first-network"]).open()
    got = page.evaluate("""(numbers) => numbers.map((x) => ({
      formatted: [1, 2, 3, 4, 6, 12].map((d) => nnQuiz.formatNumber(x, d)),
      g: nnQuiz.formatG(x), rounded: [0, 1, 2, 4].map((d) => nnQuiz.roundHalfEven(x, d)),
    }))""", NUMBERS)
    expected = [{"formatted": [format_number(x, d) for d in (1, 2, 3, 4, 6, 12)], "g": f"{x:g}",
                 "rounded": [round(x, d) for d in (0, 1, 2, 4)]} for x in NUMBERS]
    assert got == expected


@pytest.mark.parametrize("name", [path.stem for path in SHIPPED])
def test_the_page_scores_every_quiz_as_the_cli_grades_its_answers(page: Any, pages: dict[str, Path],
                                                                  quizzes: dict[str, Quiz], name: str,
                                                                  tmp_path: Path) -> None:
    quiz = quizzes[name]
    student = QuizPage(page, pages[name]).start("s2024-017")
    for i, shown in enumerate(show_quiz(quiz, "s2024-017")):
        # Every other answer wrong: partial credit, known wrong values and missed options all get scored.
        student.answer(i, wrong_answer(quiz, shown) if i % 2 else right_answer(quiz, shown))
        if i % 2 == 0:
            assert student.verdict(i) == "Correct", shown.question.id
    summary = student.summary()
    saved = student.download(tmp_path)
    result = CliRunner().invoke(main, ["quiz", "grade", name, "--answers", str(saved), "--format", "json"],
                                env={"NN_GRADER_COURSE_SECRET": None})
    assert result.exit_code == 0, result.output
    graded = yaml.safe_load(result.output)["results"][0]
    assert f"Total: {graded['points']:g} of {graded['max_points']:g} points" in summary
    shown_verdicts = [student.verdict(i) for i in range(len(quiz.questions))]
    graded_verdicts = ["Correct" if q["correct"] else "Partly correct" if q["points"] > 0 else "Incorrect"
                       for q in graded["questions"]]
    assert shown_verdicts == graded_verdicts
    for i, question in enumerate(graded["questions"]):
        if question["type"] == "numeric":  # a typed number is not shown as if it were an option's letter
            assert f"{question['given']}) " not in student.feedback(i), question["id"]
        # The page explains a misconception in the CLI's words, and keeps its tag (an English slug) to the reports.
        for answer in question["answers"]:
            if answer["misconception"] and answer["selected"]:
                assert answer["feedback"] in student.feedback(i), question["id"]
                assert answer["misconception"] not in student.feedback(i), question["id"]
    assert any(q["misconceptions"] for q in graded["questions"])
