"""The shipped quizzes: valid, fully bilingual, full marks when right, zero with feedback when wrong, stable letters."""

from __future__ import annotations

import re

import pytest

from grader.quiz import Quiz, grade_answers, load_quiz
from grader.quiz.grading import QuestionGrader
from grader.quiz.keys import OpenKey
from grader.quiz.variants import show_question, show_quiz, student_seed

from quiz_files import SHIPPED

HANGUL = re.compile(r"[\uac00-\ud7a3]")
STUDENTS = ["s2024-001", "s2024-002", "kim.minji", "이서연"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_quiz_is_valid(path) -> None:  # type: ignore[no-untyped-def]
    quiz, problems = load_quiz(path, seeds=400)
    assert quiz is not None
    assert problems == []


def test_content_covers_the_seed_quiz_and_25_more_questions(shipped: dict[str, Quiz]) -> None:
    assert len(shipped["first-network"].questions) == 4
    others = sum(len(q.questions) for quiz_id, q in shipped.items() if quiz_id != "first-network")
    assert others >= 25
    parameterized = [q for quiz in shipped.values() for q in quiz.questions if q.params]
    assert len(parameterized) >= 5
    types = {q.type for quiz in shipped.values() for q in quiz.questions}
    assert types == {"single", "multiple", "true_false", "numeric"}
    schemes = {q.scoring for quiz in shipped.values() for q in quiz.questions if q.type == "multiple"}
    assert schemes == {"all-or-nothing", "net-correct", "coverage", "each-answer"}


def test_seed_quiz_keys_match_the_notes(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["first-network"]
    correct = {q.id: [s for s, k in q.key.options.items() if k.correct] for q in quiz.questions}  # type: ignore[union-attr]
    assert correct == {"dense-param-count": ["p1010"], "binary-output-activation": ["sigmoid"],
                       "keras-compile": ["compile"], "sparse-categorical-loss": ["sparse-cce"]}
    for question in quiz.questions:  # the notes explain every option, so every wrong option says why
        for slot, key in question.key.options.items():  # type: ignore[union-attr]
            assert key.correct or (key.feedback and set(key.feedback) == {"en", "ko"}), (question.id, slot)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("student", STUDENTS)
def test_all_correct_answers_score_full_marks(shipped: dict[str, Quiz], answerer, lang: str, student: str) -> None:  # type: ignore[no-untyped-def]
    for quiz in shipped.values():
        key = answerer(quiz)
        seed = student_seed(quiz.id, student)
        answers = {q.id: key.correct(show_question(q, seed)) for q in quiz.questions}
        result = grade_answers(quiz, answers, student, lang=lang)
        assert result.points == result.max_points, [(q.question_id, q.given, q.expected) for q in result.questions
                                                    if not q.correct]
        assert result.passed


def test_answers_by_option_id_score_like_letters(shipped: dict[str, Quiz], answerer) -> None:  # type: ignore[no-untyped-def]
    for quiz in shipped.values():
        key = answerer(quiz)
        seed = student_seed(quiz.id, "s1")
        answers = {q.id: key.correct(show_question(q, seed), by="id") for q in quiz.questions}
        assert grade_answers(quiz, answers, "s1").points == quiz.max_points


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_all_wrong_answers_score_zero_with_feedback_for_each(shipped: dict[str, Quiz], answerer, lang: str) -> None:  # type: ignore[no-untyped-def]
    for quiz in shipped.values():
        key = answerer(quiz)
        for student in STUDENTS:
            seed = student_seed(quiz.id, student)
            answers = {q.id: key.wrong(show_question(q, seed)) for q in quiz.questions}
            result = grade_answers(quiz, answers, student, lang=lang)
            assert result.points == 0 and not result.passed
            for q in result.questions:
                assert q.answered and q.explanation, q.question_id
                chosen = [a for a in q.answers if a.selected]
                assert chosen, q.question_id
                for answer in chosen:
                    assert not answer.correct
                    assert answer.feedback not in ("Not the answer.", "정답이 아닙니다."), (quiz.id, q.question_id)
                    assert answer.misconception, (quiz.id, q.question_id, answer.label)
                    assert bool(HANGUL.search(answer.feedback)) == (lang == "ko"), answer.feedback
                assert bool(HANGUL.search(q.explanation)) == (lang == "ko")


def test_every_text_exists_in_both_languages(shipped: dict[str, Quiz]) -> None:
    for quiz in shipped.values():
        assert quiz.languages == ("en", "ko")
        for question in quiz.questions:
            for text in (question.prompt, question.key.explanation):  # type: ignore[union-attr]
                assert set(text) == {"en", "ko"}, question.id
                assert HANGUL.search(text["ko"]) and not HANGUL.search(text["en"]), question.id


def test_letters_are_stable_per_student_and_vary_between_students(shipped: dict[str, Quiz]) -> None:
    quiz = shipped["first-network"]
    first = [[o.slot for o in s.options] for s in show_quiz(quiz, "s1")]
    assert first == [[o.slot for o in s.options] for s in show_quiz(quiz, "s1")]
    orders = {tuple(s.options[0].slot for s in show_quiz(quiz, f"student-{i}")) for i in range(20)}
    assert len(orders) > 5
    assert [[o.slot for o in s.options] for s in show_quiz(quiz, "s1", secret="course-2024")] != first


def test_variants_are_frozen(shipped: dict[str, Quiz]) -> None:
    # Regrading months later must show the same variant: these values are part of the format (SHA-256 based).
    assert student_seed("training", "s1") == 7648210293637875867
    shown = show_question(shipped["training"].question("dense-params-variant"), student_seed("training", "s1"))
    assert dict(shown.values) == {"n_in": 379, "units": 8}
    assert [o.text["*"] for o in shown.options] == ["3,033", "3,040", "3,032", "3,411"]


def test_true_false_and_unshuffled_questions_keep_their_order(shipped: dict[str, Quiz]) -> None:
    question = shipped["activations"].question("tanh-range")
    for i in range(10):
        shown = show_question(question, student_seed("activations", f"s{i}"))
        assert [(o.letter, o.slot) for o in shown.options] == [("A", "true"), ("B", "false")]


def test_parameterized_questions_grade_right_and_wrong_across_many_seeds(shipped: dict[str, Quiz], answerer) -> None:  # type: ignore[no-untyped-def]
    for quiz in shipped.values():
        key = answerer(quiz)
        grader = QuestionGrader(OpenKey(quiz), "en", quiz.languages)
        for question in (q for q in quiz.questions if q.params):
            seen = set()
            for i in range(150):
                student = f"seed-{i}"
                shown = show_question(question, student_seed(quiz.id, student))
                seen.add(tuple(shown.values.items()))
                assert grader.question(shown, key.correct(shown)).correct, (question.id, student)
                wrong = grader.question(shown, key.wrong(shown))
                assert wrong.points == 0 and wrong.misconceptions, (question.id, student, shown.values)
                assert "{" not in shown.prompt["en"] and "{" not in shown.prompt["ko"], shown.prompt
            assert len(seen) > 5, f"{question.id} hardly varies"

