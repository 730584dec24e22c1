"""Fresh virtual environments for the packaging tests, installed into without a network.

A test that installs nn-grader (or a student copy of it) the way a user would needs a new venv, and that venv needs
numpy, pytest, click, pyyaml and a build backend without reaching PyPI. It must borrow them from the environment the
tests run in, never from the interpreter that environment was made from: ``--system-site-packages`` means the base
interpreter's site-packages, which on a fresh machine hold only what Python shipped with (an old setuptools, no
``wheel``), and on a used machine hold whatever someone installed by hand there. Either way the test would pass or
fail for reasons that are not the project's.

So the new venv is made without pip and sees the running environment's site-packages through a ``.pth`` file: a
plain path line adds the folder to ``sys.path`` after the venv's own site-packages, and does not run the ``.pth``
files inside it, so an editable install of this checkout does not leak into the new venv.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

# pip options that install from a local folder alone, building with the running environment's setuptools
OFFLINE_PIP = ("--no-deps", "--no-build-isolation", "--no-index")


def running_site_packages() -> list[str]:
    """The site-packages folders of the interpreter running the tests (a venv's own, when the tests run in one)."""
    paths = sysconfig.get_paths()
    return list(dict.fromkeys([paths["purelib"], paths["platlib"]]))


def offline_venv(path: Path) -> Path:
    """Make a venv at ``path`` that borrows the running environment's packages; return its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "_borrowed_from_the_tests.pth").write_text("\n".join(running_site_packages()) + "\n")
    return python


def pip_install(python: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m pip install ARGS`` offline; pip itself comes from the borrowed packages."""
    return subprocess.run([str(python), "-m", "pip", "install", "--quiet", *OFFLINE_PIP, *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)
