"""`nn-grader release OUT`: the student copy of the course, built from the instructor's checkout.

What a release holds (docs/classroom.md, "For instructors: the student copy"):

    README.md                         for students: set up, check, take the quizzes, submit
    pyproject.toml                    installs this copy's grader and the `nn-grader` command
    .github/workflows/classroom.yml   GitHub Classroom's autograding of the public checks
    exercises/                        the stubs, generated from solutions/ (grader.stubgen)
    quizzes/                          sealed (or ci) copies of the open quizzes: no answer in plain text
    grader/                           the grader without the reference solutions, the catalogue of mistakes, the
                                      audit and the classroom tools; each suite keeps its public checks only
    grader/reference_values.{json,npz}  the reference's answers to the public checks (grader.reference replays them)
    grader/release.json               the seed, the exercise modules, and the checks and points each part keeps hidden

The copy is built in a scratch folder beside OUT and verified before it is moved there: no line of a solution and
no hidden check's name anywhere in it, and its own grader, in a separate process and replaying the recorded values,
passes every public check on the reference solutions. A release that fails either is never written.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import tomllib
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

import grader
from grader import parts as course, reference
from grader.classroom.leaks import find_leaks
from grader.classroom.public_suites import public_suite
from grader.classroom.recording import Recorder
from grader.grading import DEFAULT_SEED, RELEASE_MANIFEST, grade, versions
from grader.i18n import language
from grader.quiz.locks import DEFAULT_COST
from grader.report.text import hidden_sentence
from grader.results import HiddenChecks
from grader.runner import CheckInfo, list_checks
from grader.stubgen import write_exercises

TEMPLATES = Path(__file__).with_name("templates") / "release"
QUIZ_TIERS = ("sealed", "ci")
# Parts of the grader package a student's copy leaves out, relative to grader/: the classroom tools (this builder
# among them), the audit, the catalogue of mistakes (replaced by a stub that names none) and the modules that gather
# the HTML report's figures (they compute with the live reference and map hidden checks; the copy's report keeps its
# table and says why it has no figures). Suites are rewritten.
LEFT_OUT = {"classroom", "audit.py", "mistakes", "__pycache__", RELEASE_MANIFEST.name,
            reference.VALUES_FILE.name, reference.ARRAYS_FILE.name}
LEFT_OUT_FIGURES = {"plan.py", "gather.py", "asking.py", "curves.py", "gradients.py", "training.py"}
LEFT_OUT_CATALOGUES = {"mistakes.yaml"}
LAZY_LINE = re.compile(r'^\s*"(?P<name>[\w-]+)":\s*"(?P<module>[\w.]+):\w+",?\s*(#.*)?$')
VERIFY_SCRIPT = """
import json, sys
from pathlib import Path
import grader
from grader.grading import grade
result = grade(Path(sys.argv[1]))
print(json.dumps({"grader": grader.__file__, "checks": [[c.id, c.outcome, c.message] for c in result.checks],
                  "solutions": sorted(m for m in sys.modules if m.split(".")[0] == "solutions")}))
"""


class ReleaseError(RuntimeError):
    """The student copy cannot be built, or would not be sound; nothing was written to OUT."""


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


def checkout() -> Path:
    """The instructor's checkout this nn-grader runs from: it holds pyproject.toml, solutions/ and quizzes/."""
    root = Path(grader.__file__).resolve().parent.parent
    missing = [name for name in ("pyproject.toml", "solutions", "quizzes") if not (root / name).exists()]
    if missing:
        raise ReleaseError(f"nn-grader builds a student copy from an instructor's checkout (pyproject.toml, grader/, "
                           f"solutions/, quizzes/); this one runs from {root}, which has no {', '.join(missing)}. "
                           f"Install the checkout with `python -m pip install -e .`")
    return root


def build_release(out: Path, *, quiz_tier: str = "sealed", quiz_cost: int = DEFAULT_COST) -> Release:
    """Build the student copy into the new (or empty) folder ``out``; see the module docstring."""
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
        release = assemble(project, staging, quiz_tier, quiz_cost)
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    release.path = out
    return release


