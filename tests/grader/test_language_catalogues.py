"""Every sentence of the hidden suites lives in the language catalogues, and none stays in the suites.

The rule for an instructor: a suite's and a check's docstring keep their English title on the first line, and
``grader/locale/en/check_<part>.yaml`` repeats it word for word (``part.<part>.title``, ``check.<part>.<check>``);
the texts of a failure are ``check.<part>.<check>.<text>`` (one check) or ``suite.<part>.<text>`` (several checks);
``grader/locale/ko/check_<part>.yaml`` translates them all. These tests hold the suites and the catalogues to it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from grader import i18n
from grader import parts as course
from tests.conftest import SOLUTIONS

LOCALE = Path(i18n.__file__).parent / "locale"
PARTS = {p.name: p for p in course.discover()}
LANGUAGES = ("en", "ko")
WORD = re.compile(r"[A-Za-z]+([.,;:!?]?)")
PLACEHOLDER = re.compile(r"{[^{}]*}")


def exercise_names() -> set[str]:
    """The exercises' public names: modules, functions, classes, methods and their parameters (sigmoid, loss, x)."""
    names = set()
    for path in SOLUTIONS.glob("*.py"):
        names.add(path.stem)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                names.add(node.name)
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                names.update(a.arg for a in node.args.args + node.args.kwonlyargs)
    return names


CODE_NAMES = exercise_names()


def english_runs(text: str, least: int = 3) -> list[str]:
    """The runs of ``least`` or more English words in ``text``: what an English sentence leaves in a Korean one.

    ``text`` is split at whitespace. A token is an English word when it is ASCII letters only, perhaps followed by
    one of ``. , ; : ! ?``, which also ends the run. The exercises' own names (``sigmoid``, ``loss``, ``forward``,
    ``x``) are code: they neither count nor end a run. Any other token -- a number, code such as ``x[idx]`` or
    ``sigmoid(x)``, a word with Hangul in it -- ends a run.
    """
    runs: list[str] = []
    run: list[str] = []
    counted = 0
    for token in text.split() + [""]:
        word = WORD.fullmatch(token)
        if word:
            run.append(token)
            counted += token.rstrip(".,;:!?") not in CODE_NAMES
        if not word or word.group(1):
            if counted >= least:
                runs.append(" ".join(run))
            run, counted = [], 0
    return runs


def messages(lang: str, area: str) -> dict[str, str]:
    return yaml.safe_load((LOCALE / lang / area).read_text(encoding="utf-8"))


def suite_tree(part: str) -> ast.Module:
    return ast.parse(PARTS[part].path.read_text(encoding="utf-8"))


def check_docstrings(part: str) -> dict[str, str]:
    """Each check function of the suite, by name, with the first line of its docstring."""
    return {node.name: (ast.get_docstring(node) or "").splitlines()[0] if ast.get_docstring(node) else ""
            for node in suite_tree(part).body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def docstring_constants(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node) is not None:
            found.add(id(node.body[0].value))
    return found


def test_the_rule_finds_english_and_passes_korean():
    assert english_runs("the result is wrong at index 3") == ["the result is wrong at index"]
    assert english_runs("RuntimeWarning: overflow encountered in exp") == ["overflow encountered in exp"]
    assert english_runs("the loss of epoch 2") == ["the loss of epoch"]  # the exercise's name loss does not hide it
    assert english_runs("결과의 값이 틀렸습니다: sigmoid(x)의 기울기, ReLU, ELU, softplus, Maxout") == []
    assert english_runs("fit(..., loss=\"hinge_loss\", ...)이 예외 없이 끝났습니다. if not callable(f): raise") == []


@pytest.mark.parametrize("part", sorted(PARTS))
def test_english_titles_repeat_the_docstrings(part):
    english = messages("en", f"check_{part}.yaml")
    assert english.get(f"part.{part}.title") == PARTS[part].docstring_title, \
        f"part.{part}.title must repeat the first line of {PARTS[part].path.name}'s docstring"
    for name, first_line in check_docstrings(part).items():
        assert english.get(f"check.{part}.{name}") == first_line, \
            f"check.{part}.{name} in grader/locale/en/check_{part}.yaml must repeat the first line of its docstring"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("part", sorted(PARTS))
def test_every_part_and_check_has_a_title(part, lang):
    catalogue = messages(lang, f"check_{part}.yaml")
    wanted = {f"part.{part}.title"} | {f"check.{part}.{name}" for name in check_docstrings(part)}
    assert sorted(wanted - set(catalogue)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("part", sorted(PARTS))
def test_every_key_belongs_to_a_check_of_its_suite(part, lang):
    # The student copy drops check.<part>.<check>... of every hidden check: a key must name its check exactly.
    checks = check_docstrings(part)
    pattern = re.compile(rf"part\.{part}\.title|check\.{part}\.(test_\w+)(\.\w+)?|suite\.{part}\.\w+")
    for key in messages(lang, f"check_{part}.yaml"):
        found = pattern.fullmatch(key)
        assert found, f"{key}: a key of check_{part}.yaml is part.{part}.title, check.{part}.<check>[.<text>] " \
                      f"or suite.{part}.<text>"
        assert found.group(1) is None or found.group(1) in checks, f"{key}: {PARTS[part].path.name} has no such check"


@pytest.mark.parametrize("part", sorted(PARTS))
def test_the_suite_uses_exactly_its_texts(part):
    """Every tr() of the suite names, as a literal, a key the catalogues define; every text of its file is used."""
    tree, source = suite_tree(part), PARTS[part].path.read_text(encoding="utf-8")
    defined = i18n.catalogue("en")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "tr":
            key = node.args[0]
            assert isinstance(key, ast.Constant), f"{PARTS[part].path.name}:{node.lineno}: write the key as a literal"
            assert key.value in defined, f"{PARTS[part].path.name}:{node.lineno}: no message {key.value!r}"
    texts = [k for k in messages("en", f"check_{part}.yaml") if k.startswith("suite.") or k.count(".") == 3]
    assert [k for k in texts if f'"{k}"' not in source] == [], "texts the suite never uses"


@pytest.mark.parametrize("part", sorted(PARTS))
def test_no_english_sentence_stays_in_the_suite(part):
    tree = suite_tree(part)
    docstrings = docstring_constants(tree)
    left = [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and english_runs(node.value)]
    assert left == [], f"move these texts of {PARTS[part].path.name} to grader/locale/<lang>/check_{part}.yaml"


@pytest.mark.parametrize("area", sorted(p.name for p in (LOCALE / "ko").glob("*.yaml")))
def test_korean_texts_leave_no_english_sentence(area):
    leaks = {key: english_runs(PLACEHOLDER.sub(" ", text)) for key, text in messages("ko", area).items()}
    assert {key: runs for key, runs in leaks.items() if runs} == {}


def test_a_key_is_defined_in_one_file_only(tmp_path, monkeypatch):
    for name, text in {"a.yaml": "same.key: \"first\"\n", "b.yaml": "same.key: \"second\"\n"}.items():
        (tmp_path / "xx" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "xx" / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"b\.yaml: the message 'same.key' is already defined in a\.yaml"):
            i18n.catalogue("xx")
    finally:
        i18n.catalogue.cache_clear()
