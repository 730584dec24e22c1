"""The student notebooks: one Jupyter notebook per part, generated from solutions/ as exercises/ is.

Each notebook (nbformat 4, no outputs) holds, in this order:

1. a set-up code cell that installs the student copy when ``grader`` is not importable yet (``%pip install``, which
   Colab and Jupyter both understand), from the path or URL the instructor gives (``--install-from``), puts the
   exercises folder on ``sys.path`` when the part imports another part's module, and imports ``check``;
2. a markdown introduction: the part's title and the module's docstring;
3. a code cell with the given code before the first exercise (imports, constants, private helpers);
4. per exercise (a public function or class of the module): a markdown cell with its docstring and a code cell with
   its stub (grader/stubgen.py), followed by any given code before the next one;
5. a markdown cell saying how to check, and the check cell: ``check("<part>")``.

The Korean notebooks take their words from the Korean catalogues: the part's title (``part.<part>.title``), the
notebook's own sentences (grader/locale/ko/notebook.yaml) and, where a catalogue has them, the module's and the
functions' docstrings (``exercise.<part>.doc``, ``exercise.<part>.<function>.doc``); a docstring without a
translation stays in English.

Cell ids are derived from the part and the cell's place, so the same sources always give the same bytes and
``nn-grader notebooks --check`` can compare them, as ``nn-grader stubs --check`` does the exercises.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

import click

from grader import parts as course
from grader.errors import UserError
from grader.i18n import catalogue, language, tr
from grader.notebook_source import absolute_course_imports
from grader.options import lang_option
from grader.output import OutputError, prepare_folder
from grader.stubgen import _first_difference, _read, make_stub

LANGUAGES = ("en", "ko")
DEFAULT_INSTALL_FROM = ".."  # the student copy's root, seen from its notebooks/ folder
DEFAULT_EXERCISES = "../exercises"


class NotebookSupportMissing(UserError):
    """nbformat is not installed: the notebooks need the ``notebook`` extra."""


def notebook_name(index: int, part: str, lang: str) -> str:
    """``01_activations.ipynb`` (English) or ``01_activations.ko.ipynb``: course order first, so a listing reads
    in the order the course does."""
    return f"{index:02d}_{part}{'' if lang == 'en' else '.' + lang}.ipynb"


def expected_notebooks(solutions: Path, lang: str = "en", *, install_from: str = DEFAULT_INSTALL_FROM,
                       exercises: str = DEFAULT_EXERCISES) -> dict[str, str]:
    """Every part's notebook in ``lang``, file name -> its text, in course order."""
    nbformat = _nbformat()
    found = {}
    for index, part in enumerate(course.discover(), start=1):
        source = Path(solutions) / part.module_file
        stub = make_stub(_read(source), str(source), lang=lang)  # code cells' docstrings in the language too
        with language(lang):
            notebook = part_notebook(part, stub, lang, install_from=install_from, exercises=exercises)
        nbformat.validate(notebook)
        found[notebook_name(index, part.name, lang)] = nbformat.writes(notebook) + "\n"
    return found


def write_notebooks(solutions: Path, out: Path, langs: tuple[str, ...] = ("en",), **where: str) -> list[Path]:
    """Write the notebooks of ``langs`` into ``out`` (files already right are left alone); return their paths."""
    texts = {name: text for lang in langs for name, text in expected_notebooks(solutions, lang, **where).items()}
    out.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        target = out / name
        if not target.is_file() or _read(target) != text:
            target.write_text(text, encoding="utf-8", newline="")
    return [out / name for name in texts]


def find_drift(solutions: Path, out: Path, langs: tuple[str, ...] = ("en",), **where: str) -> list[str]:
    """How the notebooks in ``out`` differ from what :func:`write_notebooks` would write; [] when in sync."""
    problems = []
    for lang in langs:
        for name, expected in expected_notebooks(solutions, lang, **where).items():
            target = out / name
            if not target.is_file():
                problems.append(tr("notebooks.missing", file=target))
            elif (found := _read(target)) != expected:
                problems.append(tr("notebooks.differs", file=target, where=_first_difference(expected, found)))
    return problems


