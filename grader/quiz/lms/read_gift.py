"""GIFT into the quiz schema: multiple choice (one or several right answers), true/false and numerical questions.

GIFT (Moodle's plain-text format): questions are separated by blank lines, ``//`` starts a comment line,
``::title::`` names a question, ``{...}`` holds the answers, ``\\`` escapes ``~ = # { } :``. No maintained GIFT
parser is on PyPI (pygiftparser was last released in 2017), so this one reads the documented syntax; what it cannot
map (short answer, matching, missing word, essay) is noted with its line and skipped.
"""

from __future__ import annotations

import re
from typing import Any

from grader.quiz.lms.importing import Bank, placeholder, scheme_of, set_numeric, slug

TITLE = re.compile(r"^::(.*?)(?<!\\)::", re.S)
FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.I)
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def read_gift(text: str, file: str) -> Bank:
    """The questions of the GIFT `text` (from `file`), with notes on what could not be read."""
    bank = Bank(file)
    for line, block in _blocks(text):
        _question(bank, block, line)
    return bank


def _blocks(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each question: blank lines separate them; comments and categories are dropped."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("//") or stripped.startswith("$CATEGORY:"):
            continue
        if not stripped:
            if current:
                blocks.append((start, "\n".join(current)))
            current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def _split(text: str, marks: str) -> list[tuple[str, str]]:
    """`text` cut at each unescaped character of `marks`: (mark, piece) pairs; the first mark is ''."""
    pieces: list[tuple[str, str]] = []
    current: list[str] = []
    mark, i = "", 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if char in marks:
            pieces.append((mark, "".join(current)))
            mark, current = char, []
        else:
            current.append(char)
        i += 1
    pieces.append((mark, "".join(current)))
    return pieces


def unescape(text: str) -> str:
    """GIFT text as plain text: ``\\n`` is a new line, ``\\x`` is x."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text, flags=re.S).strip()


def _braces(block: str) -> tuple[int, int] | None:
    """Where the unescaped ``{`` and ``}`` of the answers are, if the block has them."""
    opening = closing = -1
    i = 0
    while i < len(block):
        if block[i] == "\\":
            i += 2
            continue
        if block[i] == "{" and opening < 0:
            opening = i
        elif block[i] == "}" and opening >= 0:
            closing = i
        i += 1
    return (opening, closing) if opening >= 0 and closing > opening else None


def _question(bank: Bank, block: str, line: int) -> None:
    title = TITLE.match(block)
    name = unescape(title.group(1)) if title else ""
    body = block[title.end():] if title else block
    body = FORMAT.sub("", body, count=1)
    where = name or f"line {line}"
    braces = _braces(body)
    if braces is None:
        bank.skip(line, where, "unsupported", kind="description")
        return
    before, answers, after = body[:braces[0]], body[braces[0] + 1:braces[1]], body[braces[1] + 1:]
    if after.strip():
        bank.skip(line, where, "unsupported", kind="missing word")
        return
    general = ""
    if "####" in answers:
        answers, general = answers.split("####", 1)
    question: dict[str, Any] = {"id": slug(name), "type": "", "prompt": bank.text(unescape(before))}
    stripped = answers.strip()
    if not stripped:
        bank.skip(line, where, "unsupported", kind="essay")
        return
    if stripped.startswith("#"):
        filled = _numeric(bank, question, stripped[1:], line, where)
    elif re.fullmatch(r"(?i)(T|TRUE|F|FALSE)(\s*#.*)?", stripped, re.S):
        filled = _true_false(bank, question, stripped)
    else:
        filled = _choice(bank, question, stripped, line, where)
    if filled:
        question["explanation"] = (bank.text(unescape(general)) if general.strip()
                                   else placeholder(bank, line, where, "no_explanation"))
        bank.add(question)


def _answers(text: str) -> list[tuple[str, float | None, str, str]]:
    """(mark, weight, text, feedback) of each ``=`` or ``~`` answer."""
    found = []
    for mark, piece in _split(text, "=~")[1:]:
        weight = WEIGHT.match(piece.strip())
        value = piece.strip()[weight.end():] if weight else piece.strip()
        parts = _split(value, "#")
        feedback = "#".join(p for _, p in parts[1:])
        found.append((mark, float(weight.group(1)) if weight else None, parts[0][1], feedback))
    return found


def _true_false(bank: Bank, question: dict[str, Any], text: str) -> bool:
    parts = [p for _, p in _split(text, "#")]
    question["type"] = "true_false"
    question["answer"] = parts[0].strip().upper() in ("T", "TRUE")
    if len(parts) > 1 and parts[1].strip():
        question["feedback"] = bank.text(unescape(parts[1]))
    return True


def _choice(bank: Bank, question: dict[str, Any], text: str, line: int, where: str) -> bool:
    answers = _answers(text)
    if not answers or all(mark == "=" for mark, *_ in answers):  # all "=": several accepted answers, no options
        matching = answers and all("->" in value for _, _, value, _ in answers)
        bank.skip(line, where, "unsupported", kind="matching" if matching else "short answer")
        return False
    weighted = any(weight is not None for _, weight, _, _ in answers)
    multiple = weighted and sum(1 for _, w, _, _ in answers if (w or 0) > 0) >= 1 and all(
        mark == "~" for mark, *_ in answers)
    options = []
    for i, (mark, weight, value, feedback) in enumerate(answers, 1):
        correct = (weight or 0) > 0 if multiple else mark == "="
        if not multiple and weight is not None and 0 < weight < 100:
            bank.note(line, where, "partial", fraction=f"{weight:g}", read="0%")
            correct = False
        option: dict[str, Any] = {"id": f"o{i}", "text": bank.text(unescape(value))}
        if correct:
            option["correct"] = True
        else:
            option["feedback"] = (bank.text(unescape(feedback)) if feedback.strip()
                                  else placeholder(bank, line, where, "no_feedback"))
        options.append(option)
    if not any(o.get("correct") for o in options):
        bank.skip(line, where, "no_answer")
        return False
    question["type"] = "multiple" if multiple else "single"
    question["options"] = options
    if multiple:
        question["scoring"] = scheme_of(bank, [w or 0.0 for _, w, _, _ in answers], line, where)
    return True


def _numeric(bank: Bank, question: dict[str, Any], text: str, line: int, where: str) -> bool:
    answers = _answers(text) or [("=", 100.0, text, "")]
    right = [(value, feedback) for mark, weight, value, _ in answers
             for feedback in [""] if mark == "=" and (weight is None or weight >= 100)]
    parsed = _range(right[0][0]) if right else None
    if parsed is None:
        bank.skip(line, where, "no_answer")
        return False
    value, tolerance = parsed
    set_numeric(question, value, tolerance)
    distractors = []
    for i, (mark, weight, raw, feedback) in enumerate(answers, 1):
        wrong = _range(raw)
        if (mark == "=" and (weight is None or weight >= 100)) or wrong is None:
            continue
        if weight and weight > 0:
            bank.note(line, where, "partial", fraction=f"{weight:g}", read="0%")
        distractors.append({"value": repr(wrong[0]), "misconception": f"wrong-{i}",
                            "feedback": bank.text(unescape(feedback)) if feedback.strip()
                            else placeholder(bank, line, where, "no_feedback")})
    if distractors:
        question["distractors"] = distractors
    return True


def _range(text: str) -> tuple[float, float] | None:
    """``3.14:0.01`` or ``3.1..3.2`` or ``3`` as (value, tolerance)."""
    text = unescape(text)
    try:
        if ".." in text:
            low, high = (float(part) for part in text.split("..", 1))
            return (low + high) / 2, (high - low) / 2
        value, _, tolerance = text.partition(":")
        return float(value), float(tolerance or 0)
    except ValueError:
        return None
