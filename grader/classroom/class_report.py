"""What the class got wrong: statistics for the instructor, computed from autograde's stored records alone.

Nothing is regraded: every number comes from ``<output>/students/*.json`` (grader.classroom.records), so a report
of shards joined with ``gradebook merge`` is the report of one run over the same students, and a class of 1,000 is
read in about a second. The open quiz files, when given, add what a record does not hold: each question's tags (the
concepts of the notes it asks about) and the options nobody chose.

Sections (one :class:`ClassReport`):

- **scores**: the total, each part and each quiz over every student (a student who did not start counts 0 and is
  counted apart: no graded code, or every check of the part "not implemented"; a quiz with no answers file).
- **checks**: every check over the students whose code was graded, most failed first, with the outcomes of the
  failures (grader.results.Outcome) and the students behind them.
- **mistakes**: each catalogued mistake (grader.mistakes) the class made, how many students made it, its explanation
  and concept; and every check that failed on a wrong value no catalogued mistake matched, unless a failing part
  that the check's part calls explains it (the queue for new catalogue entries).
- **items**: classical test theory per quiz question, as Moodle's quiz statistics: *facility*, the mean fraction of
  the points over the students who handed in the quiz (a skipped question scores 0); *discrimination*, the
  point-biserial (Pearson) correlation of the question's score with the rest of the quiz (the quiz's points
  without this question), so a question does not correlate with itself; how often it was skipped; and per option
  the share of the students who answered that chose it, with its misconception tag. Flags: negative
  discrimination, a distractor nobody chose (needs the open quiz: a record only holds what was chosen), a
  distractor chosen more often than the key, and a question nobody answered (shown as such, never as 0%).
- **concepts**: per concept of the notes, the share of students whose code made a catalogued mistake of it beside
  the share who chose a misconception in a question about it.

Statistics over fewer than :data:`RELIABLE_MIN` students are marked unreliable, never hidden.
"""

from __future__ import annotations

import functools
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.classroom.records import load_records
from grader.errors import UserError
from grader.i18n import language, tr
from grader.results import Outcome

RELIABLE_MIN = 20  # fewer students than this: a rate or a correlation moves with one student, so it is flagged
BINS = 10  # histogram bars over 0 .. the maximum
CORRECT, OTHER = "(correct)", "(other)"  # the "options" of a numeric question besides its known wrong values

# The quizzes' question tags that name a concept of the notes (grader.mistakes.CONCEPTS) by another word; a tag
# that is a concept's id names it too.
TAG_CONCEPTS = {
    "activation": "activation-functions", "non-linearity": "activation-functions",
    "step-function": "activation-functions", "perceptron": "activation-functions", "sigmoid": "activation-functions",
    "tanh": "activation-functions", "relu": "relu-family", "leaky-relu": "relu-family", "elu": "relu-family",
    "softplus": "relu-family", "maxout": "relu-family", "backprop": "backpropagation", "mse": "mean-squared-family",
    "mape": "mean-squared-family", "dense": "dense-layer", "parameters": "model-parameters",
    "sgd": "gradient-descent", "learning-rate": "gradient-descent", "metrics": "performance-metrics",
    "f1": "performance-metrics",
}


@dataclass
class Spread:
    """The distribution of one score (the total, a part or a quiz) over the class."""

    name: str
    max_points: float
    values: list[float]
    not_started: int = 0

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.values) if self.values else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def quartiles(self) -> tuple[float, float] | None:
        """The first and third quartile (inclusive method, as a spreadsheet's QUARTILE), None under two values."""
        if len(self.values) < 2:
            return None
        q1, _, q3 = statistics.quantiles(self.values, n=4, method="inclusive")
        return q1, q3

    def histogram(self, bins: int = BINS) -> list[int]:
        """How many values fall in each of ``bins`` equal bars over 0 .. max (the last bar holds the maximum)."""
        counts = [0] * bins
        top = self.max_points or max(self.values, default=0) or 1.0
        for value in self.values:
            counts[min(bins - 1, max(0, int(value / top * bins)))] += 1
        return counts


@dataclass
class CheckRow:
    """One check over the students whose code was graded."""

    id: str
    title: str
    graded: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # the outcomes of its failures
    students: list[str] = field(default_factory=list)  # who failed it

    @property
    def failed(self) -> int:
        return len(self.students)

    @property
    def failure_rate(self) -> float:
        return self.failed / self.graded if self.graded else 0.0


