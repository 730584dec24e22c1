"""`nn-grader quiz export --format qti|moodle|gift`: checked with real tools, not by eye.

QTI against the IMS QTI 1.2 XSD shipped in tests/quiz/data/ (with xmlschema); Moodle XML and GIFT by importing the
export again and comparing it with the quiz it came from. Every export's losses are on stderr.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import xmlschema
from click.testing import CliRunner

from grader.cli import main
from grader.quiz import Quiz, load_quiz
from grader.quiz.text import pick

from quiz_files import FAST_COST, SHIPPED

DATA = Path(__file__).parent / "data"
QTI_XSD = DATA / "qti" / "ims_qtiasiv1p2.xsd"  # the IMS binding, as Moodle vendors it; imports ../xml.xsd
QTI_NS = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


def export(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["quiz", "export", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def qti_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(QTI_XSD))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_qti_package_is_valid_qti_1_2(path: Path, tmp_path: Path, qti_schema: xmlschema.XMLSchema) -> None:
    out = tmp_path / "quiz.zip"
    code, _, err = export(str(path), "--format", "qti", "--output", str(out), "--variants", "3")
    assert code == 0, err
    with zipfile.ZipFile(out) as package:
        manifest = package.read("imsmanifest.xml").decode()
        href = f"{path.stem}/{path.stem}.xml"
        assert f'href="{href}"' in manifest and 'type="imsqti_xmlv1p2"' in manifest
        assessment = package.read(href)
    qti_schema.validate(io.BytesIO(assessment))  # raises with the offending element if the XML is not QTI 1.2
    quiz, _ = load_quiz(path, seeds=5)
    assert quiz is not None
    items = ET.fromstring(assessment).iter(f"{QTI_NS}item")  # our own output: no untrusted XML here
    expected = sum(3 if q.params else 1 for q in quiz.questions)
    assert len(list(items)) == expected


def test_qti_scores_only_the_correct_option(tmp_path: Path) -> None:
    out = tmp_path / "q.zip"
    assert export(str(SHIPPED[1]), "--format", "qti", "--output", str(out))[0] == 0
    xml = zipfile.ZipFile(out).read("first-network/first-network.xml").decode()
    block = xml.split('ident="dense-param-count"')[1].split("</item>")[0]
    right = re.search(r'response_label ident="([\w-]+)">\s*<material>\s*<mattext texttype="text/plain">1,010<',
                      block)
    assert right is not None
    scored = block.split('<respcondition continue="No">')[1]  # the one condition that sets the score
    assert f"{right.group(1)}</varequal>" in scored and '<setvar action="Set" varname="SCORE">100' in scored


def test_every_loss_is_reported_on_stderr(tmp_path: Path) -> None:
    code, _, err = export("activations", "--format", "qti", "--output", str(tmp_path / "a.zip"))
    assert code == 0
    assert "relu-variants: the net-correct scheme has no Canvas equivalent; exported as all-or-nothing" in err
    assert "QTI holds one language: only `en` was exported" in err
    assert "sigmoid-grad-peak: feedback for known wrong numbers has no place in QTI 1.2" in err
    code, _, err = export("training", "--format", "moodle", "--output", str(tmp_path / "t.xml"))
    assert "sgd-facts: the each-answer scheme has no Moodle equivalent" in err
    assert "one language" not in err  # Moodle keeps both
    code, _, err = export("activations", "--format", "gift", "--output", str(tmp_path / "a.gift"), "--lang", "ko")
    assert "only `ko` was exported" in err and "relu-variants: the net-correct" not in err


def test_variants_are_drawn_reproducibly(tmp_path: Path) -> None:
    def gift(seed: str) -> str:
        out = tmp_path / f"{seed}.gift"
        assert export("training", "--format", "gift", "--output", str(out), "--variants", "4", "--seed", seed)[0] == 0
        return out.read_text(encoding="utf-8")

    first = gift("7")
    assert first == gift("7")
    assert first != gift("8")
    assert first.count("::dense-params-variant-v") == 4 and "::dense-params-variant-v4::" in first
    assert "$CATEGORY: $course$/training/dense-params-variant" in first


def reimport(tmp_path: Path, exported: Path) -> Quiz:
    out = tmp_path / "back.yaml"
    result = CliRunner().invoke(main, ["quiz", "import", str(exported), "--output", str(out)])
    assert result.exit_code == 0, result.output
    quiz, problems = load_quiz(out, seeds=5)
    assert quiz is not None and not problems, problems
    return quiz


def _correct_texts(quiz: Quiz, question_id: str, lang: str) -> set[str]:
    question = quiz.question(question_id)
    assert question is not None and question.key is not None
    return {pick(o.text, lang) for o in question.options if question.key.options[o.slot].correct}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_moodle_xml_round_trips_with_both_languages(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "bank.xml"
    assert export(str(path), "--format", "moodle", "--output", str(out), "--variants", "1")[0] == 0
    assert '&lt;span lang="ko" class="multilang"&gt;' in out.read_text(encoding="utf-8")  # HTML inside XML
    original, _ = load_quiz(path, seeds=5)
    back = reimport(tmp_path, out)
    assert original is not None and back.languages == ("en", "ko")
    for question in original.questions:
        ident = question.id + ("-v1" if question.params else "")
        copy = back.question(ident)
        assert copy is not None and copy.type == question.type, ident
        assert copy.points == question.points
        if question.params:
            continue
        assert copy.prompt["ko"] == pick(question.prompt, "ko") and copy.prompt["en"] == pick(question.prompt, "en")
        assert copy.key is not None and question.key is not None
        assert pick(copy.key.explanation, "ko") == pick(question.key.explanation, "ko")
        if question.choice and question.type != "true_false":
            assert _correct_texts(back, ident, "ko") == _correct_texts(original, question.id, "ko")


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_gift_round_trips(path: Path, lang: str, tmp_path: Path) -> None:
    out = tmp_path / "bank.gift"
    assert export(str(path), "--format", "gift", "--output", str(out), "--lang", lang)[0] == 0
    original, _ = load_quiz(path, seeds=5)
    back = reimport(tmp_path, out)
    assert original is not None
    for question in original.questions:
        if question.params:
            continue
        copy = back.question(question.id)
        assert copy is not None and copy.type == question.type
        assert pick(copy.prompt, lang) == pick(question.prompt, lang)
        if question.type in ("single", "multiple"):
            assert _correct_texts(back, question.id, lang) == _correct_texts(original, question.id, lang)
        if question.type == "true_false":
            assert copy.key is not None and question.key is not None
            assert copy.key.options["true"].correct == question.key.options["true"].correct


def test_a_student_copy_cannot_be_exported(tmp_path: Path) -> None:
    sealed = tmp_path / "sealed.yaml"
    assert CliRunner().invoke(main, ["quiz", "seal", str(SHIPPED[1]), "--tier", "ci", "--output", str(sealed),
                                     "--cost", str(FAST_COST)]).exit_code == 0
    code, _, err = export(str(sealed), "--format", "gift", "--output", str(tmp_path / "x.gift"))
    assert code == 1 and "only an open quiz (with its key) can go to an LMS; this is a ci copy" in err
    assert not (tmp_path / "x.gift").exists()


def test_export_takes_html_or_a_format() -> None:
    assert export("activations")[0] == 2
    assert export("activations", "--format", "gift")[0] == 2  # no --output
