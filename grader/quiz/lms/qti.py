"""QTI 1.2 content package, as Canvas imports it: a zip of ``imsmanifest.xml`` and one assessment file.

Canvas reads its question type and points from ``itemmetadata``; per-option feedback is ``itemfeedback`` shown by a
``displayfeedback`` condition, and the explanation is the general feedback. QTI 1.2 holds one language (``--lang``).
The variants of a parameterized question are a section that draws one item (a Canvas question group, "pick 1").
Scoring is all-or-nothing per item: Canvas grades a multiple-answer question its own way, so any other scheme is
reported.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from grader.quiz.lms.gift import Say
from grader.quiz.lms.items import Item, Losses, one_language
from grader.quiz.model import Quiz

NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CANVAS_TYPES = {"single": "multiple_choice_question", "multiple": "multiple_answers_question",
                "true_false": "true_false_question", "numeric": "numerical_question"}
RESPONSE = "response1"
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # a fixed date keeps the package byte-for-byte reproducible


def write_qti(quiz: Quiz, items: list[Item], *, lang: str, losses: Losses) -> bytes:
    """The zipped QTI 1.2 package of `items` in language `lang`."""
    if len(quiz.languages) > 1:
        losses.add("one_language", format="QTI", lang=lang)
    assessment = assessment_xml(quiz, items, lang=lang, losses=losses)
    href = f"{quiz.id}/{quiz.id}.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in (("imsmanifest.xml", manifest_xml(quiz, href)), (href, assessment)):
            package.writestr(zipfile.ZipInfo(name, ZIP_TIME), data)
    return buffer.getvalue()


def manifest_xml(quiz: Quiz, href: str) -> bytes:
    """The content package manifest: one resource of type ``imsqti_xmlv1p2``."""
    root = ET.Element("manifest", identifier=f"{quiz.id}-manifest", xmlns=CP_NS)
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    resource = ET.SubElement(resources, "resource", identifier=f"{quiz.id}-qti", type="imsqti_xmlv1p2", href=href)
    ET.SubElement(resource, "file", href=href)
    return _bytes(root)


def assessment_xml(quiz: Quiz, items: list[Item], *, lang: str, losses: Losses) -> bytes:
    """The ``questestinterop`` document of `items`."""
    root = ET.Element("questestinterop", xmlns=NS)
    assessment = ET.SubElement(root, "assessment", ident=quiz.id, title=one_language(quiz.title, lang, quiz))
    _metadata(ET.SubElement(assessment, "qtimetadata"), {"cc_maxattempts": "1"})
    section = ET.SubElement(assessment, "section", ident="root_section")
    groups: dict[str, ET.Element] = {}
    for item in items:
        parent = section
        if item.group is not None:
            if item.group not in groups:
                groups[item.group] = _group(section, item)
            parent = groups[item.group]
        parent.append(_item(quiz, item, lang, losses))
    return _bytes(root)


def _bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _metadata(parent: ET.Element, fields: dict[str, str]) -> None:
    for label, entry in fields.items():
        field = ET.SubElement(parent, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def _group(section: ET.Element, item: Item) -> ET.Element:
    """A section that draws one of a question's variants: Canvas imports it as a question group."""
    group = ET.SubElement(section, "section", ident=item.question.id, title=item.question.id)
    selection = ET.SubElement(ET.SubElement(group, "selection_ordering"), "selection")
    ET.SubElement(selection, "selection_number").text = "1"
    return group


def _material(parent: ET.Element, text: str) -> None:
    ET.SubElement(ET.SubElement(parent, "material"), "mattext", texttype="text/plain").text = text


