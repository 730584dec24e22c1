"""Load the solutions and exercises folders as packages, the way the grader loads a student's folder."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tests.conftest import EXERCISES as EXERCISES_DIR
from tests.conftest import SOLUTIONS as SOLUTIONS_DIR

# The exercise modules in teaching order; every one exists in both folders.
MODULES = ("activations", "losses", "layers", "network", "optimizers", "metrics", "training")


def load_package(folder: Path, name: str) -> ModuleType:
    """Import `folder` as the package `name` (reusing it if that package was already imported from `folder`)."""
    loaded = sys.modules.get(name)
    if loaded is not None and Path(loaded.__file__).resolve().parent == folder.resolve():
        return loaded
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None, f"cannot load {folder} as a package"
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return package


def load_module(folder: Path, package: str, module: str) -> ModuleType:
    load_package(folder, package)
    return importlib.import_module(f"{package}.{module}")


def solution(module: str) -> ModuleType:
    """A module of the reference solutions, e.g. solution("activations")."""
    return load_module(SOLUTIONS_DIR, "solutions", module)


def exercise(module: str) -> ModuleType:
    """A module of the generated exercises, e.g. exercise("activations")."""
    return load_module(EXERCISES_DIR, "exercises", module)
