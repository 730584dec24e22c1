"""Finding the students in a submissions folder.

Three layouts are recognised (see docs/classroom.md):

- plain: one sub-folder, ``.zip`` or Jupyter notebook (``.ipynb``) per student; the name (without ``.zip`` or
  ``.ipynb``) is the student id.
- GitHub Classroom (``gh classroom clone student-repos``): a folder ``<assignment>-submissions`` holding one clone
  per student, ``<assignment>-<login>``; the id is the login. Recognised by the folder's ``-submissions`` suffix
  or by every entry being a git clone; the shared ``<assignment>-`` prefix is removed.
- Gradescope ("Export Submissions"): ``submission_metadata.yml`` beside ``submission_<n>`` folders; the id is the
  first submitter's SID (else their email, else the folder name).

Ids are made safe as file names, since each student's record is a file named for them, and unique: a name that is
already a safe id keeps it, and any other name that maps to the same id gets ``<id>~<6 hex digits>`` from its own
name, so an id never depends on who else is in the folder (see ``_unique``). A name that is not valid UTF-8 (Python
keeps its bytes as surrogates) is shown with those bytes escaped, ``\\xff``, wherever it is written (``shown_name``).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from grader.errors import UserError
from grader.submission import NOTEBOOK_SUFFIX

GRADESCOPE_METADATA = "submission_metadata.yml"
IGNORED = {"__MACOSX", "__pycache__", ".git", ".github", ".DS_Store"}
UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


@dataclass(frozen=True)
class Student:
    """A student of the class: their unique, file-safe ``id``, their submission, and every name the class folder
    knows them by (folder name, GitHub login, Gradescope SID / email / name of each submitter), for checking whose
    answers a file says it holds."""

    id: str
    source: Path  # a folder or a .zip
    names: tuple[str, ...] = ()

    @property
    def is_zip(self) -> bool:
        return self.source.suffix.lower() == ".zip" and not self.source.is_dir()  # a folder may be named x.zip

    @property
    def source_name(self) -> str:
        """The submission's file name as text that can be written anywhere (see ``shown_name``)."""
        return shown_name(self.source.name)


class RosterError(UserError, ValueError):
    """The submissions folder cannot be read as a class."""


def find_students(root: Path) -> list[Student]:
    """Every student in ``root``, sorted by id; ids are unique (a clash gets ``~2``, ``~3`` ...)."""
    root = Path(root)
    if not root.is_dir():
        raise RosterError(f"submissions folder {root} does not exist or is not a folder")
    if (root / GRADESCOPE_METADATA).is_file():
        found = _gradescope(root)
    else:
        entries = _entries(root)
        found = _github_classroom(root, entries) if _looks_like_github_classroom(root, entries) else [
            Student(_strip_zip(e.name), e, (_strip_zip(e.name),)) for e in entries]
    return _unique(found)


def layout_of(root: Path) -> str:
    """Which layout ``find_students`` reads ``root`` as: "gradescope", "github-classroom" or "plain"."""
    root = Path(root)
    if (root / GRADESCOPE_METADATA).is_file():
        return "gradescope"
    return "github-classroom" if _looks_like_github_classroom(root, _entries(root)) else "plain"


def safe_id(name: str) -> str:
    """``name`` as a file name: every character but ``A-Za-z0-9._@+-`` becomes ``_``, at most 100 of them."""
    cleaned = UNSAFE.sub("_", shown_name(name).strip()).strip(".") or "_"
    return cleaned[:100]


