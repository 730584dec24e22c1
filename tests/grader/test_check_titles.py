"""A check's title is a requirement, so it reads right after PASS and after FAIL alike.

The report prints ``FAIL  <title>``: a statement ("value matches the reference", "기준 구현과 같습니다") then
contradicts the mark. The rule, which README's instructors section repeats: an English title says what the code
*should* do (the word "should"), a Korean one ends in the requirement form ``-아야/-어야 함`` ("기준 구현과
같아야 함"). Part titles (``part.<part>.title``) are noun phrases and are not held to it.
"""

from __future__ import annotations

import re

import pytest

from tests.grader.test_language_catalogues import PARTS, check_docstrings, messages

SHOULD = re.compile(r"\bshould\b")
KOREAN_ENDING = "야 함"


def english_is_a_requirement(title: str) -> bool:
    """An English check title states a requirement: it has the word "should"."""
    return SHOULD.search(title) is not None


def korean_is_a_requirement(title: str) -> bool:
    """A Korean check title ends in the requirement form -아야/-어야 함 (같아야 함, 내야 함, 바꾸지 않아야 함)."""
    return title.endswith(KOREAN_ENDING)


def test_the_rule_tells_requirements_from_statements():
    assert english_is_a_requirement("value should match the reference, including at 0")
    assert not english_is_a_requirement("value matches the reference, including at 0 and at |x| = 1000")
    assert not english_is_a_requirement("shoulder: the word must be whole")
    assert korean_is_a_requirement("0과 |x| = 1000에서도 값이 기준 구현과 같아야 함")
    assert korean_is_a_requirement("어떤 지표도 y_true나 y_pred의 원본 내용을 바꾸지 않아야 함")
    assert not korean_is_a_requirement("도함수 값이 기준 구현과 같습니다")
    assert not korean_is_a_requirement("기준 구현과 같아야 합니다")
    assert not korean_is_a_requirement("기준 구현과 같아야 함(0에서도)")


RULES = {"en": (english_is_a_requirement, "English check titles say what the code should do: \"value should match\""),
         "ko": (korean_is_a_requirement, f"Korean check titles end in the requirement form: \"…{KOREAN_ENDING}\"")}


@pytest.mark.parametrize("lang", sorted(RULES))
@pytest.mark.parametrize("part", sorted(PARTS))
def test_check_titles_are_requirements(part, lang):
    is_a_requirement, rule = RULES[lang]
    catalogue = messages(lang, f"check_{part}.yaml")
    titles = {f"check.{part}.{name}": catalogue[f"check.{part}.{name}"] for name in check_docstrings(part)}
    assert [f"{key}: {title}" for key, title in titles.items() if not is_a_requirement(title)] == [], rule
