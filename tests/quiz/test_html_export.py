"""`nn-grader quiz export NAME --html FILE`: a sealed page whose source holds no answer, refers to no URL, and is
made only where it can keep the key and the course secret out of plain sight. (tests/browser/ drives the page.)"""

from __future__ import annotations

import base64
import binascii
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader.quiz import Quiz, dump_yaml, seal_quiz
from grader.quiz.cli import quiz as quiz_cli
from grader.quiz.html_export import export_html, page_words
from grader.quiz.text import LANGUAGES
from grader.quiz.variants import show_quiz, student_seed

from quiz_files import FAST_COST, SHIPPED

STUDENT = "s2024-017"
CORRECT_FLAG = re.compile(r"""["']?\bcorrect["']?\s*[:=]\s*(true|1)\b""", re.IGNORECASE)
ANSWER_FIELD = re.compile(r"""["']answer["']\s*:""")
BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{24,}={0,2}")
JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
URL = re.compile(r"://|\b(src|href|action)\s*=|@import|\burl\(|\bfetch\(|XMLHttpRequest|WebSocket", re.IGNORECASE)


@pytest.fixture(scope="module")
def pages(shipped: dict[str, Quiz]) -> dict[str, str]:
    return {quiz_id: export_html(quiz, cost=FAST_COST) for quiz_id, quiz in shipped.items()}


def readings(page: str) -> list[str]:
    """The page as written, with JSON escapes undone, and every base64 run in it decoded."""
    unescaped = JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), page)
    decoded = []
    for run in BASE64_RUN.findall(unescaped):
        try:
            decoded.append(base64.b64decode(run + "=" * (-len(run) % 4)).decode("utf-8", "ignore"))
        except (binascii.Error, ValueError):
            continue
    return [page, unescaped, *decoded]


def key_texts(quiz: Quiz) -> list[str]:
    """Every feedback, explanation and misconception text of the key, and each numeric answer's expression."""
    found: list[str] = []
    for question in quiz.questions:
        key = question.key
        assert key is not None
        found += list(key.explanation.values())
        option_keys = list(key.options.values())
        if key.numeric is not None:
            option_keys += [k for _, k in key.numeric.distractors]
            if not re.fullmatch(r"[\d.]+", key.numeric.answer.source):  # a bare number may occur in any text
                found.append(key.numeric.answer.source)
        for option_key in option_keys:
            found += list((option_key.feedback or {}).values())
            found += [option_key.misconception] if option_key.misconception else []
    return found


def answer_mappings(quiz: Quiz) -> list[str]:
    """Each correct answer as an answers file would hold it, by option id and by letter."""
    found: list[str] = []
    for question, shown in zip(quiz.questions, show_quiz(quiz, STUDENT), strict=True):
        assert question.key is not None
        for o in shown.options:
            if question.key.options[o.slot].correct:
                for label in {o.slot, o.letter}:
                    found += [f'"{question.id}":"{label}"', f'"{question.id}": "{label}"', f"{question.id}: {label}"]
    return found


def test_the_search_finds_a_key_hidden_in_a_page(shipped: dict[str, Quiz], pages: dict[str, str]) -> None:
    """The search below can fail: an open quiz slipped into a page, base64- or JSON-encoded, is found."""
    for quiz_id, quiz in shipped.items():
        source = Path(quiz.file).read_text(encoding="utf-8")
        for hidden in (base64.b64encode(source.encode()).decode(), json.dumps(source)):
            texts = readings(pages[quiz_id].replace("</body>", f"<!-- {hidden} -->\n</body>"))
            assert all(any(marker in text for text in texts) for marker in key_texts(quiz)), quiz_id
            assert any(CORRECT_FLAG.search(text) for text in texts), quiz_id


def test_no_answer_is_in_the_page_source(shipped: dict[str, Quiz], pages: dict[str, str]) -> None:
    for quiz_id, quiz in shipped.items():
        for text in readings(pages[quiz_id]):
            assert not CORRECT_FLAG.search(text), (quiz_id, CORRECT_FLAG.search(text))
            assert not ANSWER_FIELD.search(text), quiz_id
            for marker in key_texts(quiz) + answer_mappings(quiz):
                assert marker not in text, (quiz_id, marker)


