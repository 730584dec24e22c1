"""Moodle XML into the quiz schema: multichoice, truefalse and numerical questions; both languages from Moodle's
multilang spans.

The file is untrusted: it is read with the quiz file size cap and parsed with defusedxml, which refuses DTDs and
entity declarations (billion laughs, external entities). Every element keeps its source line for the notes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import DefusedXMLParser  # type: ignore[import-untyped]

from grader.i18n import tr
from grader.quiz.lms.importing import Bank, placeholder, scheme_of, set_numeric, slug
from grader.quiz.problems import Problem

TYPES = {"multichoice", "truefalse", "numerical"}


class _LineBuilder(ET.TreeBuilder):
    """An ElementTree builder that remembers the line each element starts on."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[ET.Element, int] = {}
        self.parser: Any = None

    def start(self, tag: Any, attrs: Any) -> ET.Element:
        element = super().start(tag, attrs)
        self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def read_moodle(text: str, file: str) -> Bank:
    """The questions of the Moodle XML `text` (from `file`), with notes on what could not be read."""
    bank = Bank(file)
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(text)
        root = parser.close()
    except DefusedXmlException as error:
        bank.notes.append(Problem(file, None, "", _tr("forbidden", reason=type(error).__name__)))
        return bank
    except ET.ParseError as error:
        bank.notes.append(Problem(file, error.position[0], "", _tr("not_xml", reason=error)))
        return bank
    if root.tag != "quiz":
        bank.notes.append(Problem(file, 1, "", _tr("not_moodle", tag=root.tag)))
        return bank
    for element in root.iter("question"):
        _question(bank, element, builder.lines.get(element))
    return bank


def _tr(key: str, **params: object) -> str:
    return tr(f"quiz_lms.import.{key}", **params)


def _text(element: ET.Element | None, tag: str) -> str:
    found = element.find(f"{tag}/text") if element is not None else None
    return (found.text or "") if found is not None else ""


def _question(bank: Bank, element: ET.Element, line: int | None) -> None:
    kind = element.get("type", "")
    if kind == "category":
        return
    name = _text(element, "name")
    where = name or kind
    if kind not in TYPES:
        bank.skip(line, where, "unsupported", kind=kind or "?")
        return
    explanation = _text(element, "generalfeedback").strip()
    question: dict[str, Any] = {"id": slug(name), "type": "", "prompt": bank.text(_text(element, "questiontext"))}
    points = element.findtext("defaultgrade")
    if points and _number(points) and _number(points) != 1:
        question["points"] = _number(points)
    tags = [slug(t.text or "") for t in element.findall("tags/tag/text")]
    if any(tags):
        question["tags"] = [t for t in tags if t]
    answers = [(a, _number(a.get("fraction", "0")) or 0.0) for a in element.findall("answer")]
    filled = {"multichoice": _choice, "truefalse": _true_false, "numerical": _numeric}[kind](
        bank, element, question, answers, line, where)
    if not filled:
        return
    question["explanation"] = bank.text(explanation) if explanation else placeholder(bank, line, where,
                                                                                     "no_explanation")
    bank.add(question)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _choice(bank: Bank, element: ET.Element, question: dict[str, Any], answers: list[tuple[ET.Element, float]],
            line: int | None, where: str) -> bool:
    single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
    correct = [fraction for _, fraction in answers if fraction > 0]
    if not correct:
        bank.skip(line, where, "no_answer")
        return False
    options = []
    for i, (answer, fraction) in enumerate(answers, 1):
        option: dict[str, Any] = {"id": f"o{i}", "text": bank.text(answer.findtext("text") or "")}
        if fraction > 0:
            option["correct"] = True
            if single and fraction < 100:
                bank.note(line, where, "partial", fraction=f"{fraction:g}", read="0%")
                del option["correct"]
        feedback = _text(answer, "feedback").strip()
        if not option.get("correct"):
            option["feedback"] = bank.text(feedback) if feedback else placeholder(bank, line, where, "no_feedback")
        options.append(option)
    if single and not any(o.get("correct") for o in options):
        bank.skip(line, where, "no_answer")
        return False
    question["type"] = "single" if single else "multiple"
    question["options"] = options
    question["shuffle"] = (element.findtext("shuffleanswers") or "1").strip() in ("1", "true")
    if not single:
        question["scoring"] = scheme_of(bank, [f for _, f in answers], line, where)
    return True


def _true_false(bank: Bank, element: ET.Element, question: dict[str, Any],
                answers: list[tuple[ET.Element, float]], line: int | None, where: str) -> bool:
    right = [a for a, f in answers if f >= 100]
    wrong = [a for a, f in answers if f < 100]
    if len(right) != 1:
        bank.skip(line, where, "no_answer")
        return False
    question["type"] = "true_false"
    question["answer"] = (right[0].findtext("text") or "").strip().lower() == "true"
    feedback = _text(wrong[0], "feedback").strip() if wrong else ""
    if feedback:
        question["feedback"] = bank.text(feedback)
    return True


def _numeric(bank: Bank, element: ET.Element, question: dict[str, Any], answers: list[tuple[ET.Element, float]],
             line: int | None, where: str) -> bool:
    right = [(a, _number(a.findtext("text") or "")) for a, f in answers if f >= 100]
    if not right or right[0][1] is None:
        bank.skip(line, where, "no_answer")
        return False
    answer, value = right[0]
    assert value is not None
    tolerance = _number(answer.findtext("tolerance") or "0") or 0.0
    set_numeric(question, value, tolerance)
    distractors = []
    for i, (wrong, fraction) in enumerate(answers, 1):
        number = _number(wrong.findtext("text") or "")
        if fraction >= 100 or number is None:
            continue
        if fraction > 0:
            bank.note(line, where, "partial", fraction=f"{fraction:g}", read="0%")
        feedback = _text(wrong, "feedback").strip()
        distractors.append({"value": repr(number), "misconception": f"wrong-{i}",
                            "feedback": bank.text(feedback) if feedback else placeholder(bank, line, where,
                                                                                         "no_feedback")})
    if distractors:
        question["distractors"] = distractors
    return True
