"""`nn-grader check` loads only what it uses: the command line imports a renderer when its format is
chosen, and the zygote starts as soon as `check` is chosen, before parsing its options loads the grader."""

from __future__ import annotations

import subprocess
import sys

from grader.cli import FORMATS
from grader.report import RENDERER_PATHS, RENDERERS
from tests.conftest import ROOT, SOLUTIONS

# What a plain text check never uses: the other renderers and what they need, and the other commands' libraries.
NOT_FOR_A_TEXT_CHECK = ("grader.report.gradescope", "grader.report.prairielearn", "grader.report.junit",
                        "grader.report.json_report", "grader.report.github_classroom", "grader.report.html",
                        "grader.figures", "grader.quiz", "grader.classroom", "grader.audit")
# ... and what the command line itself must not load before a command asks: the grader, pytest, numpy, yaml.
NOT_FOR_THE_COMMAND_LINE = (*NOT_FOR_A_TEXT_CHECK, "grader.grading", "grader.runner", "pytest", "numpy", "yaml")


def modules_after(statement: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``statement`` (which may exit, as a command does)."""
    probe = ("import atexit, sys; atexit.register(lambda: print('modules:', *sys.modules, file=sys.stderr)); "
             f"{statement}")
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    [line] = [line for line in run.stderr.splitlines() if line.startswith("modules: ")]
    return set(line.split()[1:])


def loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    """Those of ``modules`` that are one of ``packages`` or inside one."""
    return sorted(m for m in modules if any(m == p or m.startswith(f"{p}.") for p in packages))


def test_importing_the_command_line_loads_no_renderer_nor_the_grader():
    modules = modules_after("import grader.cli")
    assert "grader.cli" in modules
    assert loaded(modules, NOT_FOR_THE_COMMAND_LINE) == []


def test_a_text_check_loads_only_the_text_renderer():
    modules = modules_after(f"from grader.cli import main; main(['check', 'activations', '-s', r'{SOLUTIONS}'])")
    assert {"grader.grading", "grader.report.text"} <= modules  # it did grade and print
    assert loaded(modules, NOT_FOR_A_TEXT_CHECK) == []


def test_a_format_loads_its_renderer_when_chosen():
    modules = modules_after(f"from grader.cli import main; main(['check', 'activations', '-s', r'{SOLUTIONS}', "
                            "'--format', 'junit', '-o', '-'])")
    assert "grader.report.junit" in modules
    assert loaded(modules, ("grader.report.gradescope", "grader.report.prairielearn", "grader.figures")) == []


def test_every_format_names_a_renderer_that_exists():
    assert FORMATS == tuple(RENDERER_PATHS) == tuple(RENDERERS)
    for fmt, path in RENDERER_PATHS.items():
        assert RENDERERS[fmt].__name__ == path.partition(":")[2]


def prewarm_seen(*words: str) -> list[str]:
    """Run ``nn-grader WORDS`` with ``zygote.prewarm`` replaced by a probe; whether the grader was loaded at each
    call of it: ``["first"]`` for a zygote started before the grader's imports, ``[]`` for none started."""
    probe = ("import sys; from grader.sandbox import zygote; "
             "zygote.prewarm = lambda: print('late' if 'grader.grading' in sys.modules else 'first'); "
             f"from grader.cli import main; main({list(words)!r})")
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    return [line for line in run.stdout.splitlines() if line in ("first", "late")]


def test_check_starts_the_zygote_before_it_loads_the_grader(tmp_path):
    # a missing submission: a usage error, after the options are parsed (the seed's default loads the grader)
    assert prewarm_seen("check", "--submission", str(tmp_path / "missing")) == ["first"]


def test_commands_that_grade_nothing_start_no_zygote():
    assert prewarm_seen("check", "--help") == []
    assert prewarm_seen("--help") == []
    assert prewarm_seen("list", "activations") == []
    assert prewarm_seen("quiz", "--help") == []