@dataclass
class MistakeRow:
    """One catalogued mistake, or (``id`` "") the failures of one check that matched none."""

    id: str
    name: str
    explanation: str
    concept: str
    concept_name: str
    checks: list[str] = field(default_factory=list)
    students: list[str] = field(default_factory=list)
    base: int = 0  # the students whose code was graded

    @property
    def rate(self) -> float:
        return len(self.students) / self.base if self.base else 0.0


@dataclass
class OptionRow:
    """One option of a question (for a numeric question: a known wrong value, the right one, or any other)."""

    slot: str
    text: str
    correct: bool | None  # None: not known (an option seen only in an old record without its key)
    misconception: str = ""
    chosen: int = 0


@dataclass
class ItemRow:
    """One quiz question over the students who handed in that quiz."""

    quiz: str
    question: str
    type: str
    scores: list[float] = field(default_factory=list)  # fraction of the points, per student who took the quiz
    rests: list[float] = field(default_factory=list)  # the rest of that student's quiz, in points
    answered: int = 0
    options: dict[str, OptionRow] = field(default_factory=dict)
    concepts: tuple[str, ...] = ()
    misconceived: list[str] = field(default_factory=list)  # students who chose an option with a misconception tag

    @property
    def takers(self) -> int:
        return len(self.scores)

    @property
    def skipped(self) -> int:
        return self.takers - self.answered

    @property
    def facility(self) -> float | None:
        """The mean fraction of the points; None when nobody answered (not 0%: there is nothing to measure)."""
        return statistics.fmean(self.scores) if self.answered else None

    @property
    def discrimination(self) -> float | None:
        """The point-biserial correlation of this question's score with the rest of the quiz, or None when either
        does not vary (or nobody answered)."""
        return correlation(self.scores, self.rests) if self.answered else None

    def share(self, option: OptionRow) -> float | None:
        return option.chosen / self.answered if self.answered else None

    @property
    def flags(self) -> list[str]:
        """What the instructor should look at (keys of ``class_report.flag.*``)."""
        if not self.answered:
            return ["nobody_answered"]
        flags = []
        if (self.discrimination or 0.0) < 0:
            flags.append("negative_discrimination")
        wrong = [o for o in self.options.values() if o.correct is False and o.slot != OTHER]
        right = [o.chosen for o in self.options.values() if o.correct]
        if any(o.chosen == 0 for o in wrong):
            flags.append("unchosen_distractor")
        if right and any(o.chosen > max(right) for o in wrong):
            flags.append("distractor_beats_key")
        return flags


@dataclass
class ConceptRow:
    """One concept of the notes: its code mistakes and its quiz misconceptions side by side."""

    concept: str
    name: str
    code_students: int = 0
    code_base: int = 0
    quiz_students: int = 0
    quiz_base: int = 0

    @property
    def code_rate(self) -> float | None:
        return self.code_students / self.code_base if self.code_base else None

    @property
    def quiz_rate(self) -> float | None:
        return self.quiz_students / self.quiz_base if self.quiz_base else None


