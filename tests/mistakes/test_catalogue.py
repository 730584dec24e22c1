"""The catalogue itself: enough entries, each one a faithful stand-in for the exercise function it imitates, and
each one explained, in English and in Korean, and tied to a concept of the notes."""

from __future__ import annotations

import inspect
import re
from collections import Counter

import pytest

from grader import i18n, mistakes, reference
from grader.audit import foreign_names, reference_folder, transplant, variant_source
from grader.mistakes import CONCEPTS, CatalogueError, mistake

ALL = mistakes.all_mistakes()
IDS = [m.id for m in ALL]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def reference_function(m: mistakes.Mistake):
    module, _, qualname = m.target.partition(".")
    owner = reference.resolve(f"{module}.{qualname.partition('.')[0]}")
    return getattr(owner, qualname.partition(".")[2]) if "." in qualname else owner


def placeholders(template: str) -> set[str]:
    return set(re.findall(r"{(\w*)}", template))


def test_the_catalogue_covers_the_course():
    assert len(ALL) >= 40
    per_part = Counter(m.part for m in ALL)
    assert {"activations", "losses", "layers", "network", "optimizers", "metrics"} <= set(per_part)


def test_ids_are_unique_and_readable():
    assert len(set(IDS)) == len(IDS)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", i) for i in IDS)


@pytest.mark.parametrize("m", ALL, ids=IDS)
def test_variant_takes_the_arguments_of_the_exercise_function(m):
    expected = inspect.signature(reference_function(m))
    got = inspect.signature(m.function)
    assert [(p.name, p.kind, p.default) for p in got.parameters.values()] == [
        (p.name, p.kind, p.default) for p in expected.parameters.values()]


@pytest.mark.parametrize("m", ALL, ids=IDS)
def test_variant_uses_only_the_reference_modules_names(m):
    """What lets the audit transplant it into a submission and get the same behaviour as in the grader."""
    assert foreign_names(m) == []
    source = (reference_folder() / f"{m.part}.py").read_text(encoding="utf-8")
    rewritten = transplant(source, m)
    compile(rewritten, f"{m.part}.py", "exec")
    indent = "    " * m.qualname.count(".")
    assert "".join(indent + line for line in variant_source(m).splitlines(keepends=True)) in rewritten
    assert "@mistake" not in rewritten


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("m", ALL, ids=IDS)
def test_every_mistake_is_named_and_explained(m, lang):
    with i18n.language(lang):
        messages = i18n.catalogue(lang)
        for key in (f"mistake.{m.id}.name", f"mistake.{m.id}.explain", f"concept.{m.concept}"):
            assert messages.get(key), f"{lang}: {key} is missing"
        described = m.describe()
        assert m.name in described and m.explanation() in described and m.concept_name() in described
    if lang == "ko":
        assert HANGUL.search(messages[f"mistake.{m.id}.explain"])
        assert messages[f"mistake.{m.id}.explain"] != i18n.catalogue("en")[f"mistake.{m.id}.explain"]


def test_every_concept_has_a_name_in_every_language_and_is_used():
    for lang in i18n.available_languages():
        assert all(i18n.catalogue(lang).get(f"concept.{c}") for c in CONCEPTS), lang
    assert {m.concept for m in ALL} <= set(CONCEPTS)


def test_mistake_texts_have_no_stray_keys():
    """Every mistake or concept text in a language belongs to a catalogued mistake or a known concept."""
    known = {f"mistake.{i}.{k}" for i in IDS for k in ("name", "explain")} | {f"concept.{c}" for c in CONCEPTS}
    known.add("mistake.named")
    for lang in i18n.available_languages():
        stray = [k for k in i18n.catalogue(lang) if k.startswith(("mistake.", "concept.")) and k not in known]
        assert stray == [], lang


def test_registration_refuses_unknown_concepts_duplicates_and_bad_targets():
    with pytest.raises(CatalogueError, match="concept"):
        mistake("activations.sigmoid", id="x-y", concept="no-such-concept")
    with pytest.raises(CatalogueError, match="twice"):
        mistake("activations.sigmoid", id=IDS[0], concept=CONCEPTS[0])
    with pytest.raises(CatalogueError, match="target"):
        mistake("sigmoid", id="x-z", concept=CONCEPTS[0])
