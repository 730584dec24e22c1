"""Where a command writes what it made: the files and folders named on its command line.

Every command that writes takes its path through here, so they all behave alike: missing parent folders are
created (PrairieLearn's ``--output /grade/results/results.json`` works before ``/grade/results`` exists), ``-``
means standard output, and a path that cannot be written (a file in the way of a folder, no permission, a full
disk) is one line and exit code 2. Never a traceback and never exit 1: CI reads exit 1 as a grade.

The sentences are ``output.*`` in the language catalogues (``grader/locale/<lang>/grader.yaml``).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import IO

import click

from grader.errors import UserError
from grader.i18n import tr

STDOUT = "-"


class OutputError(UserError):
    """A path a command was told to write cannot be written: ``Error: <why>`` and exit code 2."""

    @classmethod
    def of(cls, error: OSError, path: Path | str | None = None, *, key: str = "output.cannot_write") -> OutputError:
        """The error for ``error``, raised while writing ``path`` (its own file name when it has one); ``key`` is
        the sentence, which may add what the command keeps and how to go on."""
        where = Path(error.filename or path or "?")
        return cls(tr(key, path=where, reason=reason(where, error)))


def is_stdout(path: Path | str | None) -> bool:
    """Whether ``path`` is ``-``, the conventional name of standard output."""
    return path is not None and str(path) == STDOUT


def prepare_file(path: Path) -> None:
    """Make sure the file ``path`` can be written, before the work that fills it starts.

    Creates its missing parent folders and tries the folder (or the existing file) for writing, without creating
    or changing the file itself. Raises :class:`OutputError` saying why it cannot be written.
    """
    if is_stdout(path):
        return
    path = Path(path)
    if path.is_dir():
        raise OutputError(tr("output.is_folder", path=path))
    prepare_folder(path.parent)
    try:
        if path.exists():
            open(path, "ab").close()  # opens for writing without changing a byte
        else:
            tempfile.TemporaryFile(dir=path.parent).close()
    except OSError as error:
        raise OutputError(tr("output.cannot_write", path=path, reason=reason(path, error))) from None


def prepare_folder(path: Path) -> None:
    """Create the folder ``path`` and its parents where missing; :class:`OutputError` saying why that failed."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(tr("output.cannot_create", path=path, reason=reason(path, error))) from None


def write_text(path: Path | str, text: str) -> None:
    """Write ``text`` to the file ``path`` (creating its folders), or to standard output for ``-``."""
    if is_stdout(path):
        click.echo(text, nl=False)
        return
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to the file ``path``, creating its folders; :class:`OutputError` saying why that failed."""
    path = Path(path)
    prepare_folder(path.parent)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise OutputError(tr("output.cannot_write", path=path, reason=reason(path, error))) from None


def reason(path: Path, error: OSError) -> str:
    """Why ``error`` stopped writing ``path``, in words: which file is in the way, or the system's reason."""
    if error.errno in (errno.ENOTDIR, errno.EEXIST):
        blocker = in_the_way(Path(path))
        if blocker is not None:
            return tr("output.file_in_the_way", blocker=blocker)
    if error.errno in (errno.EACCES, errno.EPERM):
        return tr("output.permission_denied")
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return tr("output.disk_full")
    if error.errno == errno.EROFS:
        return tr("output.read_only")
    return error.strerror or type(error).__name__


def colour_wanted(stream: IO[str]) -> bool:
    """Whether text for ``stream`` may carry colour: it is a terminal (or click was told to keep colour) and
    ``NO_COLOR`` is not set to anything (https://no-color.org: any non-empty value turns every ANSI code off)."""
    if os.environ.get("NO_COLOR"):
        return False
    context = click.get_current_context(silent=True)
    return not click.utils.should_strip_ansi(stream, context.color if context else None)


def in_the_way(path: Path) -> Path | None:
    """The nearest of ``path`` and its parents that exists as something other than a folder, if any."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None
