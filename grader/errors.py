"""The one kind of error a user can cause: :class:`UserError`, and how the command line says it.

Every error that means "your input or your command line cannot be used" (an unknown part, a submission that is not a
folder, a quiz with problems, a path that cannot be written ...) derives from :class:`UserError`. The library raises
it with a sentence that already says what to fix; the ``nn-grader`` group turns it into one ``Error: ...`` line and
the exception's ``exit_code`` (2: CI must never read a user error as a grade), in one place
(``grader.cli.LazyGroup``). Any other exception is a bug in nn-grader and is never dressed as a user error: the
installed command reports it as one line and exit code 70, with the traceback in a file (``grader.cli.run``).

This module imports nothing, so that every layer of the library (even a sandboxed worker) may raise these errors.
"""

from __future__ import annotations

USAGE_EXIT = 2
INTERNAL_ERROR_EXIT = 70  # sysexits.h's EX_SOFTWARE: "an internal software error has been detected"


class UserError(Exception):
    """Something the user can fix: the message says what; the command exits with :attr:`exit_code`."""

    exit_code = USAGE_EXIT

    @property
    def message(self) -> str:
        """What to tell the user; several lines when there are several things to fix (a quiz's problems)."""
        return str(self)