@dataclass
class ClassReport:
    """Everything the class report shows (see the module docstring), in the language ``lang``."""

    lang: str
    students: int
    statuses: dict[str, int]
    code_graded: int
    total: Spread
    parts: list[Spread]
    quizzes: list[Spread]
    checks: list[CheckRow]
    mistakes: list[MistakeRow]
    unmatched: list[MistakeRow]
    items: list[ItemRow]
    concepts: list[ConceptRow]
    keys_given: bool = False  # whether the open quizzes were read (unchosen distractors and concepts need them)

    @property
    def reliable(self) -> bool:
        return self.students >= RELIABLE_MIN


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r of two equally long series (with a 0/1 series: the point-biserial), None if either is constant
    or there are fewer than three pairs."""
    n = len(xs)
    if n < 3:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def load_class(graded: Path) -> list[dict[str, Any]]:
    """The records of the autograde output ``graded``; a folder without any is a user error (exit 2)."""
    records = load_records(Path(graded))
    if not records:
        raise UserError(tr("class_report.no_records", folder=graded))
    return records


def build_report(records: list[dict[str, Any]], quizzes: Iterable[Any] = (), lang: str = "en") -> ClassReport:
    """The class report of ``records``; ``quizzes`` are the open quizzes (grader.quiz.model.Quiz) when known."""
    keys = {q.id: q for q in quizzes}
    with language(lang):
        checks, mistakes, unmatched, code_graded = _code_rows(records)
        items = _items(records, keys, lang)
        return ClassReport(
            lang=lang, students=len(records), statuses=dict(sorted(Counter(r["status"] for r in records).items())),
            code_graded=code_graded, total=_total(records), parts=_part_spreads(records),
            quizzes=_quiz_spreads(records), checks=checks, mistakes=mistakes, unmatched=unmatched, items=items,
            concepts=_concepts(records, mistakes, items, code_graded), keys_given=bool(keys))


# -- scores --------------------------------------------------------------------------------------------------------


def _total(records: list[dict[str, Any]]) -> Spread:
    return Spread("total", max((r["max_points"] for r in records), default=0.0), [r["points"] for r in records])


def _part_spreads(records: list[dict[str, Any]]) -> list[Spread]:
    spreads: dict[str, Spread] = {}
    for record in records:
        code = {p["name"]: p for p in (record.get("code") or {}).get("parts", [])}
        for name, part in record["parts"].items():
            spread = spreads.setdefault(name, Spread(name, part["max_points"], []))
            spread.max_points = max(spread.max_points, part["max_points"])
            spread.values.append(part["points"])
            spread.not_started += not _started(code.get(name))
    return list(spreads.values())


def _started(part: dict[str, Any] | None) -> bool:
    """Whether a part was begun: its code was graded and not every check is still the stub."""
    return part is not None and not all(c["outcome"] == Outcome.NOT_IMPLEMENTED for c in part["checks"])


def _quiz_spreads(records: list[dict[str, Any]]) -> list[Spread]:
    spreads: dict[str, Spread] = {}
    for record in records:
        for quiz_id, entry in record["quizzes"].items():
            spread = spreads.setdefault(quiz_id, Spread(quiz_id, entry["max_points"], []))
            spread.max_points = max(spread.max_points, entry["max_points"])
            spread.values.append(entry["points"])
            spread.not_started += entry.get("result") is None
    return list(spreads.values())


# -- checks and mistakes ---------------------------------------------------------------------------------------------


def _code_rows(records: list[dict[str, Any]]) -> tuple[list[CheckRow], list[MistakeRow], list[MistakeRow], int]:
    """The checks, most failed first; the catalogued mistakes, most made first; the unmatched failures per check;
    and how many students' code was graded (the base of every rate here)."""
    checks: dict[str, CheckRow] = {}
    made: dict[str, MistakeRow] = {}
    unmatched: dict[str, MistakeRow] = {}
    graded = [r for r in records if r.get("code")]
    for record in graded:
        student = record["student"]
        for part in record["code"].get("parts", []):
            for check in part["checks"]:
                row = checks.setdefault(check["id"], CheckRow(check["id"], check.get("title", "")))
                row.graded += 1
                if check["outcome"] == Outcome.PASSED:
                    continue
                row.outcomes[check["outcome"]] += 1
                row.students.append(student)
                if check.get("mistake"):
                    _note(made.setdefault(check["mistake"], _mistake_row(check["mistake"])), check["id"], student)
                elif check["outcome"] == Outcome.FAILED and not check.get("callees_failing"):
                    # (a failure another failing part of the student's explains is no candidate for the catalogue)
                    _note(unmatched.setdefault(check["id"], MistakeRow("", check.get("title", ""), "", "", "")),
                          check["id"], student)
    for named in (*made.values(), *unmatched.values()):
        named.base = len(graded)
    by_rate = sorted(checks.values(), key=lambda c: (-c.failure_rate, c.id))
    by_count = sorted(made.values(), key=lambda m: (-len(m.students), m.id))
    return by_rate, by_count, sorted(unmatched.values(), key=lambda m: (-len(m.students), m.checks)), len(graded)


def _note(row: MistakeRow, check_id: str, student: str) -> None:
    if check_id not in row.checks:
        row.checks.append(check_id)
    if not row.students or row.students[-1] != student:  # records come one student at a time
        row.students.append(student)


def _mistake_row(mistake_id: str) -> MistakeRow:
    """The catalogue's name, explanation and concept of ``mistake_id`` in the current language (the id alone for
    a mistake the catalogue no longer has)."""
    found = _catalogued(mistake_id)
    if found is None:
        return MistakeRow(mistake_id, mistake_id, "", "", "")
    return MistakeRow(mistake_id, found.name, found.explanation(), found.concept, found.concept_name())


@functools.cache
def _catalogued(mistake_id: str) -> Any:
    from grader import mistakes

    try:
        return mistakes.find(mistake_id)
    except LookupError:
        return None


# -- quiz items ------------------------------------------------------------------------------------------------------


