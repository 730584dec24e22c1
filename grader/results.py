"""The result model: plain dataclasses from which every report format is rendered.

Checks never build these directly: the pytest plugin in ``runner.py`` records one ``CheckResult`` per check, and
``grading.py`` groups them into parts. Renderers read them and compute nothing but sums.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

# What a check may ask to be drawn when it fails (``@pytest.mark.figure(kind, target)``; grader.figures.plan).
FIGURE_KINDS = ("activation", "derivative", "loss", "gradient")


class Outcome(StrEnum):
    """How one check ended, declared in the order reports list them. Each member is its own string ("passed", ...),
    so it compares equal to it and is written as it in JSON; every report reads what an outcome means from here."""

    PASSED = "passed"
    FAILED = "failed"  # the code returned a wrong answer
    ERROR = "error"  # the code raised, or the check itself broke
    TIMEOUT = "timeout"
    CRASHED = "crashed"  # the worker running the code died
    NOT_IMPLEMENTED = "not_implemented"  # the function is still the stub
    UNGRADABLE = "ungradable"  # the module does not import, so the check did not run

    @property
    def passed(self) -> bool:
        return self is Outcome.PASSED

    @property
    def colour(self) -> str:
        """The terminal colour of its mark.

        Yellow for code that is not there to judge yet, red for code judged wrong.
        """
        if self.passed:
            return "green"
        return "yellow" if self in (Outcome.NOT_IMPLEMENTED, Outcome.UNGRADABLE) else "red"

    @property
    def junit_tag(self) -> str:
        """JUnit's element for it: "error" when the call did not return, "failure" for any other miss, "" for a pass."""
        if self.passed:
            return ""
        return "error" if self in (Outcome.ERROR, Outcome.TIMEOUT, Outcome.CRASHED) else "failure"

    @property
    def asks_for_figure(self) -> bool:
        """Whether a picture can explain it: code that ran and missed. A stub or a module that does not import has
        no curve of its own."""
        return self in (Outcome.FAILED, Outcome.ERROR, Outcome.TIMEOUT, Outcome.CRASHED)

    @property
    def catches_mistake(self) -> bool:
        """Whether a check ending so, on a catalogued mistake, has caught it (``nn-grader audit``). Not "error": that
        is the check's own fault; not "ungradable": the mistake was not run."""
        return self in (Outcome.FAILED, Outcome.NOT_IMPLEMENTED, Outcome.TIMEOUT, Outcome.CRASHED)


@dataclass
class CheckResult:
    """One hidden check's verdict on one submission."""

    part: str
    name: str
    title: str
    max_points: float
    outcome: Outcome  # a plain string such as "failed" is turned into its member
    message: str = ""
    hint: str = ""
    mistake: str = ""  # id of the catalogued mistake the student's output matched, if any
    output: str = ""  # what the student's code printed during the check (head and tail)
    duration: float = 0.0
    # The figures a failure asks for, from the check's figure markers: [{"kind", "target", "options"}]
    figures: list[dict] = field(default_factory=list)
    # The student's parts this check's part calls that fail checks of their own (grader.callees): where a failure of
    # a check that ran the whole submission may come from
    callees_failing: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.outcome = Outcome(self.outcome)  # an unknown outcome fails here, not in whichever report meets it

    @property
    def passed(self) -> bool:
        return self.outcome.passed

    @property
    def points(self) -> float:
        return self.max_points if self.passed else 0.0

    @property
    def id(self) -> str:
        return f"{self.part}::{self.name}"


@dataclass(frozen=True)
class HiddenChecks:
    """Checks a student's copy of the course does not hold (``nn-grader release``): the instructor's grader runs them.
    Both are 0 in the instructor's full copy."""

    checks: int = 0
    points: float = 0.0

    def __add__(self, other: HiddenChecks) -> HiddenChecks:
        return HiddenChecks(self.checks + other.checks, self.points + other.points)

    def to_dict(self) -> dict:
        return {"checks": self.checks, "points": self.points}


@dataclass
class PartResult:
    """All checks of one part (one exercise module). ``diagnostic`` is set when the module cannot be imported."""

    name: str
    title: str
    checks: list[CheckResult] = field(default_factory=list)
    diagnostic: str = ""
    hidden: HiddenChecks = field(default_factory=HiddenChecks)  # not run here: a student's copy does not have them

    @property
    def ungradable(self) -> bool:
        return bool(self.diagnostic)

    @property
    def points(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.checks)

    @property
    def passed_count(self) -> int:
        return sum(c.passed for c in self.checks)


@dataclass
class GradeResult:
    """A submission's grade: its parts, and what is needed to reproduce it."""

    submission: str
    parts: list[PartResult]
    seed: int
    versions: dict[str, str]
    suite_hash: str
    duration: float = 0.0
    language: str = "en"
    isolation: str = ""  # how the student's code was confined: "jail", "user" or "process" (grader.sandbox)
    notes: list[str] = field(default_factory=list)  # about the submission as a whole: what a notebook left ungraded
    # What the checks left for the report's figures (a training run they judged, drawn rather than run again); not
    # part of the published form (to_dict). A run that raised is not left: its figure runs the student's code again
    runs: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def checks(self) -> list[CheckResult]:
        return [c for p in self.parts for c in p.checks]

    @property
    def points(self) -> float:
        return sum(p.points for p in self.parts)

    @property
    def max_points(self) -> float:
        return sum(p.max_points for p in self.parts)

    @property
    def all_passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def hidden(self) -> HiddenChecks:
        return sum((p.hidden for p in self.parts), HiddenChecks())

    def to_dict(self) -> dict:
        """The plain-JSON form, as published in ``grader/report/result.schema.json``."""
        return {
            "schema_version": 1,
            "submission": self.submission,
            "points": self.points,
            "max_points": self.max_points,
            "seed": self.seed,
            "versions": self.versions,
            "suite_hash": self.suite_hash,
            "duration": round(self.duration, 3),
            "language": self.language,
            "isolation": self.isolation,
            "notes": self.notes,
            "hidden": self.hidden.to_dict(),
            "parts": [
                {
                    "name": p.name,
                    "title": p.title,
                    "points": p.points,
                    "max_points": p.max_points,
                    "diagnostic": p.diagnostic,
                    "hidden": p.hidden.to_dict(),
                    "checks": [dict(asdict(c), id=c.id, points=c.points) for c in p.checks],
                }
                for p in self.parts
            ],
        }
