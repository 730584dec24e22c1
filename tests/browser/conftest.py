"""One headless Chromium for the whole session, a fresh page per test, and quiz pages exported by the CLI.

The browser is Debian's Chromium driven by playwright; playwright never downloads a browser of its own here. The
flags keep Chromium from reaching for the network (updates, sync, QUIC), which a closed machine refuses, and the
user-data directory is a fresh temporary one. Without the playwright package or a Chromium binary the tests are
skipped with a message naming what is missing; `.ci/run` installs Chromium where apt is available.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from grader.cli import main

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
    return found


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A playwright BrowserContext of the system's Chromium (persistent, so that it has its own profile folder)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need the playwright Python package: python -m pip install -e '.[dev]'")
    executable = chromium_path()
    if executable is None:
        pytest.skip("browser tests need a Chromium binary and none was found (`chromium` on PATH or "
                    "/usr/bin/chromium): apt-get install -y chromium")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=executable, args=CHROMIUM_ARGS, headless=True, accept_downloads=True,
            viewport={"width": 1280, "height": 900})
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A new tab; any uncaught script error in it fails the test."""
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    tab.close()
    assert not errors, f"script errors in the page: {errors}"


def export_page(name: str, html: Path, *extra: str) -> Path:
    """Export quiz NAME with `nn-grader quiz export NAME --html FILE` and return the file."""
    result = CliRunner().invoke(main, ["quiz", "export", name, "--html", str(html), *extra], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return html


@pytest.fixture(scope="session")
def first_network_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """first-network's page at the default lock cost, as an instructor would export it."""
    return export_page("first-network", tmp_path_factory.mktemp("page") / "first-network.html", "--lang", "en")
