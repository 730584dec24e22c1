"""Reading YAML with line numbers, safely.

`read_yaml` parses with PyYAML's *safe* composer (no Python tags, no arbitrary objects) and returns plain data --
dicts, lists, strings, numbers, booleans -- together with the line where every field starts. Line numbers are what
make a schema error useful: ``quizzes/x.yaml:14: questions[1].type: ...`` instead of "invalid question".

A document is walked node by node (rather than with ``yaml.safe_load``) so that duplicate keys, which PyYAML would
silently overwrite, become problems, and so that aliases cannot expand into a huge or recursive structure.

Quiz files come from colleagues and answers files from students, so neither is trusted. Reading one is bounded --
the file's size (checked before reading), the nesting depth, the number of values, the length of a number -- and
every way it can fail (bad encoding, a control character, a tag YAML would drop, a value no constructor accepts)
becomes one `Problem` with the line where it happens, never an exception. The sentences come from the catalogues
(``quiz.file.*``), since an answers file's problems are shown to its student.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from grader.i18n import tr
from grader.quiz.problems import Problem

FieldPath = tuple[str | int, ...]

# A quiz has a few hundred nodes; the limit stops alias bombs ("billion laughs") from exhausting memory, and keeps a
# file of nothing but tiny values (`[x,x,x,...]`) to well under a second.
MAX_NODES = 50_000
# A quiz nests about 7 levels deep (quiz > questions > question > options > option > text > language); PyYAML
# composes recursively, so a few thousand levels would end in a RecursionError.
MAX_DEPTH = 100
# Longer digit strings make Python's int() refuse (4,300 digits) or, written sexagesimally (1:2:3...), take
# quadratic time; no quiz or answer needs a number this long.
MAX_NUMBER_CHARS = 100

_YAML = "tag:yaml.org,2002:"
# Tags the engine knows: what YAML resolves plain text to by itself. Any other tag (`!!python/object/new`, `!!set`,
# `!!binary`, `!custom`) would be dropped or turned into something that is not plain data, so it is a problem.
KNOWN_TAGS: dict[type, frozenset[str]] = {
    yaml.ScalarNode: frozenset(_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp", "merge",
                                                   "value")),
    yaml.SequenceNode: frozenset({_YAML + "seq"}),
    yaml.MappingNode: frozenset({_YAML + "map"}),
}


@dataclass
class Document:
    """Plain data read from `file`, with the line of every field."""

    file: str
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)
    text_lines: list[str] = field(default_factory=list)
    # The text as written of every plain scalar YAML read as a number (`8:2` for 482), so a reader that wanted text
    # can tell a number written plainly (`10`) from one YAML changed (`8:2`, `0x10`, `1_000`, `1.50`).
    numbers: dict[FieldPath, str] = field(default_factory=dict)

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


def read_text_file(path: str | Path, limit: int) -> tuple[str | None, list[Problem]]:
    """The UTF-8 text of the file at `path`, or None and the one problem that stops it being read.

    The size is checked before reading, and no more than `limit` bytes are ever read (a file that grows, or is not a
    regular file, cannot slip past the check).
    """
    name = str(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            return None, [Problem(name, None, "", tr("quiz.file.not_a_file"))]
        if info.st_size > limit:
            return None, [_too_large(name, info.st_size, limit)]
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        return None, [Problem(name, None, "", tr("quiz.file.unreadable", reason=error.strerror or error))]
    if len(data) > limit:
        return None, [_too_large(name, len(data), limit)]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start:error.start + 1].hex()
        return None, [Problem(name, line, "", tr("quiz.file.not_utf8", reason=error.reason, byte=byte))]


def check_text_size(text: str, file: str, limit: int) -> list[Problem]:
    """The size problem of `text` already in memory, if its UTF-8 encoding is over `limit` bytes."""
    if len(text) * 4 <= limit:  # no character takes more than 4 bytes: skip encoding a small text
        return []
    size = len(text.encode("utf-8", "surrogatepass"))
    return [_too_large(file, size, limit)] if size > limit else []


def _too_large(file: str, size: int, limit: int) -> Problem:
    return Problem(file, None, "", tr("quiz.file.too_large", size=format_size(size), limit=format_size(limit)))


def format_size(size: int) -> str:
    """``1048576`` -> ``1 MiB``; ``5347737`` -> ``5.1 MiB``; ``900`` -> ``900 bytes``."""
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def read_yaml(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    """Parse `text` (the contents of `file`); return the document, or None and the problems that stopped it.

    Never raises for any text: every failure is a problem, with its line where YAML gives one.
    """
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad:  # PyYAML checks this before parsing, and reports a character offset; give the line instead
        line = text.count("\n", 0, bad.start()) + 1
        return None, [Problem(file, line, "", tr("quiz.file.control_character", code=f"{ord(bad.group()):04X}"))]
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
    except _TooDeep as error:
        return None, [Problem(file, error.line, "", tr("quiz.file.too_deep", limit=MAX_DEPTH))]
    except _TooLarge as error:
        return None, [Problem(file, error.line, "", tr("quiz.file.too_many_values", limit=MAX_NODES))]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = error.problem or "not valid YAML"
        return None, [Problem(file, mark.line + 1 if mark else None, "",
                              tr("quiz.file.invalid_yaml", what=_one_line(what)))]
    except yaml.YAMLError as error:
        return None, [Problem(file, None, "", tr("quiz.file.invalid_yaml", what=_one_line(str(error))))]
    except RecursionError:  # MAX_DEPTH is far below Python's limit; this is only a second line of defence
        return None, [Problem(file, None, "", tr("quiz.file.too_deep", limit=MAX_DEPTH))]
    finally:
        loader.dispose()
    if node is None:
        return None, [Problem(file, 1, "", tr("quiz.file.empty"))]
    document = Document(file, None, text_lines=text.splitlines())
    walker = _Walker(loader, document)
    try:
        document.data = walker.build(node, ())
    except _TooLarge as error:
        return None, [Problem(file, error.line, "", tr("quiz.file.too_many_values", limit=MAX_NODES))]
    except RecursionError:  # merge keys (`<<: *a`) can chain deeper than the nesting the loader bounds
        return None, [Problem(file, None, "", tr("quiz.file.too_deep", limit=MAX_DEPTH))]
    return document, walker.problems


def _one_line(text: str) -> str:
    """PyYAML's messages can span lines (with a caret under the column); a problem is one line."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


