"""Finding the students in a submissions folder.

Three layouts are recognised (see docs/classroom.md):

- plain: one sub-folder or ``.zip`` per student; the name (without ``.zip``) is the student id.
- GitHub Classroom (``gh classroom clone student-repos``): a folder ``<assignment>-submissions`` holding one clone
  per student, ``<assignment>-<login>``; the id is the login. Recognised by the folder's ``-submissions`` suffix
  or by every entry being a git clone; the shared ``<assignment>-`` prefix is removed.
- Gradescope ("Export Submissions"): ``submission_metadata.yml`` beside ``submission_<n>`` folders; the id is the
  first submitter's SID (else their email, else the folder name).

Ids are made safe as file names, since each student's record is a file named for them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

GRADESCOPE_METADATA = "submission_metadata.yml"
IGNORED = {"__MACOSX", "__pycache__", ".git", ".github", ".DS_Store"}
UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


@dataclass(frozen=True)
class Student:
    id: str
    source: Path  # a folder or a .zip

    @property
    def is_zip(self) -> bool:
        return self.source.suffix.lower() == ".zip"


class RosterError(ValueError):
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
            Student(_strip_zip(e.name), e) for e in entries]
    return _unique(found)


def layout_of(root: Path) -> str:
    """Which layout ``find_students`` reads ``root`` as: "gradescope", "github-classroom" or "plain"."""
    root = Path(root)
    if (root / GRADESCOPE_METADATA).is_file():
        return "gradescope"
    return "github-classroom" if _looks_like_github_classroom(root, _entries(root)) else "plain"


def safe_id(name: str) -> str:
    cleaned = UNSAFE.sub("_", name.strip()).strip(".") or "_"
    return cleaned[:100]


def _entries(root: Path) -> list[Path]:
    out = []
    for entry in sorted(root.iterdir()):
        if entry.name in IGNORED or entry.name.startswith("."):
            continue
        if entry.is_symlink():
            continue  # a link in the class folder is not a submission
        if entry.is_dir() or (entry.is_file() and entry.suffix.lower() == ".zip"):
            out.append(entry)
    return out


def _strip_zip(name: str) -> str:
    return name[:-4] if name.lower().endswith(".zip") else name


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
    return [Student(n[len(prefix):] or n, e) for n, e in zip(names, entries)]


def _gradescope(root: Path) -> list[Student]:
    try:
        metadata = yaml.load((root / GRADESCOPE_METADATA).read_text(encoding="utf-8"), Loader=_MetadataLoader) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RosterError(f"cannot read {root / GRADESCOPE_METADATA}: {exc}") from None
    students = []
    for entry in _entries(root):
        info = metadata.get(_strip_zip(entry.name)) or metadata.get(entry.name) or {}
        students.append(Student(_gradescope_id(info) or _strip_zip(entry.name), entry))
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


class _MetadataLoader(yaml.SafeLoader):
    """Safe loading that reads Ruby-tagged values in Gradescope's metadata as plain data instead of failing."""


def _plain(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_MetadataLoader.add_multi_constructor("!", _plain)


def _unique(found: list[Student]) -> list[Student]:
    seen: dict[str, int] = {}
    out = []
    for student in sorted(found, key=lambda s: (safe_id(s.id), str(s.source))):
        base = safe_id(student.id)
        seen[base] = seen.get(base, 0) + 1
        out.append(Student(base if seen[base] == 1 else f"{base}~{seen[base]}", student.source))
    return sorted(out, key=lambda s: s.id)
