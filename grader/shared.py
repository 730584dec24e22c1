"""What the checks of one run of the suites compute once and share: the fixture ``shared``.

Some answers are expensive and read by several checks: one long training run, say, whose validation losses one check
compares with the reference's and another reads for overfitting. Asking the student's code twice would cost twice
and could only ever answer the same (same seed, same worker code). ``shared.once(key, compute)`` runs ``compute`` the
first time a check of this run asks for ``key`` and gives every later check a copy of what it gave: its value, or
the very fault it raised (a time-out or a crash costs each check that reads the run, as it would have, but is paid
once). A new run starts with nothing shared: a grade's second run, of the checks that failed on the whole
submission (``grading.failed_on_the_whole``), computes again what they read, with the reference's callees.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from typing import Any

from grader.inputs import run_seed


class Shared:
    """One run's shared results; ``seed`` is the grade's (``inputs.run_seed`` draws a shared run's seed from it)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._outcomes: dict[Hashable, tuple[bool, Any]] = {}
        self.for_report: dict[str, Any] = {}  # what the checks left for the report's figures (keep_for_report)

    def keep_for_report(self, name: str, value: Any) -> None:
        """Leave ``value`` (a student's answer the checks judged, say) for the report's figure of ``name``, which
        then draws it rather than ask the student's code again (``GradeResult.runs``)."""
        self.for_report[name] = value

    def once(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time ``key`` is asked for in this run; after that, a deep copy of its value (a
        check may change what it is given; an object living in the student's worker is not copied, see
        ``RemoteObject``) or the exception it raised, raised again."""
        if key not in self._outcomes:
            try:
                self._outcomes[key] = (True, compute())
            except Exception as exc:  # a student's fault or a failed expectation: every reader of the run gets it
                self._outcomes[key] = (False, exc)
        succeeded, outcome = self._outcomes[key]
        if not succeeded:
            raise outcome
        return copy.deepcopy(outcome)

    def seeded_run(self, name: str, student: object, compute: Callable[[int], tuple]) -> tuple:
        """The training run ``name`` of ``student``'s code, once per run of the suites and per worker: its seed
        (``inputs.run_seed``; a report's figure that draws the run the grade kept, ``GradeResult.runs``, names the
        same), then what ``compute(seed)`` gave."""
        seed = run_seed(self.seed, name)
        return seed, *self.once((name, id(student)), lambda: compute(seed))
