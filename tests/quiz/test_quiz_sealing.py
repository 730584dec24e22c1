"""Student copies: a sealed copy self-checks without plain-text answers; a ci copy carries no key at all."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from grader.quiz import Quiz, QuizError, dump_yaml, grade_answers, load_quiz_text, seal_quiz
from grader.quiz.variants import show_question, show_quiz, student_seed

from quiz_files import FAST_COST


@pytest.fixture(scope="module")
def copies(shipped: dict[str, Quiz]) -> dict[tuple[str, str], tuple[str, Quiz]]:
    made = {}
    for quiz_id, quiz in shipped.items():
        for tier in ("sealed", "ci"):
            text = dump_yaml(seal_quiz(quiz, tier, cost=FAST_COST))
            copy, problems = load_quiz_text(text, f"{quiz_id}.{tier}.yaml")
            assert copy is not None and problems == [], problems
            made[quiz_id, tier] = (text, copy)
    return made


def _secrets(quiz: Quiz) -> list[str]:
    """Every piece of key text: feedback, explanations and misconception tags."""
    found = []
    for question in quiz.questions:
        key = question.key
        found += list(key.explanation.values())  # type: ignore[union-attr]
        option_keys = list(key.options.values()) + [k for _, k in (key.numeric.distractors if key.numeric else ())]  # type: ignore[union-attr]
        for option_key in option_keys:
            found += list((option_key.feedback or {}).values())
            if option_key.misconception:
                found.append(option_key.misconception)
    return found


@pytest.mark.parametrize("tier", ["sealed", "ci"])
def test_student_copies_hold_no_plain_text_key(shipped: dict[str, Quiz], copies, tier: str) -> None:  # type: ignore[no-untyped-def]
    for quiz_id, quiz in shipped.items():
        text, _ = copies[quiz_id, tier]
        assert "correct:" not in text and "answer:" not in text and "misconception" not in text
        for secret in _secrets(quiz):
            assert secret not in text, (quiz_id, secret)
        data = yaml.safe_load(text)
        assert ("seal" in data) == (tier == "sealed")
        assert all(("locks" in q) == (tier == "sealed") for q in data["questions"])


def test_locks_of_a_question_have_one_size(copies) -> None:  # type: ignore[no-untyped-def]
    for (quiz_id, tier), (text, _) in copies.items():
        if tier == "sealed":
            for question in yaml.safe_load(text)["questions"]:
                sizes = {len(v) for slot, v in question["locks"].items() if slot != "explanation"}
                assert len(sizes) == 1, (quiz_id, question["id"])


@pytest.mark.parametrize("tier", ["sealed", "ci"])
def test_copies_show_the_same_letters_as_the_open_quiz(shipped: dict[str, Quiz], copies, tier: str) -> None:  # type: ignore[no-untyped-def]
    for quiz_id, quiz in shipped.items():
        _, copy = copies[quiz_id, tier]
        for student in ("s1", "s2", "s3", "이민준"):
            assert [[(o.letter, o.slot) for o in s.options] for s in show_quiz(copy, student)] == \
                   [[(o.letter, o.slot) for o in s.options] for s in show_quiz(quiz, student)]


def test_sealed_copy_self_checks_right_and_wrong(shipped: dict[str, Quiz], copies, answerer) -> None:  # type: ignore[no-untyped-def]
    for quiz_id, quiz in shipped.items():
        _, copy = copies[quiz_id, "sealed"]
        key = answerer(quiz)
        seed = student_seed(quiz.id, "s1")
        right = {q.id: key.correct(show_question(q, seed)) for q in quiz.questions}
        wrong = {q.id: key.wrong(show_question(q, seed)) for q in quiz.questions}
        assert grade_answers(copy, right, "s1").points == quiz.max_points
        sealed, open_ = grade_answers(copy, wrong, "s1", lang="ko"), grade_answers(quiz, wrong, "s1", lang="ko")
        assert sealed.points == 0
        for s, o in zip(sealed.questions, open_.questions, strict=True):
            assert s.expected is None  # a sealed copy does not name the right option
            assert [(a.label, a.feedback, a.misconception) for a in s.answers if a.selected] == \
                   [(a.label, a.feedback, a.misconception) for a in o.answers if a.selected]
            assert s.explanation == o.explanation


def test_ci_copy_grades_only_with_the_open_key(shipped: dict[str, Quiz], copies, answerer) -> None:  # type: ignore[no-untyped-def]
    quiz = shipped["training"]
    _, copy = copies["training", "ci"]
    key = answerer(quiz)
    answers = {q.id: key.correct(show_question(q, student_seed(quiz.id, "s9"))) for q in quiz.questions}
    with pytest.raises(QuizError, match="carries no key"):
        grade_answers(copy, answers, "s9")
    assert grade_answers(copy, answers, "s9", key=quiz) == grade_answers(quiz, answers, "s9")


def test_a_key_changed_after_sealing_is_refused(shipped: dict[str, Quiz], copies) -> None:  # type: ignore[no-untyped-def]
    quiz = shipped["first-network"]
    _, copy = copies["first-network", "ci"]
    first = quiz.questions[0]
    edited = dataclasses.replace(quiz, questions=(dataclasses.replace(first, options=first.options[:3]),
                                                  *quiz.questions[1:]))
    with pytest.raises(QuizError, match="differs from the student copy"):
        grade_answers(copy, {}, "s1", key=edited)
    with pytest.raises(QuizError, match="the key is quiz `activations`"):
        grade_answers(copy, {}, "s1", key=shipped["activations"])


def test_a_tampered_lock_is_reported(shipped: dict[str, Quiz]) -> None:
    data = seal_quiz(shipped["first-network"], "sealed", cost=FAST_COST)
    locks = data["questions"][0]["locks"]
    locks["p1000"], locks["p1010"] = locks["p1010"], locks["p1000"]  # a student swaps two locks
    copy, problems = load_quiz_text(dump_yaml(data), "swapped.yaml")
    assert problems == []
    with pytest.raises(QuizError, match="the lock does not open"):
        grade_answers(copy, {"dense-param-count": "p1000"}, "s1")


def test_only_open_quizzes_can_be_sealed(copies) -> None:  # type: ignore[no-untyped-def]
    _, copy = copies["first-network", "sealed"]
    with pytest.raises(QuizError, match="only an open quiz can be sealed"):
        seal_quiz(copy, "ci")
    with pytest.raises(ValueError, match="tier must be one of"):
        seal_quiz(copy, "open")
