"""README's "Your platform": one setup per platform, its commands the same as docs/classroom.md's and runnable."""

from __future__ import annotations

import re
import shlex
import zipfile
from pathlib import Path

from tests.classroom.documented import CLASSROOM_DOC, bash_blocks, run_nn_grader
from tests.conftest import README, ROOT

PLATFORMS = ["Gradescope", "PrairieLearn", "GitHub Classroom", "Canvas", "Moodle"]


def commands(blocks: list[list[str]]) -> list[str]:
    """Each command of ``blocks``, continuation lines joined and trailing comments dropped."""
    text = "\n".join("\n".join(block) for block in blocks).replace("\\\n", " ")
    return [" ".join(line.split("  #")[0].split()) for line in text.splitlines() if line.strip()]


def test_the_readme_has_one_subsection_per_platform_linking_its_guide():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Your platform\n"):]
    section = section[: section.index("\n## ", 1)]
    assert re.findall(r"\n### (.+)\n", section) == PLATFORMS
    for platform in PLATFORMS:
        assert bash_blocks(README, f"### {platform}"), platform  # something to copy and paste
        body = section.split(f"\n### {platform}\n")[1].split("\n### ")[0]
        assert "](docs/classroom.md#" in body, platform


def test_the_readme_shows_the_guide_s_own_prairielearn_and_gradebook_commands():
    assert bash_blocks(README, "### PrairieLearn") == bash_blocks(CLASSROOM_DOC, "### PrairieLearn")
    guide = commands(bash_blocks(CLASSROOM_DOC, "### Grades into Canvas or Moodle"))
    for lms in ("Canvas", "Moodle"):
        (export,) = [c for c in commands(bash_blocks(README, f"### {lms}")) if c.startswith("nn-grader gradebook")]
        assert export in guide, lms


def test_the_readme_s_quiz_bank_exports_write_what_each_lms_imports(tmp_path: Path):
    (tmp_path / "quizzes").symlink_to(ROOT / "quizzes")
    written = {}
    for lms in ("Canvas", "Moodle"):
        (export,) = [c for c in commands(bash_blocks(README, f"### {lms}")) if c.startswith("nn-grader quiz export")]
        run = run_nn_grader(export, tmp_path)
        assert run.returncode == 0, run.stderr
        written[lms] = tmp_path / shlex.split(export)[-1]
    with zipfile.ZipFile(written["Canvas"]) as qti:
        assert any(name.endswith(".xml") for name in qti.namelist())
    moodle = written["Moodle"].read_text(encoding="utf-8")
    assert '<quiz>' in moodle and 'lang="ko" class="multilang"' in moodle
