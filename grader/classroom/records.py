"""One student's record: everything their grade is, as one JSON file written atomically.

A record is ``<output>/students/<id>.json``. It is written to a temporary file in the same folder and renamed into
place, so a crash or Ctrl-C leaves either the old record or the new one, never half of one. A record is *current*
-- and a re-run skips the student -- when it was made from the same submission bytes (``fingerprint``) under the
same grading settings (``settings``: seed, parts, suite hash, quizzes). A file that cannot be written (a full disk,
no permission) is an ``OutputError``, one line for the instructor, and leaves the file as it was.

Statuses: ``graded`` (the code was graded; individual checks may have failed, hung or crashed), ``no_code`` (no
exercise module was found), ``invalid`` (the submission could not be opened, e.g. a broken zip), ``timeout`` (the
student's whole grade ran past its time budget), ``crashed`` (the grading process died), ``error`` (the grader
itself failed on this student; the message says how).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

from grader.output import OutputError

RECORD_SCHEMA = "nn-grader/student-record/v1"
STUDENTS_DIR = "students"
FINGERPRINT_SUFFIXES = (".py", ".ipynb", ".yaml", ".yml", ".json", ".zip")  # code, notebooks, answers, archives
MAX_FINGERPRINT_FILES = 5000
MAX_HASHED_BYTES = 4 * 1024 * 1024


def cannot_write(error: OSError, path: Path | str | None = None) -> OutputError:
    """The :class:`~grader.output.OutputError` for ``error``, raised while writing ``path``: it says every file
    written before is whole (``write_atomic``) and that a re-run of the same command goes on from there."""
    return OutputError.of(error, path, key="classroom.run.cannot_write")


def record_path(output: Path, student_id: str, suffix: str = ".json") -> Path:
    return Path(output) / STUDENTS_DIR / f"{student_id}{suffix}"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: ``path`` is the old file or the new one,
    never a part of one, even when the disk fills. Characters UTF-8 cannot hold (the lone surrogates of a name that
    was not UTF-8) are written as ``\\udcNN``, so no name can stop a record being written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The name is chosen before the file exists, so that a Ctrl-C at any point after it (even as the file is being
    # created, where tempfile.mkstemp would have lost its name) removes it; a name taken already is another writer's
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            continue
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    else:
        raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save_record(output: Path, record: dict[str, Any]) -> Path:
    path = record_path(output, record["student"])
    write_atomic(path, record_text(record))
    return path


def record_text(record: dict[str, Any]) -> str:
    """The record as JSON with one field per line: the status, the points and the settings read at a glance (or in
    a diff), and each field's value in json's compact C encoder, where an indented dump of the checks' details took
    ~1.5 ms a student in the process that hands out the class."""
    fields = (f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"
              for key, value in record.items())
    return "{\n" + ",\n".join(fields) + "\n}\n"


def load_record(path: Path) -> dict[str, Any] | None:
    """The record at ``path``, or None if it is missing or damaged (a damaged record is simply regraded)."""
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("schema") == RECORD_SCHEMA else None


def load_records(output: Path) -> list[dict[str, Any]]:
    """Every readable record under ``output``, sorted by student id."""
    folder = Path(output) / STUDENTS_DIR
    records = [load_record(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []
    return sorted((r for r in records if r), key=lambda r: r["student"])


def is_current(record: dict[str, Any] | None, fingerprint: str, settings: dict[str, Any]) -> bool:
    """Whether ``record`` was graded from these bytes with these settings, so grading again would change nothing."""
    return (isinstance(record, dict) and record.get("fingerprint") == fingerprint
            and record.get("settings") == settings)


def fingerprint(source: Path) -> str:
    """A hash of the submission's gradable bytes: a changed file means a regrade, an untouched one a skip."""
    source = Path(source)
    digest = hashlib.sha256()
    if source.is_file():
        _hash_file(digest, source, source.name)
        return digest.hexdigest()[:20]
    count = 0
    for folder, dirs, files in os.walk(source):  # does not follow links into folders
        dirs[:] = sorted(d for d in dirs if d not in (".git", "__pycache__", "__MACOSX"))
        for name in sorted(files):
            path = Path(folder, name)
            if not name.endswith(FINGERPRINT_SUFFIXES) or path.is_symlink():
                continue
            count += 1
            if count > MAX_FINGERPRINT_FILES:
                return digest.hexdigest()[:20]
            _hash_file(digest, path, path.relative_to(source).as_posix())
    return digest.hexdigest()[:20]


def _hash_file(digest: Any, path: Path, name: str) -> None:
    digest.update(name.encode("utf-8", "replace") + b"\0")
    try:
        size = path.stat().st_size
        digest.update(str(size).encode() + b"\0")
        with open(path, "rb") as stream:
            digest.update(stream.read(MAX_HASHED_BYTES))
    except OSError as exc:
        digest.update(f"unreadable: {exc.strerror}".encode())
