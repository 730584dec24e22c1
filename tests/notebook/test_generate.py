"""The generated notebooks (grader/classroom/notebooks.py, `nn-grader notebooks`): one per part, from the stubs."""

from __future__ import annotations

import ast
import json

import nbformat
from click.testing import CliRunner

from grader import parts as course
from grader.classroom import notebooks
from grader.classroom.leaks import find_leaks
from grader.cli import main
from grader.i18n import catalogue
from grader.stubgen import make_stub
from tests.conftest import SOLUTIONS
from tests.notebook.cells import generated, with_reference


def notebooks_of(lang: str) -> dict[str, str]:
    return notebooks.expected_notebooks(SOLUTIONS, lang, install_from="https://example.org/course.zip")


def test_one_valid_notebook_per_part_in_course_order_without_outputs():
    texts = notebooks_of("en")
    assert list(texts) == [f"{i:02d}_{p.name}.ipynb" for i, p in enumerate(course.discover(), start=1)]
    for text in texts.values():
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
        assert notebook.nbformat == 4
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(c.outputs == [] and c.execution_count is None for c in code)


def test_the_cells_are_set_up_introduction_exercises_and_check():
    notebook = generated("activations", install_from="https://example.org/course.zip")
    setup, intro, *_, check = notebook.cells
    assert "%pip install -q 'https://example.org/course.zip'" in setup.source
    assert setup.source.endswith("from grader.notebook import check")
    assert intro.cell_type == "markdown" and intro.source.startswith("# Activation functions and their derivatives")
    assert "An activation function decides how strongly" in intro.source
    assert check.source == 'check("activations")'
    stub = make_stub((SOLUTIONS / "activations.py").read_text(encoding="utf-8"), "activations.py")
    for node in ast.parse(stub).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            index = next(i for i, c in enumerate(notebook.cells) if c.source.startswith(f"def {node.name}("))
            assert notebook.cells[index].source == ast.get_source_segment(stub, node)
            doc = notebook.cells[index - 1]
            assert doc.cell_type == "markdown" and (ast.get_docstring(node) or "") in doc.source


def test_a_part_that_imports_another_puts_the_exercises_on_the_path_and_imports_absolutely():
    notebook = generated("network", exercises="../exercises")
    assert "sys.path.insert(0, '../exercises')" in notebook.cells[0].source
    assert "import activations\nfrom layers import dense_backward" in notebook.cells[2].source


def test_the_korean_notebooks_take_the_catalogues_words_and_docstrings(monkeypatch):
    notebook = generated("activations", "ko")
    assert notebook.cells[1].source.startswith(f"# {catalogue('ko')['part.activations.title']}\n")
    assert catalogue("ko")["exercise.activations.doc"] in notebook.cells[1].source  # grader/locale/ko/exercises.yaml
    assert notebook.cells[-1].source == 'check("activations", lang="ko")'
    assert catalogue("ko")["notebook.setup_comment"] in notebook.cells[0].source

    translated = {**catalogue("ko"), "exercise.activations.relu.doc": "ReLU: max(0, x)를 원소별로 계산합니다."}
    monkeypatch.setattr(notebooks, "catalogue", lambda lang: translated)
    cells = generated("activations", "ko").cells
    # in a text block, as the English is: markdown would eat a formula's * and _
    assert "## `relu`\n\n```text\nReLU: max(0, x)를 원소별로 계산합니다.\n```" in [c.source for c in cells]
    korean_stub = next(c.source for c in cells if c.cell_type == "code" and "def relu(" in c.source)
    assert catalogue("ko")["exercise.activations.relu.doc"].splitlines()[0] in korean_stub  # the code cell's too


def test_the_notebooks_hold_no_solution_and_the_leak_check_reads_their_cells(tmp_path):
    notebooks.write_notebooks(SOLUTIONS, tmp_path / "clean", ("en", "ko"))
    assert find_leaks(tmp_path / "clean", SOLUTIONS, []) == []
    # a notebook with the reference in it: a line with quotes, escaped in the JSON, is found in its cell
    leaky = tmp_path / "leaky"
    leaky.mkdir()
    nbformat.write(with_reference(generated("network"), "network"), leaky / "04_network.ipynb")
    quoted = 'raise RuntimeError("backward() needs the values of a forward() call: call forward(x) first")'
    assert quoted not in (leaky / "04_network.ipynb").read_text(encoding="utf-8")  # escaped: \"
    assert any(quoted in leak and "04_network.ipynb cell" in leak for leak in find_leaks(leaky, SOLUTIONS, []))


def test_the_command_writes_them_and_check_fails_when_they_are_out_of_date(tmp_path):
    out = tmp_path / "notebooks"
    runner = CliRunner()
    missing = runner.invoke(main, ["notebooks", "--check", str(out)])
    assert missing.exit_code == 1 and f"{out / '01_activations.ipynb'} is missing" in missing.output
    written = runner.invoke(main, ["notebooks", str(out), "--lang", "ko"])
    assert written.exit_code == 0, written.output
    assert sorted(p.name for p in out.iterdir()) == sorted(notebooks_of("ko"))
    assert runner.invoke(main, ["notebooks", "--check", "--lang", "ko", str(out)]).exit_code == 0
    target = out / "01_activations.ko.ipynb"
    document = json.loads(target.read_text(encoding="utf-8"))
    document["cells"][4]["source"] = ["def step(x):\n", "    return x\n"]
    target.write_text(json.dumps(document, indent=1), encoding="utf-8")
    drift = runner.invoke(main, ["notebooks", "--check", "--lang", "ko", str(out)])
    assert drift.exit_code == 1 and str(target) in drift.output


def test_outside_a_checkout_the_command_says_what_it_needs(tmp_path):
    result = CliRunner().invoke(main, ["notebooks", str(tmp_path / "out"), "--solutions", str(tmp_path / "none")])
    assert result.exit_code == 2 and "needs the folder of reference solutions" in result.output

