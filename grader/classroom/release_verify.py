"""The proof a student copy is sound before it is handed out: no solution line and no hidden check's name in it,
and its own grader, in a separate process replaying the recorded values, passes every public check on the
reference without importing the reference."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from grader.classroom.checkout import ReleaseError
from grader.classroom.leaks import find_leaks

VERIFY_SCRIPT = """
import json, sys
from pathlib import Path
import grader
from grader.grading import grade
result = grade(Path(sys.argv[1]))
print(json.dumps({"grader": grader.__file__, "checks": [[c.id, c.outcome, c.message] for c in result.checks],
                  "solutions": sorted(m for m in sys.modules if m.split(".")[0] == "solutions")}))
"""


def verify(root: Path, project: Path, hidden_names: list[str], public_checks: int) -> None:
    """No solution line or hidden check name in the copy, and its grader passes every public check on the reference,
    replaying the recorded values in a process that imports the copy's grader."""
    leaks = find_leaks(root, project / "solutions", hidden_names)
    if leaks:
        raise ReleaseError("the student copy would contain what it must not:\n  " + "\n  ".join(leaks[:30]))
    report = grade_with_copy(root, project / "solutions")
    if not Path(report["grader"]).resolve().is_relative_to(root.resolve()):
        raise ReleaseError(f"the verification imported the grader from {report['grader']}, not from the copy")
    if report["solutions"]:
        raise ReleaseError(f"the student copy's grader imported the reference solutions ({report['solutions']})")
    failed = [f"{check}: {outcome}: {message}" for check, outcome, message in report["checks"] if outcome != "passed"]
    if failed or len(report["checks"]) != public_checks:
        raise ReleaseError(f"the student copy's grader, replaying the recorded reference values, must pass all "
                           f"{public_checks} public checks on the reference; it ran {len(report['checks'])} and "
                           f"these did not pass (remove the @pytest.mark.public marker of a check that cannot be "
                           f"replayed):\n  " + "\n  ".join(failed))


def grade_with_copy(root: Path, submission: Path) -> dict:
    """Grade ``submission`` with the copy's grader, in a process whose first import path is the copy.

    With ``-B``: importing the copy must not leave ``__pycache__`` folders in it, which would ship to the students."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    run = subprocess.run([sys.executable, "-B", "-c", VERIFY_SCRIPT, str(submission)], cwd=root, env=env,
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise ReleaseError(f"the student copy's grader could not grade the reference:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])
