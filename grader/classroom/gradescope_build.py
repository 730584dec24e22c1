"""`nn-grader gradescope build OUT.zip`: a Gradescope autograder that grades with every check, hidden ones included.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` there once (as root, when it builds the
autograder's image), and then, for every submission, runs ``/autograder/run_autograder`` (its copy of the zip's)
with the submission in ``/autograder/submission``, reading the grade from ``/autograder/results/results.json``.

The zip holds:

    setup.sh          installs Python 3.11+ if the image lacks it, and the bundled nn-grader into a virtual
                      environment; makes the grader's files unreadable to the worker's user
    run_autograder    `nn-grader gradescope run` (grader.classroom.gradescope_run), with the settings chosen here:
                      seed, language, when hidden checks' details are shown (--hidden-visibility) and whether the
                      seed varies per submission (--seed-per); the script is the zip's configuration
    nn-grader/        the instructor's checkout: pyproject.toml, README.md, grader/ and solutions/ -- the autograder is
                      private to the instructor, so the hidden suites and the reference travel with it
    quizzes/          the open quizzes given with --quiz, whose answers files are graded with the code

Bundling the source means the image needs the network only for numpy, pytest, click and pyyaml.
``NN_GRADER_AUTOGRADER_ROOT`` replaces ``/autograder`` in both scripts, to try the autograder in a folder of one's own.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.classroom.release import ReleaseError, checkout

TEMPLATES = Path(__file__).with_name("templates") / "gradescope"
BUNDLED = ("pyproject.toml", "README.md", "LICENSE", "grader", "solutions")  # what `pip install` of the copy reads
EXECUTABLE, READABLE = 0o755, 0o644


@dataclass
class Autograder:
    path: Path
    files: int
    quizzes: list[str] = field(default_factory=list)


def build_gradescope(out: Path, *, seed: int, lang: str = "en", quizzes: list[Path] | None = None,
                     hidden_visibility: str = "after_published", seed_per: str = "submission") -> Autograder:
    """Write the autograder zip ``out``; ``quizzes`` are open quiz files (or folders of them) to grade too."""
    from grader.quiz.loader import require_quiz

    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise ReleaseError(f"{out}: Gradescope takes the autograder as a .zip file; name one")
    project = checkout()
    quiz_files = [f for q in quizzes or [] for f in (sorted(Path(q).glob("*.yaml")) if Path(q).is_dir() else [q])]
    quiz_ids = []
    for path in quiz_files:
        quiz = require_quiz(path, seeds=100)
        if quiz.tier != "open":
            raise ReleaseError(f"{path} is a {quiz.tier} copy; the autograder grades answers with the open quiz")
        quiz_ids.append(quiz.id)
    run = (TEMPLATES / "run_autograder").read_text(encoding="utf-8")
    settings = {"seed": str(int(seed)), "lang": lang, "hidden_visibility": hidden_visibility, "seed_per": seed_per}
    for name, value in settings.items():
        run = run.replace(f"{{{{{name}}}}}", value)
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        add(bundle, "setup.sh", (TEMPLATES / "setup.sh").read_bytes(), EXECUTABLE)
        add(bundle, "run_autograder", run.encode(), EXECUTABLE)
        for name in BUNDLED:
            for path in bundled_files(project / name):
                add(bundle, f"nn-grader/{path.relative_to(project).as_posix()}", path.read_bytes(), READABLE)
                count += 1
        for path in quiz_files:
            add(bundle, f"quizzes/{Path(path).name}", Path(path).read_bytes(), READABLE)
    return Autograder(out, count + 2 + len(quiz_files), quiz_ids)


def bundled_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def add(bundle: zipfile.ZipFile, name: str, data: bytes, mode: int) -> None:
    """One file, with Unix permissions (Gradescope runs the scripts directly)."""
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, data)