def part_notebook(part: course.Part, stub: str, lang: str, *, install_from: str, exercises: str) -> Any:
    """The notebook of one part from its stub module's text (see the module docstring), in the current language."""
    nbformat = _nbformat()
    v4 = nbformat.v4
    code = absolute_course_imports(stub)
    tree = ast.parse(code)
    lines = code.splitlines()
    introduction = _doc(f"exercise.{part.name}.doc", ast.get_docstring(tree), lang)
    introduction = _doc(f"exercise.{part.name}.doc", ast.get_docstring(tree), lang)
    cells = [v4.new_code_cell(_setup(install_from, exercises if _imports_a_part(stub) else None)),
             v4.new_markdown_cell(f"# {part.title}\n\n{introduction}")]
    given: list[int] = []  # the lines of the given code since the last exercise, written as one cell
    for node in tree.body[1 if ast.get_docstring(tree) is not None else 0:]:
        first, last = _node_lines(node, lines)
        name = getattr(node, "name", "")
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or name.startswith("_"):
            given = [given[0] if given else first, last]
            continue
        if given:
            cells.append(v4.new_code_cell("\n".join(lines[given[0] - 1 : given[1]])))
            given = []
        docstring = _doc(f"exercise.{part.name}.{name}.doc", ast.get_docstring(node), lang)
        cells += [v4.new_markdown_cell(f"## `{name}`\n\n{docstring}"),
                  v4.new_code_cell("\n".join(lines[first - 1 : last]))]
    if given:
        cells.append(v4.new_code_cell("\n".join(lines[given[0] - 1 : given[1]])))
    call = f'check("{part.name}")' if lang == "en" else f'check("{part.name}", lang="{lang}")'
    cells += [v4.new_markdown_cell(tr("notebook.check_intro", part=part.name)), v4.new_code_cell(call)]
    for number, cell in enumerate(cells):
        cell["id"] = f"{part.name}-{number:02d}"  # stable ids: the same sources give the same file
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata.update({"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                              "language_info": {"name": "python"}})
    return notebook


def _setup(install_from: str, exercises: str | None) -> str:
    """The set-up cell: install the student copy where it is missing (a fresh Colab runtime), and import check."""
    lines = [f"# {tr('notebook.setup_comment')}", "import importlib.util", "",
             'if importlib.util.find_spec("grader") is None:', f"    %pip install -q {_quoted(install_from)}"]
    if exercises is not None:
        lines += ["", "import sys", "", f"sys.path.insert(0, {exercises!r})  # {tr('notebook.path_comment')}"]
    return "\n".join([*lines, "", "from grader.notebook import check"])


def _quoted(spec: str) -> str:
    """A pip argument quoted for IPython's magic line (which a shell reads), whatever the instructor gave."""
    return "'" + spec.replace("'", "'\"'\"'") + "'"


def _imports_a_part(stub: str) -> bool:
    return any(isinstance(node, ast.ImportFrom) and node.level for node in ast.parse(stub).body)


def _doc(key: str, english: str | None, lang: str) -> str:
    """The translated docstring where the current language's catalogue has one, else the English one, as it is
    written, in a text block: docstrings are plain text, and markdown would eat their ``*`` and ``_``."""
    text = catalogue(lang).get(key) or english
    return f"```text\n{text}\n```" if text else ""


def _node_lines(node: ast.stmt, lines: list[str]) -> tuple[int, int]:
    """The first and last line of a statement as written, with its decorators and the comment lines above it."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    while first > 1 and lines[first - 2].lstrip().startswith("#"):
        first -= 1
    return first, node.end_lineno or node.lineno


def _nbformat() -> Any:
    try:
        import nbformat
    except ImportError:
        raise NotebookSupportMissing(tr("notebooks.needs_nbformat")) from None
    return nbformat


@click.command()
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@lang_option(help="Language of the notebooks' words (the code is the same).")
@click.option("--check", "check_only", is_flag=True, help="Only report whether OUT is out of date (exit 1).")
@click.option("--install-from", default=DEFAULT_INSTALL_FROM, show_default=True,
              help="What the set-up cell installs where the grader is missing: the student copy's path or URL "
                   "(anything `pip install` takes).")
@click.option("--exercises", default=DEFAULT_EXERCISES, show_default=True,
              help="The exercises folder, seen from the notebook, that parts using earlier parts import from.")
@click.option("--solutions", type=click.Path(path_type=Path, file_okay=False), default=Path("solutions"),
              show_default=True)
def notebooks(out: Path, lang: str, check_only: bool, install_from: str, exercises: str, solutions: Path) -> None:
    """Generate one student notebook per part in OUT, from the marked reference in SOLUTIONS."""
    where = {"install_from": install_from, "exercises": exercises}
    with language(lang):
        if not solutions.is_dir():
            raise OutputError(tr("notebooks.needs_checkout", solutions=solutions))
        try:
            if check_only:
                drift = find_drift(solutions, out, (lang,), **where)
                for line in drift:
                    click.echo(line)
                sys.exit(1 if drift else 0)
            prepare_folder(out)
            written = write_notebooks(solutions, out, (lang,), **where)
        except ValueError as exc:  # a marker mistake in solutions/, named by file and line
            raise UserError(str(exc)) from None
        except OSError as exc:
            raise OutputError.of(exc, out) from None
        click.echo(tr("notebooks.written", count=len(written), folder=out, solutions=solutions))
