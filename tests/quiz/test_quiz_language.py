"""Grading speaks the student's language: every sentence the grader adds to a result (an option's default feedback,
an unanswered question, an answer that cannot be read) comes from ``quiz.*`` in ``grader/locale/<lang>/quiz.yaml``,
in the terminal and in ``nn-grader quiz grade`` as well."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader import i18n
from grader.cli import main
from grader.quiz import grade_answers, load_quiz_text
from grader.quiz.keys import key_for
from grader.quiz.terminal import Session

from quiz_files import QUIZZES

HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Options without feedback of their own, and no shuffling, so the letters are fixed and the defaults show.
QUIZ = """
id: language
title: {en: Language, ko: 언어}
languages: [en, ko]
questions:
  - id: output
    type: single
    shuffle: false
    prompt: {en: "Output activation?", ko: "출력층 활성화 함수는?"}
    explanation: {en: "Sigmoid gives a probability.", ko: "시그모이드는 확률을 줍니다."}
    options:
      - {id: sigmoid, text: sigmoid, correct: true}
      - {id: relu, text: relu}
      - {id: tanh, text: tanh}
  - id: losses
    type: multiple
    scoring: net-correct
    shuffle: false
    prompt: {en: "Regression losses?", ko: "회귀 손실 함수는?"}
    explanation: {en: "MSE and MAE.", ko: "MSE와 MAE입니다."}
    options:
      - {id: mse, text: MSE, correct: true}
      - {id: mae, text: MAE, correct: true}
      - {id: bce, text: BCE}
  - id: zero
    type: true_false
    prompt: {en: "Sigmoid is zero-centred.", ko: "시그모이드는 0을 중심으로 합니다."}
    explanation: {en: "Its outputs are positive.", ko: "출력이 모두 양수입니다."}
    answer: false
  - id: count
    type: numeric
    prompt:
      en: "Parameters of a dense layer, 100 inputs to 10 units?"
      ko: "입력 100개, 유닛 10개인 밀집층의 파라미터 수는?"
    explanation: {en: "100 x 10 + 10.", ko: "100 x 10 + 10."}
    answer: 1010
    mode: exact
"""


@pytest.fixture(scope="module")
def quiz():
    found, problems = load_quiz_text(QUIZ, "language.yaml")
    # Validation asks an instructor to explain every wrong option; left unexplained here, the grader's own words show.
    assert found is not None and all("say why it is wrong" in p.message for p in problems), problems
    return found


def said(lang: str, key: str, **params: object) -> str:
    with i18n.language(lang):
        return i18n.tr(key, **params)


def grade(quiz, answers, lang):  # type: ignore[no-untyped-def]
    return {q.question_id: q for q in grade_answers(quiz, answers, "s1", lang=lang).questions}


def texts(question) -> list[str]:  # type: ignore[no-untyped-def]
    """Every sentence of a question's result that the grader (not the quiz) may have written."""
    return [question.message] + [a.feedback for a in question.answers]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_unanswered_wrong_and_missed_options_speak_the_students_language(quiz, lang: str) -> None:
    results = grade(quiz, {"output": "B", "losses": ["A"], "count": 1000}, lang)
    assert results["zero"].message == said(lang, "quiz.feedback.unanswered")
    assert [a.feedback for a in results["output"].answers] == [said(lang, "quiz.feedback.wrong")]
    assert [(a.label, a.selected, a.feedback) for a in results["losses"].answers] == [
        ("A", True, said(lang, "quiz.feedback.correct")), ("B", False, said(lang, "quiz.feedback.missed"))]
    assert results["count"].answers[0].feedback == said(lang, "quiz.feedback.wrong")


def test_english_feedback_is_unchanged(quiz) -> None:
    results = grade(quiz, {"output": "B", "losses": ["A"], "count": 1000}, "en")
    assert results["zero"].message == "Not answered."
    assert [a.feedback for a in results["losses"].answers] == ["Correct.", "Missed (this option is correct)."]
    assert results["count"].answers[0].feedback == "Not the answer."


def test_korean_feedback_has_no_english(quiz) -> None:
    results = grade(quiz, {"output": "B", "losses": ["A"], "count": 1000}, "ko")
    assert results["zero"].message == "답하지 않았습니다."
    assert [a.feedback for a in results["losses"].answers] == ["정답입니다.", "놓친 정답입니다."]
    for question in results.values():
        assert all(HANGUL.search(text) for text in texts(question) if text), texts(question)


