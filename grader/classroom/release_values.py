"""What a student copy's grader reads about the reference it does not hold: the reference's recorded answers to the
public checks (replayed by grader.reference) and the manifest of modules, seed and hidden checks (release.json)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

import grader
from grader import reference
from grader.classroom.checkout import ReleaseError
from grader.classroom.recording import Recorder
from grader.grading import DEFAULT_SEED, grade, versions
from grader.results import HiddenChecks
from grader.runner import CheckInfo


def function_of(check: CheckInfo) -> str:
    """A listed check's test function: ``test_x[sigmoid]`` -> ``test_x``."""
    return check.name.split("[")[0]


def public_functions(listed: list[CheckInfo]) -> set[tuple[str, str]]:
    """(part, test function) of every public check: the calls whose reference answers are recorded."""
    return {(c.part, function_of(c)) for c in listed if c.public}


def hidden_per_part(listed: list[CheckInfo]) -> dict[str, HiddenChecks]:
    """How many checks, worth how many points, each part keeps hidden."""
    hidden: dict[str, HiddenChecks] = defaultdict(HiddenChecks)
    for check in listed:
        hidden[check.part] += HiddenChecks(0 if check.public else 1, 0.0 if check.public else check.points)
    return dict(hidden)


def record_reference(project: Path, public: set[tuple[str, str]]) -> reference.RecordedValues:
    """Grade the reference with every check, recording the reference's answers to the public ones."""
    recorder = Recorder(public)
    with reference.using(recorder):
        result = grade(project / "solutions", seed=DEFAULT_SEED)
    failed = [f"{c.id}: {c.message}" for c in result.checks if not c.passed]
    if failed:
        raise ReleaseError("the reference does not pass every check, so its answers cannot be recorded:\n  "
                           + "\n  ".join(failed))
    recorder.values.about = {"seed": DEFAULT_SEED, "numpy": np.__version__, "nn-grader": grader.__version__}
    return recorder.values


def write_manifest(path: Path, modules: list[str], hidden: dict[str, HiddenChecks]) -> None:
    """release.json: the seed, the exercise modules, and the checks and points each part keeps hidden."""
    manifest = {
        "format": 1,
        "seed": DEFAULT_SEED,
        "modules": modules,
        "hidden": {part: h.to_dict() for part, h in hidden.items()},
        "built_with": versions(),
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
