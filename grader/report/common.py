"""What several renderers write the same way: points, an outcome in words, what went wrong in a check with its hint,
what the student's code printed, the total of the checks a platform keeps hidden, which checks are shown and the
title of a figure, and the lines that let a grade be reproduced.

Every sentence is in the current language (``grader.i18n.language``): a renderer calls these inside the block of its
result's language.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from grader.i18n import tr
from grader.report import VISIBILITIES
from grader.results import CheckResult, GradeResult, HiddenChecks, Outcome, PartResult

if TYPE_CHECKING:  # a text report needs no figure (nor the numpy that comes with them)
    from grader.figures.model import Figure


def pts(x: float) -> str:
    """Points as a student reads them: 2, 0.5, 14.5 (never 2.0)."""
    return f"{x:g}"


def outcome_word(outcome: Outcome) -> str:
    """The outcome as a word for a student: "failed", "not started", "timed out", ..."""
    return tr(f"report.outcome.{outcome}")


OUTPUT_SHOWN = 1500  # characters: the end of what a check's calls printed, where the last words before a failure are


def output_tail(check: CheckResult) -> str:
    """The end of what the student's code printed during ``check``."""
    return check.output.rstrip()[-OUTPUT_SHOWN:]


def hidden_checks_total(result: GradeResult, public: frozenset[str]) -> tuple[list[CheckResult], str] | None:
    """The checks of ``result`` not in ``public``, and the sentence giving their total; None when none is hidden."""
    hidden = [c for c in result.checks if c.id not in public]
    if not hidden:
        return None
    return hidden, tr("report.gradescope.hidden_total", points=pts(sum(c.points for c in hidden)),
                      max=pts(sum(c.max_points for c in hidden)), passed=sum(c.passed for c in hidden),
                      checks=len(hidden))


def problem(check: CheckResult, part: PartResult) -> str:
    """What went wrong in ``check`` ("" for a pass), for a format that shows each check on its own. A check that did
    not run because its module does not import gets the part's diagnostic: the format has no place for it elsewhere,
    and it says why."""
    if check.passed:
        return ""
    if check.outcome is Outcome.UNGRADABLE and part.diagnostic:
        return part.diagnostic
    return check.message


def hint_line(check: CheckResult) -> str:
    """"hint: ..." in the current language, or "" when the check has no hint."""
    return f"{tr('text.hint')}: {check.hint}" if check.hint else ""


def explanation(check: CheckResult, part: PartResult) -> str:
    """What went wrong in ``check`` and its hint, one under the other ("" when there is neither)."""
    return "\n".join(filter(None, [problem(check, part), hint_line(check)]))


def hidden_sentence(hidden: HiddenChecks) -> str:
    """"16 hidden checks worth 14 points are not run here"."""
    key = "text.hidden_one" if hidden.checks == 1 else "text.hidden"
    return tr(key, count=hidden.checks, points=pts(hidden.points))


def hidden_note(result: GradeResult) -> str:
    """"In all, 68 hidden checks worth 75 points are not run here: ..." for a grade from a student's copy, else ""."""
    return tr("text.hidden_total", hidden=hidden_sentence(result.hidden)) if result.hidden.checks else ""


def fenced(text: str, indent: str = "") -> list[str]:
    """``text`` as the lines of a markdown code block that shows it as it is: its fence is longer than any run of
    backticks in it, so nothing a student wrote (a message, what their code printed, a line of a notebook) can close
    the block and be read as markdown."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = indent + "`" * max(3, longest + 1)
    return [fence, *(indent + line for line in text.splitlines()), fence]


def notes_markdown(notes: list[str]) -> str:
    """A grade's notes about the submission as a whole (what a notebook left ungraded) as a markdown code block, or
    "": they quote the student's own code."""
    return "\n".join(fenced("\n".join(notes))) if notes else ""


def reproduction(result: GradeResult) -> dict:
    """What is needed to reproduce the grade: seed, suite hash and versions (machine-read: not translated)."""
    return {"seed": result.seed, "suite_hash": result.suite_hash, "versions": result.versions,
            "language": result.language}


def reproduction_markdown(result: GradeResult, *, points: float | None = None, max_points: float | None = None) -> str:
    """"3/10 points. Graded with seed 1, hidden suites ..., python 3.11, numpy 2.1, nn-grader 0.4.". ``points`` and
    ``max_points`` replace the code's when a platform adds tests of its own (a quiz), so the line states its total."""
    versions = ", ".join(f"{k} {v}" for k, v in result.versions.items())
    return tr("report.platform.reproduce", points=pts(result.points if points is None else points),
              max=pts(result.max_points if max_points is None else max_points), seed=result.seed,
              suites=result.suite_hash, versions=versions)


def shown_check_ids(result: GradeResult, hidden_visibility: str) -> frozenset[str] | None:
    """The ids of the checks whose details a platform's report may show now, for the hidden checks' visibility
    ``hidden_visibility`` (one of ``grader.report.VISIBILITIES``; else ``ValueError``): the public ones, or None when
    every check's details may be shown ("visible")."""
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"hidden_visibility must be one of {', '.join(VISIBILITIES)}, not {hidden_visibility!r}")
    return public_check_ids(result) if hidden_visibility != "visible" else None


def figure_title(figure: Figure) -> str:
    """A figure's title in the current language, as the HTML report and PrairieLearn's images name it."""
    return tr(f"report.title.{figure.kind}", name=figure.target)


def public_check_ids(result: GradeResult) -> frozenset[str]:
    """The ids of ``result``'s checks marked ``public`` (shipped in the student copy); the others are hidden."""
    return _public_ids(tuple(p.name for p in result.parts))


@cache  # collecting the suites takes about a second; a process renders for the same parts again and again
def _public_ids(part_names: tuple[str, ...]) -> frozenset[str]:
    from grader import parts as course
    from grader.runner import list_checks

    known = {p.name for p in course.discover()}
    parts = course.select([name for name in part_names if name in known])
    return frozenset(f"{c.part}::{c.name}" for c in list_checks(parts) if c.public)
