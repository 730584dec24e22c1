"""`nn-grader release` and `nn-grader gradescope build|run`: the copies of the course that leave the checkout.

Exit codes: 0 built (or graded: a submission's score does not change it), 2 a usage error or a copy that cannot be
built soundly (the message says what to fix).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click

from grader.cli import hidden_visibility_option
from grader.errors import UserError
from grader.options import Decorated, lang_option, seed_option
from grader.output import OutputError, prepare_file

ROOT_ENV = "NN_GRADER_AUTOGRADER_ROOT"


def seed_per_option() -> Callable[[Decorated], Decorated]:
    """``--seed-per``: a new seed for every submission (the default), or the one seed for the whole course."""
    return click.option("--seed-per", type=click.Choice(["submission", "course"]), default="submission",
                        show_default=True, help="submission: each submission's inputs are drawn with --seed mixed "
                                                "with its Gradescope id, so resubmitting cannot map the hidden "
                                                "inputs; course: every submission uses --seed.")


def autograder_options() -> Callable[[Decorated], Decorated]:
    """What every platform's grading command takes, declared once so that they mean the same on each: --seed, --lang,
    --hidden-visibility and --seed-per."""
    options = [seed_option("Seed of the generated inputs."), lang_option(), hidden_visibility_option(),
               seed_per_option()]

    def decorate(command: Decorated) -> Decorated:
        for option in reversed(options):  # bottom first, as stacked decorators apply: --help lists them in this order
            command = option(command)
        return command

    return decorate

@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--quiz-tier", type=click.Choice(["sealed", "ci"]), default="sealed", show_default=True,
              help="sealed: self-check quizzes (feedback after each answer, answers behind slow hashes); "
                   "ci: no key at all, answers are saved for you to grade.")
@click.option("--notebooks", is_flag=True, help="Also write notebooks/: a Jupyter notebook per part (en and ko).")
@click.option("--install-from", default="..", show_default=True,
              help="What the notebooks' set-up cell installs where the grader is missing (Colab): this copy's path "
                   "or URL, anything `pip install` takes.")
@lang_option(help="Language of the exercises' docstrings (the code is the same; the notebooks come in every "
                  "language).")
def release(out: Path, quiz_tier: str, notebooks: bool, install_from: str, lang: str) -> None:
    """Build the student copy of the course in OUT: stubs, public checks, sealed quizzes, README, CI workflow."""
    from grader.classroom.release import build_release

    try:
        # it makes OUT's folders once it knows it can build
        built = build_release(out, quiz_tier=quiz_tier, notebooks_from=install_from if notebooks else None, lang=lang)
    except OSError as exc:  # a file in the way of OUT's folders, no permission, a full disk
        raise OutputError.of(exc, out) from None
    hidden = built.hidden_total
    click.echo(f"Wrote the student copy to {built.path}: {built.public_checks} public checks worth "
               f"{built.public_points:g} points ({hidden.checks} checks worth {hidden.points:g} points stay hidden), "
               f"{len(built.quizzes)} {quiz_tier} quizzes. It holds no solution and no hidden check.")


@click.group()
def gradescope() -> None:
    """Gradescope's autograder: build its zip, and grade one submission inside it."""


@gradescope.command()
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--quiz", "quizzes", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="An open quiz file (or a folder of them) whose <quiz id>.answers.yaml is graded too.")
@autograder_options()
def build(out: Path, quizzes: tuple[Path, ...], seed: int, lang: str, hidden_visibility: str, seed_per: str) -> None:
    """Write the autograder zip OUT (setup.sh, run_autograder, this checkout) to upload to Gradescope."""
    from grader.classroom.gradescope_build import build_gradescope

    try:
        built = build_gradescope(out, seed=seed, lang=lang, quizzes=list(quizzes),
                                 hidden_visibility=hidden_visibility, seed_per=seed_per)
    except OSError as exc:
        raise OutputError.of(exc, out) from None
    quizzes_note = f", grading quizzes {', '.join(built.quizzes)}" if built.quizzes else ""
    click.echo(f"Wrote the Gradescope autograder to {built.path} ({built.files} files{quizzes_note}).")


@gradescope.command()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"The autograder's root  [default: ${ROOT_ENV}, else /autograder]")
@click.option("--quiz", "quizzes", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="An open quiz file (or a folder of them) whose answers file in the submission is graded.")
@autograder_options()
def run(root: Path | None, quizzes: tuple[Path, ...], seed: int, lang: str, hidden_visibility: str,
        seed_per: str) -> None:
    """Grade ROOT/submission with every check and write ROOT/results/results.json (what run_autograder does)."""
    from grader.classroom.gradescope_run import run_autograder

    root = root or Path(os.environ.get(ROOT_ENV) or "/autograder")
    if not (root / "submission").is_dir():
        raise UserError(f"{root / 'submission'} does not exist: Gradescope puts the submission there")
    prepare_file(root / "results" / "results.json")
    document = run_autograder(root, seed=seed, lang=lang, quizzes=list(quizzes),
                              hidden_visibility=hidden_visibility, seed_per=seed_per)
    click.echo(f"{document['score']:g} points; wrote {root / 'results' / 'results.json'}")
