"""The exported quiz page in headless Chromium, driven as a student drives it: answers, feedback, score, language,
keyboard, the answers file graded by the CLI, and no network."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from grader.cli import main
from grader.quiz import Quiz, require_quiz
from grader.quiz.text import pick
from grader.quiz.variants import ShownQuestion, render, show_quiz
from tests.conftest import ROOT

from .quiz_page import QuizPage, option, right_answer, wrong_answer

STUDENT = "s2024-017"
FORGOT_BIAS = "p1000"  # dense-param-count's option that counts only the weights


@pytest.fixture(scope="module")
def quiz() -> Quiz:
    return require_quiz(ROOT / "quizzes" / "first-network.yaml", seeds=10)


@pytest.fixture(scope="module")
def shown(quiz: Quiz) -> list[ShownQuestion]:
    return show_quiz(quiz, STUDENT)


def explanation(quiz: Quiz, shown: ShownQuestion, lang: str) -> str:
    key = quiz.question(shown.question.id).key  # type: ignore[union-attr]
    return pick(render(key.explanation, shown.values), lang)  # type: ignore[union-attr]


def test_every_answer_right_scores_full_marks_with_feedback(page: Any, first_network_page: Path, quiz: Quiz,
                                                            shown: list[ShownQuestion]) -> None:
    student = QuizPage(page, first_network_page).start(STUDENT)
    for i, question in enumerate(shown):
        assert student.letters(i) == [(o.letter, o.slot) for o in question.options]  # the letters `take` shows
        right = right_answer(quiz, question)
        feedback = student.answer(i, right)
        chosen = option(question, right[0])  # type: ignore[index]
        assert student.verdict(i) == "Correct"
        assert "Correct: 1 of 1" in feedback
        assert f"{chosen.letter}) {pick(chosen.text, 'en')} (your answer): Correct." in feedback
        assert f"Explanation: {explanation(quiz, question, 'en')}" in feedback
        assert f"Score so far: {i + 1} of 4 points ({i + 1} of 4 questions checked)." in student.summary()
    assert "Total: 4 of 4 points (100%)." in student.summary()
    assert "Passed (pass mark 75%)." in student.summary()


def test_a_wrong_answer_is_explained_without_its_misconception_slug(page: Any, first_network_page: Path, quiz: Quiz,
                                                                 shown: list[ShownQuestion]) -> None:
    student = QuizPage(page, first_network_page).start(STUDENT)
    feedback = student.answer(0, [FORGOT_BIAS])
    wrong = option(shown[0], FORGOT_BIAS)
    assert student.verdict(0) == "Incorrect"
    assert "Incorrect: 0 of 1" in feedback
    assert (f"{wrong.letter}) 1,000 (your answer): That counts only the weights (100 x 10). Each of the 10 neurons "
            "also has its own bias, so add 10.") in feedback
    assert "forgot-bias" not in feedback  # the tag is an English slug for the instructor's reports
    assert explanation(quiz, shown[0], "en") in feedback
    assert "Score so far: 0 of 4 points (1 of 4 questions checked)." in student.summary()
    # The verdict is a word and a symbol as well as a colour.
    assert student.question(0).locator(".verdict").inner_text().startswith("✗ Incorrect")


def test_switching_language_keeps_every_answer(page: Any, first_network_page: Path, quiz: Quiz,
                                               shown: list[ShownQuestion]) -> None:
    student = QuizPage(page, first_network_page).start(STUDENT)
    student.choose(0, right_answer(quiz, shown[0]))  # chosen, not yet checked
    wrong = wrong_answer(quiz, shown[1])
    student.answer(1, wrong)  # checked
    page.click("[data-lang=ko]")
    assert page.evaluate("document.documentElement.lang") == "ko"
    assert page.locator("h1").inner_text() == "딥러닝의 세계로: 확인 문제 네 개"
    assert pick(shown[0].prompt, "ko") in student.question(0).locator("legend").inner_text()
    assert student.question(0).locator(f"input[value='{right_answer(quiz, shown[0])[0]}']").is_checked()  # type: ignore[index]
    assert student.verdict(1) == "오답"
    wrong_key = quiz.question(shown[1].question.id).key.options[wrong[0]]  # type: ignore[union-attr,index]
    assert pick(wrong_key.feedback, "ko") in student.feedback(1)
    assert f"{wrong_key.misconception}" not in student.feedback(1)  # no English slug on a Korean page
    assert f"해설: {explanation(quiz, shown[1], 'ko')}" in student.feedback(1)
    assert "1번 문항 (전체 4문항) · 1점" in student.question(0).locator("legend").inner_text()
    student.check(0)
    assert student.verdict(0) == "정답"
    page.click("[data-lang=en]")
    assert student.verdict(0) == "Correct" and student.verdict(1) == "Incorrect"
    assert f"Explanation: {explanation(quiz, shown[1], 'en')}" in student.feedback(1)


def test_a_question_answered_with_the_keyboard_only(page: Any, first_network_page: Path, quiz: Quiz,
                                                    shown: list[ShownQuestion]) -> None:
    QuizPage(page, first_network_page).open()
    focus_order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        focus_order.append(page.evaluate("document.activeElement.dataset.lang || document.activeElement.id || "
                                         "document.activeElement.textContent"))
    assert focus_order == ["en", "ko", "student", "Start the quiz"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.type(STUDENT)
    page.keyboard.press("Enter")
    page.wait_for_selector("#questions form")
    assert page.evaluate("document.activeElement.name") == "q1-answer"  # the first question's radio group
    letter = option(shown[0], right_answer(quiz, shown[0])[0]).letter  # type: ignore[index]
    page.keyboard.press("Space")  # selects the focused (first) option
    for _ in range("ABCD".index(letter)):
        page.keyboard.press("ArrowDown")  # moves within the radio group, selecting as it goes
    page.keyboard.press("Enter")
    page.locator("#q1 .verdict").wait_for()
    assert page.locator("#q1 .verdict strong").inner_text() == "Correct"
    assert page.evaluate("document.activeElement.id") == "q1-feedback"  # the feedback is read out next
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # and focus is visible
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "q2-answer"


def test_the_page_is_labelled_for_screen_readers(page: Any, first_network_page: Path,
                                                 shown: list[ShownQuestion]) -> None:
    student = QuizPage(page, first_network_page).open()
    assert page.get_by_role("textbox", name="Your student id").count() == 1
    student.start(STUDENT)
    group = page.get_by_role("group", name=re.compile(r"Question 1 of 4 · 1 point"))
    assert pick(shown[0].prompt, "en") in group.locator("legend").inner_text()
    assert group.get_by_role("radio").count() == 4
    for shown_option in shown[0].options:
        assert group.get_by_role("radio", name=f"{shown_option.letter}) {pick(shown_option.text, 'en')}").count() == 1
    assert group.locator(".feedback").get_attribute("aria-live") == "polite"
    assert page.locator("#running").get_attribute("aria-live") == "polite"


def test_the_downloaded_answers_file_grades_as_the_page_scored(page: Any, first_network_page: Path, quiz: Quiz,
                                                               shown: list[ShownQuestion], tmp_path: Path) -> None:
    student = QuizPage(page, first_network_page).start(STUDENT)
    for i, question in enumerate(shown):
        student.answer(i, wrong_answer(quiz, question) if i == 2 else right_answer(quiz, question))
    assert "Total: 3 of 4 points (75%)." in student.summary()
    saved = student.download(tmp_path)
    assert saved.name == "first-network.answers.json"
    answers = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert answers["quiz"] == "first-network" and answers["student"] == STUDENT
    assert set(answers["answers"]) == {q.question.id for q in shown}
    result = CliRunner().invoke(main, ["quiz", "grade", "first-network", "--answers", str(saved)],
                                env={"NN_GRADER_COURSE_SECRET": None})
    assert result.exit_code == 0, result.output
    assert f"{STUDENT}: 3 / 4 (75%, passed, quiz first-network)" in result.output


def test_the_page_works_offline(page: Any, first_network_page: Path, quiz: Quiz, shown: list[ShownQuestion],
                                tmp_path: Path) -> None:
    requested: list[str] = []
    page.route("**/*", lambda route: (requested.append(route.request.url), route.continue_()))
    student = QuizPage(page, first_network_page).start(STUDENT)
    student.answer(0, right_answer(quiz, shown[0]))
    student.download(tmp_path)
    assert requested == [first_network_page.resolve().as_uri()]
    assert page.evaluate("window.isSecureContext && typeof crypto.subtle.deriveBits") == "function"
