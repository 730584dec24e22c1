"""Screenshots for the README, taken in headless Chromium from pages nn-grader generates.

    python scripts/screenshots.py            # writes docs/img/quiz.png, report.png, notebook.png, class-report.png

`screenshot(html_path, png_path, prepare=None)` serves any page (a report, say): `prepare(page)` gets the playwright
page once it has loaded, to click or fill what the picture should show; `stacked_screenshot` stacks pieces of a
long page, a dashed band marking each cut. Chromium is Debian's (`/usr/bin/chromium`);
playwright never downloads a browser here, and the flags keep Chromium off the network, so it runs on a closed
machine. Korean text needs a CJK font (Debian: fonts-noto-cjk); without one it shows as boxes.
"""

from __future__ import annotations

import html
import importlib
import random
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import chdir, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

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


NOTEBOOK_PART = "activations"
NOTEBOOK_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{part}.ipynb</title><style>
body {{ margin: 0; background: #fff; font: 14px/1.4 system-ui, sans-serif; color: #212121; }}
.cell {{ display: grid; grid-template-columns: 72px 1fr; margin: 16px 24px 0 8px; }}
.prompt {{ font: 13px/1.5 monospace; color: #307fc1; text-align: right; padding: 6px 8px 0 0; }}
.out .prompt {{ color: #bf5b3d; }}
.input {{ background: #f5f5f5; border: 1px solid #e0e0e0; border-radius: 2px; padding: 6px 8px;
          font: 13px/1.5 monospace; }}
.string {{ color: #ba2121; }}
.output {{ padding-top: 4px; }}
</style></head><body>
<div class="cell"><div class="prompt">[{count}]:</div>
<div class="input">check(<span class="string">"{part}"</span>)</div></div>
<div class="cell out"><div class="prompt">[{count}]:</div><div class="output">{output}</div></div>
</body></html>
"""


def notebook_cells() -> list[str]:
    """The code cells of the part's generated notebook as a student ran them: the reference pasted into the stub
    cells with the sigmoid_grad-of-x bug the notebook tests use, the check cell last (IPython's ``In``)."""
    sys.path.insert(0, str(ROOT))  # the notebook tests' helpers build the same student notebook
    # imported by name: mypy checks scripts/, not tests/ (which it would otherwise follow into and judge)
    cells = importlib.import_module("tests.notebook.cells")
    return cells.code_cells(cells.with_reference(cells.generated(NOTEBOOK_PART), NOTEBOOK_PART, bug=cells.SIGMOID_BUG))


def notebook_screenshot(png_path: Path = ROOT / "docs" / "img" / "notebook.png") -> Path:
    """Grade the notebook with ``check()`` in this process, as its check cell does in a kernel, and photograph the
    cell's HTML output (exactly what ``_repr_html_`` returns) under a cell prompt like Jupyter's."""
    from grader.notebook import check

    cells = notebook_cells()
    output = check(NOTEBOOK_PART, cells=cells)._repr_html_()
    count = next(i for i, cell in enumerate(cells) if cell.startswith("check("))  # In[n] holds the n-th run cell
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "notebook.html"
        page.write_text(NOTEBOOK_PAGE.format(part=html.escape(NOTEBOOK_PART), count=count, output=output),
                        encoding="utf-8")
        return screenshot(page, png_path, wait_for_frame)


def wait_for_frame(page: Any) -> None:
    """Wait until the report inside the cell's frame has loaded, and crop the picture to the cell."""
    page.frame_locator("iframe").locator("main").wait_for()
    height = page.evaluate("document.body.scrollHeight") + 16
    page.set_viewport_size({"width": SIZE["width"], "height": min(height, SIZE["height"])})


CLASS_SIZE = 25
CLASS_PARTS = ("activations", "losses")
# Catalogued mistakes and the share of the class making each (drawn independently): the report should name them.
CLASS_MISTAKES = {"sigmoid-grad-of-x": 0.35, "softmax-without-max-shift": 0.2, "elu-missing-minus-one": 0.12,
                  "relu-grad-one-at-zero": 0.08}
CLASS_NOT_STARTED = 2  # the last students hand in losses.py as the stub they were given
CLASS_QUIZ = ROOT / "quizzes" / "activations.yaml"
# The activations quiz's questions without parameters: (the key, the wrong answers students give, commonest first).
CLASS_ANSWERS: dict[str, tuple[Any, list[Any]]] = {
    "why-activation": ("nonlinear", ["squash", "speed"]),
    "perceptron-limit": ("xor", ["linear-separable", "output-binary"]),
    "nonlinear-activations": (["sigmoid", "tanh", "relu"],
                              [["sigmoid", "tanh"], ["sigmoid", "tanh", "relu", "linear"]]),
    "sigmoid-grad-peak": (0.25, [0.5, 0.3]),
    "vanishing-gradient-cause": ("product", ["outputs", "learning-rate"]),
    "tanh-range": (False, [True]),
    "dying-relu": ("stuck-at-zero", ["vanishes", "pruned"]),
    "relu-variants": (["leaky-relu", "elu", "softplus"], [["leaky-relu", "elu"], ["leaky-relu", "elu", "relu"]]),
    "maxout": ("max-of-linear", ["max-input", "sum"]),
    "softplus-formula": ("softplus", ["relu", "elu"]),
    "softmax-overflow": ("overflow", ["normalize", "top-is-one"]),
    "sigmoid-ranges": ("open-quarter", ["notes-0-3", "same-range"]),
    "relu-never-vanishes": (False, [True]),
}


def write_class(submissions: Path, size: int = CLASS_SIZE, seed: int = 7) -> None:
    """``size`` copies of the reference with the catalogued mistakes above drawn at their shares, the last ones with
    losses not started, each with an answers file to the activations quiz from a student of a drawn ability."""
    import yaml

    from grader.audit import reference_copy, write_variant
    from grader.mistakes import find

    rng = random.Random(seed)
    for i in range(size):
        student = f"s2024-{i + 1:03}"
        folder = reference_copy(submissions / student)
        for mistake_id, share in CLASS_MISTAKES.items():
            if rng.random() < share:
                write_variant(folder, find(mistake_id))
        if i >= size - CLASS_NOT_STARTED:
            shutil.copyfile(ROOT / "exercises" / "losses.py", folder / "losses.py")
        (folder / "activations.answers.yaml").write_text(yaml.safe_dump(
            {"quiz": "activations", "student": student, "answers": quiz_answers(rng)}), encoding="utf-8")


def quiz_answers(rng: random.Random) -> dict[str, Any]:
    """One student's answers: each right with the student's ability, else a wrong one (the commonest most often)."""
    ability = rng.uniform(0.4, 0.95)
    answers = {}
    for question, (key, wrong) in CLASS_ANSWERS.items():
        answers[question] = key if rng.random() < ability else \
            rng.choices(wrong, weights=range(len(wrong), 0, -1))[0]
    return answers


CHECK_ROWS_SHOWN = 6  # the most failed checks; the rest of the table (every check of the parts) is cut out
CUT = 28  # pixels of the band that marks where the picture leaves part of the page out


def class_report_screenshot(png_path: Path = ROOT / "docs" / "img" / "class-report.png") -> Path:
    """Autograde a generated class, write its class report with ``nn-grader report``, and photograph its top (the
    scores and the most failed checks) above its named mistakes, a marked cut between them."""
    from click.testing import CliRunner

    from grader.classroom.autograde import autograde
    from grader.classroom.student import ClassSettings
    from grader.cli import main

    with tempfile.TemporaryDirectory() as folder:
        submissions, graded = Path(folder) / "submissions", Path(folder) / "graded"
        write_class(submissions)
        autograde(submissions, graded, ClassSettings(parts=CLASS_PARTS, quizzes=(CLASS_QUIZ,)), workers=2)
        html_path = Path(folder) / "class.html"
        result = CliRunner().invoke(main, ["report", str(graded), "--quiz", str(CLASS_QUIZ), "--html",
                                           str(html_path), "--lang", "en"])
        if result.exit_code != 0:
            sys.exit(result.output)
        return stacked_screenshot(html_path, png_path, [
            Span("", 0, f"#checks tbody tr:nth-child({CHECK_ROWS_SHOWN})", 0), Span("#mistakes", -16, "#mistakes", 16)])


class Span(NamedTuple):
    """A piece of a page: from the top of element ``top`` (``""``: the page's top) to the bottom of ``bottom``,
    each edge moved down by its pixels."""

    top: str
    top_dy: float
    bottom: str
    bottom_dy: float

    def clip(self, page: Any) -> dict[str, float]:
        """The piece's rectangle in the page, for ``page.screenshot(clip=...)``."""
        top = self.top_dy + (_edge(page, self.top, "top") if self.top else 0)
        bottom = self.bottom_dy + _edge(page, self.bottom, "bottom")
        return {"x": 0, "y": top, "width": SIZE["width"], "height": bottom - top}


def _edge(page: Any, selector: str, side: str) -> float:
    """The ``side`` ("top" or "bottom") of the element ``selector`` in page coordinates."""
    box = page.locator(selector).first.bounding_box()
    return float(box["y"] + (box["height"] if side == "bottom" else 0) + page.evaluate("window.scrollY"))


def stacked_screenshot(html_path: Path, png_path: Path, spans: list[Span]) -> Path:
    """Photograph ``spans`` of the full page at ``html_path`` and stack them, a band marking each cut between them."""
    import io

    from PIL import Image, ImageDraw

    with chromium() as browser:
        page = browser.new_page()
        page.goto(Path(html_path).resolve().as_uri())
        pieces = [Image.open(io.BytesIO(page.screenshot(full_page=True, clip=span.clip(page)))) for span in spans]
    height = sum(p.height for p in pieces) + CUT * (len(pieces) - 1)
    picture = Image.new("RGB", (SIZE["width"], height), "#dde3ea")
    y = 0
    for piece in pieces:
        if y:  # a dashed line across the band: the page goes on here
            line = ImageDraw.Draw(picture)
            for x in range(0, SIZE["width"], 16):
                line.line([(x, y - CUT // 2), (x + 8, y - CUT // 2)], fill="#7a8794", width=2)
        picture.paste(piece, (0, y))
        y += piece.height + CUT
    png_path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(png_path)
    return png_path


if __name__ == "__main__":
    for take in (quiz_screenshot, report_screenshot, notebook_screenshot, class_report_screenshot):
        print(f"wrote {take().relative_to(ROOT)}")
