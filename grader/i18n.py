"""Every sentence the grader says to a student, in each language, comes from one catalogue per language.

Catalogues live in ``grader/locale/<lang>.yaml`` as flat ``key: template`` maps (``str.format`` templates). A key
missing from a language falls back to English, so a partial translation never breaks a report.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator
from pathlib import Path

import yaml

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
_current = contextvars.ContextVar("language", default=DEFAULT_LANGUAGE)


def available_languages() -> list[str]:
    return sorted(p.stem for p in LOCALE_DIR.glob("*.yaml"))


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    path = LOCALE_DIR / f"{lang}.yaml"
    if not path.exists():
        raise ValueError(f"no messages for language {lang!r}; available: {', '.join(available_languages())}")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


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
