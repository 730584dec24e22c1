"""One Korean term per concept (docs/glossary.md): no avoided variant in any Korean text a student reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import QUIZZES

ROOT = QUIZZES.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
YAML_BLOCK = re.compile(r"```yaml\n(# glossary.*?)```", re.S)

# Every Korean text a student reads: the catalogues (the quiz page's among them), the quizzes, the exercises and
# the reference solutions they are generated from.
KOREAN_TEXTS = sorted([*(ROOT / "grader" / "locale" / "ko").glob("*.yaml"), *QUIZZES.glob("*.yaml"),
                       *(ROOT / "exercises").glob("*.py"), *(ROOT / "solutions").glob("*.py")])


def glossary() -> list[dict[str, object]]:
    """The glossary's entries, from the YAML block of docs/glossary.md."""
    match = YAML_BLOCK.search(GLOSSARY.read_text(encoding="utf-8"))
    assert match, f"{GLOSSARY}: no ```yaml block starting with '# glossary'"
    entries = yaml.safe_load(match.group(1))
    assert isinstance(entries, list) and entries
    return entries


def variants_in(text: str) -> list[str]:
    """`line N: 'variant' (use 'preferred')` for every avoided variant in `text`."""
    found = []
    for entry in glossary():
        for pattern in entry["avoid"]:  # type: ignore[union-attr]
            for match in re.finditer(pattern, text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"line {line}: {match.group()!r} (use {entry['preferred']!r})")
    return found


def test_the_glossary_names_one_preferred_term_per_concept_and_never_avoids_it():
    entries = glossary()
    preferred = [entry["preferred"] for entry in entries]
    assert len(preferred) == len(set(preferred))
    for entry in entries:
        assert entry["en"] and entry["avoid"], entry
        assert not any(re.search(p, str(entry["preferred"])) for p in entry["avoid"]), entry  # type: ignore[union-attr]


def test_the_check_finds_a_variant():
    assert variants_in('a: "정답 구현과 같습니다"\nb: "시간초과"\n') == [
        "line 1: '정답 구현' (use '기준 구현')", "line 2: '시간초과' (use '시간 초과')"]
    assert variants_in('quiz.verdict.partial: "부분 정답"') == []  # 부분 in its own sense stays


@pytest.mark.parametrize("path", KOREAN_TEXTS, ids=lambda p: str(Path(p).relative_to(ROOT)))
def test_no_korean_text_uses_a_variant_the_glossary_avoids(path: Path):
    assert variants_in(path.read_text(encoding="utf-8")) == []
