"""`nn-grader gradescope run`: what the autograder's ``run_autograder`` does for one submission.

Under the autograder's root (``/autograder``, or ``NN_GRADER_AUTOGRADER_ROOT``):

- ``submission/`` holds what the student uploaded: bare exercise modules, a folder of them, a repository with
  ``exercises/``, or Jupyter notebooks instead of modules (docs/notebooks.md). The code is the shallowest folder
  holding an exercise module, else a notebook (grader.classroom.student.find_code); grading copies only the
  allow-listed modules from it (grader.submission), whatever else was uploaded.
- Each open quiz given is graded from the ``<quiz id>.answers.yaml`` file that ``nn-grader quiz take`` saves, if
  the submission has one, and adds one test to the results; without it the quiz scores 0 and says so.
- ``results/results.json`` receives Gradescope's format (grader.report.gradescope) with every check, hidden
  ones included.
- ``submission_metadata.json``, written by Gradescope, gives the student id the quiz letters were drawn with when
  the answers file does not name one, and the submission's id.

The seed varies per submission (``seed_per="submission"``, the default): it is derived from the configured seed and
Gradescope's submission id, so a regrade of the same submission draws the same inputs, while a new submission draws
new ones and resubmitting cannot map the hidden checks' inputs one at a time. The seed used is in ``extra_data``
and the output, so any grade can be reproduced. ``seed_per="course"`` keeps the one configured seed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path
from typing import Any

from grader import parts as course
from grader.classroom.student import ClassSettings, find_code, grade_quiz, say
from grader.grading import grade
from grader.report import DEFAULT_HIDDEN_VISIBILITY
from grader.report.gradescope import gradescope_document


def run_autograder(root: Path, *, seed: int, lang: str = "en", quizzes: list[Path] | None = None,
                   hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY, seed_per: str = "submission") -> dict[str, Any]:
    """Grade ``root/submission`` and write ``root/results/results.json``; returns what was written."""
    root = Path(root)
    submission = root / "submission"
    code = find_code(submission, [p.module_file for p in course.discover()]) or submission
    drawn = submission_seed(root, seed) if seed_per == "submission" else seed
    result = grade(code, seed=drawn, lang=lang)
    result.submission = code.relative_to(root).as_posix()
    settings = ClassSettings(seed=seed, lang=lang)  # the quiz's letters are drawn per student, not per submission
    student = submitter(root)
    tests = [quiz_test(quiz_id, entry, 0, lang) for quiz_id, entry in
             (grade_quiz(submission, path, student, settings) for path in quiz_files(quizzes or []))]
    document = gradescope_document(result, hidden_visibility=hidden_visibility, extra_tests=tests)
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return document


def quiz_files(quizzes: list[Path]) -> list[Path]:
    return [f for q in quizzes for f in (sorted(Path(q).glob("*.yaml")) if Path(q).is_dir() else [Path(q)])]


def submission_seed(root: Path, seed: int) -> int:
    """The seed of this submission: ``seed`` mixed with Gradescope's submission id (a regrade draws the same inputs);
    a random one when the metadata has no id."""
    try:
        number = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8")).get("id")
    except (OSError, ValueError, AttributeError):
        number = None
    if number is None or isinstance(number, (dict, list)):
        return secrets.randbelow(2**31)
    digest = hashlib.sha256(f"{int(seed)}:{number}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 2**31


def submitter(root: Path) -> str:
    """The submitter's SID (else email) from Gradescope's ``submission_metadata.json``; "student" without one."""
    try:
        users = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8")).get("users") or []
    except (OSError, ValueError, AttributeError):
        users = []
    first = users[0] if users and isinstance(users[0], dict) else {}
    return str(first.get("sid") or first.get("email") or "student")


def quiz_test(quiz_id: str, entry: dict[str, Any], number: int, lang: str = "en") -> dict[str, Any]:
    """One Gradescope test for a quiz: its points, and each question's verdict as markdown, in ``lang``."""
    lines = [say(lang, "classroom.gradescope.quiz_points", points=f"{entry['points']:g}",
                 max=f"{entry['max_points']:g}")]
    if entry["message"]:
        lines += ["", entry["message"]]
    for question in (entry["result"] or {}).get("questions", []):
        verdict = "correct" if question["correct"] else ("unanswered" if not question["answered"] else "wrong")
        lines.append(f"- `{question['id']}`: {question['points']:g}/{question['max_points']:g}, "
                     f"{say(lang, f'classroom.verdict.{verdict}')}")
    return {
        "score": entry["points"],
        "max_score": entry["max_points"],
        "status": "passed" if entry["points"] >= entry["max_points"] else "failed",
        "name": f"quiz: {quiz_id}",
        "number": str(number),
        "output": "\n".join(lines),
        "output_format": "md",
        "tags": ["quiz", quiz_id],
        "visibility": "visible",
    }
