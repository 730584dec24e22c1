"""The import never finishes (bounded at 30 s, in case the grader's time limit failed)."""

import time

_deadline = time.monotonic() + 30
while time.monotonic() < _deadline:
    pass