def _items(records: list[dict[str, Any]], keys: dict[str, Any], lang: str) -> list[ItemRow]:
    items: dict[tuple[str, str], ItemRow] = {}
    for quiz_id, quiz in keys.items():  # the key's order, and its options even when nobody chose them
        for question in quiz.questions:
            items[quiz_id, question.id] = _keyed_item(quiz, question, lang)
    for record in records:
        for quiz_id, entry in record["quizzes"].items():
            result = entry.get("result")
            for answer in (result or {}).get("questions", []):
                item = items.setdefault((quiz_id, answer["id"]), ItemRow(quiz_id, answer["id"], answer["type"]))
                _count_answer(item, answer, result["points"], record["student"])
    return list(items.values())


def _keyed_item(quiz: Any, question: Any, lang: str) -> ItemRow:
    """A question's row before any answer: its options from the open quiz, and the concepts its tags name."""
    from grader import mistakes
    from grader.quiz.text import pick

    concepts = tuple(dict.fromkeys(c for t in question.tags for c in [TAG_CONCEPTS.get(t, t)]
                                   if c in mistakes.CONCEPTS))
    item = ItemRow(quiz.id, question.id, question.type, concepts=concepts)
    key = question.key
    if key is None:
        return item
    if key.numeric is not None:
        item.options[CORRECT] = OptionRow(CORRECT, key.numeric.answer.source, True)
        for expression, wrong in key.numeric.distractors:
            item.options[expression.source] = OptionRow(expression.source, expression.source, False,
                                                        wrong.misconception or "")
        return item
    for option in question.options:
        option_key = key.options.get(option.slot)
        text = pick(option.text, lang, quiz.languages) if option.text else option.slot
        item.options[option.slot] = OptionRow(option.slot, text, bool(option_key and option_key.correct),
                                              (option_key.misconception or "") if option_key else "")
    return item


def _count_answer(item: ItemRow, answer: dict[str, Any], quiz_points: float, student: str) -> None:
    top = answer["max_points"] or 1.0
    item.scores.append(answer["points"] / top)
    item.rests.append(quiz_points - answer["points"])
    if not answer["answered"]:
        return
    item.answered += 1
    misconceived = False
    for chosen in answer.get("answers", []):
        if not chosen.get("selected", True):
            continue  # a correct option the student missed
        slot = _slot(answer, chosen)
        option = item.options.setdefault(slot, OptionRow(slot, _option_text(slot, chosen), chosen.get("correct"),
                                                         chosen.get("misconception") or ""))
        option.chosen += 1
        misconceived |= bool(chosen.get("misconception"))
    if misconceived:
        item.misconceived.append(student)


def _slot(answer: dict[str, Any], chosen: dict[str, Any]) -> str:
    """Which option ``chosen`` is, the same for every student: its slot; in a record older than slots, its text
    (the letters are shuffled per student, the texts of a static option are not)."""
    if answer["type"] == "numeric":
        return CORRECT if chosen.get("correct") else chosen.get("slot") or OTHER
    return chosen.get("slot") or f"text:{chosen.get('text', '')}"


def _option_text(slot: str, chosen: dict[str, Any]) -> str:
    return tr("class_report.other_value") if slot == OTHER else str(chosen.get("text", slot))


# -- concepts --------------------------------------------------------------------------------------------------------


def _concepts(records: list[dict[str, Any]], made: list[MistakeRow], items: list[ItemRow],
              code_graded: int) -> list[ConceptRow]:
    from grader import mistakes

    code: dict[str, set[str]] = {}
    for row in made:
        if row.concept:
            code.setdefault(row.concept, set()).update(row.students)
    quiz: dict[str, set[str]] = {}
    asked: dict[str, set[str]] = {}
    answered = _answered_by(records)
    for item in items:
        for concept in item.concepts:
            asked.setdefault(concept, set()).update(answered.get((item.quiz, item.question), ()))
            quiz.setdefault(concept, set()).update(item.misconceived)
    rows = []
    for concept in mistakes.CONCEPTS:
        if concept in code or concept in asked:
            rows.append(ConceptRow(concept, tr(f"concept.{concept}"), len(code.get(concept, ())), code_graded,
                                   len(quiz.get(concept, ())), len(asked.get(concept, ()))))
    return rows


def _answered_by(records: list[dict[str, Any]]) -> dict[tuple[str, str], set[str]]:
    """Who answered each (quiz, question)."""
    found: dict[tuple[str, str], set[str]] = {}
    for record in records:
        for quiz_id, entry in record["quizzes"].items():
            for answer in (entry.get("result") or {}).get("questions", []):
                if answer["answered"]:
                    found.setdefault((quiz_id, answer["id"]), set()).add(record["student"])
    return found
