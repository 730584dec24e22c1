"""Reading YAML with line numbers, safely.

`read_yaml` parses with PyYAML's *safe* composer (no Python tags, no arbitrary objects) and returns plain data --
dicts, lists, strings, numbers, booleans -- together with the line where every field starts. Line numbers are what
make a schema error useful: ``quizzes/x.yaml:14: questions[1].type: ...`` instead of "invalid question".

A document is walked node by node (rather than with ``yaml.safe_load``) so that duplicate keys, which PyYAML would
silently overwrite, become problems, and so that aliases cannot expand into a huge or recursive structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from grader.quiz.problems import Problem

FieldPath = tuple[str | int, ...]

# A quiz has a few hundred nodes; the limit only stops alias bombs ("billion laughs") from exhausting memory.
MAX_NODES = 200_000


@dataclass
class Document:
    """Plain data read from `file`, with the line of every field."""

    file: str
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)
    text_lines: list[str] = field(default_factory=list)

    def line(self, path: FieldPath) -> int | None:
        """Line of `path`, or of its nearest ancestor present in the file (for a field that is missing)."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def problem(self, path: FieldPath, message: str) -> Problem:
        return Problem(self.file, self.line(path), format_path(path), message)


def format_path(path: FieldPath) -> str:
    """``("questions", 2, "options")`` -> ``questions[2].options``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_yaml(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    """Parse `text` (the contents of `file`); return the document, or None and the problems that stopped it."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        what = error.problem or "not valid YAML"
        return None, [Problem(file, line, "", f"invalid YAML: {what}")]
    except yaml.YAMLError as error:
        return None, [Problem(file, None, "", f"invalid YAML: {error}")]
    finally:
        loader.dispose()
    if node is None:
        return None, [Problem(file, 1, "", "the file is empty; expected a YAML mapping")]
    document = Document(file, None, text_lines=text.splitlines())
    walker = _Walker(loader, document)
    try:
        document.data = walker.build(node, ())
    except _TooLarge:
        return None, [Problem(file, None, "", f"the document expands to more than {MAX_NODES} values (aliases?)")]
    return document, walker.problems


class _TooLarge(Exception):
    pass


class _Walker:
    """Turns a composed node tree into plain data, recording lines and reporting duplicate keys."""

    def __init__(self, loader: yaml.SafeLoader, document: Document) -> None:
        self.loader = loader
        self.document = document
        self.problems: list[Problem] = []
        self.count = 0
        self.stack: set[int] = set()

    def build(self, node: yaml.Node, path: FieldPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        self.document.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self.stack:  # an alias that contains itself
            self.problems.append(self.document.problem(path, "a recursive alias; expected plain data"))
            return None
        self.stack.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            return self._scalar(node, path)
        finally:
            self.stack.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[str, Any]:
        self.loader.flatten_mapping(node)  # resolves `<<: *defaults` merge keys
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int, float, bool)) or key is None:
                line = key_node.start_mark.line + 1
                self.problems.append(Problem(self.document.file, line, format_path(path), "a key must be plain text"))
                continue
            key = str(key)
            child = path + (key,)
            if key in result:
                first = self.document.lines.get(child)
                self.problems.append(
                    Problem(self.document.file, key_node.start_mark.line + 1, format_path(child),
                            f"duplicate key (first given on line {first}); YAML would silently keep only the last")
                )
                continue
            self.document.lines[child] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child)
        return result

    def _scalar(self, node: yaml.Node, path: FieldPath) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            line = node.start_mark.line + 1
            self.problems.append(Problem(self.document.file, line, format_path(path), f"unreadable value: {error}"))
            return None


def trailing_comment(document: Document, path: FieldPath) -> str | None:
    """The ``# comment`` after the plain scalar at `path`, if any.

    A misconception tag written ``- n_in * units  # forgot-bias`` without quotes is a YAML comment, and YAML drops
    it; this lets validation say so instead of silently losing the tag.
    """
    line = document.lines.get(path)
    if line is None or line > len(document.text_lines):
        return None
    text = document.text_lines[line - 1]
    marker = text.find(" #")
    if marker < 0 or '"' in text[:marker] or "'" in text[:marker]:
        return None
    return text[marker + 2:].strip() or None
