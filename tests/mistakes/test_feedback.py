"""What a student sees: every mistake of a submission named, in English by default and in Korean with --lang ko."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader import i18n, mistakes
from grader.audit import reference_copy, write_variant
from grader.cli import main
from grader.grading import grade

HANGUL = re.compile(r"[\uac00-\ud7a3]")
PLACEHOLDER = re.compile(r"{(\w*)(?:[:!][^{}]*)?}")  # {name}, also with a format: {got:g}
LOCALE = Path(i18n.__file__).parent / "locale"
TWO_PARTS = ("sigmoid-grad-of-x", "cce-mean-over-classes")  # activations.sigmoid_grad, losses.categorical_crossentropy


def submission_with(folder: Path, *mistake_ids: str) -> Path:
    """A copy of the reference with each mistake written into its function."""
    reference_copy(folder)
    for mistake_id in mistake_ids:
        write_variant(folder, mistakes.find(mistake_id))
    return folder


@pytest.fixture(scope="module")
def two_mistakes(tmp_path_factory) -> Path:
    return submission_with(tmp_path_factory.mktemp("two") / "submission", *TWO_PARTS)


@pytest.mark.parametrize("mistake_ids, parts", [
    (TWO_PARTS, ["activations", "losses"]),
    (("tanh-grad-of-x", "softmax-whole-array"), ["activations"]),  # two functions of one module
])
def test_two_mistakes_in_two_functions_are_both_named(tmp_path, mistake_ids, parts):
    result = grade(submission_with(tmp_path / "submission", *mistake_ids), parts)
    named = {c.mistake for c in result.checks if c.mistake}
    assert named == set(mistake_ids)
    for mistake_id in mistake_ids:
        m = mistakes.find(mistake_id)
        named_checks = [c for c in result.checks if c.mistake == mistake_id]
        assert all(c.part == m.part and c.outcome == "failed" for c in named_checks)
        assert all(m.name in c.hint for c in named_checks)


def test_check_speaks_korean_end_to_end(two_mistakes):
    result = CliRunner().invoke(main, ["check", "activations", "losses", "--submission", str(two_mistakes),
                                       "--lang", "ko"], catch_exceptions=False)
    assert result.exit_code == 1
    out = result.output
    with i18n.language("ko"):
        for mistake_id in TWO_PARTS:
            m = mistakes.find(mistake_id)
            assert m.name in out and m.concept_name() in out
        assert f"{i18n.tr('text.hint')}: " in out
    lines = out.splitlines()
    assert HANGUL.search(lines[0]) and HANGUL.search(lines[-1])  # the header and the total
    messages = [line for line in lines if "sigmoid_grad(x=" in line]
    assert messages and all(HANGUL.search(line) for line in messages)
    for english in ("Total:", "hint:", "this looks like a known mistake", "is wrong at index", "expected"):
        assert english not in out


def test_json_in_korean_keeps_ids_and_translates_messages(two_mistakes):
    result = CliRunner().invoke(main, ["check", "losses", "--submission", str(two_mistakes), "--lang", "ko",
                                       "--format", "json"], catch_exceptions=False)
    data = json.loads(result.output)
    assert data["language"] == "ko"
    failed = [c for p in data["parts"] for c in p["checks"] if c["outcome"] != "passed"]
    assert failed and all(HANGUL.search(c["message"]) for c in failed)
    assert {c["mistake"] for c in failed if c["mistake"]} == {"cce-mean-over-classes"}


def test_english_stays_the_default(two_mistakes):
    out = CliRunner().invoke(main, ["check", "losses", "--submission", str(two_mistakes)]).output
    assert "this looks like a known mistake" in out and not HANGUL.search(out.replace(str(two_mistakes), ""))


# The one catalogue with no English file: the exercises' docstrings, whose English is solutions/ itself (one source
# of English truth); tests/content/test_korean_exercises.py holds the Korean one to solutions/ instead.
ENGLISH_IN_SOLUTIONS = {"exercises.yaml"}


def test_every_area_has_a_korean_file():
    korean, english = ((p.name for p in (LOCALE / language).glob("*.yaml")) for language in ("ko", "en"))
    assert sorted(set(korean) - ENGLISH_IN_SOLUTIONS) == sorted(english)


@pytest.mark.parametrize("area", sorted(p.name for p in (LOCALE / "en").glob("*.yaml")))
def test_every_message_has_a_korean_translation_with_the_same_placeholders(area):
    english = yaml.safe_load((LOCALE / "en" / area).read_text(encoding="utf-8"))
    korean = yaml.safe_load((LOCALE / "ko" / area).read_text(encoding="utf-8"))
    assert sorted(set(english) - set(korean)) == [], "keys without a Korean translation"
    assert sorted(set(korean) - set(english)) == [], "Korean keys that English no longer has"
    for key, template in english.items():
        assert set(PLACEHOLDER.findall(korean[key])) == set(PLACEHOLDER.findall(template)), key
        assert HANGUL.search(korean[key]) or not re.search(r"[A-Za-z]{3}", template), key
