"""Every sentence the grader says to a student, in each language, comes from one catalogue per language.

A language's catalogue is every ``grader/locale/<lang>/*.yaml`` file merged: flat ``key: template`` maps
(``str.format`` templates), one file per area (``grader.yaml`` for the grader's own sentences, ``mistakes.yaml`` for
the catalogue of mistakes). A key missing from a language falls back to English, so a partial translation never
breaks a report.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator
from pathlib import Path

import yaml

LOCALE_DIR = Path(__file__).parent / "locale"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader where built: ~10x faster
DEFAULT_LANGUAGE = "en"
_current = contextvars.ContextVar("language", default=DEFAULT_LANGUAGE)


def available_languages() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir())


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    folder = LOCALE_DIR / lang
    if not folder.is_dir():
        raise ValueError(f"no messages for language {lang!r}; available: {', '.join(available_languages())}")
    merged: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        merged.update(yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {})
    return merged


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
    return _current.get()


def tr(key: str, **params: object) -> str:
    """The message ``key`` in the current language, filled with ``params``."""
    template = catalogue(_current.get()).get(key) or catalogue(DEFAULT_LANGUAGE)[key]
    return template.format(**params)
