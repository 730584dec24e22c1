"""The options several commands share, declared once so that they mean the same everywhere.

``--lang`` (falls back on ``$NN_GRADER_LANG``), ``--seed`` (falls back on nn-grader's own seed), ``--jobs/-j``
(``--workers`` is its old, hidden spelling), ``--quiet/-q``, and completion of part names for a PARTS argument.
Imported by every command module, so it imports nothing heavy: the grading library only when a value is needed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click
from click.shell_completion import CompletionItem

from grader.i18n import available_languages

LANG_ENV = "NN_GRADER_LANG"
MAX_JOBS = 256

Decorated = TypeVar("Decorated", bound=Callable[..., Any])


def lang_option(*, default: str | None = "en", help: str = "Language of the feedback.") -> Callable[[Decorated],
                                                                                                   Decorated]:
    """``--lang``: the language given, else ``$NN_GRADER_LANG`` when it names one, else ``default``.

    An unknown language in the variable is ignored rather than refused: it is set once for every command of a
    shell (the quizzes read it too), and must not turn a grading run into a usage error.
    """

    def from_environment(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is not None:
            return value
        chosen = os.environ.get(LANG_ENV, "")
        return chosen if chosen in available_languages() else default

    otherwise = default or "the quiz's first language"
    return click.option("--lang", type=click.Choice(available_languages()), default=None, callback=from_environment,
                        help=f"{help}  [default: ${LANG_ENV}, else {otherwise}]")


def seed_option(help: str = "Seed of the generated inputs (recorded in every result).") -> Callable[[Decorated],
                                                                                                    Decorated]:
    """``--seed``: the seed given, else nn-grader's own (``grader.grading.DEFAULT_SEED``)."""

    def or_default(ctx: click.Context, param: click.Parameter, value: int | None) -> int:
        if value is not None:
            return value
        from grader.grading import DEFAULT_SEED  # only now: importing the grader is not free

        return DEFAULT_SEED

    return click.option("--seed", type=int, default=None, callback=or_default,
                        help=f"{help}  [default: nn-grader's own]")


def jobs_option(help: str = "How many to grade at once.") -> Callable[[Decorated], Decorated]:
    """``--jobs/-j`` (None: one per CPU), and ``--workers``, its former spelling in ``autograde``, hidden."""

    def keep_alias(ctx: click.Context, param: click.Parameter, value: int | None) -> None:
        if value is not None:
            ctx.params["jobs"] = value

    def keep_alias_value(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
        return value if value is not None else ctx.params.get("jobs")  # --workers may have come first

    def decorate(function: Decorated) -> Decorated:
        function = click.option("--workers", type=click.IntRange(1, MAX_JOBS), default=None, hidden=True,
                                expose_value=False, callback=keep_alias, is_eager=False,
                                help="Deprecated: use --jobs.")(function)
        return click.option("--jobs", "-j", type=click.IntRange(1, MAX_JOBS), default=None, callback=keep_alias_value,
                            help=f"{help}  [default: one per CPU]")(function)

    return decorate


def quiet_option(help: str) -> Callable[[Decorated], Decorated]:
    """``--quiet/-q``: say less; the exit code never changes."""
    return click.option("--quiet", "-q", is_flag=True, help=help)


def complete_parts(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Shell completion of a PARTS argument: the parts with a hidden suite, in course order, not named yet."""
    from grader.parts import discover

    named = set(ctx.params.get(param.name or "", ()) or ())
    return [CompletionItem(part.name, help=part.title) for part in discover()
            if part.name.startswith(incomplete) and part.name not in named]


def parts_argument() -> Callable[[Decorated], Decorated]:
    """The PARTS argument of ``check``, ``list``, ``audit`` and ``autograde``: none means every part."""
    return click.argument("parts", nargs=-1, shell_complete=complete_parts)
