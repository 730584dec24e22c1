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

KEPT_SUFFIXES = (".py", ".yaml", ".yml", ".json", ".md", ".txt")
MAX_FILES = 2000
MAX_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024


class ArchiveError(ValueError):
    """The zip cannot be used; the message says why, for the student's feedback."""


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
                    raise ArchiveError(f"the zip has more than {max_files} files")
                dest.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(info) as src, open(dest, "wb") as out:
                    while chunk := src.read(min(CHUNK, budget + 1)):
                        budget -= len(chunk)
                        if budget < 0:
                            raise ArchiveError(f"the zip unpacks to more than {max_bytes // (1024 * 1024)} MiB")
                        out.write(chunk)
                written.append(dest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise ArchiveError(f"the file is not a readable zip ({exc})") from None
    except RuntimeError as exc:  # an encrypted member
        raise ArchiveError(f"the zip cannot be read ({exc})") from None
    return written


def _safe_destination(target: Path, name: str) -> Path:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveError(f"the zip contains a path outside its folder: {name!r}")
    return target.joinpath(*path.parts)
