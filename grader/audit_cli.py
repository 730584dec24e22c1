"""`nn-grader audit`: the command over grader.audit, imported only when asked for (grader.cli's LAZY_COMMANDS).

Exit codes: 0 every catalogued mistake is caught and named and every graded block is covered (some check that names
its function fails when the block alone is left as the student's stub), 1 some is not, 2 a usage error (an unknown
part).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from grader import audit as auditing
from grader.i18n import tr
from grader.options import jobs_option, parts_argument, quiet_option, seed_option

if TYPE_CHECKING:  # click's progress bar type lives in a private module
    from click._termui_impl import ProgressBar


@click.command("audit")
@parts_argument()
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@seed_option("Seed of the checks' inputs.")
@jobs_option("Submissions graded at once.")
@quiet_option("No progress bar.")
def audit_command(parts: tuple[str, ...], fmt: str, seed: int, jobs: int | None, quiet: bool) -> None:
    """Grade every catalogued mistake, and the reference with each graded block left as its stub, as submissions:
    which mistakes the hidden checks miss or fail to name, and which blocks no check needs.

    Exits 1 when a mistake is not caught and named or a block is not covered."""
    with progress_bar(enabled=not quiet) as advance:
        report = auditing.audit(list(parts), seed=seed, jobs=jobs, on_progress=advance)
    text = json.dumps(report.to_dict(), indent=2) if fmt == "json" else auditing.render_text(report)
    click.echo(text, nl=fmt == "json")
    sys.exit(0 if report.complete else 1)


class progress_bar:  # noqa: N801 -- used as a context manager, like click.progressbar
    """A progress bar on standard error while the audit runs, only on a terminal and unless ``--quiet``.

    ``with progress_bar(enabled=...) as advance`` gives ``advance(done, total)``, which audit calls as each
    submission is graded (the total is only known once the audit has listed its mistakes).
    """

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: ProgressBar[int] | None = None

    def __enter__(self) -> Callable[[int, int], None]:
        return self.advance

    def advance(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=tr("cli.audit.progress"), show_eta=True, show_pos=True,
                                         file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
