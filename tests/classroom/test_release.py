"""`nn-grader release` as the README shows it: the copy holds no solution and no hidden check, installs into a fresh
virtual environment, and grades there on its own (the stubs score 0, the reference passes every public check)."""

from __future__ import annotations

import ast
import base64
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from grader import parts as course
from grader.classroom.release_commands import lazy_commands
from grader.runner import list_checks
from grader.stubgen import BEGIN_MARKER, END_MARKER
from tests.classroom.documented import CLASSROOM_DOC, ROOT, bash_blocks, documented, run_nn_grader
from tests.conftest import README
from tests.venvs import OFFLINE_PIP, offline_venv

pytestmark = pytest.mark.slow
STUDENT = "student-1"
SEALED_QUESTION = {"id", "type", "prompt", "points", "tags", "scoring", "shuffle", "digits", "params", "options",
                   "locks"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The copy the README's `nn-grader release` command builds."""
    (command,) = documented(README, "nn-grader release")
    work = tmp_path_factory.mktemp("instructor")
    run = run_nn_grader(command, work)
    assert run.returncode == 0, run.stderr
    assert "It holds no solution and no hidden check." in run.stdout
    return work / shlex.split(command)[2]


@pytest.fixture(scope="module")
def listed():
    return list_checks(course.discover())


def solution_lines() -> list[str]:
    """Every line of every solution block that says something (10 characters or more, not a comment) and that the
    stubs do not show themselves (a docstring may spell a step out on purpose)."""
    stubs = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "exercises").glob("*.py"))
    found = []
    for path in (ROOT / "solutions").glob("*.py"):
        inside = False
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if text in (BEGIN_MARKER, END_MARKER):
                inside = text == BEGIN_MARKER
            elif inside and len(text) >= 10 and not text.startswith("#") and text not in stubs:
                found.append(text)
    return found


