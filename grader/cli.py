"""The `nn-grader` command line: parse, call the library, render. No grading logic lives here."""

import click

from grader import __version__
from grader.quiz.cli import quiz


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nn-grader")
def main() -> None:
    """Grade numpy deep-learning exercises and concept quizzes."""


main.add_command(quiz)
