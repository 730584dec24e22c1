"""`nn-grader quiz ...` commands."""

import click


@click.group()
def quiz() -> None:
    """Take, grade and validate concept quizzes."""
