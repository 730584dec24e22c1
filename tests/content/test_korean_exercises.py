"""The Korean exercises come from the same source as the English ones, and stay in step with it.

The English docstrings are those of solutions/ (the single source); grader/locale/ko/exercises.yaml translates
them, keyed as the notebooks read them (``exercise.<part>.doc``, ``exercise.<part>.<qualname>.doc``). Drift between
the two is caught here: the same functions, the same template labels in the same order, the same math in the
Formula, and the very same ``>>>`` example. Generation (grader/stubgen.py, ``nn-grader stubs --lang ko``) swaps
the docstrings and nothing else.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader import i18n
from grader.classroom.leaks import find_leaks
from grader.cli import main
from grader.stubgen import find_drift, make_stub, write_exercises
from tests.conftest import SOLUTIONS

from .packages import MODULES
from .test_docstrings import LABEL, exercise_functions

KOREAN = Path(i18n.__file__).parent / "locale" / "ko" / "exercises.yaml"
KO_LABELS = {"공식": "Formula", "알고리즘": "Algorithm", "인수": "Arguments", "형태": "Shapes",
             "수치 계산": "Numerics", "힌트": "Hint", "왜 중요한가": "Why it matters"}
KO_LABEL = re.compile(rf"({'|'.join(KO_LABELS)})[^:\n]*:")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def korean() -> dict[str, str]:
    return yaml.safe_load(KOREAN.read_text(encoding="utf-8"))


def english() -> dict[str, str]:
    """Every docstring the Korean catalogue must translate, from solutions/: each module's, each graded function's
    and method's (tests/content/test_docstrings.py's exercise functions) and each public class's."""
    found = {}
    for module_name in MODULES:
        path = SOLUTIONS / f"{module_name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found[f"exercise.{module_name}.doc"] = ast.get_docstring(tree) or ""
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                found[f"exercise.{module_name}.{node.name}.doc"] = ast.get_docstring(node) or ""
        for function in exercise_functions(module_name):
            found[f"exercise.{module_name}.{function.__qualname__}.doc"] = inspect.cleandoc(function.__doc__)
    return found


def labels(text: str, pattern: re.Pattern[str], names: dict[str, str] | None = None) -> list[str]:
    """The template's labels in the order the docstring gives them, in English."""
    found = [m.group(1) for line in text.splitlines() if (m := pattern.match(line))]
    return [names[label] for label in found] if names else found


def section(text: str, label: re.Pattern[str], name: str) -> str:
    """The lines of one labelled section, up to the next label or the example."""
    lines, inside = [], False
    for line in text.splitlines():
        match = label.match(line)
        if match or line.startswith(">>>"):
            inside = bool(match) and match.group(1) == name
        if inside:
            lines.append(line)
    return "\n".join(lines)


def math(text: str) -> set[str]:
    """The math and code of a text, whatever language its words are in: each token with its Hangul (a Korean
    particle, a word) removed, without its sentence punctuation and the parentheses a sentence put around it, less
    the tokens left as plain words."""
    tokens = {balanced(HANGUL.sub("", token).rstrip(".,;:")) for token in text.split()}
    return {token for token in tokens if not re.fullmatch(r"[A-Za-z]*(?:-[A-Za-z]+)*(?:'s?)?|[(),]*", token)}


def balanced(token: str) -> str:
    """``token`` without the unmatched parentheses (and sentence punctuation) at its ends: ``(0`` and ``0)`` are
    ``0``, ``max(x, 0)`` stays as it is."""
    while True:
        before = token
        token = token.rstrip(".,;:")
        if token.startswith("(") and token.count("(") > token.count(")"):
            token = token[1:]
        if token.endswith(")") and token.count(")") > token.count("("):
            token = token[:-1]
        if token.endswith("(") and token.count("(") > token.count(")"):
            token = token[:-1]
        if token == before:
            return token


def example(text: str) -> list[str]:
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.startswith(">>>")), len(lines))
    return lines[first:]


def test_every_graded_docstring_has_a_korean_text_and_no_other():
    expected, found = english(), korean()
    assert sorted(set(expected) - set(found)) == [], "docstrings without a Korean text"
    assert sorted(set(found) - set(expected)) == [], "Korean texts of no graded docstring in solutions/"
    assert [key for key, text in found.items() if not HANGUL.search(text.partition("\n")[0])] == []


