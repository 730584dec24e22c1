"""PrairieLearn's external grader: what the example question's entrypoint runs for one submission.

PrairieLearn's documented layout (docs/externalGrading.md in PrairieLearn/PrairieLearn), under ``/grade`` (or
``NN_GRADER_PL_ROOT``):

- ``student/`` holds the files the student submitted (``pl-file-editor`` or ``pl-file-upload``): exercise modules,
  or notebooks instead (grader.classroom.student.find_code finds them as for Gradescope);
- ``data/data.json`` is the question's ``data``; its ``variant_seed`` is mixed into the seed;
- ``results/results.json`` receives the grade (grader.report.prairielearn), written even when nothing could be
  graded (``gradable: false``, so the student keeps the attempt). PrairieLearn does not create ``results/``.

The seed varies per submission (``seed_per="submission"``, the default): it is drawn from the configured seed, the
variant's seed and the submitted files' contents, because ``data.json`` carries no submission id. Submitting the
same files again draws the same inputs (a regrade agrees with the first grade); changing them draws new inputs, so
resubmitting cannot map the hidden checks' inputs one at a time. ``seed_per="course"`` keeps the configured seed.
Hidden checks' details stay back unless ``hidden_visibility`` is ``visible`` (grader.report.prairielearn).

Run as ``python -m grader.classroom.prairielearn_run --root /grade [options]`` (the shipped entrypoint,
``grader/classroom/templates/prairielearn/entrypoint.sh``, does).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from grader import parts as course
from grader.classroom.release_cli import autograder_options
from grader.classroom.student import find_code
from grader.errors import UserError
from grader.report import DEFAULT_HIDDEN_VISIBILITY
from grader.report.prairielearn import prairielearn_document

ROOT_ENV = "NN_GRADER_PL_ROOT"
MAX_HASHED_BYTES = 50_000_000  # the submission's bytes read to draw its seed; PrairieLearn's uploads are far smaller


def run_external_grader(root: Path, *, seed: int, lang: str = "en", parts: list[str] | None = None,
                        hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY,
                        seed_per: str = "submission") -> dict[str, Any]:
    """Grade ``root/student`` and write ``root/results/results.json``; returns what was written."""
    from grader.figures import report_figures
    from grader.grading import grade

    root = Path(root)
    student = root / "student"
    student.mkdir(parents=True, exist_ok=True)  # nothing submitted is an ungradable submission, not a crash
    code = find_code(student, [p.module_file for p in course.discover()]) or student
    drawn = submission_seed(root, seed) if seed_per == "submission" else seed
    result = grade(code, list(parts or []), seed=drawn, lang=lang)
    figures = report_figures(result, code) if not result.all_passed else None
    document = prairielearn_document(result, hidden_visibility=hidden_visibility, figures=figures)
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return document


def submission_seed(root: Path, seed: int) -> int:
    """The seed of this submission: ``seed`` mixed with ``data.json``'s ``variant_seed`` and the submitted files'
    names and contents (see the module docstring)."""
    try:
        variant = json.loads((root / "data" / "data.json").read_text(encoding="utf-8")).get("variant_seed")
    except (OSError, ValueError, AttributeError):
        variant = None
    digest = hashlib.sha256(f"{int(seed)}:{variant if isinstance(variant, (int, str)) else ''}".encode())
    budget = MAX_HASHED_BYTES
    student = root / "student"
    for path in sorted(student.rglob("*")):
        if path.is_file() and not path.is_symlink() and budget > 0:
            data = path.read_bytes()[:budget]
            budget -= len(data)
            digest.update(path.relative_to(student).as_posix().encode() + b"\0" + data + b"\0")
    return int.from_bytes(digest.digest()[:4], "big") % 2**31


@click.command()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"The grading job's root  [default: ${ROOT_ENV}, else /grade]")
@click.option("--part", "parts", multiple=True, help="Grade only this part (repeatable); all parts by default.")
@autograder_options()
def main(root: Path | None, parts: tuple[str, ...], seed: int, lang: str, hidden_visibility: str,
         seed_per: str) -> None:
    """Grade ROOT/student with every check and write ROOT/results/results.json (PrairieLearn's external grader)."""
    root = root or Path(os.environ.get(ROOT_ENV) or "/grade")
    try:
        document = run_external_grader(root, seed=seed, lang=lang, parts=list(parts),
                                       hidden_visibility=hidden_visibility, seed_per=seed_per)
    except UserError as exc:  # a misconfigured question (an unknown part): one line, exit 2, as nn-grader does
        click.echo(f"nn-grader: {exc}", err=True)
        sys.exit(2)
    score = f"score {document['score']:g}" if document["gradable"] else "not gradable"
    click.echo(f"{score}; wrote {root / 'results' / 'results.json'}")


if __name__ == "__main__":
    main()
