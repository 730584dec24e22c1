"""Reports graded once per session: the reference, a wrong ELU, several one-bug functions, the stubs, and code that
hangs, crashes or raises. Each is a ``Report``: the grade, the figures gathered for it and the rendered page."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from grader.figures import report_figures
from grader.figures.model import Figures
from grader.grading import grade
from grader.report.html import render_html
from grader.results import GradeResult
from grader.sandbox.limits import Limits
from tests.conftest import SOLUTIONS

FAST = Limits(call_seconds=1, import_seconds=5)  # a hanging function costs one second

WRONG_ELU = ("    return np.where(x > 0, x, alpha_array * np.expm1(np.minimum(x, 0)))",
             "    return np.where(x > 0, x, alpha_array * np.exp(np.minimum(x, 0)))")  # the "- 1" forgotten
ONE_BUG_EACH = {  # module -> (right, wrong): losses and layers
    "losses": [("    p = np.clip(y_pred, EPSILON, 1 - EPSILON)\n    return np.mean(-(y_true * np.log(p)",
                "    p = y_pred\n    return np.mean(-(y_true * np.log(p)"),  # binary cross-entropy without the clip
               ("    return 2 * (y_pred - y_true) / y_pred.size",
                "    return 2 * (y_pred - y_true)")],  # the MSE gradient without its 1/N
    "layers": [("    grad_b = np.sum(grad_out, axis=0)", "    grad_b = np.mean(grad_out, axis=0)")],
}
BROKEN = {  # appended: a later definition replaces the right one
    "activations": "\n\ndef elu(x, alpha=1.0):\n    while True:\n        pass\n\n\n"
                   "def softplus(x):\n    import os\n    os._exit(3)\n",
    "layers": "\n\ndef dense_backward(grad_out, x, W):\n    raise ValueError('shapes do not align')\n",
}


@dataclass
class Report:
    result: GradeResult
    figures: Figures | None
    html: str

    @property
    def page(self) -> Page:
        return Page(self.html)


def copy_reference(folder: Path, edits: dict[str, list[tuple[str, str]]] | None = None,
                   appended: dict[str, str] | None = None) -> Path:
    """A copy of the reference with each (old, new) edit made once in its module and code appended to others."""
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for module, changes in (edits or {}).items():
        path = folder / f"{module}.py"
        source = path.read_text(encoding="utf-8")
        for old, new in changes:
            assert source.count(old) == 1, f"the edit must match exactly once in {module}.py: {old!r}"
            source = source.replace(old, new)
        path.write_text(source, encoding="utf-8")
    for module, code in (appended or {}).items():
        with open(folder / f"{module}.py", "a", encoding="utf-8") as stream:
            stream.write(code)
    return folder


def make_report(source: Path, parts: list[str] | None = None, *, lang: str = "en",
                limits: Limits | None = None) -> Report:
    result = grade(source, parts, lang=lang, limits=limits)
    figures = report_figures(result, source, limits)
    return Report(result, figures, render_html(result, figures))


class Page(HTMLParser):
    """The parts of a page the tests read: every start tag with its attributes, heading texts, the text a reader
    sees (the style sheet left out)."""

    HEADINGS = ("h1", "h2", "h3")

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self.texts: list[str] = []
        self._heading: list | None = None
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"
        if tag in self.HEADINGS:
            self._heading = [tag, ""]

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False
        if self._heading and tag == self._heading[0]:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._in_style:  # the style sheet is not text a reader sees
            return
        self.texts.append(data)
        if self._heading:
            self._heading[1] += data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]

    def ids(self) -> list[str]:
        return [attrs["id"] for _, attrs in self.tags if attrs.get("id")]


@pytest.fixture(scope="session")
def reference_report() -> Report:
    return make_report(SOLUTIONS)


@pytest.fixture(scope="session")
def wrong_elu(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_reference(tmp_path_factory.mktemp("elu") / "submission", {"activations": [WRONG_ELU]})


@pytest.fixture(scope="session")
def wrong_elu_report(wrong_elu: Path) -> Report:
    return make_report(wrong_elu, ["activations"])


@pytest.fixture(scope="session")
def one_bug_each_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = copy_reference(tmp_path_factory.mktemp("bugs") / "submission", ONE_BUG_EACH)
    return make_report(folder, ["losses", "layers"])


@pytest.fixture(scope="session")
def stub_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    from grader.stubgen import write_exercises

    folder = tmp_path_factory.mktemp("stubs")
    write_exercises(SOLUTIONS, folder)
    return make_report(folder)


@pytest.fixture(scope="session")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_reference(tmp_path_factory.mktemp("broken") / "submission", appended=BROKEN)


@pytest.fixture(scope="session")
def broken_report(broken: Path) -> Report:
    return make_report(broken, ["activations", "layers", "training"], limits=FAST)
