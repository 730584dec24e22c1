"""Rules that relate fields to each other, checked on a quiz the schema could read.

Each rule adds located problems; none stops the others. Parameterized questions are checked over many student
seeds plus the low and high corners of every draw, because a distractor that equals the answer "only sometimes"
is a wrong key for some student.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from grader.quiz.expressions import Expression, ExpressionError, Number, evaluate
from grader.quiz.model import Question, Quiz
from grader.quiz.problems import Problem
from grader.quiz.scoring import numeric_matches
from grader.quiz.source import Document, FieldPath
from grader.quiz.text import ANY, Text
from grader.quiz.variants import draw_values, format_number, placeholders, student_seed

DEFAULT_SEEDS = 1000

# what a seed sweep has found so far: (field, kind of problem) -> its message, one per kind so the list stays short
_Findings = dict[tuple[FieldPath, str], str]

# Options that refer to the other options must keep their place, so they cannot be shuffled.
ANCHORED = [
    re.compile(r"\b(all|none|both|neither) of (the )?(above|these|them)\b", re.IGNORECASE),
    re.compile(r"\b(all|none) (the )?(options|answers|choices) above\b", re.IGNORECASE),
    re.compile(r"\b[A-H] and [A-H]\b"),
    re.compile(r"위의?\s*(보기|것|답|항목)?\s*(가|이)?\s*모두"),
    re.compile(r"보기\s*(모두|전부)"),
    re.compile(r"(정답|해당(하는 것)?)\s*없음"),
]


def check_quiz(quiz: Quiz, document: Document, seeds: int = DEFAULT_SEEDS) -> list[Problem]:
    """Every cross-field problem in `quiz`, located in `document`."""
    problems: list[Problem] = []
    seen: dict[str, FieldPath] = {}
    for question in quiz.questions:
        if question.id in seen:
            first = document.line(seen[question.id])
            problems.append(document.problem(question.path + ("id",),
                                             f"duplicate question id `{question.id}` (first used on line {first})"))
        seen.setdefault(question.id, question.path)
        problems += [document.problem(path, message) for path, message in check_question(question, seeds)]
    return problems


def check_question(question: Question, seeds: int = DEFAULT_SEEDS) -> list[tuple[FieldPath, str]]:
    """(field path, message) for every problem in one open question."""
    found = list(_key_rules(question)) + list(_anchored_options(question))
    undefined = list(_undefined_names(question))
    found += undefined
    if not undefined and not found:
        found += _seed_rules(question, seeds)
    return found


def _key_rules(question: Question) -> Iterator[tuple[FieldPath, str]]:
    if question.key is None or not question.choice or question.type == "true_false":
        return
    keys = question.key.options
    correct = [o for o in question.options if keys[o.slot].correct]
    where = question.path + ("options",)
    computed = any(o.computed for o in question.options)
    if not correct and not computed:
        yield where, "no option is marked `correct: true`"
    if question.type == "single" and len(correct) > 1:
        ids = ", ".join(f"`{o.slot}`" for o in correct)
        yield where, f"{len(correct)} options ({ids}) are marked correct in a single-choice question; " \
                     f"use type `multiple` or mark one"
    for option in question.options:
        key = keys[option.slot]
        if key.correct and key.misconception:
            yield option.path + ("misconception",), "a correct option cannot stand for a misconception"
        if not key.correct and not key.feedback:
            yield option.path, "no feedback for this wrong option: say why it is wrong with `feedback`, or " \
                               "define its misconception under the question's `misconceptions`"
    texts: dict[str, FieldPath] = {}
    for option in question.options:
        for lang, text in (option.text or {}).items():
            label = f"{lang}:{text.strip().lower()}"
            if label in texts:
                yield option.path + ("text",), f"two options read the same: {text!r}"
            texts.setdefault(label, option.path)


def _anchored_options(question: Question) -> Iterator[tuple[FieldPath, str]]:
    if not question.shuffle:
        return
    for option in question.options:
        for text in (option.text or {}).values():
            if any(pattern.search(text) for pattern in ANCHORED):
                yield option.path + ("text",), f"{text!r} refers to the other options, so it must keep its " \
                                               f"place: set `shuffle: false` on this question"
                break


def _undefined_names(question: Question) -> Iterator[tuple[FieldPath, str]]:
    defined: list[str] = []
    for param in question.params:
        for name in sorted(param.expression.names - set(defined)):
            later = any(p.name == name for p in question.params)
            detail = "it is defined after this one; move it up" if later else "define it under `params`"
            yield question.path + ("params", param.name), f"parameter `{name}` is used but not defined ({detail})"
        defined.append(param.name)
    names = set(defined)
    for expression, path in _expressions(question):
        for name in sorted(expression.names - names):
            yield path, f"parameter `{name}` is used but not defined; define it under `params`"
    for path, text in _texts(question):
        for name in sorted(placeholders(text) - names):
            yield path, f"placeholder {{{name}}} names no parameter; define `{name}` under `params`"


def _expressions(question: Question) -> Iterator[tuple[Expression, FieldPath]]:
    for option in question.options:
        if option.value is not None:
            yield option.value, option.path
    numeric = question.key.numeric if question.key else None
    if numeric:
        yield numeric.answer, question.path + ("answer",)
        for i, (expression, _) in enumerate(numeric.distractors):
            yield expression, question.path + ("distractors", i)


def _texts(question: Question) -> Iterator[tuple[FieldPath, str]]:
    def each(text: Text | None, path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
        for lang, value in (text or {}).items():
            yield (path if lang == ANY else path + (lang,)), value

    yield from each(question.prompt, question.path + ("prompt",))
    for option in question.options:
        yield from each(option.text, option.path + ("text",))
    if question.key:
        yield from each(question.key.explanation, question.path + ("explanation",))


def _sample(question: Question, seeds: int) -> Iterator[dict[str, Number]]:
    """Parameter values for the low corner, the high corner and `seeds` student seeds."""
    yield draw_values(question, corner=False)
    yield draw_values(question, corner=True)
    if any(p.expression.draws for p in question.params):
        for k in range(seeds):
            yield draw_values(question, student_seed(question.id, f"validation-{k}"))


def _seed_rules(question: Question, seeds: int) -> list[tuple[FieldPath, str]]:
    """Evaluate every computed value over many seeds; report the first failure of each kind once."""
    found: _Findings = {}
    numeric = question.key.numeric if question.key else None
    computed = [o for o in question.options if o.computed]
    if not computed and numeric is None:
        return []
    try:
        for values in _sample(question, seeds):
            if numeric is not None:
                _check_numeric(question, values, found)
            else:
                _check_computed(question, values, found)
            if len(found) >= 5:
                break
    except ExpressionError as error:
        found[(question.path + ("params",), "params")] = f"a parameter cannot be drawn: {error}"
    return [(path, message) for (path, _), message in found.items()]


def _check_computed(question: Question, values: dict[str, Number], found: _Findings) -> None:
    assert question.key is not None
    shown: dict[str, tuple[str, FieldPath]] = {}
    for option in question.options:
        assert option.value is not None
        try:
            value = evaluate(option.value, values)
        except ExpressionError as error:
            found.setdefault((option.path, "eval"), str(error))
            continue
        text = format_number(value, question.digits)
        if text in shown:
            other, _ = shown[text]
            key = question.key.options
            if key[option.slot].correct or key[other].correct:
                distractor = other if key[option.slot].correct else option.slot
                found.setdefault((option.path, "equal"),
                                 f"distractor `{distractor}` equals the answer ({text}){_when(values)}")
            else:
                found.setdefault((option.path, "equal"),
                                 f"distractors `{other}` and `{option.slot}` both show {text}{_when(values)}")
        shown.setdefault(text, (option.slot, option.path))


def _check_numeric(question: Question, values: dict[str, Number], found: _Findings) -> None:
    assert question.key is not None and question.key.numeric is not None
    numeric = question.key.numeric
    answer_path = question.path + ("answer",)
    try:
        answer = evaluate(numeric.answer, values)
    except ExpressionError as error:
        found.setdefault((answer_path, "eval"), str(error))
        return
    if numeric.mode == "exact" and answer != int(answer):
        found.setdefault((answer_path, "whole"), f"mode `exact` needs a whole-number answer, but it is "
                                                 f"{answer}{_when(values)}; use `abs_tol` or `rel_tol`")
    if numeric.mode == "rel_tol" and answer == 0:
        found.setdefault((answer_path, "zero"), f"the answer is 0{_when(values)}, where a relative tolerance "
                                                f"accepts only 0 itself; use `abs_tol`")
    for i, (expression, key) in enumerate(numeric.distractors):
        path = question.path + ("distractors", i)
        try:
            value = evaluate(expression, values)
        except ExpressionError as error:
            found.setdefault((path, "eval"), str(error))
            continue
        if numeric_matches(value, answer, numeric.mode, numeric.tolerance):
            why = "equals" if value == answer else f"is within {numeric.mode} {numeric.tolerance:g} of"
            when = _when(values)
            found.setdefault((path, "tolerance"), f"distractor `{expression.source}` ({key.misconception}) = "
                                                  f"{value:g} {why} the answer {answer:g}{when}, so it "
                                                  f"would be graded correct")


def _describe(values: dict[str, Number]) -> str:
    return ", ".join(f"{name} = {value}" for name, value in values.items())


def _when(values: dict[str, Number]) -> str:
    return f" when {_describe(values)}" if values else ""
