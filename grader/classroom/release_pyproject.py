"""The student copy's pyproject.toml: the checkout's, for the grader package only.

Written with tomli-w: the copy's settings are the checkout's, whatever tables and arrays of tables (authors,
urls ...) an instructor gives them, and a hand-rolled writer for "plain settings" got those wrong silently.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from grader import reference
from grader.grading import RELEASE_MANIFEST


def write_pyproject(project: Path, dest: Path) -> dict[str, Any]:
    """Write the copy's pyproject.toml to ``dest``; return the checkout's settings it was made from."""
    settings = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    dest.write_text(tomli_w.dumps(release_pyproject(settings)), encoding="utf-8")
    return settings


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