def check_names(public: bool) -> set[str]:
    names = set()
    for part in course.discover():
        for node in ast.parse(part.path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                marked = any(ast.unparse(d) == "pytest.mark.public" for d in node.decorator_list)
                if marked == public:
                    names.add(node.name)
    return names


def texts(root: Path) -> dict[Path, str]:
    return {p: p.read_bytes().decode("utf-8", errors="replace") for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_copy_holds_no_solution_line_and_no_hidden_check_name(built):
    lines, hidden, public = solution_lines(), check_names(public=False), check_names(public=True)
    assert len(lines) > 100 and len(hidden) > 40 and public
    files = texts(built)
    found = [f"{p.relative_to(built)}: {line}" for p, text in files.items() for line in lines if line in text]
    found += [f"{p.relative_to(built)}: {name}" for p, text in files.items() for name in hidden
              if re.search(rf"\b{name}\b", text)]
    assert found == []
    for name in public:  # the same search finds what is there
        assert any(re.search(rf"\b{name}\b", text) for text in files.values()), name


def test_the_copy_is_laid_out_for_students(built):
    stubs = sorted(p.name for p in (ROOT / "exercises").iterdir() if p.suffix == ".py")
    assert sorted(p.name for p in (built / "exercises").iterdir()) == stubs
    for stub in (built / "exercises").iterdir():
        assert stub.read_text(encoding="utf-8") == (ROOT / "exercises" / stub.name).read_text(encoding="utf-8")
    grader = built / "grader"
    for absent in ("solutions", "grader/audit.py", "grader/audit_cli.py", "grader/classroom",
                   "grader/locale/en/mistakes.yaml", "grader/locale/ko/mistakes.yaml"):
        assert not (built / absent).exists(), absent
    # the report's figures are drawn but never gathered in a copy: what gathers them is left out
    drawing = ["__init__.py", "draw.py", "legend.py", "model.py", "scales.py", "style.py", "svg.py"]
    assert sorted(p.name for p in (grader / "figures").glob("*.py")) == drawing
    assert sorted(p.name for p in (grader / "mistakes").iterdir()) == ["__init__.py"]
    assert "def identify(" in (grader / "mistakes" / "__init__.py").read_text() and not list(built.rglob("*.pyc"))
    assert sorted(lazy_commands((grader / "cli.py").read_text(), grader / "cli.py")) == ["quiz"]
    for quiz in (built / "quizzes").glob("*.yaml"):
        data = yaml.safe_load(quiz.read_text(encoding="utf-8"))
        assert data["tier"] == "sealed"
        for question in data["questions"]:  # the key, feedback and explanations only inside opaque locks
            assert set(question) <= SEALED_QUESTION and all(set(o) <= {"id", "text", "value"}
                                                            for o in question.get("options", []))
            assert question["locks"] and all(isinstance(lock, str) for lock in question["locks"].values())
    assert (built / ".github" / "workflows" / "classroom.yml").is_file()
    assert {"README.md", "pyproject.toml", ".gitignore"} <= {p.name for p in built.iterdir()}


def test_the_manifest_counts_what_stays_hidden(built, listed):
    manifest = json.loads((built / "grader" / "release.json").read_text())
    assert manifest["seed"] == 20260101 and "activations.py" in manifest["modules"]
    for part in course.discover():
        hidden = [c for c in listed if c.part == part.name and not c.public]
        assert manifest["hidden"][part.name] == {"checks": len(hidden), "points": sum(c.points for c in hidden)}
    claim = re.search(r"today (\d+) checks worth ([\d.]+) points; the other (\d+), worth ([\d.]+)",
                      README.read_text(encoding="utf-8"))
    assert claim, "the README states how many checks ship"
    assert [float(g) for g in claim.groups()] == list(figures(listed).values())


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> tuple[Path, Path]:
    """(the student's folder, a fresh virtual environment) after the student README's install command, offline."""
    work = tmp_path_factory.mktemp("student")
    student = work / "nn-course"
    shutil.copytree(built, student)  # a student's clone
    venv = work / "venv"
    python = offline_venv(venv)
    (install,) = [line for block in bash_blocks(student / "README.md") for line in block if "pip install" in line]
    words = shlex.split(install)
    assert words[0] == "python"
    run = subprocess.run([str(python), *words[1:], *OFFLINE_PIP], cwd=student, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    return student, venv


def in_venv(installed, args: list[str], *, extra_env: dict[str, str] | None = None,
            **kwargs) -> subprocess.CompletedProcess:
    """Run ``args`` in the student's folder with only the virtual environment's commands first on PATH."""
    student, venv = installed
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(student.parent), "NN_GRADER_STUDENT": STUDENT,
           "LANG": "C.UTF-8", **(extra_env or {})}
    return subprocess.run(args, cwd=student, env=env, capture_output=True, text=True, timeout=300, **kwargs)


def figures(listed) -> dict[str, float]:
    public = [c for c in listed if c.public]
    hidden = [c for c in listed if not c.public]
    return {"public": len(public), "public_points": sum(c.points for c in public), "hidden": len(hidden),
            "hidden_points": sum(c.points for c in hidden)}


def test_the_installed_copy_scores_the_stubs_0_and_says_what_is_hidden(installed, built, listed):
    manifest = json.loads((built / "grader" / "release.json").read_text())
    run = in_venv(installed, ["nn-grader", "check"])
    assert run.returncode == 1, run.stderr
    for hidden in manifest["hidden"].values():
        assert f"    {hidden['checks']} hidden checks worth {hidden['points']:g} points are not run here" in run.stdout
    count = figures(listed)
    assert f"Total: 0/{count['public_points']:g} points" in run.stdout
    assert (f"In all, {count['hidden']} hidden checks worth {count['hidden_points']:g} points are not run here"
            in run.stdout)


GRADE_THROUGH_THE_CLI = """
import json, sys
import grader
from grader.cli import main
try:
    main(["check", "--submission", sys.argv[1], "--format", "json", "--output", sys.argv[2]])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "grader": grader.__file__,
                  "solutions": sorted(m for m in sys.modules if m.split(".")[0] == "solutions")}))
"""


def test_the_installed_copy_passes_every_public_check_on_the_reference(installed, listed, tmp_path):
    student, venv = installed
    reference = tmp_path / "reference"
    reference.mkdir()
    for module in (ROOT / "solutions").glob("[!_]*.py"):
        shutil.copyfile(module, reference / module.name)
    run = in_venv(installed, [str(venv / "bin" / "python"), "-c", GRADE_THROUGH_THE_CLI, str(reference),
                              str(tmp_path / "result.json")])
    assert run.returncode == 0, run.stderr
    ran = json.loads(run.stdout.strip().splitlines()[-1])
    assert ran["code"] == 0 and ran["solutions"] == []  # graded without importing the reference
    assert Path(ran["grader"]).is_relative_to(student)
    result = json.loads((tmp_path / "result.json").read_text())
    jsonschema.validate(result, json.loads((ROOT / "grader" / "report" / "result.schema.json").read_text()))
    public = [c for c in listed if c.public]
    graded = sorted(c["id"] for p in result["parts"] for c in p["checks"])
    assert graded == sorted(f"{c.part}::{c.name}" for c in public)
    assert all(c["outcome"] == "passed" for p in result["parts"] for c in p["checks"])
    assert result["points"] == result["max_points"] == sum(c.points for c in public)
    assert result["hidden"] == {"checks": len(listed) - len(public),
                                "points": sum(c.points for c in listed if not c.public)}


def test_the_installed_copy_refuses_another_seed(installed):
    run = in_venv(installed, ["nn-grader", "check", "activations", "--seed", "7"])
    assert run.returncode == 2
    assert "grades with seed 20260101 only" in run.stderr and "not 7" in run.stderr


def test_the_installed_copy_writes_an_html_report_that_says_why_it_has_no_figures(installed, tmp_path):
    page = tmp_path / "report.html"
    run = in_venv(installed, ["nn-grader", "check", "activations", "--html", str(page)])
    assert run.returncode == 1, run.stderr
    text = page.read_text(encoding="utf-8")
    assert "a student&#x27;s copy holds no reference code" in text or "a student's copy holds no reference code" in text
    assert "<svg" not in text and "activations" in text


def test_the_student_readme_commands_run_in_the_copy(installed):
    student, _ = installed
    commands = [line.split("  #")[0].strip() for block in bash_blocks(student / "README.md") for line in block
                if line.startswith("nn-grader")]
    assert len(commands) >= 6
    for command in commands:
        words = shlex.split(command)
        run = in_venv(installed, words, input="A\n" * 40)
        if words[1] == "check":
            assert run.returncode == 1, f"{command}: {run.stderr}"
            assert ("숨겨진 검사" if "ko" in words else "hidden checks worth") in run.stdout, command
        else:
            assert run.returncode == 0, f"{command}: {run.stderr}"
        if words[1:3] == ["quiz", "take"]:
            assert "Question 1 of" in run.stdout and "Total:" in run.stdout


def test_the_classroom_workflow_grades_the_public_checks_and_reports_points(installed, listed, tmp_path):
    student, venv = installed
    workflow = yaml.safe_load((student / ".github" / "workflows" / "classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    assert {"push", "repository_dispatch"} <= set(workflow["on"])
    assert [s["run"] for s in steps if "run" in s][0] == "python -m pip install ."
    grading = next(s for s in steps if s.get("id") == "nn-grader")
    script = grading["run"].strip().splitlines()
    readme = bash_blocks(README, "### GitHub Classroom")
    assert readme == [script] and bash_blocks(CLASSROOM_DOC, "## For CI: GitHub Classroom") == [script]
    reporter = steps[-1]
    assert reporter["uses"] == "classroom-resources/autograding-grading-reporter@v1"
    runner = reporter["with"]["runners"]
    assert reporter["env"] == {f"{runner.upper()}_RESULTS": f"${{{{ steps.{grading['id']}.outputs.result }}}}"}

    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    (tmp_path / "step.sh").write_text(grading["run"])
    run = in_venv(installed, ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(tmp_path / "step.sh")],
                  extra_env={"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)})  # as Actions runs it
    assert run.returncode == 0, run.stderr  # failing checks are a grade, not a failed step
    (line,) = output.read_text().splitlines()
    key, _, encoded = line.partition("=")
    result = json.loads(base64.b64decode(encoded))
    count = figures(listed)
    assert key == "result" and result["status"] == "fail", (result, run.stderr)
    assert result["max_score"] == count["public"]
    assert len(result["tests"]) == count["public"] and sum(t["score"] for t in result["tests"]) == 0
    assert result["max_points"] == count["public_points"]
    text = summary.read_text()
    assert text.startswith(f"Points 0/{count['public']}\n") and text.count("Points 0/") == 1  # graded once
    assert f"In all, {count['hidden']} hidden checks worth {count['hidden_points']:g} points" in text


def test_a_ci_tier_copy_keeps_no_key_at_all(tmp_path):
    commands = documented(CLASSROOM_DOC, "nn-grader release")
    assert set(commands) - set(documented(README, "nn-grader release")) == {
        "nn-grader release out/graded-quizzes-copy --quiz-tier ci"}
    run = run_nn_grader("nn-grader release out/graded-quizzes-copy --quiz-tier ci", tmp_path)
    assert run.returncode == 0, run.stderr
    copy = tmp_path / "out" / "graded-quizzes-copy"
    for quiz in (copy / "quizzes").glob("*.yaml"):
        data = yaml.safe_load(quiz.read_text(encoding="utf-8"))
        assert data["tier"] == "ci" and "seal" not in data and not any("locks" in q for q in data["questions"])
    assert "your answers are saved to `<quiz id>.answers.yaml`" in (copy / "README.md").read_text()
    again = run_nn_grader("nn-grader release out/graded-quizzes-copy", tmp_path)
    assert again.returncode == 2 and "already exists and is not an empty folder" in again.stderr
