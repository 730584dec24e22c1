"""Moodle XML: every language through Moodle's multilang filter, one ``<question>`` per item.

Types: single -> multichoice (single), multiple -> multichoice (several answers, per-answer fractions), true_false
-> truefalse, numeric -> numerical (tolerance and wrong values with feedback). The variants of a parameterized
question go into their own category, ``$course$/<quiz id>/<question id>``, ready for a "random question" slot.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from grader.quiz.lms.items import Item, Losses, correct_fractions, moodle_fraction, multiple_losses
from grader.quiz.model import Quiz
from grader.quiz.text import ANY, Text


def multilang(text: Text | None, quiz: Quiz) -> str:
    """`text` as HTML: one language as it is, several as ``<span lang="xx" class="multilang">`` spans."""
    if not text:
        return ""
    if ANY in text or len(set(text.values())) == 1:
        return html.escape(next(iter(text.values())), quote=False)
    return "".join(f'<span lang="{lang}" class="multilang">{html.escape(text[lang], quote=False)}</span>'
                   for lang in quiz.languages if lang in text)


def write_moodle(quiz: Quiz, items: list[Item], *, losses: Losses) -> str:
    """The Moodle XML of `items`."""
    root = ET.Element("quiz")
    _category(root, f"$course$/{quiz.id}")
    group = None
    for item in items:
        if item.group != group:
            group = item.group
            _category(root, f"$course$/{quiz.id}" + (f"/{group}" if group else ""))
        root.append(_question(quiz, item, losses))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _category(root: ET.Element, path: str) -> None:
    question = ET.SubElement(root, "question", type="category")
    ET.SubElement(ET.SubElement(question, "category"), "text").text = path


def _text(parent: ET.Element, tag: str, content: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    ET.SubElement(element, "text").text = content
    return element


def _question(quiz: Quiz, item: Item, losses: Losses) -> ET.Element:
    kinds = {"single": "multichoice", "multiple": "multichoice", "true_false": "truefalse", "numeric": "numerical"}
    question = ET.Element("question", type=kinds[item.type])
    _text(question, "name", item.ident)
    _text(question, "questiontext", multilang(item.prompt, quiz), format="html")
    _text(question, "generalfeedback", multilang(item.explanation, quiz), format="html")
    ET.SubElement(question, "defaultgrade").text = f"{item.question.points:g}"
    ET.SubElement(question, "penalty").text = "0"
    ET.SubElement(question, "hidden").text = "0"
    ET.SubElement(question, "idnumber").text = item.ident
    if item.type == "numeric":
        _numeric(question, quiz, item)
    elif item.type == "true_false":
        _true_false(question, quiz, item)
    else:
        _choices(question, quiz, item, losses)
    if item.question.tags:
        tags = ET.SubElement(question, "tags")
        for tag in item.question.tags:
            _text(tags, "tag", tag)
    return question


def _answer(question: ET.Element, fraction: str, text: str, feedback: str) -> ET.Element:
    answer = _text(question, "answer", text, fraction=fraction, format="html")
    _text(answer, "feedback", feedback, format="html")
    return answer


def _choices(question: ET.Element, quiz: Quiz, item: Item, losses: Losses) -> None:
    single = item.type == "single"
    right, wrong = (100.0, 0.0) if single else correct_fractions(item)
    if not single:
        multiple_losses(item, "Moodle", losses)
        if moodle_fraction(right) is None:
            losses.add("fraction", question=item.question.id, n=sum(c.correct for c in item.choices))
    ET.SubElement(question, "single").text = "true" if single else "false"
    ET.SubElement(question, "shuffleanswers").text = "1" if item.question.shuffle else "0"
    ET.SubElement(question, "answernumbering").text = "ABCD"
    for choice in item.choices:
        percent = right if choice.correct else wrong
        _answer(question, moodle_fraction(percent) or f"{percent:.5f}", multilang(choice.text, quiz),
                multilang(choice.feedback, quiz))


def _true_false(question: ET.Element, quiz: Quiz, item: Item) -> None:
    for choice, word in zip(item.choices, ("true", "false"), strict=True):
        _answer(question, "100" if choice.correct else "0", word, multilang(choice.feedback, quiz))


def _numeric(question: ET.Element, quiz: Quiz, item: Item) -> None:
    assert item.answer is not None
    answer = _answer(question, "100", repr(item.answer), "")
    ET.SubElement(answer, "tolerance").text = repr(item.tolerance)
    for value, feedback in item.wrong_values:
        wrong = _answer(question, "0", repr(value), multilang(feedback, quiz))
        ET.SubElement(wrong, "tolerance").text = repr(item.tolerance)
    ET.SubElement(question, "unitgradingtype").text = "0"
    ET.SubElement(question, "showunits").text = "3"