@pytest.mark.parametrize("key", sorted(english()))
def test_the_korean_docstring_keeps_the_labels_the_formula_and_the_example(key):
    en, ko = english()[key], korean().get(key, "")
    assert labels(ko, KO_LABEL, KO_LABELS) == labels(en, LABEL), "the template's labels, in the same order"
    if "Formula" in labels(en, LABEL):
        assert math(section(ko, KO_LABEL, "공식")) == math(section(en, LABEL, "Formula"))
    assert example(ko) == example(en), "the example and what it prints are the English ones, line for line"


def test_the_math_of_a_formula_is_compared_and_its_words_are_not():
    english_formula = "Formula: sigmoid_grad(x) = s * (1 - s) with s = sigmoid(x)."
    assert math("공식: s = sigmoid(x)일 때 sigmoid_grad(x) = s * (1 - s).") == math(english_formula)
    assert math("공식: s = sigmoid(x)일 때 sigmoid_grad(x) = s * (1 + s).") != math(english_formula)


@pytest.mark.parametrize("module_name", MODULES)
def test_the_korean_stub_is_the_english_one_with_korean_docstrings(module_name):
    path = SOLUTIONS / f"{module_name}.py"
    source = path.read_text(encoding="utf-8")
    english_stub, korean_stub = (make_stub(source, str(path), lang) for lang in ("en", "ko"))
    english_tree, korean_tree = ast.parse(english_stub), ast.parse(korean_stub)
    translated = korean()
    for en_node, ko_node in zip(ast.walk(english_tree), ast.walk(korean_tree), strict=True):
        if isinstance(ko_node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(ko_node):
            qualname = "" if isinstance(ko_node, ast.Module) else ko_node.name
            keys = [k for k in translated if k.startswith(f"exercise.{module_name}.") and k.endswith(f"{qualname}.doc")]
            if ast.get_docstring(ko_node) != ast.get_docstring(en_node):
                assert ast.get_docstring(ko_node) in {translated[k] for k in keys}
            ko_node.body[0].value.value = en_node.body[0].value.value  # type: ignore[attr-defined]
    assert ast.dump(korean_tree) == ast.dump(english_tree), "the code is the same in both languages"
    assert korean_stub.count("\n") >= english_stub.count("\n") - 5  # docstrings swapped in place, nothing dropped


def test_stubs_lang_ko_writes_its_own_folder_and_check_finds_drift(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NN_GRADER_LANG", raising=False)
    runner = CliRunner()
    written = runner.invoke(main, ["stubs", "--lang", "ko", "--solutions", str(SOLUTIONS)])
    assert written.exit_code == 0, written.output
    sigmoid = (tmp_path / "exercises_ko" / "activations.py").read_text(encoding="utf-8")
    assert korean()["exercise.activations.sigmoid.doc"].splitlines()[0] in sigmoid
    assert not (tmp_path / "exercises").exists()  # the English stubs are never overwritten by default

    check = ["stubs", "--check", "--solutions", str(SOLUTIONS), "--exercises", "exercises_ko"]
    assert runner.invoke(main, [*check, "--lang", "ko"]).exit_code == 0
    english_check = runner.invoke(main, check)
    assert english_check.exit_code == 1 and "activations.py differs from the stub" in english_check.output
    assert find_drift(SOLUTIONS, tmp_path / "exercises_ko", "en") != []


def test_the_korean_exercises_hold_no_solution_line(tmp_path):
    write_exercises(SOLUTIONS, tmp_path / "exercises", "ko")
    assert find_leaks(tmp_path, SOLUTIONS, []) == []


def test_release_lang_ko_builds_the_korean_exercises(tmp_path, monkeypatch):
    from grader.classroom import release, release_cli

    asked: dict = {}  # the full build is the classroom tests' (slow); here, what the command asks of it
    monkeypatch.setattr(release, "build_release",
                        lambda out, **options: asked.update(options) or release.Release(out, 0, 0.0))
    result = CliRunner().invoke(release_cli.release, [str(tmp_path / "copy"), "--lang", "ko"])
    assert result.exit_code == 0, result.output
    assert asked["lang"] == "ko"
