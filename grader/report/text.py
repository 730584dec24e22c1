"""The terminal report: a line per part, then what failed and why, then the total.

Passed checks are listed only with ``verbose``; a part whose every check is "not implemented" collapses to one
line, so a student who has just started sees where to begin rather than a wall of red. Outcomes are spelled out
in words, never signalled by colour alone. A student's copy of the course says, per part and in total, how many
hidden checks it does not run, so that its full score is never taken for the grade.
"""

from __future__ import annotations

import textwrap
import unicodedata

import click

from grader.i18n import language, tr
from grader.report.common import hidden_note, hidden_sentence, hint_line, output_tail, pts
from grader.results import CheckResult, GradeResult, Outcome, PartResult


def render_text(result: GradeResult, *, verbose: bool = False, colour: bool = False) -> str:
    with language(result.language):
        lines = [tr("text.header", submission=result.submission, seed=result.seed, suites=result.suite_hash), ""]
        for part in result.parts:
            lines += _part_lines(part, verbose, colour)
        lines += ["", tr("text.total", points=pts(result.points), max=pts(result.max_points),
                         seconds=f"{result.duration:.2f}")]
        if result.hidden.checks:
            lines.append(hidden_note(result))
        lines += result.notes
    return "\n".join(lines) + "\n"


def _part_lines(part: PartResult, verbose: bool, colour: bool) -> list[str]:
    head = f"{part.name:<12} {part.title[:52]:<52} {pts(part.points):>5}/{pts(part.max_points)}"
    lines = [click.style(head, bold=True) if colour else head]
    if part.hidden.checks:
        lines.append(f"    {hidden_sentence(part.hidden)}")
    if part.ungradable:
        return lines + _indent(part.diagnostic, 4) + [""]
    if part.checks and all(c.outcome is Outcome.NOT_IMPLEMENTED for c in part.checks):
        return lines + [f"    {tr('text.all_todo', count=len(part.checks))}", ""]
    for check in part.checks:
        if verbose or not check.passed:
            lines += _check_lines(check, colour)
    return lines + [""]


def _check_lines(check: CheckResult, colour: bool) -> list[str]:
    columns = max(_width(tr(f"text.mark.{o}")) for o in Outcome)  # titles line up under each other
    mark = _padded(tr(f"text.mark.{check.outcome}"), columns)
    if colour:
        mark = click.style(mark, fg=check.outcome.colour)
    lines = [f"  {mark} {check.title}  ({pts(check.points)}/{pts(check.max_points)})"]
    if check.message and check.outcome is not Outcome.UNGRADABLE:
        lines += _indent(check.message, 10)
    if check.hint:
        lines += _indent(hint_line(check), 10)
    if check.output and not check.passed:
        lines += _indent(f"{tr('text.output')}:\n{output_tail(check)}", 10)
    return lines


def _indent(text: str, width: int) -> list[str]:
    out = []
    for line in text.splitlines():
        out += textwrap.wrap(line, 110, initial_indent=" " * width, subsequent_indent=" " * (width + 2)) or [""]
    return out


def _width(text: str) -> int:
    """Terminal columns ``text`` takes: a Hangul syllable takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _padded(text: str, columns: int) -> str:
    return text + " " * max(0, columns - _width(text))
