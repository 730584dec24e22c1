"""The terminal session's own sentences come from the language catalogues (``quiz.*`` in
``grader/locale/<lang>/quiz.yaml``): a Korean session says every one of them in Korean."""

from __future__ import annotations

import re

import pytest

from grader import i18n
from grader.quiz.keys import key_for
from grader.quiz.terminal import Session
from grader.quiz.variants import show_question, student_seed

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def transcript(quiz, lang: str, replies, capsys) -> str:
    """The whole session as printed, answering with ``replies(i, shown)`` in turn."""
    seed = student_seed(quiz.id, "s1")
    shown = [show_question(q, seed) for q in quiz.questions]
    queue = [reply for i, s in enumerate(shown) for reply in replies(i, s)]
    session = Session(quiz, "s1", lang, plain=True, keys=key_for(quiz, None), ask=lambda prompt: (print(prompt),
                                                                                                   queue.pop(0))[1])
    session.run()
    return capsys.readouterr().out


def test_a_korean_session_speaks_korean_throughout(shipped, answerer, capsys):
    quiz = shipped["activations"]  # single, multiple, true/false and numeric questions
    key = answerer(quiz)

    def replies(i, shown):
        first = ["twelve"] if shown.question.type == "numeric" else []  # not a number: asked again
        answer = key.wrong(shown) if i % 2 else key.correct(shown)
        return first + [" ".join(answer) if isinstance(answer, list) else str(answer).lower()]

    out = transcript(quiz, "ko", replies, capsys)
    with i18n.language("ko"):
        assert i18n.tr("quiz.not_a_number", reply="'twelve'") in out
        assert i18n.tr("quiz.summary") in out and i18n.tr("quiz.verdict.wrong") in out
    english = {key: max(re.split(r"{[^{}]*}", text), key=len).strip() for key, text in i18n.catalogue("en").items()
               if key.startswith("quiz.")}
    assert {key: text for key, text in english.items() if len(text) > 3 and text in out} == {}


def test_an_english_session_is_unchanged(shipped, answerer, capsys):
    quiz = shipped["first-network"]
    key = answerer(quiz)
    out = transcript(quiz, "en", lambda i, shown: [str(key.correct(shown))], capsys)
    assert "Question 1 of 4  (1 point)" in out and "Correct: 1 of 1 point" in out
    assert "Total: 4 of 4 (100%)" in out and "Passed (pass mark" in out and not HANGUL.search(out)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_words_an_answers_file_is_saved_with(shipped, lang):
    session = Session(shipped["first-network"], "s1", lang, plain=True, keys=None)
    with i18n.language(lang):
        assert session.words["saved"].format(path="a.yaml") == i18n.tr("quiz.saved", path="a.yaml")
