"""The commands the README and docs/classroom.md show, for the tests that run them as a reader would."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, TRACEBACK

CLASSROOM_DOC = ROOT / "docs" / "classroom.md"


def bash_blocks(path: Path, heading: str | None = None) -> list[list[str]]:
    """The lines of each ```bash block of ``path`` (under the heading ``heading`` only, when given)."""
    text = path.read_text(encoding="utf-8")
    if heading is not None:
        start = text.index(f"\n{heading}\n")
        following = re.search(r"\n#{1,3} ", text[start + len(heading) + 2:])
        text = text[start: start + len(heading) + 2 + following.start()] if following else text[start:]
    return [block.strip("\n").splitlines() for block in re.findall(r"```bash\n(.*?)```", text, re.S)]


def documented(path: Path, prefix: str) -> list[str]:
    """Every command of ``path``'s bash blocks that starts with ``prefix``, without its trailing comment."""
    lines = [line.split("  #")[0].strip() for block in bash_blocks(path) for line in block]
    return [line for line in lines if line.startswith(prefix)]


def run_nn_grader(command: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    """Run a documented `nn-grader ...` command with this interpreter's nn-grader, in ``cwd``, as a user's shell
    would: Python writes byte-compiled files there (whatever this shell's PYTHONDONTWRITEBYTECODE), so that a
    command which leaves them where it must not (a student's copy) is caught on every machine."""
    words = shlex.split(command)
    assert words[0] == "nn-grader", command
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "PYTHONDONTWRITEBYTECODE"}
    run = subprocess.run([sys.executable, "-m", "grader", *words[1:]], cwd=cwd, env=env, capture_output=True,
                         text=True, timeout=600, **kwargs)
    assert TRACEBACK not in run.stdout + run.stderr, run.stderr
    return run
