"""The catalogue of known student mistakes, and fingerprinting a wrong answer against it.

Each catalogued mistake is a realistic wrong version of one exercise function (or method), written as trusted code
in ``grader/mistakes/<part>.py`` and registered with :func:`mistake`. When a check finds a wrong value, the grader
replays the same call through every catalogued variant of that function, in its own process, and names the mistake
whose output the student's output matches (same shape, values within tolerance). The names and explanations live in
the language catalogues (``grader/locale/<lang>/mistakes.yaml``) under ``mistake.<id>.name`` and
``mistake.<id>.explain``; each mistake also names the concept of the notes it relates to (``concept.<id>``).

Writing a variant. A variant is a complete replacement of the exercise function: the same signature and the same
preamble (``x = _float_array(x)``), with the one mistake in the body. It may use only names of the reference module
it imitates (numpy as ``np``, the module's constants and helpers, the functions it imports), imported from there:
``grader.audit`` transplants its source into a copy of the reference to grade it as a submission, and the variant
must behave the same there as in the grader's process. A method is catalogued as ``"module.Class.method"`` and
written as a function taking ``self``; the check's ``Call`` then passes the (grader-side) instance first.

Order. The variants of one function are tried in the order their file defines them, and the first match wins.
Where two variants can agree on some inputs, define the more specific one first (the one whose output is a special
case of the other's). The audit proves, on the hidden checks' own inputs, that every variant is named as itself.
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.i18n import tr

CONCEPTS = (  # the ideas of the notes a mistake can relate to; each has a name under concept.<id> in every language
    "activation-functions",
    "vanishing-gradient",
    "relu-family",
    "softmax",
    "backpropagation",
    "mean-squared-family",
    "cross-entropy",
    "from-logits",
    "dense-layer",
    "model-parameters",
    "gradient-descent",
    "momentum",
    "performance-metrics",
    "class-imbalance",
)

RTOL, ATOL = 1e-4, 1e-7  # loose on purpose: what tells two answers apart is the mistake, not rounding


@dataclass(frozen=True)
class Mistake:
    """A known wrong version of an exercise function."""

    id: str
    target: str  # the exercise function it imitates: "activations.sigmoid_grad", or "network.MLP.backward"
    concept: str  # the notes' concept it relates to, one of CONCEPTS
    function: Callable[..., Any]

    @property
    def part(self) -> str:
        """The exercise module (and the part of the course) it belongs to: ``activations``."""
        return self.target.partition(".")[0]

    @property
    def qualname(self) -> str:
        """The function's name within its module: ``sigmoid_grad``, or ``MLP.backward`` for a method."""
        return self.target.partition(".")[2]

    @property
    def name(self) -> str:
        return tr(f"mistake.{self.id}.name")

    def explanation(self) -> str:
        return tr(f"mistake.{self.id}.explain")

    def concept_name(self) -> str:
        return tr(f"concept.{self.concept}")

    def describe(self) -> str:
        return tr("mistake.named", name=self.name, explanation=self.explanation(), concept=self.concept_name())

    def replay(self, call: Any) -> tuple[Any, bool]:
        """The variant's output on copies of ``call``'s inputs, and whether numpy warned while computing it."""
        args, kwargs = copy.deepcopy((tuple(call.args), dict(call.kwargs)))
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
            warnings.simplefilter("always")
            produced = self.function(*args, **kwargs)
        return produced, any(issubclass(w.category, RuntimeWarning) for w in caught)


class CatalogueError(ValueError):
    """A catalogue entry that cannot be registered (a duplicate id, an unknown concept, a malformed target)."""


_CATALOGUE: dict[str, list[Mistake]] = {}
_IDS: set[str] = set()
_loaded: list[bool] = []


def mistake(target: str, id: str, concept: str) -> Callable[[Callable], Callable]:
    """Register the decorated function as a catalogued wrong version of ``target``."""
    if concept not in CONCEPTS:
        raise CatalogueError(f"mistake {id!r}: unknown concept {concept!r}; the concepts are {', '.join(CONCEPTS)}")
    if target.count(".") not in (1, 2) or not all(target.split(".")):
        raise CatalogueError(f"mistake {id!r}: the target must be 'module.function' or 'module.Class.method'")
    if id in _IDS:
        raise CatalogueError(f"mistake id {id!r} is registered twice")

    def register(function: Callable) -> Callable:
        _IDS.add(id)
        _CATALOGUE.setdefault(target, []).append(Mistake(id, target, concept, function))
        return function

    return register


def catalogue() -> dict[str, list[Mistake]]:
    """Every catalogued mistake, by the exercise function it imitates, each list in matching order."""
    _load_all()
    return _CATALOGUE


def all_mistakes() -> list[Mistake]:
    """Every catalogued mistake, grouped by the function it imitates, in matching order within each group."""
    return [m for variants in catalogue().values() for m in variants]


def find(mistake_id: str) -> Mistake:
    for candidate in all_mistakes():
        if candidate.id == mistake_id:
            return candidate
    raise LookupError(f"no catalogued mistake {mistake_id!r}")


def identify(call: Any, got: Any, *, warned: bool = False) -> Mistake | None:
    """The first catalogued mistake of ``call.target`` whose output on ``call``'s inputs matches ``got``.

    ``got`` may be the whole result or one part of it: a check that compares a tuple (or a dict) of arrays element
    by element reports the element that is wrong, and that element is matched against each element of the
    variant's result. With ``warned`` (the student's call made numpy warn), only a variant that warns on the same
    inputs can match: the warning is part of the fingerprint.
    """
    for candidate in catalogue().get(call.target, []):
        try:
            produced, candidate_warned = candidate.replay(call)
        except Exception:  # a variant that cannot handle these inputs simply does not match
            continue
        if warned and not candidate_warned:
            continue
        if matches(got, produced) or (not _is_structured(got) and any(matches(got, p) for p in _leaves(produced))):
            return candidate
    return None


def matches(got: Any, produced: Any) -> bool:
    """Same structure, same shape, values within a loose tolerance (the mistake, not rounding, is what differs)."""
    if isinstance(produced, tuple):
        return isinstance(got, tuple) and len(got) == len(produced) and all(map(matches, got, produced))
    if isinstance(produced, dict):
        return isinstance(got, dict) and set(got) == set(produced) and all(matches(got[k], produced[k]) for k in got)
    if _is_structured(got):
        return False
    try:
        g, p = np.asarray(got, dtype=np.float64), np.asarray(produced, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return g.shape == p.shape and bool(np.allclose(g, p, rtol=RTOL, atol=ATOL, equal_nan=True))


def _is_structured(value: Any) -> bool:
    return isinstance(value, (tuple, dict))


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, tuple):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    else:
        yield value


def _load_all() -> None:
    """Import every ``grader/mistakes/<part>.py`` so their decorators register."""
    if _loaded:
        return
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    _loaded.append(True)
