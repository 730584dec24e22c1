"""A quiz as one self-contained HTML page, in the sealed tier: ``nn-grader quiz export NAME --html FILE``.

The page carries the sealed copy of the quiz (grader.quiz.sealing) -- prompts, options and texts in every language,
and the locks -- plus its own CSS and JavaScript, all inline: it opens offline from ``file://`` and refers to no
URL. Nothing that says which option is right is in plain text: the page opens a question's locks in the browser
only when the student checks an answer, with the same scrypt-keyed locks ``nn-grader quiz take`` opens on a sealed
copy (grader/quiz/page/locks.js is grader.quiz.locks in JavaScript). The student's variant -- drawn values and
option letters -- is computed in the page from the student id exactly as grader.quiz.variants computes it, so the
answers file the page saves grades the same with ``nn-grader quiz grade``.

A course secret (``NN_GRADER_COURSE_SECRET``) cannot go into a page that students hold; with one, a page is made
for one student (`student`), and only that student's seed -- which does not reveal the secret -- is embedded.

The page's own sentences are the ``quiz_page.*`` keys of ``grader/locale/<lang>/quiz_page.yaml``, all languages
embedded, so its language switch needs no reload.
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any

from grader.i18n import catalogue
from grader.quiz.locks import DEFAULT_COST
from grader.quiz.model import Option, Question, Quiz
from grader.quiz.problems import Problem, QuizError
from grader.quiz.sealing import read_sealed, seal_quiz
from grader.quiz.source import Document
from grader.quiz.text import LANGUAGES, Text, pick
from grader.quiz.variants import student_seed

PAGE_DIR = Path(__file__).parent / "page"
SCRIPTS = ("locks.js", "expressions.js", "variants.js", "grading.js", "quiz.js")  # in dependency order
WORDS_PREFIX = "quiz_page."
SLOT = re.compile(r"\{\{(\w+)\}\}")
# Inside <script>, "</script>" or "<!--" in a string would end or confuse the element; JSON may escape any character.
SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def export_html(quiz: Quiz, *, lang: str = "en", cost: int = DEFAULT_COST, student: str | None = None,
                secret: str = "", salt: bytes | None = None) -> str:
    """The quiz page of `quiz` (an open quiz, sealed here with scrypt cost `cost`, or an already sealed copy).

    `lang` is the page's first language; `student` makes the page for one student (required with a course
    `secret`); `salt` only makes the sealing reproducible. Raises QuizError for a ci copy, which has no key to
    give feedback from, and ValueError for a secret without a student.
    """
    if secret and not student:
        raise ValueError("a course secret cannot go into a page students hold; make one page per student "
                         "(--student ID), which embeds only that student's seed")
    copy = sealed_copy(quiz, cost=cost, salt=salt)
    data = page_data(copy, lang=lang, student=student, secret=secret)
    parts = {
        "lang": html.escape(lang),
        "title": html.escape(pick(copy.title, lang, copy.languages)),
        "style": (PAGE_DIR / "quiz.css").read_text(encoding="utf-8"),
        "script": "\n".join((PAGE_DIR / name).read_text(encoding="utf-8") for name in SCRIPTS),
        "data": script_json(data),
    }
    assert "</script" not in parts["script"].lower(), "a page script must not end its own element"
    template = (PAGE_DIR / "quiz.html").read_text(encoding="utf-8")
    return SLOT.sub(lambda match: parts[match.group(1)], template)  # one pass: data cannot inject a slot


def sealed_copy(quiz: Quiz, *, cost: int = DEFAULT_COST, salt: bytes | None = None) -> Quiz:
    """`quiz` in the sealed tier: sealed now if it is open, as it is if it is a sealed copy."""
    if quiz.tier == "sealed":
        return quiz
    if quiz.tier == "ci":
        raise QuizError([Problem(quiz.file, None, "tier", "a ci copy carries no key, so its page could give no "
                                                          "feedback; export the open quiz or a sealed copy")])
    copy, problems = read_sealed(Document(quiz.file, seal_quiz(quiz, "sealed", cost=cost, salt=salt)))
    if copy is None or problems:
        raise QuizError(problems)
    return copy


def page_data(copy: Quiz, *, lang: str, student: str | None = None, secret: str = "") -> dict[str, Any]:
    """What the page's script reads: the sealed quiz, the page's words in every language, and the fixed student."""
    assert copy.seal is not None, "a sealed copy has a seal"
    seal = copy.seal
    return {
        "lang": lang,
        "quiz": {
            "id": copy.id,
            "title": _text(copy.title),
            "languages": list(copy.languages),
            "pass_mark": copy.pass_mark,
            "seal": {"n": seal.n, "r": seal.r, "p": seal.p, "salt": base64.b64encode(seal.salt).decode()},
            "questions": [_question(q) for q in copy.questions],
        },
        # A page for one student holds that student's seed (SHA-256 of the secret and the ids), never the secret.
        "student": None if student is None else {"id": student,
                                                 "seed": str(student_seed(copy.id, student, secret))},
        "words": {code: page_words(code) for code in LANGUAGES},
    }


def page_words(lang: str) -> dict[str, str]:
    """The page's sentences in `lang`: every ``quiz_page.*`` key of the message catalogue."""
    return {key: value for key, value in catalogue(lang).items() if key.startswith(WORDS_PREFIX)}


def script_json(data: Any) -> str:
    """`data` as JSON that can sit inside a <script> element as it is."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return "".join(SCRIPT_SAFE.get(char, char) for char in text)


def _question(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "type": question.type,
        "prompt": _text(question.prompt),
        "points": question.points,
        "scoring": question.scoring,
        "shuffle": question.shuffle,
        "digits": question.digits,
        "params": [[p.name, p.expression.source] for p in question.params],
        "options": [_option(o) for o in question.options],
        "locks": dict(question.locks),
    }


def _option(option: Option) -> dict[str, Any]:
    return {"slot": option.slot, "text": _text(option.text) if option.text is not None else None,
            "value": option.value.source if option.value is not None else None}


def _text(text: Text) -> dict[str, str]:
    return dict(text)
