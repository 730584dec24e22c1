"""The process's environment, changed for a while: what pytest reads as it is configured, and what a process started
meanwhile inherits."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


@contextmanager
def environment(changes: Mapping[str, str | None]) -> Iterator[None]:
    """Within: ``os.environ`` with ``changes`` (``None`` removes a variable); afterwards each variable as it was."""
    previous = {name: os.environ.get(name) for name in changes}
    try:
        _update(changes)
        yield
    finally:
        _update(previous)


def _update(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
