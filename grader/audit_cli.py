"""`nn-grader audit`: the command over grader.audit, imported only when asked for (grader.cli's LAZY_COMMANDS).

Exit codes: 0 every catalogued mistake is caught and named, 1 some is not, 2 a usage error (an unknown part).
"""

from __future__ import annotations

import json
import sys

import click

from grader import audit as auditing, parts as course
from grader.grading import DEFAULT_SEED


@click.command("audit")
@click.argument("parts", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Seed of the checks' inputs.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Submissions graded at once (default: one per CPU).")
def audit_command(parts: tuple[str, ...], fmt: str, seed: int, jobs: int | None) -> None:
    """Grade every catalogued mistake as a submission: which ones the hidden checks miss or fail to name."""
    try:
        report = auditing.audit(list(parts), seed=seed, jobs=jobs)
    except course.UnknownPart as exc:
        raise click.UsageError(str(exc)) from None
    text = json.dumps(report.to_dict(), indent=2) if fmt == "json" else auditing.render_text(report)
    click.echo(text, nl=fmt == "json")
    sys.exit(0 if report.complete else 1)
