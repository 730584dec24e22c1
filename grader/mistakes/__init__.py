"""The catalogue of known student mistakes, and fingerprinting a wrong answer against it.

Each catalogued mistake is a realistic wrong version of one exercise function, written as trusted code in
``grader/mistakes/<part>.py`` and registered with :func:`mistake`. When a check finds a wrong value, the grader replays
the same call through every catalogued variant of that function, in its own process, and names the mistake whose
output the student's output matches (same shape, values within tolerance). The explanations live in the language
catalogues (``grader/locale/<lang>.yaml``) under ``mistake.<id>.name`` and ``mistake.<id>.explain``.
"""

from __future__ import annotations

import importlib
import pkgutil
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.i18n import tr


@dataclass(frozen=True)
class Mistake:
    """A known wrong version of an exercise function."""

    id: str
    target: str  # the exercise function it imitates, e.g. "activations.sigmoid_grad"
    concept: str  # the seed concept it relates to
    function: Callable[..., Any]

    @property
    def name(self) -> str:
        return tr(f"mistake.{self.id}.name")

    def explanation(self) -> str:
        return tr(f"mistake.{self.id}.explain")

    def describe(self) -> str:
        return tr("mistake.named", name=self.name, explanation=self.explanation())


_CATALOGUE: dict[str, list[Mistake]] = {}
_loaded: list[bool] = []


def mistake(target: str, id: str, concept: str) -> Callable[[Callable], Callable]:
    """Register the decorated function as a catalogued wrong version of ``target``."""

    def register(function: Callable) -> Callable:
        _CATALOGUE.setdefault(target, []).append(Mistake(id, target, concept, function))
        return function

    return register


def catalogue() -> dict[str, list[Mistake]]:
    """Every catalogued mistake, by the exercise function it imitates."""
    _load_all()
    return _CATALOGUE


def identify(call: Any, got: Any) -> Mistake | None:
    """The first catalogued mistake of ``call.target`` whose output on ``call``'s inputs matches ``got``."""
    for candidate in catalogue().get(call.target, []):
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                produced = candidate.function(*_copies(call.args), **call.kwargs)
        except Exception:  # a variant that cannot handle these inputs simply does not match
            continue
        if matches(got, produced):
            return candidate
    return None


def matches(got: Any, produced: Any) -> bool:
    """Same structure, same shape, values within a loose tolerance (the mistake, not rounding, is what differs)."""
    if isinstance(produced, tuple):
        return isinstance(got, tuple) and len(got) == len(produced) and all(map(matches, got, produced))
    if isinstance(produced, dict):
        return isinstance(got, dict) and set(got) == set(produced) and all(matches(got[k], produced[k]) for k in got)
    try:
        g, p = np.asarray(got, dtype=np.float64), np.asarray(produced, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return g.shape == p.shape and bool(np.allclose(g, p, rtol=1e-4, atol=1e-7, equal_nan=True))


def _copies(args: tuple) -> tuple:
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _load_all() -> None:
    """Import every ``grader/mistakes/<part>.py`` so their decorators register."""
    if _loaded:
        return
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    _loaded.append(True)
