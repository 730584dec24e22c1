"""`nn-grader quiz import`: GIFT and Moodle XML banks into quiz files that validate, with every question it could
not carry named by its source line, and untrusted files refused in one line."""

from __future__ import annotations

import html
import time
from pathlib import Path

from click.testing import CliRunner

from grader.cli import main
from grader.quiz import load_quiz
from grader.quiz.loader import MAX_QUIZ_BYTES
from grader.quiz.text import pick

DATA = Path(__file__).parent / "data"


def run_import(source: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["quiz", "import", str(source), "--output", str(out)])
    return result.exit_code, result.stderr


def test_gift_bank_imports_what_maps_and_names_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "quizzes" / "bank.yaml"
    code, err = run_import(DATA / "bank.gift", out)
    assert code == 0, err
    quiz, problems = load_quiz(out)
    assert quiz is not None and not problems
    assert [(q.id, q.type) for q in quiz.questions] == [
        ("relu-zero", "single"), ("sigmoid-bounded", "true_false"), ("pick-nonlinear", "multiple"),
        ("half", "numeric")]
    relu = quiz.question("relu-zero")
    assert relu is not None and relu.key is not None
    assert pick(relu.key.explanation, "en") == "ReLU(x) = max(0, x), so any negative input gives 0."
    assert [pick(o.text, "en") for o in relu.options if relu.key.options[o.slot].correct] == ["0"]
    multiple = quiz.question("pick-nonlinear")
    assert multiple is not None and multiple.scoring == "net-correct"  # +50/-50: Moodle's net-correct
    half = quiz.question("half")
    assert half is not None and half.key is not None and half.key.numeric is not None
    assert (half.key.numeric.mode, half.key.numeric.tolerance) == ("abs_tol", 0.001)
    gift = str(DATA / "bank.gift")
    assert f"{gift}:22: match-these: a matching question has no nn-grader type; skipped" in err
    assert f"{gift}:27: essay: a essay question has no nn-grader type; skipped" in err
    assert f"{gift}:29: short: a short answer question has no nn-grader type; skipped" in err
    assert f"{gift}:11: sigmoid-bounded" not in err
    assert "4 questions imported, 3 skipped" in err


def test_moodle_bank_keeps_both_languages(tmp_path: Path) -> None:
    out = tmp_path / "bank.yaml"
    code, err = run_import(DATA / "bank.xml", out)
    assert code == 0, err
    quiz, problems = load_quiz(out)
    assert quiz is not None and not problems and quiz.languages == ("en", "ko")
    softmax = quiz.question("softmax-sum")
    assert softmax is not None and softmax.points == 2
    assert dict(softmax.prompt) == {"en": "What do softmax outputs sum to?", "ko": "소프트맥스 출력의 합은?"}
    params = quiz.question("params")
    assert params is not None and params.key is not None and params.key.numeric is not None
    assert params.key.numeric.answer.source == "8" and params.key.numeric.mode == "exact"
    assert f"{DATA / 'bank.xml'}:14: Essay: a essay question has no nn-grader type; skipped" in err


def test_xml_bomb_is_refused_in_one_line(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<quiz>&b;</quiz>\n', encoding="utf-8")
    out = tmp_path / "bomb.yaml"
    code, err = run_import(bomb, out)
    assert code == 1 and not out.exists()
    assert "the XML declares entities or a DTD, which are refused" in err and "Traceback" not in err


def test_broken_and_oversized_files_are_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<quiz>\n<question type='multichoice'>\n</quiz>\n", encoding="utf-8")
    code, err = run_import(broken, tmp_path / "b.yaml")
    assert code == 1 and f"{broken}:3: not well-formed XML" in err
    big = tmp_path / "big.gift"
    big.write_text("x" * (MAX_QUIZ_BYTES + 1), encoding="utf-8")
    code, err = run_import(big, tmp_path / "c.yaml")
    assert code == 1 and "more than the limit of 1 MiB" in err and not (tmp_path / "c.yaml").exists()
    nothing = tmp_path / "nothing.gift"
    nothing.write_text("// only a comment\n", encoding="utf-8")
    code, err = run_import(nothing, tmp_path / "d.yaml")
    assert code == 1 and "no question could be imported" in err


def test_hostile_banks_stay_fast_and_readable(tmp_path: Path) -> None:
    """Texts built to make a naive parser slow (openings with no end) or to confuse it: a one-line answer each."""
    opening = '<span lang="en" class="multilang">'
    many = opening * (MAX_QUIZ_BYTES // len(opening) // 2)
    cases = {
        "spans.xml": f"<quiz><question type='multichoice'><questiontext><text>{html.escape(many)}</text>"
                     "</questiontext><answer fraction='100'><text>a</text></answer></question></quiz>",
        "braces.gift": "::a::" + "{" * 200_000 + "\n",
        "titles.gift": "::" * 300_000,
        "junk.gift": "::x:: {=\n~%abc%y#\n}\n\n{#..}\n\n{T#a#b#c}\n",
    }
    for name, text in cases.items():
        source = tmp_path / name
        source.write_text(text.replace("\\n", "\n"), encoding="utf-8")
        started = time.monotonic()
        code, err = run_import(source, tmp_path / f"{name}.yaml")
        assert time.monotonic() - started < 10, name
        assert code in (0, 1) and "Traceback" not in err, name
