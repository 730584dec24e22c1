"""Every sentence the grader says to a student, in each language, comes from one catalogue per language.

A language's catalogue is every ``grader/locale/<lang>/*.yaml`` file merged: flat ``key: template`` maps
(``str.format`` templates), one file per area: ``grader.yaml`` for the grader's own sentences, ``mistakes.yaml`` for
the catalogue of mistakes, ``check_<part>.yaml`` for the titles and failure texts of the hidden suite
``grader/suites/check_<part>.py``, ``quiz.yaml`` for the quiz engine (terminal, grading, answers),
``report.yaml`` for the HTML report, ``quiz_page.yaml`` for the quiz's web page, ``classroom.yaml`` for
autograde's per-student feedback. A key belongs to one file only. A key missing from a language falls back to
English, so a partial translation never breaks a report.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
_current = contextvars.ContextVar("language", default=DEFAULT_LANGUAGE)


def available_languages() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir())


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    folder = LOCALE_DIR / lang
    if not folder.is_dir():
        raise ValueError(f"no messages for language {lang!r}; available: {', '.join(available_languages())}")
    import yaml  # only now: a command that says nothing (`--help`, `--version`) need not load it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader where built: ~10x faster
    merged: dict[str, str] = {}
    origin: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")):
        messages = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
        if not isinstance(messages, dict):
            raise ValueError(f"{path}: expected a mapping of message keys to texts")
        for key, template in messages.items():
            if not isinstance(template, str):
                raise ValueError(f"{path}: the message {key!r} must be a text, not {type(template).__name__}")
            if key in origin:  # a later file would silently replace the first one's text
                raise ValueError(f"{path}: the message {key!r} is already defined in {origin[key].name}")
            origin[key] = path
        merged.update(messages)
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


def tr(key: str, /, **params: object) -> str:
    """The message ``key`` in the current language, filled with ``params``."""
    template = catalogue(_current.get()).get(key) or catalogue(DEFAULT_LANGUAGE)[key]
    return template.format(**params)


def tr_or(key: str, default: str, /, **params: object) -> str:
    """The message ``key`` as :func:`tr` gives it, or ``default`` where no language has it (a check or a part that
    its instructor has not put in the catalogues yet keeps its English docstring)."""
    return tr(key, **params) if key in catalogue(DEFAULT_LANGUAGE) else default
