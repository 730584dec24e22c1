"""Every sentence the grader says to a student, in each language, comes from one catalogue per language.

A language's catalogue is every ``grader/locale/<lang>/*.yaml`` file merged: flat ``key: template`` maps
(``str.format`` templates), one file per area: ``grader.yaml`` for the grader's own sentences, ``mistakes.yaml`` for
the catalogue of mistakes, ``check_<part>.yaml`` for the titles and failure texts of the hidden suite
``grader/suites/check_<part>.py``, ``quiz.yaml`` for the quiz engine (terminal, grading, answers),
``report.yaml`` for the HTML report, ``quiz_page.yaml`` for the quiz's web page, ``classroom.yaml`` for
autograde's per-student feedback. A key belongs to one file only. A key missing from a language falls back to
English, so a partial translation never breaks a report.

A catalogue once merged and checked is kept as JSON in ``grader/locale/<lang>/__pycache__/catalogue.json``, the
way Python keeps byte-compiled modules, for start-up time: importing yaml and parsing every file costs
~15-25 ms of a fresh ``nn-grader check`` (~0.6 s in all), reading the JSON ~0.3 ms. The cache is valid for the YAML
files' contents (a sha256 of their names and bytes, ~0.2 ms to compute), not their mtimes; one that is stale,
damaged or unreadable is parsed again and rewritten. It is written only where Python would write ``.pyc`` files
(``sys.dont_write_bytecode``, PYTHONDONTWRITEBYTECODE) and quietly not where the folder cannot be written.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
CACHE = Path("__pycache__", "catalogue.json")  # a language's merged catalogue, beside its files
_CACHE_FORMAT = "nn-grader catalogue 1"  # change it when the cached form or the merging changes
_current = contextvars.ContextVar("language", default=DEFAULT_LANGUAGE)


def available_languages() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir())


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """Every message of ``lang``, by key: from the cache when it was made from these very files, else parsed."""
    folder = LOCALE_DIR / lang
    if not folder.is_dir():
        raise ValueError(f"no messages for language {lang!r}; available: {', '.join(available_languages())}")
    sources = {path: path.read_bytes() for path in sorted(folder.glob("*.yaml"))}
    digest = _digest(sources)
    cached = _cached(folder, digest)
    if cached is not None:
        return cached
    messages = _parse_catalogue(sources)
    _keep(folder, digest, messages)
    return messages


def _parse_catalogue(sources: dict[Path, bytes]) -> dict[str, str]:
    """The files' messages merged, each file checked: a mapping of keys to texts, no key in two files."""
    import yaml  # only now: a command that says nothing, or finds its catalogue cached, need not load it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader where built: ~10x faster
    merged: dict[str, str] = {}
    origin: dict[str, Path] = {}
    for path, text in sources.items():
        messages = yaml.load(text.decode("utf-8"), Loader=loader) or {}
        if not isinstance(messages, dict):
            raise ValueError(f"{path}: expected a mapping of message keys to texts")
        for key, template in messages.items():
            if not isinstance(key, str):  # `1:` or `null:` in YAML; JSON, the cache, would turn it into a text
                raise ValueError(f"{path}: the message key {key!r} must be a text, not {type(key).__name__}")
            if not isinstance(template, str):
                raise ValueError(f"{path}: the message {key!r} must be a text, not {type(template).__name__}")
            if key in origin:  # a later file would silently replace the first one's text
                raise ValueError(f"{path}: the message {key!r} is already defined in {origin[key].name}")
            origin[key] = path
        merged.update(messages)
    return merged


def _digest(sources: dict[Path, bytes]) -> str:
    """What the cache must have been made from: each file's name and bytes, in order, and the cache's format."""
    import hashlib

    digest = hashlib.sha256(_CACHE_FORMAT.encode())
    for path, text in sources.items():  # each length is hashed too, so no two file lists hash the same bytes
        digest.update(f"\0{path.name}\0{len(text)}\0".encode())
        digest.update(text)
    return digest.hexdigest()


def _cached(folder: Path, digest: str) -> dict[str, str] | None:
    """The cached catalogue of ``folder`` if it was made from the files whose digest is ``digest``, else None (no
    cache, another digest, or a file that is unreadable, truncated or not of the expected shape)."""
    import json

    try:
        cached = json.loads((folder / CACHE).read_bytes())
    except (OSError, ValueError, RecursionError):  # ValueError: not JSON, or not UTF-8
        return None
    if not isinstance(cached, dict) or cached.get("digest") != digest:
        return None
    messages = cached.get("messages")
    if not isinstance(messages, dict) or not all(isinstance(text, str) for text in messages.values()):
        return None  # (JSON's keys are always texts)
    return messages


def _keep(folder: Path, digest: str, messages: dict[str, str]) -> None:
    """Cache ``messages`` for the files whose digest is ``digest``, atomically (a reader sees the old file or the
    new one, never a part), where Python would write byte-compiled files; a folder that cannot be written (a
    read-only install) is left as it is, since the cache only saves time."""
    import json

    if sys.dont_write_bytecode:
        return
    target = folder / CACHE
    partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # one per writer
    try:
        target.parent.mkdir(exist_ok=True)
        with open(partial, "x", encoding="utf-8") as out:
            json.dump({"digest": digest, "messages": messages}, out, ensure_ascii=False)
        os.replace(partial, target)
    except OSError:
        pass  # the cache only saves time
    finally:  # a Ctrl-C too leaves no part of a file behind
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Within the block, :func:`tr` speaks ``lang``."""
    catalogue(lang)
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def current_language() -> str:
    """The language :func:`tr` speaks here (see :func:`language`)."""
    return _current.get()


def tr(key: str, /, **params: object) -> str:
    """The message ``key`` in the current language, filled with ``params``."""
    template = catalogue(_current.get()).get(key) or catalogue(DEFAULT_LANGUAGE)[key]
    return template.format(**params)


def tr_or(key: str, default: str, /, **params: object) -> str:
    """The message ``key`` as :func:`tr` gives it, or ``default`` where no language has it (a check or a part that
    its instructor has not put in the catalogues yet keeps its English docstring)."""
    return tr(key, **params) if key in catalogue(DEFAULT_LANGUAGE) else default
