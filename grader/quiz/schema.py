"""The open quiz format: reading a YAML document into the model, one problem per bad field.

This module checks shape -- known fields, the right kinds of values, translations -- and builds a `Quiz`. Rules that
relate fields to each other (one correct option, parameters defined, distractors never equal to the answer, ...)
live in grader.quiz.checks. The format is documented field by field in docs/quiz.md.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from grader.quiz.expressions import DRAWS, FUNCTIONS, Expression, ExpressionError, parse_expression
from grader.quiz.model import TYPES, NumericKey, Option, OptionKey, Param, Question, QuestionKey, Quiz
from grader.quiz.problems import Problem
from grader.quiz.scoring import MODES, SCHEMES
from grader.quiz.source import Document, FieldPath, trailing_comment
from grader.quiz.text import LANGUAGES, Text, plain

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
TAG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

QUIZ_FIELDS = ("id", "title", "languages", "shuffle", "pass_mark", "questions", "tier")
COMMON_FIELDS = ("id", "type", "prompt", "points", "explanation", "tags", "shuffle", "params")
TYPE_FIELDS = {
    "single": ("options", "answer", "distractors", "misconceptions", "digits"),
    "multiple": ("options", "scoring", "misconceptions"),
    "true_false": ("answer", "feedback", "misconception"),
    "numeric": ("answer", "mode", "tolerance", "distractors", "misconceptions", "digits"),
}
OPTION_FIELDS = ("id", "text", "correct", "feedback", "misconception")
DISTRACTOR_FIELDS = ("value", "misconception", "feedback")


def read_quiz(document: Document) -> tuple[Quiz | None, list[Problem]]:
    """Build the quiz in `document`; return it (None if unusable) and every problem found."""
    reader = _Reader(document)
    quiz = reader.quiz()
    return quiz, reader.problems


class _Reader:
    def __init__(self, document: Document) -> None:
        self.doc = document
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ("en",)

    # -- reporting ---------------------------------------------------------------------------------------------
    def report(self, path: FieldPath, message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

    def known_fields(self, data: Mapping[str, Any], path: FieldPath, allowed: Iterable[str], what: str,
                     elsewhere: Mapping[str, str] | None = None) -> None:
        allowed = tuple(allowed)
        for name in data:
            if name in allowed:
                continue
            if elsewhere and name in elsewhere:
                self.report(path + (name,), f"`{name}` does not apply to {what}; {elsewhere[name]}")
                continue
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f"; expected one of: {', '.join(allowed)}"
            self.report(path + (name,), f"unknown field `{name}` in {what}{hint}")

    # -- the quiz ----------------------------------------------------------------------------------------------
    def quiz(self) -> Quiz | None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.report((), f"expected a mapping with fields {', '.join(QUIZ_FIELDS)}; got {_kind(data)}")
            return None
        self.known_fields(data, (), QUIZ_FIELDS, "a quiz")
        tier = data.get("tier", "open")
        if tier != "open":
            self.report(("tier",), f"this reader takes open quizzes; got tier `{tier}`")
        self.languages = self.language_list(data.get("languages", ["en"]), ("languages",))
        quiz_id = self.slug(data, (), "id")
        title = self.text(data, (), "title", prose=True)
        shuffle = self.boolean(data, (), "shuffle", default=True)
        pass_mark = self.number(data, (), "pass_mark", default=0.6, low=0.0, high=1.0)
        questions = self.question_list(data, shuffle)
        if quiz_id is None or title is None:
            return None
        return Quiz(quiz_id, title, questions, self.languages, shuffle, pass_mark, "open", None, self.doc.file)

    def language_list(self, value: Any, path: FieldPath) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.report(path, f"expected a list of language codes, e.g. [en, ko]; got {_kind(value)}")
            return ("en",)
        good = []
        for i, lang in enumerate(value):
            if lang not in LANGUAGES:
                self.report(path + (i,), f"unknown language `{lang}`; expected one of: {', '.join(LANGUAGES)}")
            elif lang in good:
                self.report(path + (i,), f"language `{lang}` is listed twice")
            else:
                good.append(lang)
        return tuple(good) or ("en",)

    def question_list(self, data: Mapping[str, Any], shuffle: bool) -> tuple[Question, ...]:
        items = data.get("questions")
        if not isinstance(items, list) or not items:
            self.report(("questions",), f"expected a non-empty list of questions; got {_kind(items)}")
            return ()
        questions = []
        for i, item in enumerate(items):
            question = self.question(item, ("questions", i), shuffle)
            if question is not None:
                questions.append(question)
        return tuple(questions)

    # -- one question ------------------------------------------------------------------------------------------
    def question(self, data: Any, path: FieldPath, quiz_shuffle: bool) -> Question | None:
        if not isinstance(data, dict):
            self.report(path, f"expected a question (a mapping with id, type, prompt, ...); got {_kind(data)}")
            return None
        qtype = data.get("type")
        if qtype not in TYPES:
            message = "missing field `type`" if qtype is None else f"unknown type `{qtype}`"
            self.report(path + ("type",), f"{message}; expected one of: {', '.join(TYPES)}")
            self.known_fields(data, path, COMMON_FIELDS + tuple({f for fs in TYPE_FIELDS.values() for f in fs}),
                              "a question")
            return None
        elsewhere = {f: f"it belongs to {_types_with(f)} questions" for fs in TYPE_FIELDS.values() for f in fs}
        self.known_fields(data, path, COMMON_FIELDS + TYPE_FIELDS[qtype], f"a {qtype} question", elsewhere)
        qid = self.slug(data, path, "id")
        prompt = self.text(data, path, "prompt", prose=True)
        explanation = self.text(data, path, "explanation", prose=True)
        points = self.number(data, path, "points", default=1.0, low=0.0, strict_low=True)
        tags = self.tag_list(data, path)
        shuffle = self.boolean(data, path, "shuffle", default=quiz_shuffle)
        params = self.params(data, path)
        digits = int(self.number(data, path, "digits", default=4, low=1, high=15, whole=True))
        if qid is None or prompt is None:
            return None
        base = Question(qid, qtype, prompt, points=points, tags=tags, shuffle=shuffle, params=params,
                        digits=digits, path=path)
        explanation = explanation or {}
        if qtype == "numeric":
            return self.numeric(data, path, base, explanation)
        if qtype == "true_false":
            return self.true_false(data, path, base, explanation)
        return self.choice(data, path, base, explanation)

    def choice(self, data: Mapping[str, Any], path: FieldPath, base: Question, explanation: Text) -> Question:
        table = self.misconception_table(data, path)
        scoring = None
        if base.type == "multiple":
            scoring = data.get("scoring")
            if scoring not in SCHEMES:
                got = "missing field `scoring`" if scoring is None else f"unknown scoring `{scoring}`"
                self.report(path + ("scoring",), f"{got}; name one of: {', '.join(SCHEMES)}")
                scoring = "all-or-nothing"
        computed = "answer" in data or "distractors" in data
        if base.type == "single" and computed:
            if "options" in data:
                self.report(path + ("options",), "give either `options` or `answer` with `distractors`, not both")
            options, keys = self.computed_options(data, path, table)
        else:
            options, keys = self.static_options(data, path, table)
        return replace(base, options=options, scoring=scoring, key=QuestionKey(explanation, keys))

    def static_options(self, data: Mapping[str, Any], path: FieldPath,
                       table: Mapping[str, Text]) -> tuple[tuple[Option, ...], dict[str, OptionKey]]:
        items = data.get("options")
        here = path + ("options",)
        if not isinstance(items, list) or len(items) < 2:
            self.report(here, f"expected a list of at least two options; got {_kind(items)}")
            return (), {}
        options, keys = [], {}
        for j, item in enumerate(items):
            where = here + (j,)
            if not isinstance(item, dict):
                self.report(where, f"expected an option (a mapping with id, text, ...); got {_kind(item)}")
                continue
            self.known_fields(item, where, OPTION_FIELDS, "an option")
            oid = self.slug(item, where, "id", option=True)
            text = self.text(item, where, "text", prose=False)
            correct = self.boolean(item, where, "correct", default=False)
            feedback = self.text(item, where, "feedback", prose=True, required=False)
            tag = self.tag(item, where, "misconception")
            if oid is None or text is None:
                continue
            if oid in keys:
                self.report(where + ("id",), f"duplicate option id `{oid}` in this question")
                continue
            options.append(Option(oid, text=text, path=where))
            keys[oid] = OptionKey(correct, feedback or table.get(tag or ""), tag)
        return tuple(options), keys

    def computed_options(self, data: Mapping[str, Any], path: FieldPath,
                         table: Mapping[str, Text]) -> tuple[tuple[Option, ...], dict[str, OptionKey]]:
        answer = self.expression(data, path, "answer")
        distractors = self.distractors(data, path, table, required=True)
        options, keys = [], {}
        if answer is not None:
            options.append(Option(answer.source, value=answer, path=path + ("answer",)))
            keys[answer.source] = OptionKey(True)
        for expression, key, where in distractors:
            if expression.source in keys:
                self.report(where, f"`{expression.source}` is listed twice among the answer and distractors")
                continue
            options.append(Option(expression.source, value=expression, path=where))
            keys[expression.source] = key
        return tuple(options), keys

    def numeric(self, data: Mapping[str, Any], path: FieldPath, base: Question, explanation: Text) -> Question:
        table = self.misconception_table(data, path)
        answer = self.expression(data, path, "answer")
        mode = data.get("mode", "exact")
        if mode not in MODES:
            self.report(path + ("mode",), f"unknown mode `{mode}`; expected one of: {', '.join(MODES)}")
            mode = "exact"
        default_tolerance = 0.0 if mode == "exact" else None
        tolerance = self.number(data, path, "tolerance", default=default_tolerance, low=0.0)
        if mode == "exact" and "tolerance" in data and tolerance:
            self.report(path + ("tolerance",), "mode `exact` takes no tolerance; use `abs_tol` or `rel_tol`")
        if mode != "exact" and not tolerance:
            self.report(path + ("tolerance",), f"mode `{mode}` needs a positive `tolerance`")
        distractors = tuple((e, k) for e, k, _ in self.distractors(data, path, table, required=False))
        numeric = None if answer is None else NumericKey(answer, mode, float(tolerance or 0.0), distractors)
        return replace(base, key=QuestionKey(explanation, numeric=numeric))

    def true_false(self, data: Mapping[str, Any], path: FieldPath, base: Question, explanation: Text) -> Question:
        answer = data.get("answer")
        if not isinstance(answer, bool):
            self.report(path + ("answer",), f"expected `true` or `false`; got {_kind(answer)}")
            answer = True
        feedback = self.text(data, path, "feedback", prose=True, required=False)
        tag = self.tag(data, path, "misconception")
        options = (Option("true", text={"en": "True", "ko": "참"}), Option("false", text={"en": "False", "ko": "거짓"}))
        keys = {"true": OptionKey(answer is True), "false": OptionKey(answer is False)}
        keys[str(not answer).lower()] = OptionKey(False, feedback, tag)
        return replace(base, options=options, shuffle=False, key=QuestionKey(explanation, keys))

    # -- parts shared by several question types ----------------------------------------------------------------
    def params(self, data: Mapping[str, Any], path: FieldPath) -> tuple[Param, ...]:
        items = data.get("params", {})
        here = path + ("params",)
        if not isinstance(items, dict):
            self.report(here, "expected a mapping of name: expression, e.g. `n_in: randint(10, 500)`; "
                              f"got {_kind(items)}")
            return ()
        params = []
        for name, source in items.items():
            if not PARAM_NAME.match(name) or name in FUNCTIONS or name in DRAWS:
                self.report(here + (name,), f"`{name}` cannot name a parameter; use a letter, digits and _ "
                                            f"(not a function name)")
                continue
            try:
                params.append(Param(name, parse_expression(source, allow_draws=True)))
            except ExpressionError as error:
                # In a flow mapping `{n: randint(1, 5)}` the comma ends the value; say so, it is an easy slip.
                hint = " (inside { } a comma ends the value: put one parameter per line)" if "never closed" in str(
                    error) else ""
                self.report(here + (name,), f"{error}{hint}")
        return tuple(params)

    def distractors(self, data: Mapping[str, Any], path: FieldPath, table: Mapping[str, Text],
                    required: bool) -> list[tuple[Expression, OptionKey, FieldPath]]:
        here = path + ("distractors",)
        items = data.get("distractors", [] if not required else None)
        if not isinstance(items, list) or (required and not items):
            self.report(here, f"expected a list of distractors such as \"n_in * units  # forgot-bias\"; "
                              f"got {_kind(items)}")
            return []
        found = []
        for j, item in enumerate(items):
            where = here + (j,)
            if isinstance(item, dict):
                self.known_fields(item, where, DISTRACTOR_FIELDS, "a distractor")
                source, tag = item.get("value"), self.tag(item, where, "misconception")
                feedback = self.text(item, where, "feedback", prose=True, required=False)
                value_path = where + ("value",)
            else:
                source, tag, feedback, value_path = item, None, None, where
                if isinstance(item, str) and "#" in item:
                    source, _, tag = item.partition("#")
                    tag = tag.strip()
                    if not TAG.match(tag):
                        self.report(where, f"misconception tag `{tag}` must be lower-case words joined by -")
                        tag = ""
            if tag is None:
                comment = trailing_comment(self.doc, where)
                if comment:
                    self.report(where, f"YAML read `# {comment}` as a comment, so the misconception tag is lost; "
                                       f"quote the whole item: \"{source}  # {comment}\"")
                else:
                    self.report(where, "each distractor needs the misconception it represents: "
                                       "\"expression  # tag\" or {value: ..., misconception: ...}")
            if isinstance(source, bool) or not isinstance(source, (str, int, float)):
                # e.g. `{misconception: forgot-bias}` with no value, or a list where one expression belongs
                self.report(value_path, f"expected a number or an arithmetic expression; got {_kind(source)}")
                continue
            try:
                expression = parse_expression(source)
            except ExpressionError as error:
                self.report(value_path, str(error))
                continue
            found.append((expression, OptionKey(False, feedback or table.get(tag or ""), tag), where))
        return found

    def misconception_table(self, data: Mapping[str, Any], path: FieldPath) -> dict[str, Text]:
        items = data.get("misconceptions", {})
        here = path + ("misconceptions",)
        if not isinstance(items, dict):
            self.report(here, f"expected a mapping of tag: feedback text; got {_kind(items)}")
            return {}
        table: dict[str, Text] = {}
        for tag in items:
            if not TAG.match(tag):
                self.report(here + (tag,), f"misconception tag `{tag}` must be lower-case words joined by -")
                continue
            text = self.text(items, here, tag, prose=True)
            if text is not None:
                table[tag] = text
        return table

    # -- single fields -----------------------------------------------------------------------------------------
    def text(self, data: Mapping[str, Any], path: FieldPath, name: str, *, prose: bool,
             required: bool = True) -> dict[str, str] | None:
        here = path + (name,)
        if name not in data:
            if required:
                self.report(path, f"missing field `{name}`")
            return None
        value = data[name]
        if self.number_changed(here, value):
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not prose:
            value = str(value)
        if isinstance(value, str):
            if not value.strip():
                self.report(here, "the text is empty")
                return None
            if prose and len(self.languages) > 1:
                self.report(here, f"missing translation: give the text in every language of the quiz, "
                                  f"e.g. {{{', '.join(f'{lang}: ...' for lang in self.languages)}}}")
            return plain(value)
        if not isinstance(value, dict):
            self.report(here, f"expected text, or a mapping of language to text; got {_kind(value)}")
            return None
        result = {}
        for lang, item in value.items():
            if lang not in LANGUAGES:
                self.report(here + (lang,), f"unknown language `{lang}`; expected one of: {', '.join(LANGUAGES)}")
            elif self.number_changed(here + (lang,), item):
                continue
            elif isinstance(item, bool):
                self.report(here + (lang,), f"expected text; got {_kind(item)} (YAML reads unquoted yes/no/on/off "
                                            f"as true/false: quote the text)")
            elif not isinstance(item, str) or not item.strip():
                self.report(here + (lang,), f"expected non-empty text; got {_kind(item)}")
            else:
                result[lang] = item
        for lang in self.languages:
            if lang not in value:
                self.report(here, f"missing translation: no `{lang}` text (the quiz declares languages "
                                  f"{', '.join(self.languages)})")
        return result or None

    def number_changed(self, path: FieldPath, value: Any) -> bool:
        """Whether the text at `path` is a number YAML made from text that is not plainly that number (reported).

        Unquoted, `8:2` is the sexagesimal number 482 in YAML 1.1, `0x10` is 16, `010` is 8, `1_000` is 1000, `1.50`
        is 1.5 and `.inf` is infinity: a student would see the number, not what was written. A number written as
        Python writes it (`10`, `0.25`, `-3`) reads back the same, so it is fine as text.
        """
        written = self.doc.numbers.get(path)
        if written is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if written == str(value):
            return False
        self.report(path, f"YAML reads `{written}` as the number {value}, so students would see {value}: "
                          f"quote the text, e.g. \"{written}\"")
        return True

    def slug(self, data: Mapping[str, Any], path: FieldPath, name: str, option: bool = False) -> str | None:
        if name not in data:
            self.report(path, f"missing field `{name}`")
            return None
        value = data[name]
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not SLUG.match(value):
            self.report(path + (name,), f"expected an id of lower-case letters, digits, - and _; got {value!r}")
            return None
        if option and len(value) < 2:
            self.report(path + (name,), f"option id `{value}` is a single character, which an answers file would "
                                        f"read as the letter shown on screen; use two or more characters")
            return None
        return value

    def tag(self, data: Mapping[str, Any], path: FieldPath, name: str) -> str | None:
        value = data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not TAG.match(value):
            self.report(path + (name,), f"misconception tag must be lower-case words joined by -; got {value!r}")
            return None
        return value

    def tag_list(self, data: Mapping[str, Any], path: FieldPath) -> tuple[str, ...]:
        value = data.get("tags", [])
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            self.report(path + ("tags",), f"expected a list of words; got {_kind(value)}")
            return ()
        return tuple(value)

    def expression(self, data: Mapping[str, Any], path: FieldPath, name: str) -> Expression | None:
        if name not in data:
            self.report(path, f"missing field `{name}`")
            return None
        try:
            return parse_expression(data[name])
        except ExpressionError as error:
            self.report(path + (name,), str(error))
            return None

    def boolean(self, data: Mapping[str, Any], path: FieldPath, name: str, default: bool) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.report(path + (name,), f"expected true or false; got {_kind(value)}")
            return default
        return value

    def number(self, data: Mapping[str, Any], path: FieldPath, name: str, default: float | None, *,
               low: float | None = None, high: float | None = None, strict_low: bool = False,
               whole: bool = False) -> float:
        value = data.get(name, default)
        if value is None:
            self.report(path, f"missing field `{name}`")
            return 0.0
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok and whole and value != int(value):
            ok = False
        if ok and low is not None and (value < low or (strict_low and value == low)):
            ok = False
        if ok and high is not None and value > high:
            ok = False
        if not ok:
            bounds = _bounds(low, high, strict_low)
            kind = "a whole number" if whole else "a number"
            self.report(path + (name,), f"expected {kind}{bounds}; got {value!r}")
            return float(default or 0.0)
        return value


def _types_with(name: str) -> str:
    return " and ".join(t for t, fields in TYPE_FIELDS.items() if name in fields)


def _bounds(low: float | None, high: float | None, strict_low: bool) -> str:
    if low is not None and high is not None:
        return f" from {low:g} to {high:g}"
    if low is not None:
        return f" greater than {low:g}" if strict_low else f" of at least {low:g}"
    return ""


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return f"{value!r}"
