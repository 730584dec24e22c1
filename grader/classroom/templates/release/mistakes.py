"""The catalogue of known mistakes is not part of a student's copy of the course.

The instructor's grader replays a wrong answer through realistic wrong versions of each exercise function and names
the one it matches. Here no wrong version exists, so a failing check reports the wrong value and its hint without
naming a mistake.
"""

from __future__ import annotations

from typing import Any


def identify(call: Any, got: Any, *, warned: bool = False) -> None:
    """No catalogued mistake is known in this copy."""
    return None
