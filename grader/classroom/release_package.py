"""The grader package of a student copy: the checkout's, without what a student must not have.

Left out: the classroom tools (the release builder among them), the audit and its command, the catalogue of
mistakes (replaced by a stub that names none) and the modules that gather the HTML report's figures (they compute
with the live reference and map hidden checks; the copy's report keeps its table and says why it has no figures).
Each suite keeps its public checks only, and the language catalogues lose every message of a hidden check.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from grader import parts as course
from grader import reference
from grader.classroom.checkout import RELEASE_TEMPLATES
from grader.classroom.public_suites import public_suite
from grader.grading import RELEASE_MANIFEST

# Relative to grader/. Suites are rewritten rather than left out (write_public_suites).
LEFT_OUT = {"classroom", "audit.py", "audit_cli.py", "mistakes", "__pycache__", RELEASE_MANIFEST.name,
            reference.VALUES_FILE.name, reference.ARRAYS_FILE.name}
LEFT_OUT_FIGURES = {"plan.py", "gather.py", "asking.py", "curves.py", "gradients.py", "training.py"}
LEFT_OUT_CATALOGUES = {"mistakes.yaml"}


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
    shutil.copyfile(RELEASE_TEMPLATES / "mistakes.py", dest / "mistakes" / "__init__.py")


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
    """Whether a catalogue key is a hidden check's message: ``check.<part>.<function>[.<what>]``."""
    fields = key.split(".")
    return len(fields) >= 3 and fields[0] == "check" and (fields[1], fields[2]) in hidden