def test_the_page_refers_to_no_url(pages: dict[str, str]) -> None:
    for quiz_id, page in pages.items():
        assert not URL.search(page), (quiz_id, URL.search(page))


def test_the_page_holds_the_quiz_in_every_language_and_the_locks(shipped: dict[str, Quiz],
                                                                pages: dict[str, str]) -> None:
    page = pages["first-network"]
    data = json.loads(re.search(r'<script type="application/json" id="quiz-data">(.*?)</script>', page, re.S)[1])
    quiz = data["quiz"]
    assert [q["id"] for q in quiz["questions"]] == [q.id for q in shipped["first-network"].questions]
    assert quiz["questions"][0]["prompt"]["ko"].startswith("어떤 인공 신경망의")
    assert all(set(q["locks"]) == {o["slot"] for o in q["options"]} | {"explanation"} for q in quiz["questions"])
    assert quiz["seal"]["n"] == FAST_COST
    assert set(data["words"]) == set(LANGUAGES) and data["student"] is None
    assert data["words"]["ko"]["quiz_page.check"] == page_words("ko")["quiz_page.check"] == "답 확인"


def test_page_sentences_exist_in_every_language() -> None:
    english = page_words("en")
    assert len(english) > 30
    for lang in LANGUAGES:
        words = page_words(lang)
        assert set(words) == set(english), lang
        for key, template in words.items():
            assert set(re.findall(r"\{(\w+)\}", template)) == set(re.findall(r"\{(\w+)\}", english[key])), key


def test_export_writes_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NN_GRADER_COURSE_SECRET", raising=False)
    target = tmp_path / "quiz.html"
    result = CliRunner().invoke(quiz_cli, ["export", "first-network", "--html", str(target), "--lang", "ko",
                                           "--cost", str(FAST_COST)])
    assert result.exit_code == 0, result.output
    assert f"Wrote the quiz page of first-network to {target}" in result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ko">' in page
    assert "<title>딥러닝의 세계로: 확인 문제 네 개</title>" in page


def test_a_sealed_copy_is_exported_with_its_own_locks(shipped: dict[str, Quiz], tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_text(dump_yaml(seal_quiz(shipped["training"], "sealed", cost=FAST_COST)), encoding="utf-8")
    target = tmp_path / "quiz.html"
    result = CliRunner().invoke(quiz_cli, ["export", str(copy), "--html", str(target)])
    assert result.exit_code == 0, result.output
    sealed = yaml.safe_load(copy.read_text(encoding="utf-8"))
    page = target.read_text(encoding="utf-8")
    assert all(lock in page for q in sealed["questions"] for lock in q["locks"].values())
    assert sealed["seal"]["salt"] in page


def test_a_ci_copy_cannot_become_a_page(shipped: dict[str, Quiz], tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_text(dump_yaml(seal_quiz(shipped["first-network"], "ci")), encoding="utf-8")
    result = CliRunner().invoke(quiz_cli, ["export", str(copy), "--html", str(tmp_path / "quiz.html")])
    assert result.exit_code == 1
    assert "tier: a ci copy carries no key" in result.output
    assert not (tmp_path / "quiz.html").exists()


def test_a_course_secret_needs_a_page_per_student(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NN_GRADER_COURSE_SECRET", "hush-4711")
    target = tmp_path / "quiz.html"
    refused = CliRunner().invoke(quiz_cli, ["export", "training", "--html", str(target)])
    assert refused.exit_code == 2 and "--student ID" in refused.output and not target.exists()
    made = CliRunner().invoke(quiz_cli, ["export", "training", "--html", str(target), "--student", STUDENT,
                                         "--cost", str(FAST_COST)])
    assert made.exit_code == 0, made.output
    page = target.read_text(encoding="utf-8")
    assert "hush-4711" not in page
    assert f'"student":{{"id":"{STUDENT}","seed":"{student_seed("training", STUDENT, "hush-4711")}"}}' in page


def test_a_cost_that_is_not_a_power_of_two_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(quiz_cli, ["export", "first-network", "--html", str(tmp_path / "q.html"),
                                           "--cost", "1000"])
    assert result.exit_code == 2 and "power of two" in result.output


def test_every_shipped_quiz_exports(pages: dict[str, str]) -> None:
    assert set(pages) == {path.stem for path in SHIPPED}
    assert all(len(page) < 200_000 for page in pages.values())