def assemble(project: Path, root: Path, quiz_tier: str, quiz_cost: int) -> Release:
    """Write and verify the whole copy in ``root``."""
    listed = list_checks(course.discover())
    public = {(c.part, function_of(c)) for c in listed if c.public}
    hidden = hidden_per_part(listed)
    copy_grader(project / "grader", root / "grader")
    hidden_names = write_public_suites(root / "grader" / "suites")
    filter_catalogues(root / "grader" / "locale", {(part, name) for part, names in hidden_names.items()
                                                   for name in names})
    drop_absent_commands(root / "grader" / "cli.py", root)
    write_exercises(project / "solutions", root / "exercises")
    quizzes = write_quizzes(project / "quizzes", root / "quizzes", quiz_tier, quiz_cost)
    record_reference(project, public).write(root / "grader" / reference.VALUES_FILE.name)
    modules = sorted(p.name for p in (project / "solutions").glob("*.py") if not p.name.startswith("_"))
    write_manifest(root / "grader" / RELEASE_MANIFEST.name, modules, hidden)
    public_listed = [c for c in listed if c.public]
    release = Release(root, len(public_listed), sum(c.points for c in public_listed), hidden, quizzes, quiz_tier)
    write_project_files(project, root, release)
    verify(root, project, [name for names in hidden_names.values() for name in names], len(public_listed))
    return release


def function_of(check: CheckInfo) -> str:
    """A listed check's test function: ``test_x[sigmoid]`` -> ``test_x``."""
    return check.name.split("[")[0]


def hidden_per_part(listed: list[CheckInfo]) -> dict[str, HiddenChecks]:
    hidden: dict[str, HiddenChecks] = defaultdict(HiddenChecks)
    for check in listed:
        hidden[check.part] += HiddenChecks(0 if check.public else 1, 0.0 if check.public else check.points)
    return dict(hidden)


# -- the grader package ------------------------------------------------------------------------------------------


def copy_grader(source: Path, dest: Path) -> None:
    """The grader package without what a student's copy leaves out; the catalogue of mistakes becomes a stub."""
    def ignored(folder: str, names: list[str]) -> set[str]:
        where = Path(folder).relative_to(source)
        skip = {n for n in names if n == "__pycache__" or n.endswith(".pyc")}
        if where == Path("."):
            skip |= LEFT_OUT & set(names)
        if where == Path("figures"):
            skip |= LEFT_OUT_FIGURES & set(names)
        if where.parent == Path("locale"):
            skip |= LEFT_OUT_CATALOGUES & set(names)
        if where == Path("suites"):
            skip |= {n for n in names if n.startswith(course.SUITE_PREFIX) and n.endswith(".py")}
        return skip

    shutil.copytree(source, dest, ignore=ignored)
    (dest / "mistakes").mkdir()
    shutil.copyfile(TEMPLATES / "mistakes.py", dest / "mistakes" / "__init__.py")


def write_public_suites(dest: Path) -> dict[str, tuple[str, ...]]:
    """Each part's suite with its public checks only; returns each part's hidden check names."""
    hidden = {}
    for part in course.discover():
        suite = public_suite(part.path.read_text(encoding="utf-8"), str(part.path))
        (dest / part.path.name).write_text(suite.source, encoding="utf-8")
        hidden[part.name] = suite.hidden
    return hidden


