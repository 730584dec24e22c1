"""What the GIFT and Moodle XML readers share: building the quiz in the YAML schema, and checking it.

A reader turns each source question into a mapping of the YAML schema (docs/quiz.md) and notes, with the source
line, whatever it could not carry (`Problem`s). `finish` gives the quiz its id and title, writes the YAML and runs
it through the quiz loader: an import is only written if it validates like a hand-written quiz.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from grader.i18n import tr
from grader.quiz.loader import load_quiz_text
from grader.quiz.problems import Problem
from grader.quiz.text import LANGUAGES

MULTILANG = re.compile(r'<span\s+lang="([A-Za-z-]{1,20})"\s+class="multilang"\s*>', re.I)
SPAN_END = re.compile(r"</span\s*>", re.I)
TAG = re.compile(r"<[^>]{0,2000}>")
# Fields whose text is prose: a multilingual quiz needs them in every language, even where the bank had one.
PROSE = ("prompt", "explanation", "feedback")


@dataclass
class Bank:
    """The questions read so far from `file`, and the notes on what was not carried."""

    file: str
    questions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    skipped: int = 0
    languages: set[str] = field(default_factory=set)

    def note(self, line: int | None, where: str, key: str, **params: object) -> None:
        """Record what the source at `line` holds that the quiz cannot."""
        self.notes.append(Problem(self.file, line, where, tr(f"quiz_lms.import.{key}", **params)))

    def skip(self, line: int | None, where: str, key: str, **params: object) -> None:
        self.note(line, where, key, **params)
        self.skipped += 1

    def text(self, source: str) -> str | dict[str, str]:
        """Source text (HTML or plain) as a quiz text: per language where it has Moodle multilang spans."""
        spans = multilang_spans(source)
        if not spans:
            return plain_text(source)
        found = {lang.lower().split("-")[0]: plain_text(body) for lang, body in spans}
        self.languages |= {lang for lang in found if lang in LANGUAGES}
        return {lang: value for lang, value in found.items() if lang in LANGUAGES} or plain_text(source)

    def add(self, question: dict[str, Any]) -> None:
        """Add `question`, with an id unique in the bank."""
        base = slug(str(question.get("id", ""))) or f"q{len(self.questions) + 1}"
        ident, n = base, 1
        taken = {q["id"] for q in self.questions}
        while ident in taken:
            n += 1
            ident = f"{base}-{n}"
        question["id"] = ident
        self.questions.append(question)


def multilang_spans(source: str) -> list[tuple[str, str]]:
    """(language, body) of each Moodle multilang span, in one pass: every opening is matched with the first
    ``</span>`` after it by bisection, so a hostile text of openings with no ends costs n log n, not n squared."""
    ends = [(m.start(), m.end()) for m in SPAN_END.finditer(source)]
    starts = [start for start, _ in ends]
    spans = []
    for opening in MULTILANG.finditer(source):
        i = bisect.bisect_left(starts, opening.end())
        if i < len(ends):
            spans.append((opening.group(1), source[opening.end():starts[i]]))
    return spans


def plain_text(source: str) -> str:
    """HTML as plain text: paragraphs and line breaks as new lines, other tags dropped, entities decoded."""
    text = re.sub(r"(?i)<br\s*/?>|</p>", "\n", source)
    return html.unescape(TAG.sub("", text)).strip()


def slug(name: str) -> str:
    """`name` as an id: lower-case letters, digits, - and _ (docs/quiz.md)."""
    return re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")[:60]


def placeholder(bank: Bank, line: int | None, where: str, key: str) -> str:
    """A visible TODO text where the source has none but the schema needs one; the note says where."""
    bank.note(line, where, key)
    return tr("quiz_lms.import.placeholder")


def set_numeric(question: dict[str, Any], value: float, tolerance: float) -> None:
    """`question` becomes numeric with answer `value` ± `tolerance`: ``exact`` for a whole number with none, else
    ``abs_tol`` (a non-whole answer with no tolerance gets a hair of one: ``exact`` takes only whole numbers)."""
    question["type"] = "numeric"
    question["answer"] = repr(int(value)) if value.is_integer() and not tolerance else repr(value)
    if tolerance:
        question["mode"], question["tolerance"] = "abs_tol", tolerance
    elif not value.is_integer():
        question["mode"], question["tolerance"] = "abs_tol", abs(value) * 1e-9


def scheme_of(bank: Bank, fractions: list[float], line: int | None, where: str) -> str:
    """Moodle's per-answer fractions (percent) as a scheme: +100/|C| right and -100/|C| wrong is exactly
    ``net-correct``; other fractions are read as net-correct too, and the note says so."""
    right = [f for f in fractions if f > 0]
    share = 100.0 / len(right)
    if not all(abs(f - share) < 0.01 if f > 0 else abs(f + share) < 0.01 for f in fractions):
        bank.note(line, where, "scheme", scheme="net-correct")
    return "net-correct"


def finish(bank: Bank, quiz_id: str) -> tuple[str | None, list[Problem]]:
    """The YAML of the imported quiz and every note; None for the YAML if it does not validate."""
    if not bank.questions:
        return None, bank.notes + [Problem(bank.file, None, "", tr("quiz_lms.import.no_questions"))]
    languages = [lang for lang in LANGUAGES if lang in bank.languages] or ["en"]
    data = {"id": slug(quiz_id) or "imported", "title": {languages[0]: quiz_id}, "languages": languages,
            "questions": bank.questions}
    if len(languages) > 1:  # a text with no spans serves every language; the loader needs each one given
        data = _fill_languages(data, languages)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
    found, problems = load_quiz_text(text, bank.file)
    if problems or found is None:
        return None, bank.notes + problems + [Problem(bank.file, None, "", tr("quiz_lms.import.invalid"))]
    return text, bank.notes


def _fill_languages(value: Any, languages: list[str]) -> Any:
    """A per-language text missing a language gets the first language's text (the fallback rule, made explicit)."""
    if isinstance(value, dict) and value and set(value) <= set(LANGUAGES):
        first = next(iter(value.values()))
        return {lang: value.get(lang, first) for lang in languages}
    if isinstance(value, dict):
        return {k: dict.fromkeys(languages, v) if k in PROSE and isinstance(v, str)
                else _fill_languages(v, languages) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_languages(v, languages) for v in value]
    return value
