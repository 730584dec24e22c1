"""The student copy's quizzes: every open quiz of the checkout, sealed (or ci) by `nn-grader quiz seal`."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from grader.classroom.checkout import ReleaseError

QUIZ_TIERS = ("sealed", "ci")


def write_quizzes(source: Path, dest: Path, tier: str, cost: int) -> dict[str, int]:
    """The student copy of every open quiz in ``source``; returns each quiz's id and number of questions.

    Each lock of a sealed copy costs one slow hash (about 50 ms at the default cost, by design), so the quizzes are
    sealed in parallel, one `nn-grader quiz seal` process per core.
    """
    dest.mkdir()
    paths = sorted(source.glob("*.yaml"))
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:  # the threads only wait for their process
        runs = list(pool.map(lambda path: seal_file(path, dest / path.name, tier, cost), paths))
    problems = [f"{path}:\n{run.stdout}{run.stderr}"
                for path, run in zip(paths, runs, strict=True) if run.returncode != 0]
    if problems:
        raise ReleaseError("a quiz cannot be sealed:\n" + "\n".join(problems))
    written = {}
    for path in paths:
        data = yaml.safe_load((dest / path.name).read_text(encoding="utf-8"))
        written[data["id"]] = len(data["questions"])
    return written


def seal_file(path: Path, output: Path, tier: str, cost: int) -> subprocess.CompletedProcess:
    """Run `nn-grader quiz seal` on one open quiz, in its own process."""
    command = [sys.executable, "-m", "grader", "quiz", "seal", str(path), "--tier", tier, "--output", str(output),
               "--cost", str(cost)]
    return subprocess.run(command, capture_output=True, text=True, timeout=1800)