MALFORMED = [  # question, answer, key, params, the English sentence as it has always read
    ("output", "Z", "quiz.answer.no_letter", {"token": "'Z'", "letters": "A-C"},
     "no letter 'Z' in this question; expected a letter A-C or an option id"),
    ("output", "softmax", "quiz.answer.no_option", {"token": "'softmax'", "letters": "A-C"},
     "no option id 'softmax' in this question; expected a letter A-C or an option id"),
    ("output", "A, B", "quiz.answer.one_only", {"n": 2}, "this question takes one answer, got 2"),
    ("zero", "maybe", "quiz.answer.true_false", {"got": "'maybe'"},
     "expected true or false (or the letter A or B); got 'maybe'"),
    ("count", "lots", "quiz.answer.not_a_number", {"got": "'lots'"}, "expected a number; got 'lots'"),
]


@pytest.mark.parametrize("question, answer, key, params, english", MALFORMED, ids=[m[2] for m in MALFORMED])
def test_an_answer_that_cannot_be_read_says_why_in_the_students_language(quiz, question, answer, key, params,
                                                                        english) -> None:
    english_result = grade(quiz, {question: answer}, "en")[question]
    assert english_result.message == english and english_result.points == 0
    korean = grade(quiz, {question: answer}, "ko")[question]
    assert korean.message == said("ko", key, **params) and korean.points == 0
    assert HANGUL.search(korean.message) and english not in korean.message
    assert answer in korean.message or str(params.get("n")) in korean.message  # the student sees what they wrote


def test_a_language_the_grader_does_not_speak_falls_back_to_english(quiz) -> None:
    # a quiz may offer a language the catalogues lack; its prose is picked by the quiz, the grader's sentences in
    # English
    results = grade(quiz, {"output": "Z"}, "fr")
    assert results["zero"].message == "Not answered."
    assert results["output"].message.startswith("no letter 'Z'")


def test_the_terminal_says_why_an_answer_cannot_be_read_in_korean(quiz, capsys) -> None:
    replies = ["Z", "A", "-", "A", "1010"]  # Z is no letter of the first question: asked again
    session = Session(quiz, "s1", "ko", plain=True, keys=key_for(quiz, None),
                      ask=lambda prompt: (print(prompt), replies.pop(0))[1])
    session.run()
    out = capsys.readouterr().out
    assert said("ko", "quiz.answer.no_letter", token="'Z'", letters="A-C") in out
    assert "no letter" not in out and said("ko", "quiz.feedback.missed") in out


def test_grade_text_output_speaks_the_students_language(tmp_path: Path) -> None:
    answers = tmp_path / "s1.yaml"
    answers.write_text(yaml.safe_dump({"student": "s1", "answers": {"why-activation": "Z"}}), encoding="utf-8")
    outputs = {}
    for lang in ("en", "ko"):
        result = CliRunner().invoke(main, ["quiz", "grade", str(QUIZZES / "activations.yaml"), "--answers",
                                           str(answers), "--lang", lang])
        assert result.exit_code == 0, result.output
        outputs[lang] = result.output
    english, korean = outputs["en"], outputs["ko"]
    assert "s1: 0 / 15 (0%, not passed, quiz activations)" in english
    assert "why-activation: 0/1 incorrect (answered Z; expected " in english
    assert "tanh-range: 0/1 not answered (no answer; expected " in english
    assert "no letter 'Z' in this question; expected a letter A-D or an option id" in english
    assert said("ko", "quiz.grade.student", student="s1", got=0, max=15, fraction=0,
                verdict=said("ko", "quiz.grade.not_passed"), quiz="activations") in korean
    assert said("ko", "quiz.answer.no_letter", token="'Z'", letters="A-D") in korean
    assert f"tanh-range: 0/1 {said('ko', 'quiz.grade.verdict.unanswered')} ({said('ko', 'quiz.grade.no_answer')}" \
        in korean
    for text in ("not passed", "incorrect", "not answered", "answered", "expected", "no letter", "quiz activations"):
        assert text not in korean, text
