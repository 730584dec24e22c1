"""Screenshots for the README, taken in headless Chromium from pages nn-grader generates.

    python scripts/screenshots.py            # writes docs/img/quiz.png and docs/img/report.png

`screenshot(html_path, png_path, prepare=None)` serves any page (a report, say): `prepare(page)` gets the playwright
page once it has loaded, to click or fill what the picture should show. Chromium is Debian's (`/usr/bin/chromium`);
playwright never downloads a browser here, and the flags keep Chromium off the network, so it runs on a closed
machine. Korean text needs a CJK font (Debian: fonts-noto-cjk); without one it shows as boxes.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import chdir, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # playwright is imported only when a browser is started
    from playwright.sync_api import ViewportSize

ROOT = Path(__file__).resolve().parents[1]
SIZE: ViewportSize = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """A playwright BrowserContext of the system's Chromium with a fresh profile, closed on exit."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory(prefix="nn-grader-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, args=CHROMIUM_ARGS, headless=True, viewport=SIZE)
        try:
            yield context
        finally:
            context.close()


def screenshot(html_path: Path, png_path: Path, prepare: Callable[[Any], None] | None = None) -> Path:
    """Open `html_path`, let `prepare(page)` set it up, and save the 1280x900 viewport as `png_path`."""
    png_path.parent.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page()
        page.goto(Path(html_path).resolve().as_uri())
        if prepare is not None:
            prepare(page)
        page.screenshot(path=str(png_path))
    return png_path


def answer_first_question(page: Any) -> None:
    """Start as a student, answer the first question with its forgot-the-bias option, and show the feedback."""
    page.fill("#student", "s2024-017")
    page.click("#start button")
    page.locator("#q1 input[value='p1000']").check()
    page.locator("#q1 button.check").click()
    page.locator("#q1 .feedback .verdict").wait_for()
    page.locator("#q2 input[value='sigmoid']").check()  # the next question chosen, not yet checked
    page.mouse.move(0, 0)  # no hover highlight where the last click was
    page.evaluate("window.scrollTo(0, 0)")


def quiz_screenshot(png_path: Path = ROOT / "docs" / "img" / "quiz.png") -> Path:
    """Export first-network's page with the CLI and photograph it with a question answered."""
    from click.testing import CliRunner

    from grader.cli import main

    with tempfile.TemporaryDirectory() as folder:
        html_path = Path(folder) / "first-network.html"
        result = CliRunner().invoke(main, ["quiz", "export", "first-network", "--html", str(html_path),
                                           "--lang", "en"], env={"NN_GRADER_COURSE_SECRET": None})
        if result.exit_code != 0:
            sys.exit(result.output)
        return screenshot(html_path, png_path, answer_first_question)


REPORT_MISTAKES = ("elu-missing-minus-one", "sigmoid-grad-of-x")  # two catalogued bugs a student could make


def report_screenshot(png_path: Path = ROOT / "docs" / "img" / "report.png") -> Path:
    """Grade a copy of the reference with two catalogued mistakes, write its HTML report with the CLI, photograph it."""
    from click.testing import CliRunner

    from grader.audit import reference_copy, write_variant
    from grader.cli import main
    from grader.mistakes import find

    with tempfile.TemporaryDirectory() as folder:
        submission = reference_copy(Path(folder) / "submission")
        for mistake_id in REPORT_MISTAKES:
            write_variant(submission, find(mistake_id))
        html_path = Path(folder) / "report.html"
        with chdir(folder):  # the report shows the folder as a student types it
            result = CliRunner().invoke(main, ["check", "activations", "--submission", submission.name,
                                               "--html", str(html_path)])
        if not html_path.exists():
            sys.exit(result.output)
        return screenshot(html_path, png_path)


if __name__ == "__main__":
    for take in (quiz_screenshot, report_screenshot):
        print(f"wrote {take().relative_to(ROOT)}")