def filter_catalogues(locale: Path, hidden: set[tuple[str, str]]) -> None:
    """Drop every message of a hidden check (``check.<part>.<function>`` and ``check.<part>.<function>.<what>``)
    from the language catalogues; the files are rewritten without their comments, which may name checks too."""
    for path in sorted(locale.glob("*/*.yaml")):
        messages = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        kept = {key: text for key, text in messages.items() if not is_hidden_message(str(key), hidden)}
        path.write_text(yaml.safe_dump(kept, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


def is_hidden_message(key: str, hidden: set[tuple[str, str]]) -> bool:
    fields = key.split(".")
    return len(fields) >= 3 and fields[0] == "check" and (fields[1], fields[2]) in hidden


def drop_absent_commands(cli: Path, root: Path) -> None:
    """Remove the lazily imported commands whose module the copy leaves out (audit, autograde, release ...)."""
    lines = cli.read_text(encoding="utf-8").splitlines(keepends=True)
    inside, kept = False, []
    for line in lines:
        if line.startswith("LAZY_COMMANDS"):
            inside = True
        elif inside and line.startswith("}"):
            inside = False
        match = LAZY_LINE.match(line) if inside else None
        if match and not module_file(root, match["module"]).exists():
            continue
        kept.append(line)
    text = "".join(kept)
    commands = lazy_commands(text, cli)
    absent = [name for name, spec in commands.items() if not module_file(root, spec.partition(":")[0]).exists()]
    if absent:
        raise ReleaseError(f"{cli}: LAZY_COMMANDS still names {', '.join(absent)}, whose module the copy leaves out; "
                           f"keep one command per line, as \"name\": \"module:attribute\",")
    cli.write_text(text, encoding="utf-8")


def lazy_commands(source: str, path: Path) -> dict[str, str]:
    for node in ast.parse(source, filename=str(path)).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "LAZY_COMMANDS"
                                                for t in node.targets):
            return ast.literal_eval(node.value)
    raise ReleaseError(f"{path} has no LAZY_COMMANDS")


def module_file(root: Path, module: str) -> Path:
    path = root.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


# -- course content ----------------------------------------------------------------------------------------------


def write_quizzes(source: Path, dest: Path, tier: str, cost: int) -> dict[str, int]:
    """The student copy of every open quiz in ``source``; returns each quiz's id and number of questions.

    Each lock of a sealed copy costs one slow hash (about 50 ms at the default cost, by design), so the quizzes are
    sealed in parallel, one `nn-grader quiz seal` process per core.
    """
    dest.mkdir()
    paths = sorted(source.glob("*.yaml"))
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:  # the threads only wait for their process
        runs = list(pool.map(lambda path: seal_file(path, dest / path.name, tier, cost), paths))
    problems = [f"{path}:\n{run.stdout}{run.stderr}" for path, run in zip(paths, runs) if run.returncode != 0]
    if problems:
        raise ReleaseError("a quiz cannot be sealed:\n" + "\n".join(problems))
    written = {}
    for path in paths:
        data = yaml.safe_load((dest / path.name).read_text(encoding="utf-8"))
        written[data["id"]] = len(data["questions"])
    return written


def seal_file(path: Path, output: Path, tier: str, cost: int) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "grader", "quiz", "seal", str(path), "--tier", tier, "--output", str(output),
               "--cost", str(cost)]
    return subprocess.run(command, capture_output=True, text=True, timeout=1800)


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
    manifest = {
        "format": 1,
        "seed": DEFAULT_SEED,
        "modules": modules,
        "hidden": {part: h.to_dict() for part, h in hidden.items()},
        "built_with": versions(),
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


# -- the files around the package --------------------------------------------------------------------------------


def write_project_files(project: Path, root: Path, release: Release) -> None:
    settings = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    (root / "pyproject.toml").write_text(toml_text(release_pyproject(settings)), encoding="utf-8")
    (root / "README.md").write_text(student_readme(settings["project"], release), encoding="utf-8")
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    shutil.copyfile(TEMPLATES / "classroom.yml", workflows / "classroom.yml")
    shutil.copyfile(TEMPLATES / "gitignore", root / ".gitignore")


def release_pyproject(settings: dict[str, Any]) -> dict[str, Any]:
    """The checkout's pyproject.toml for the copy: the grader package only, no development extras or test settings."""
    project = dict(settings["project"])
    project["description"] = f"{project.get('description', 'nn-grader')} (student copy)"
    extras = {k: v for k, v in project.get("optional-dependencies", {}).items() if k != "dev"}
    project.pop("optional-dependencies", None)
    if extras:
        project["optional-dependencies"] = extras
    setuptools = settings.get("tool", {}).get("setuptools", {})
    package_data = {key: list(value) for key, value in setuptools.get("package-data", {}).items()}
    package_data.setdefault("grader", []).extend(
        [RELEASE_MANIFEST.name, reference.VALUES_FILE.name, reference.ARRAYS_FILE.name])
    return {
        "build-system": settings["build-system"],
        "project": project,
        "tool": {"setuptools": {"packages": {"find": {"include": ["grader*"]}}, "package-data": package_data}},
    }


def toml_text(data: dict[str, Any], table: str = "") -> str:
    """TOML for plain settings: strings, numbers, booleans, lists of those, and tables."""
    def key(name: str) -> str:
        return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)

    def value(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, (int, float)):
            return repr(item)
        if isinstance(item, str):
            return json.dumps(item, ensure_ascii=False)
        return "[" + ", ".join(value(i) for i in item) + "]"

    scalars = [f"{key(k)} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    text = (f"[{table}]\n" if table and scalars else "") + "".join(line + "\n" for line in scalars)
    for name, sub in data.items():
        if isinstance(sub, dict):
            inner = toml_text(sub, f"{table}.{key(name)}" if table else key(name))
            text += ("\n" if text else "") + inner
    return text


def student_readme(project: dict[str, Any], release: Release) -> str:
    """The student README from its template, with this copy's parts, figures and quiz tier filled in."""
    first = course.discover()[0]
    with language("en"):
        example_hidden = hidden_sentence(release.hidden.get(first.name, HiddenChecks()))
    ci = release.quiz_tier == "ci"
    values = {
        "title": f"{project.get('description', 'nn-grader')}: your copy",
        "quiz_count": str(len(release.quizzes)),
        "parts": ", ".join(p.name for p in course.discover()),
        "public_checks": str(release.public_checks),
        "public_points": f"{release.public_points:g}",
        "hidden_checks": str(release.hidden_total.checks),
        "hidden_points": f"{release.hidden_total.points:g}",
        "example_part": f"{first.name:<12} {first.title[:52]:<52}   ...",
        "example_hidden": example_hidden,
        "quiz_example": min(release.quizzes, key=release.quizzes.get) if release.quizzes else "QUIZ",  # the shortest
        "quiz_note": textwrap.fill(
            "When you finish a quiz, your answers are saved to `<quiz id>.answers.yaml` in this folder: hand that "
            "file in with your code. Your instructor's grader scores it." if ci else
            "The quizzes here are for checking yourself: after each answer you see whether it was right, and why. "
            "Nothing is saved unless you add `--save FILE`.", 116),
        "answers_upload": " and your `*.answers.yaml` files" if ci else "",
    }
    text = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    for name, filled in values.items():
        text = text.replace("{{" + name + "}}", filled)
    if "{{" in text:
        unknown = text[text.index("{{"):][:40]
        raise ReleaseError(f"the student README template has an unknown placeholder near {unknown!r}")
    return text


# -- verification ------------------------------------------------------------------------------------------------


def verify(root: Path, project: Path, hidden_names: list[str], public_checks: int) -> None:
    """No solution line or hidden check name in the copy, and its grader passes every public check on the reference,
    replaying the recorded values in a process that imports the copy's grader."""
    leaks = find_leaks(root, project / "solutions", hidden_names)
    if leaks:
        raise ReleaseError("the student copy would contain what it must not:\n  " + "\n  ".join(leaks[:30]))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    run = subprocess.run([sys.executable, "-c", VERIFY_SCRIPT, str(project / "solutions")], cwd=root, env=env,
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise ReleaseError(f"the student copy's grader could not grade the reference:\n{run.stderr[-3000:]}")
    report = json.loads(run.stdout.strip().splitlines()[-1])
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
