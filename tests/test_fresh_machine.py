"""What a fresh machine has is what the tests use: the packaging tests build with the environment the README's
install command made, never with what the base interpreter happens to hold (tests/venvs.py)."""

from __future__ import annotations

import subprocess
import tomllib
from importlib import metadata

from packaging.requirements import Requirement

from tests.conftest import ROOT
from tests.venvs import offline_venv, running_site_packages


def build_requirements() -> list[Requirement]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return [Requirement(line) for line in tomllib.load(file)["build-system"]["requires"]]


def test_the_running_environment_meets_the_build_requirements():
    # pip --no-build-isolation does not check [build-system]: an older backend would build, or fail, without a word
    for requirement in build_requirements():
        installed = metadata.version(requirement.name)
        assert requirement.specifier.contains(installed, prereleases=True), (
            f"{requirement.name} {installed} is installed, pyproject.toml's [build-system] needs {requirement}: "
            f'`python -m pip install -e ".[dev]"` installs one that does')


def test_the_build_backend_builds_wheels_by_itself():
    # setuptools before 70.1 needs the separate `wheel` package for bdist_wheel, which a fresh venv does not have
    from setuptools.command.bdist_wheel import bdist_wheel  # noqa: F401  (the import is the assertion)


def test_an_offline_venv_imports_the_running_environments_packages(tmp_path):
    python = offline_venv(tmp_path / "venv")
    seen = subprocess.run([str(python), "-c", "import setuptools, sys; print(setuptools.__version__); "
                                              "print('\\n'.join(sys.path))"],
                          capture_output=True, text=True, check=True).stdout.splitlines()
    assert seen[0] == metadata.version("setuptools")  # not the base interpreter's copy
    assert set(running_site_packages()) <= set(seen[1:])


def test_ci_installs_into_a_new_venv_from_the_stock_interpreter():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    install = next(i for i, line in enumerate(lines) if "pip install" in line)
    assert "python3 -m venv --clear .venv" in lines[:install]
    assert "source .venv/bin/activate" in lines[:install]
