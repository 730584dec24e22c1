"""`nn-grader release OUT`: the student copy of the course, built from the instructor's checkout.

What a release holds (docs/classroom.md, "For instructors: the student copy"), and the module that writes each:

    README.md                         for students: set up, check, take the quizzes, submit    release_readme
    pyproject.toml                    installs this copy's grader and the `nn-grader` command   release_pyproject
    .github/workflows/classroom.yml   GitHub Classroom's autograding of the public checks       (a template)
    exercises/                        the stubs, generated from solutions/ (docstrings in       grader.stubgen
                                      --lang: grader/locale/<lang>/exercises.yaml)
    quizzes/                          sealed (or ci) copies of the open quizzes: no answer in   release_quizzes
                                      plain text
    grader/                           the grader without the reference solutions, the catalogue release_package,
                                      of mistakes, the audit and the classroom tools; each      release_commands
                                      suite keeps its public checks only
    grader/reference_values.{json,npz}  the reference's answers to the public checks            release_values
    grader/release.json               the seed, the exercise modules, and the checks and points release_values
                                      each part keeps hidden
    notebooks/                        with --notebooks: a notebook per part, English and Korean notebooks

The copy is built in a scratch folder beside OUT and verified (release_verify) before it is moved there: no line of
a solution and no hidden check's name anywhere in it, and its own grader, in a separate process and replaying the
recorded values, passes every public check on the reference solutions. A release that fails either is never written.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader import parts as course
from grader import reference
from grader.classroom.checkout import RELEASE_TEMPLATES, ReleaseError, checkout
from grader.classroom.release_commands import drop_absent_commands
from grader.classroom.release_package import copy_grader, filter_catalogues, write_public_suites
from grader.classroom.release_pyproject import write_pyproject
from grader.classroom.release_quizzes import QUIZ_TIERS, write_quizzes
from grader.classroom.release_readme import student_readme
from grader.classroom.release_values import hidden_per_part, public_functions, record_reference, write_manifest
from grader.classroom.release_verify import verify
from grader.grading import RELEASE_MANIFEST
from grader.quiz.locks import DEFAULT_COST
from grader.results import HiddenChecks
from grader.runner import list_checks
from grader.stubgen import write_exercises

__all__ = ["Release", "ReleaseError", "build_release", "checkout"]  # release_cli and gradescope_build import these


@dataclass
class Release:
    """What was built: where, and what its grader runs and keeps hidden."""

    path: Path
    public_checks: int
    public_points: float
    hidden: dict[str, HiddenChecks] = field(default_factory=dict)
    quizzes: dict[str, int] = field(default_factory=dict)  # quiz id -> number of questions
    quiz_tier: str = "sealed"

    @property
    def hidden_total(self) -> HiddenChecks:
        return sum(self.hidden.values(), HiddenChecks())


def build_release(out: Path, *, quiz_tier: str = "sealed", quiz_cost: int = DEFAULT_COST,
                  notebooks_from: str | None = None, lang: str = "en") -> Release:
    """Build the student copy into the new (or empty) folder ``out``; see the module docstring. With
    ``notebooks_from`` (what their set-up cell installs: the copy's path or URL) it holds the notebooks too;
    ``lang`` is the language of the exercises' docstrings."""
    if quiz_tier not in QUIZ_TIERS:
        raise ReleaseError(f"the quizzes' tier must be one of {', '.join(QUIZ_TIERS)}, not {quiz_tier!r}")
    project = checkout()
    out = Path(out).resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} already exists and is not an empty folder; name a new one")
    for inside in (project / "grader", project / "solutions"):
        if out.is_relative_to(inside):
            raise ReleaseError(f"{out} is inside {inside}; build the copy outside the grader and the solutions")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        if notebooks_from is not None:  # before assembling: verify() searches them for leaks with the rest
            from grader.classroom.notebooks import LANGUAGES, write_notebooks

            write_notebooks(project / "solutions", staging / "notebooks", LANGUAGES, install_from=notebooks_from)
        release = assemble(project, staging, quiz_tier, quiz_cost, lang)
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    release.path = out
    return release


def assemble(project: Path, root: Path, quiz_tier: str, quiz_cost: int, lang: str = "en") -> Release:
    """Write and verify the whole copy in ``root``, its exercises' docstrings in ``lang``."""
    listed = list_checks(course.discover())
    hidden = hidden_per_part(listed)
    copy_grader(project / "grader", root / "grader")
    hidden_names = write_public_suites(root / "grader" / "suites")
    filter_catalogues(root / "grader" / "locale", {(part, name) for part, names in hidden_names.items()
                                                   for name in names})
    drop_absent_commands(root / "grader" / "cli.py", root)
    write_exercises(project / "solutions", root / "exercises", lang)
    quizzes = write_quizzes(project / "quizzes", root / "quizzes", quiz_tier, quiz_cost)
    record_reference(project, public_functions(listed)).write(root / "grader" / reference.VALUES_FILE.name)
    modules = sorted(p.name for p in (project / "solutions").glob("*.py") if not p.name.startswith("_"))
    write_manifest(root / "grader" / RELEASE_MANIFEST.name, modules, hidden)
    public_listed = [c for c in listed if c.public]
    release = Release(root, len(public_listed), sum(c.points for c in public_listed), hidden, quizzes, quiz_tier)
    write_project_files(project, root, release)
    verify(root, project, [name for names in hidden_names.values() for name in names], len(public_listed))
    return release


def write_project_files(project: Path, root: Path, release: Release) -> None:
    """The files around the package: pyproject.toml, README.md, the GitHub Classroom workflow, .gitignore and the
    license files pyproject.toml names."""
    settings = write_pyproject(project, root / "pyproject.toml")
    (root / "README.md").write_text(student_readme(settings["project"], release), encoding="utf-8")
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    shutil.copyfile(RELEASE_TEMPLATES / "classroom.yml", workflows / "classroom.yml")
    shutil.copyfile(RELEASE_TEMPLATES / "gitignore", root / ".gitignore")
    for pattern in settings["project"].get("license-files", []):  # pyproject.toml names them: building needs them
        for path in sorted(p for p in project.glob(pattern) if p.is_file()):
            (root / path.relative_to(project)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, root / path.relative_to(project))