class _TooLarge(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _TooDeep(_TooLarge):
    pass


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, stopped at MAX_DEPTH levels of nesting and MAX_NODES nodes while it composes."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0
        self.nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        self.nodes += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark.line + 1)
            if self.nodes > MAX_NODES:
                raise _TooLarge(self.peek_event().start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Walker:
    """Turns a composed node tree into plain data, recording lines and reporting duplicate keys and unknown tags."""

    def __init__(self, loader: yaml.SafeLoader, document: Document) -> None:
        self.loader = loader
        self.document = document
        self.problems: list[Problem] = []
        self.count = 0
        self.stack: set[int] = set()
        self.reported: set[int] = set()  # nodes already complained about: an alias repeats a node, not its problem
        self.built: set[int] = set()
        self.origin = 1

    def build(self, node: yaml.Node, path: FieldPath) -> Any:
        self.count += 1
        # A node seen before is repeated by an alias: the line to blame for an expansion is where it is used, which
        # is at (or just under) the line of the nearest node being read for the first time.
        first = id(node) not in self.built
        self.built.add(id(node))
        line = node.start_mark.line + 1 if first else self.origin
        if self.count > MAX_NODES:
            raise _TooLarge(line)
        self.document.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self.stack:  # an alias that contains itself
            self.problems.append(self.document.problem(path, tr("quiz.file.recursive_alias")))
            return None
        self._known_tag(node, path)  # reported; the data under the tag is still read, to check the rest of it
        self.stack.add(id(node))
        outer, self.origin = self.origin, line
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.ScalarNode):
                return self._scalar(node, path)
            # the composer makes only these three kinds; another would be a bug here, not a problem in the file
            raise TypeError(f"unexpected YAML node {type(node).__name__}")
        finally:
            self.stack.discard(id(node))
            self.origin = outer

    def _known_tag(self, node: yaml.Node, path: FieldPath) -> bool:
        """Whether `node`'s tag is one the engine reads; if not, report it at its own line (once per node)."""
        if node.tag in KNOWN_TAGS[type(node)]:
            return True
        tag = "!!" + node.tag.removeprefix(_YAML) if node.tag.startswith(_YAML) else node.tag
        self._node_problem(node, path, tr("quiz.file.unknown_tag", tag=tag))
        return False

    def _node_problem(self, node: yaml.Node, path: FieldPath, message: str) -> None:
        """Report `message` at `node`'s line, once however many aliases repeat the node."""
        if id(node) not in self.reported:
            self.reported.add(id(node))
            self.problems.append(Problem(self.document.file, node.start_mark.line + 1, format_path(path), message))

    def _mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[str, Any]:
        self._merged_tags_known(node, path)
        try:
            self.loader.flatten_mapping(node)  # resolves `<<: *defaults` merge keys
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or node.start_mark
            self.problems.append(Problem(self.document.file, mark.line + 1, format_path(path),
                                         tr("quiz.file.invalid_yaml", what=_one_line(error.problem or str(error)))))
            return {}
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            if key is None:
                continue
            child = path + (key,)
            if key in result:
                first = self.document.lines.get(child)
                self.problems.append(Problem(self.document.file, key_node.start_mark.line + 1, format_path(child),
                                             tr("quiz.file.duplicate_key", first=first)))
                continue
            self.document.lines[child] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child)
        return result

    def _merged_tags_known(self, node: yaml.MappingNode, path: FieldPath) -> bool:
        """Whether every mapping merged in with `<<:`, however indirectly, has a known tag (merging would drop the
        tag unseen). Walked with a stack, not recursion: merges can chain through aliases."""
        known, seen, pending = True, set(), [node]
        while pending:
            mapping = pending.pop()
            if id(mapping) in seen:
                continue
            seen.add(id(mapping))
            for key_node, value_node in mapping.value:
                if key_node.tag != _YAML + "merge":
                    continue
                items = [value_node] + (list(value_node.value) if isinstance(value_node, yaml.SequenceNode) else [])
                for item in items:
                    if not self._known_tag(item, path + ("<<",)):
                        known = False
                    elif isinstance(item, yaml.MappingNode):
                        pending.append(item)
        return known

    def _key(self, key_node: yaml.Node, path: FieldPath) -> str | None:
        """The key as text, or None (reported) when it is not plain text."""
        self._known_tag(key_node, path)
        key = self._scalar(key_node, path, record=False) if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, (str, int, float, bool)) or key is None:
            line = key_node.start_mark.line + 1
            self.problems.append(Problem(self.document.file, line, format_path(path), tr("quiz.file.key_not_text")))
            return None
        return str(key)

    def _scalar(self, node: yaml.ScalarNode, path: FieldPath, record: bool = True) -> Any:
        """The value of a scalar; `record` keeps how a number was written (not for keys).

        A scalar with an unknown tag (reported by `build`) is read as its text, never handed to a constructor; so is
        a plain `<<` or `=` that is not a key.
        """
        if node.tag not in KNOWN_TAGS[yaml.ScalarNode] or node.tag in (_YAML + "merge", _YAML + "value"):
            return node.value
        numeric = node.tag in (_YAML + "int", _YAML + "float")
        if numeric and len(node.value) > MAX_NUMBER_CHARS:
            self._node_problem(node, path, tr("quiz.file.long_number", limit=MAX_NUMBER_CHARS))
            return None
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, ArithmeticError) as error:  # e.g. a date 2024-13-45, month 13
            reason = error.problem if isinstance(error, yaml.MarkedYAMLError) and error.problem else str(error)
            self._node_problem(node, path, tr("quiz.file.unreadable_value", error=_one_line(reason)))
            return None
        if record and numeric and node.style is None and not isinstance(value, bool):
            self.document.numbers[path] = node.value
        return value


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
