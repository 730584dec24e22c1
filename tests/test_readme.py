"""The README's first two commands are what CI runs, and they stay true."""

import re

from tests.conftest import ROOT


def readme_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_starts_with_an_install_and_grade_command_and_a_test_command():
    install_and_grade, tests = readme_commands()
    assert "pip install" in install_and_grade and "nn-grader check --submission solutions" in install_and_grade
    assert tests == "python -m pytest"


def test_ci_runs_exactly_the_readme_commands():
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    for command in readme_commands():
        assert command in ci_lines
