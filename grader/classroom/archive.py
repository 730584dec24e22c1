"""Unpacking a student's zip without trusting it.

A zip may carry paths that climb out of the target (``../../x``, ``/etc/x``), symbolic links, a million entries or a
few kilobytes that inflate to gigabytes. Only regular files whose names end in ``KEPT_SUFFIXES`` are extracted, each
path is checked to stay inside the target, and the number of files and the bytes written are capped while reading
(the sizes a zip declares are not trusted). Anything refused is an ``ArchiveError`` naming why -- also a zip the
file system cannot hold as it is (a file and a folder of the same name, a name too long), which is the zip's fault,
not the grader's; its message names the entry, never the folder it was being unpacked into.
"""

from __future__ import annotations

import errno
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from grader.errors import UserError
from grader.i18n import tr

KEPT_SUFFIXES = (".py", ".yaml", ".yml", ".json", ".md", ".txt", ".ipynb")  # notebooks: docs/notebooks.md
MAX_FILES = 2000
MAX_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024
SHOWN_NAME_CHARS = 120
# Why the file system refused an entry, when the zip itself is the cause: the catalogue key that says so.
ENTRY_ERRORS = {
    errno.EEXIST: "classroom.zip.clash",  # a folder's path runs through a file the zip already wrote
    errno.ENOTDIR: "classroom.zip.clash",
    errno.EISDIR: "classroom.zip.clash",  # a file where the zip already made a folder
    errno.ENAMETOOLONG: "classroom.zip.name_too_long",
    errno.EILSEQ: "classroom.zip.bad_name",  # bytes the file system does not take in a name
    errno.EINVAL: "classroom.zip.bad_name",
}


class ArchiveError(UserError, ValueError):
    """The zip cannot be used; ``key`` and ``params`` say why in the catalogues (``classroom.zip.*``), so the
    student's feedback can say it in the class's language."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(tr(key, **params))


def unpack(archive: Path, target: Path, *, max_files: int = MAX_FILES, max_bytes: int = MAX_BYTES) -> list[Path]:
    """Extract the kept files of ``archive`` into ``target``; return the files written."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    budget = max_bytes
    try:
        with zipfile.ZipFile(archive) as bundle:
            for info in bundle.infolist():
                if info.is_dir() or not info.filename.endswith(KEPT_SUFFIXES):
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    continue  # a link could point anywhere on the grading machine
                dest = _safe_destination(target, info.filename)
                if len(written) >= max_files:
                    raise ArchiveError("classroom.zip.too_many_files", count=max_files)
                budget = _extract(bundle, info, dest, budget, max_bytes)
                written.append(dest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, zlib.error) as exc:
        raise ArchiveError("classroom.zip.unreadable", detail=str(exc)) from None
    except RuntimeError as exc:  # an encrypted member
        raise ArchiveError("classroom.zip.encrypted", detail=str(exc)) from None
    return written


def _extract(bundle: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, budget: int, max_bytes: int) -> int:
    """Write one entry to ``dest``; return the bytes left of the budget. An entry the file system refuses because of
    its name is an ``ArchiveError``; any other ``OSError`` (a full disk) is the grader's and is raised as it is."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with bundle.open(info) as src, open(dest, "wb") as out:
            while chunk := src.read(min(CHUNK, budget + 1)):
                budget -= len(chunk)
                if budget < 0:
                    raise ArchiveError("classroom.zip.too_large", mib=max_bytes // (1024 * 1024))
                out.write(chunk)
    except OSError as exc:
        if exc.errno not in ENTRY_ERRORS:
            raise
        raise ArchiveError(ENTRY_ERRORS[exc.errno], name=shown_entry(info.filename)) from None
    return budget


def shown_entry(name: str) -> str:
    """An entry's name as a message shows it: quoted, and cut to ``SHOWN_NAME_CHARS`` characters."""
    return repr(name if len(name) <= SHOWN_NAME_CHARS else name[:SHOWN_NAME_CHARS] + "...")


def _safe_destination(target: Path, name: str) -> Path:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveError("classroom.zip.escapes", name=shown_entry(name))
    return target.joinpath(*path.parts)