def _item(quiz: Quiz, item: Item, lang: str, losses: Losses) -> ET.Element:
    say = lambda text: one_language(text, lang, quiz)  # noqa: E731
    element = ET.Element("item", ident=item.ident, title=item.ident)
    _metadata(ET.SubElement(ET.SubElement(element, "itemmetadata"), "qtimetadata"),
              {"question_type": CANVAS_TYPES[item.type], "points_possible": f"{item.question.points:g}"})
    presentation = ET.SubElement(element, "presentation")
    _material(presentation, say(item.prompt))
    processing = ET.SubElement(element, "resprocessing")
    outcomes = ET.SubElement(processing, "outcomes")
    ET.SubElement(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    _feedback_condition(processing, ET.Element("other"), "general_fb")
    feedbacks = {"general_fb": say(item.explanation)}
    if item.type == "numeric":
        _numeric(presentation, processing, item, losses)
    else:
        feedbacks |= _choices(presentation, processing, item, say, losses)
    for ident, text in feedbacks.items():
        flow = ET.SubElement(ET.SubElement(element, "itemfeedback", ident=ident), "flow_mat")
        _material(flow, text)
    return element


def _feedback_condition(processing: ET.Element, condition: ET.Element, feedback: str) -> None:
    respcondition = ET.SubElement(processing, "respcondition", {"continue": "Yes"})
    ET.SubElement(respcondition, "conditionvar").append(condition)
    ET.SubElement(respcondition, "displayfeedback", feedbacktype="Response", linkrefid=feedback)


def _score_condition(processing: ET.Element, condition: ET.Element) -> None:
    respcondition = ET.SubElement(processing, "respcondition", {"continue": "No"})
    ET.SubElement(respcondition, "conditionvar").append(condition)
    ET.SubElement(respcondition, "setvar", action="Set", varname="SCORE").text = "100"


def _equal(value: str) -> ET.Element:
    element = ET.Element("varequal", respident=RESPONSE)
    element.text = value
    return element


def _choices(presentation: ET.Element, processing: ET.Element, item: Item, say: Say,
             losses: Losses) -> dict[str, str]:
    multiple = item.type == "multiple"
    if multiple and (item.question.scoring or "all-or-nothing") != "all-or-nothing":
        losses.add("scheme_qti", scheme=item.question.scoring, question=item.question.id)
    response = ET.SubElement(presentation, "response_lid", ident=RESPONSE,
                             rcardinality="Multiple" if multiple else "Single")
    render = ET.SubElement(response, "render_choice", shuffle="Yes" if item.question.shuffle else "No")
    feedbacks: dict[str, str] = {}
    idents = [f"{item.ident}-{i}" for i in range(1, len(item.choices) + 1)]
    for ident, choice in zip(idents, item.choices, strict=True):
        _material(ET.SubElement(render, "response_label", ident=ident), say(choice.text))
        if choice.feedback:
            feedbacks[f"{ident}_fb"] = say(choice.feedback)
            _feedback_condition(processing, _equal(ident), f"{ident}_fb")
    if multiple:  # every correct option and no wrong one
        condition = ET.Element("and")
        for ident, choice in zip(idents, item.choices, strict=True):
            test = _equal(ident)
            if not choice.correct:
                negation, test = test, ET.Element("not")
                test.append(negation)
            condition.append(test)
    else:
        condition = _equal(next(i for i, c in zip(idents, item.choices, strict=True) if c.correct))
    _score_condition(processing, condition)
    return feedbacks


def _numeric(presentation: ET.Element, processing: ET.Element, item: Item, losses: Losses) -> None:
    assert item.answer is not None
    response = ET.SubElement(presentation, "response_str", ident=RESPONSE, rcardinality="Single")
    ET.SubElement(ET.SubElement(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    if item.wrong_values:
        losses.add("distractors_qti", question=item.question.id)
    within = ET.Element("and")
    ET.SubElement(within, "vargte", respident=RESPONSE).text = repr(item.answer - item.tolerance)
    ET.SubElement(within, "varlte", respident=RESPONSE).text = repr(item.answer + item.tolerance)
    either = ET.Element("or")
    either.append(_equal(repr(item.answer)))
    either.append(within)
    _score_condition(processing, either)
