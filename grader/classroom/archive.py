"""Unpacking a student's zip without trusting it.

A zip may carry paths that climb out of the target (``../../x``, ``/etc/x``), symbolic links, a million entries or a
few kilobytes that inflate to gigabytes. Only regular files whose names end in ``KEPT_SUFFIXES`` are extracted, each
path is checked to stay inside the target, and the number of files and the bytes written are capped while reading
(the sizes a zip declares are not trusted). Anything refused is an ``ArchiveError`` naming why.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from grader.i18n import tr

KEPT_SUFFIXES = (".py", ".yaml", ".yml", ".json", ".md", ".txt")
MAX_FILES = 2000
MAX_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024


class ArchiveError(ValueError):
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
                dest.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(info) as src, open(dest, "wb") as out:
                    while chunk := src.read(min(CHUNK, budget + 1)):
                        budget -= len(chunk)
                        if budget < 0:
                            raise ArchiveError("classroom.zip.too_large", mib=max_bytes // (1024 * 1024))
                        out.write(chunk)
                written.append(dest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise ArchiveError("classroom.zip.unreadable", detail=str(exc)) from None
    except RuntimeError as exc:  # an encrypted member
        raise ArchiveError("classroom.zip.encrypted", detail=str(exc)) from None
    return written


def _safe_destination(target: Path, name: str) -> Path:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveError("classroom.zip.escapes", name=repr(name))
    return target.joinpath(*path.parts)