def is_utf8(name: str) -> bool:
    """Whether the file name ``name`` was valid UTF-8 on disk (Python keeps other bytes as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_name(name: str) -> str:
    """``name`` with the bytes that are not UTF-8 written as ``\\xNN``: text every file, terminal and JSON takes."""
    if is_utf8(name):
        return name
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte: not from a file name, escape it as it is
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def quoted_name(name: str) -> str:
    """``name`` in quotes for a message: bytes that are not UTF-8 as ``\\xNN`` and unprintable characters (a
    newline in a folder's name) escaped, so the name can neither break a line nor pass for the message's own text."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in shown_name(name))
    return f"'{shown}'"


def _entries(root: Path) -> list[Path]:
    out = []
    for entry in sorted(root.iterdir()):
        if entry.name in IGNORED or entry.name.startswith("."):
            continue
        if entry.is_symlink():
            continue  # a link in the class folder is not a submission
        if entry.is_dir() or (entry.is_file() and entry.suffix.lower() in (".zip", NOTEBOOK_SUFFIX)):
            out.append(entry)
    return out


def _strip_zip(name: str) -> str:
    """The student's name from a submission's: without ``.zip``, or ``.ipynb`` for a notebook handed in alone."""
    for suffix in (".zip", NOTEBOOK_SUFFIX):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _looks_like_github_classroom(root: Path, entries: list[Path]) -> bool:
    if not entries:
        return False
    return root.name.endswith("-submissions") or all((e / ".git").exists() for e in entries)


def _github_classroom(root: Path, entries: list[Path]) -> list[Student]:
    names = [_strip_zip(e.name) for e in entries]
    prefix = root.name.removesuffix("-submissions") + "-" if root.name.endswith("-submissions") else ""
    if not prefix or not all(n.startswith(prefix) for n in names):
        prefix = os.path.commonprefix(names) if len(names) > 1 else ""
        prefix = prefix[: prefix.rfind("-") + 1]
    return [Student(n[len(prefix):] or n, e, (n[len(prefix):] or n, n)) for n, e in zip(names, entries, strict=True)]


def _gradescope(root: Path) -> list[Student]:
    try:
        metadata = yaml.load((root / GRADESCOPE_METADATA).read_text(encoding="utf-8"), Loader=_MetadataLoader) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RosterError(f"cannot read {root / GRADESCOPE_METADATA}: {exc}") from None
    students = []
    for entry in _entries(root):
        info = metadata.get(_strip_zip(entry.name)) or metadata.get(entry.name) or {}
        names = (*_submitter_names(info), _strip_zip(entry.name))
        students.append(Student(_gradescope_id(info) or _strip_zip(entry.name), entry, names))
    return students


def _gradescope_id(info: object) -> str:
    if not isinstance(info, dict):
        return ""
    submitters = info.get(":submitters") or info.get("submitters") or []
    if not submitters or not isinstance(submitters[0], dict):
        return ""
    first = submitters[0]
    for key in (":sid", "sid", ":email", "email", ":name", "name"):
        if first.get(key):
            return str(first[key])
    return ""


def _submitter_names(info: object) -> list[str]:
    """Every SID, email and name of every submitter (a group submission has several)."""
    submitters = (info.get(":submitters") or info.get("submitters") or []) if isinstance(info, dict) else []
    if not isinstance(submitters, list):
        return []
    return [str(s[key]) for s in submitters if isinstance(s, dict)
            for key in (":sid", "sid", ":email", "email", ":name", "name") if s.get(key)]


class _MetadataLoader(yaml.SafeLoader):
    """Safe loading that reads Ruby-tagged values in Gradescope's metadata as plain data instead of failing."""


def _plain(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    # PyYAML composes only those three kinds; a YAMLError keeps anything else a "metadata unreadable" message
    raise yaml.constructor.ConstructorError(None, None, f"unexpected YAML node {type(node).__name__}",
                                            node.start_mark)


_MetadataLoader.add_multi_constructor("!", _plain)


def _unique(found: list[Student]) -> list[Student]:
    """``found`` with unique ids, sorted by id.

    Of the students whose names map to one safe id, a name that already is that id keeps it (a folder before a zip
    of the same name); failing that, the first in order of name does. Every other one gets the id followed by ``~``
    and the start of its submission name's hash, which no name can produce (``~`` is not kept by ``safe_id``), and
    which stays the same on every run whoever else is in the folder.
    """
    groups: dict[str, list[Student]] = {}
    for student in found:
        groups.setdefault(safe_id(student.id), []).append(student)
    taken = set(groups)
    out = []
    for base, group in groups.items():
        group.sort(key=lambda s: (s.id != base, s.is_zip, shown_name(s.id), s.source_name))
        out.append(_with_id(group[0], base))
        for student in group[1:]:
            out.append(_with_id(student, _disambiguated(base, student, taken)))
    return sorted(out, key=lambda s: s.id)


def _with_id(student: Student, new_id: str) -> Student:
    names = tuple(dict.fromkeys((student.id, *student.names)))  # the name it had stays a name it is known by
    return Student(new_id, student.source, names)


def _disambiguated(base: str, student: Student, taken: set[str]) -> str:
    digest = hashlib.sha256(os.fsencode(student.source.name)).hexdigest()
    for length in (6, 12, 64):
        candidate = f"{base}~{digest[:length]}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    raise AssertionError("two submissions with the same name")  # names in one folder differ, so their hashes do
