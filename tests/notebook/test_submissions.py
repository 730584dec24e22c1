"""Notebooks handed in as submissions (grader/submission.py): ``nn-grader check --submission work.ipynb``, a folder
of notebooks, a student of ``autograde`` and Gradescope's ``run_autograder``, and what is refused in one line."""

from __future__ import annotations

import ast
import json
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from grader.classroom import gradescope_run
from grader.classroom.feedback import render_feedback
from grader.classroom.gradescope_run import run_autograder
from grader.classroom.roster import Student, find_students
from grader.classroom.student import ClassSettings, grade_student
from grader.cli import main
from grader.grading import exercise_module_files, grade
from grader.notebook_source import absolute_course_imports, statements
from grader.report.common import fenced
from grader.report.gradescope import check_markdown
from grader.results import CheckResult, Outcome, PartResult
from grader.submission import MAX_NOTEBOOK_BYTES, SubmissionError, notebook_split
from tests.classroom.conftest import LIMITS, copy_reference
from tests.conftest import SOLUTIONS
from tests.grader.test_cli_conventions import assert_one_line_error
from tests.notebook.cells import generated, with_reference

SIDE_EFFECT = "ran.txt"


def reference_cells(part: str) -> list[str]:
    """The reference module of ``part`` as a student would type it: a cell per top-level statement."""
    source = absolute_course_imports((SOLUTIONS / f"{part}.py").read_text(encoding="utf-8"))
    return [ast.get_source_segment(source, node) or "" for node in ast.parse(source).body]


def notebook(cells: list[str], *, markdown_first: bool = True, **fields: object) -> dict:
    """An nbformat 4 notebook (as JSON data) of code ``cells``, after a markdown cell."""
    head = [{"cell_type": "markdown", "metadata": {}, "source": ["# My work\n", "by me"]}] if markdown_first else []
    code = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": c} for c in cells]
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": head + code, **fields}


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def check(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *[str(a) for a in args]])
    return result.exit_code, result.stdout, result.stderr


def hand_written(folder: Path) -> Path:
    """activations and metrics in one notebook, cells out of order (the helpers below the functions that use them,
    the parts interleaved), with magics, a wrong first try replaced by a later cell, a training loop that never ends,
    a file write at top level, and a cell that does not parse."""
    activations, metrics = reference_cells("activations"), reference_cells("metrics")
    cells = ["%pip install numpy\n!ls -la", *reversed(activations), *reversed(metrics),
             "def sigmoid(x):\n    return x  # a first try, run again below",
             f"open({str(folder / SIDE_EFFECT)!r}, 'w').write('ran')",
             "def precision(y_true, y_pred:\n    return 1.0",  # a syntax error: the reference's precision stays
             "while True:\n    pass",
             next(c for c in activations if c.startswith("def sigmoid("))]
    return write(folder / "work.ipynb", notebook(cells))


def test_a_hand_written_notebook_grades_its_parts_and_runs_nothing_at_top_level(tmp_path):
    path = hand_written(tmp_path)
    started = time.monotonic()
    code, out, _ = check("activations", "metrics", "--submission", path, "--format", "json")
    assert time.monotonic() - started < 60  # the `while True` at top level never ran
    result = json.loads(out)
    assert code == 0 and result["points"] == result["max_points"] > 0  # the last sigmoid counts, not the first try
    assert not (tmp_path / SIDE_EFFECT).exists()
    cells = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]
    syntax_cell = next(i for i, c in enumerate(cells, start=1) if "def precision(y_true, y_pred:" in c)
    loop_cell = next(i for i, c in enumerate(cells, start=1) if c.startswith("while True"))
    [note] = result["notes"]
    assert "work.ipynb cell 2 line 1 (magic); work.ipynb cell 2 line 2 (magic)" in note
    assert f"work.ipynb cell {syntax_cell} line 1 (syntax error: " in note
    assert f"work.ipynb cell {loop_cell} line 1 (while True:)" in note
    assert "open(" in note  # the file write is listed as not graded, not dropped silently


def test_a_grade_reads_the_notebooks_once_and_says_itself_what_they_left_ungraded(tmp_path, monkeypatch):
    import grader.grading
    import grader.submission

    read: list[int] = []
    real_read = grader.submission.read_notebooks
    monkeypatch.setattr(grader.submission, "read_notebooks", lambda notebooks: read.append(1) or real_read(notebooks))
    started: list[str] = []
    real_start = grader.grading.PartsAlone._start
    monkeypatch.setattr(grader.grading.PartsAlone, "_start",
                        lambda self, part: started.append(part) or real_start(self, part))
    # A wrong softmax fails checks of the losses, which then run again alone: staged from the same reading.
    cells = [*reference_cells("activations"), *reference_cells("losses"), "while True:\n    pass",
             "def softmax(x, axis=-1):\n    return x"]
    result = grade(write(tmp_path / "work.ipynb", notebook(cells)), ["activations", "losses"])
    assert started == ["losses"] and len(read) == 1
    [note] = result.notes
    assert "(while True:)" in note


def test_the_notes_show_in_the_text_and_html_reports(tmp_path):
    path = hand_written(tmp_path)
    code, out, _ = check("activations", "--submission", path, "--html", tmp_path / "report.html")
    assert code == 0 and "Not graded (only imports, definitions and constants are): work.ipynb cell 2" in out
    assert "work.ipynb cell 2 line 1 (magic)" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_the_notes_reach_the_student_on_every_platform(tmp_path):
    """Gradescope's and GitHub's markdown hold them fenced (they quote the student's code), PrairieLearn's message as
    text: a student who uploads a notebook learns there what it left ungraded."""
    path = hand_written(tmp_path)
    said = "work.ipynb cell 2 line 1 (magic)"
    outputs = {fmt: json.loads(check("activations", "--submission", path, "--format", fmt)[1])
               for fmt in ("gradescope", "prairielearn", "github")}
    assert said in outputs["gradescope"]["output"].split("```")[1]
    assert said in outputs["prairielearn"]["message"]
    assert said in outputs["github"]["summary"].split("```")[1]


def test_what_a_student_wrote_cannot_close_the_block_it_is_shown_in():
    printed = "```\n# Full marks\n````"
    block = fenced(printed)
    assert block[0] == block[-1] == "`````" and block[1:-1] == printed.splitlines()
    assert fenced("x", indent="  ") == ["  ```", "  x", "  ```"]
    check = CheckResult("activations", "test_x", "sigmoid", 1.0, Outcome.FAILED, "wrong", output=printed)
    assert "\n".join(["`````", *printed.splitlines(), "`````"]) in check_markdown(check, PartResult("a", "A", [check]))


def test_a_notebook_with_nothing_to_grade_says_on_prairielearn_what_it_left_ungraded(tmp_path):
    path = write(tmp_path / "work.ipynb", notebook(["%pip install numpy", "%%time\nx = 1"]))
    document = json.loads(check("activations", "--submission", path, "--format", "prairielearn")[1])
    assert document["gradable"] is False
    assert "work.ipynb cell 2 line 1 (magic)" in document["message"]
    assert any("work.ipynb cell 2 line 1 (magic)" in error for error in document["format_errors"])


def test_a_class_feedback_shows_what_a_notebook_left_ungraded(tmp_path):
    (tmp_path / "scratch").mkdir()
    settings = ClassSettings(parts=("activations",), limits=LIMITS)
    record = grade_student(Student("nb", hand_written(tmp_path)), settings, tmp_path / "scratch")
    feedback = render_feedback(record)
    assert "work.ipynb cell 2 line 1 (magic)" in feedback.split("```")[1]


def test_a_syntax_error_costs_only_what_the_cell_defines(tmp_path):
    cells = [*reference_cells("activations"), *reference_cells("metrics")]
    broken = next(i for i, c in enumerate(cells) if c.startswith("def precision("))
    cells[broken] = cells[broken].replace("def precision(y_true: ArrayLike, y_pred: ArrayLike)", "def precision(")
    result = grade(write(tmp_path / "work.ipynb", notebook(cells)), ["activations", "metrics"])
    by_part = {p.name: p for p in result.parts}
    assert by_part["activations"].points == by_part["activations"].max_points > 0
    assert not by_part["metrics"].ungradable  # the rest of the notebook is graded
    outcome = {c.name: c.passed for c in by_part["metrics"].checks}
    assert not outcome["test_metric_matches_reference[precision]"]
    assert outcome["test_metric_matches_reference[accuracy]"] and outcome["test_metric_matches_reference[recall]"]


def test_functions_go_to_their_parts_with_the_helpers_they_use(tmp_path):
    cells = ["import numpy as np",
             "def shared(x):\n    return np.asarray(x, dtype=float)",  # used by both parts: goes to both
             "def only_metrics(a):\n    return a",
             "def sigmoid(x):\n    return 1 / (1 + np.exp(-shared(x)))",
             "def accuracy(y_true, y_pred):\n    return float(only_metrics(np.mean(shared(y_true) == y_pred)))",
             "def softmax(x, axis=-1):\n    return sigmoid(x)",
             "def unused(x):\n    return x"]
    modules = notebook_split(write(tmp_path / "w.ipynb", notebook(cells)), exercise_module_files()).modules
    assert modules is not None and set(modules) == {"activations.py", "metrics.py"}  # no module for other parts
    assert "def shared" in modules["activations.py"] and "def shared" in modules["metrics.py"]
    assert "only_metrics" not in modules["activations.py"] and "def only_metrics" in modules["metrics.py"]
    assert "unused" not in modules["activations.py"] + modules["metrics.py"]
    assert modules["activations.py"].startswith("import numpy as np\n")


def test_a_part_uses_another_parts_function_through_that_parts_module(tmp_path):
    cells = ["import numpy as np", "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))",
             "def binary_crossentropy(y_true, y_pred, from_logits=False):\n    return sigmoid(y_pred)"]
    modules = notebook_split(write(tmp_path / "w.ipynb", notebook(cells)), exercise_module_files()).modules
    assert modules is not None
    assert "from .activations import sigmoid" in modules["losses.py"] and "def sigmoid" not in modules["losses.py"]


def test_one_notebook_holding_the_whole_course_gets_full_marks(tmp_path):
    from grader import parts as course

    cells = [absolute_course_imports((SOLUTIONS / f"{p.name}.py").read_text(encoding="utf-8"))
             for p in course.discover()]
    result = grade(write(tmp_path / "course.ipynb", notebook(cells)))
    assert result.points == result.max_points > 0


def test_a_folder_of_notebooks_grades_like_a_folder_of_modules(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    for index, part in ((1, "activations"), (3, "losses")):  # losses' notebook imports from activations
        nbformat.write(with_reference(generated(part), part), folder / f"{index:02d}_{part}.ipynb")
    code, out, _ = check("activations", "losses", "--submission", folder, "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["points"] == result["max_points"] > 0


def test_a_folder_with_modules_is_graded_by_its_modules_not_its_notebooks(tmp_path):
    copy_reference(tmp_path / "work")
    write(tmp_path / "work" / "scratch.ipynb", notebook(["def sigmoid(x):\n    return x"]))
    assert notebook_split(tmp_path / "work", exercise_module_files()) is None


def test_autograde_grades_a_student_who_hands_in_a_notebook(tmp_path):
    subs = tmp_path / "subs"
    copy_reference(subs / "alice")
    write(subs / "bob.ipynb", notebook(reference_cells("activations")))  # a notebook handed in alone
    with zipfile.ZipFile(subs / "carol.zip", "w") as bundle:  # a zip holding a folder with a notebook
        bundle.writestr("hw/work.ipynb", json.dumps(notebook(reference_cells("activations"))))
    (subs / "dave").mkdir()
    (subs / "dave" / "work.ipynb").write_text("{not json", encoding="utf-8")
    settings = ClassSettings(parts=("activations",), limits=LIMITS)
    records = {}
    for student in find_students(subs):
        scratch = tmp_path / f"scratch-{student.id}"
        scratch.mkdir()
        records[student.id] = grade_student(student, settings, scratch)
    assert set(records) == {"alice", "bob", "carol", "dave"}
    for graded in ("alice", "bob", "carol"):
        assert records[graded]["status"] == "graded", records[graded]["message"]
        assert records[graded]["points"] == records["alice"]["points"] > 0
    assert records["bob"]["code"]["submission"] == "bob.ipynb"
    assert records["dave"]["status"] == "invalid"
    assert records["dave"]["message"].startswith("SubmissionError: work.ipynb is not a Jupyter notebook")
    assert "Traceback" not in records["dave"]["message"]


def test_gradescope_grades_an_uploaded_notebook(tmp_path, monkeypatch):
    monkeypatch.setattr(gradescope_run, "grade", lambda code, **options: grade(code, ["activations"], **options))
    (tmp_path / "submission").mkdir()
    cells = [*reference_cells("activations"), "print('training...')"]
    write(tmp_path / "submission" / "homework.ipynb", notebook(cells))
    document = run_autograder(tmp_path, seed=1, seed_per="course")
    assert document["score"] > 0 and all(t["status"] == "passed" for t in document["tests"])
    assert json.loads((tmp_path / "results" / "results.json").read_text())["score"] == document["score"]


# -- what is refused, in one line ----------------------------------------------------------------------------------

BAD = {
    "not_json": (b"\x89PNG\r\n\x1a\n binary", "is not a Jupyter notebook: it is not JSON"),
    "json_not_notebook": (b'{"cells": []}', 'its JSON has no "nbformat" field'),
    "a_list": (b"[1, 2]", 'its JSON has no "nbformat" field'),
    "bad_cell": (json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": [{"source": 3}]}).encode(),
                 "its cell 1 has no cell_type"),
    "nbformat_3": (json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": []}]}).encode(),
                   "is a notebook of format 3; the grader reads format 4"),
    "nbformat_5": (json.dumps(notebook([], nbformat=5)).encode(), "is a notebook of format 5"),
    "deep": (b'{"nbformat": 4, "cells": ' + b"[" * 200_000 + b"]" * 200_000 + b"}", "nested too deeply"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_file_that_is_not_a_notebook_is_one_line_and_exit_2(tmp_path, case):
    data, says = BAD[case]
    path = tmp_path / "work.ipynb"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["check", "--submission", str(path)])
    assert_one_line_error(result, "work.ipynb", says)


def test_a_notebook_over_the_cap_is_refused_unread(tmp_path):
    path = tmp_path / "work.ipynb"
    with open(path, "wb") as out:
        out.truncate(MAX_NOTEBOOK_BYTES + 1)  # sparse: no disk used
    assert_one_line_error(CliRunner().invoke(main, ["check", "--submission", str(path)]), "larger than 20 MiB")


def test_a_submission_file_that_is_not_a_notebook_nor_a_folder_is_refused(tmp_path):
    (tmp_path / "work.py").write_text("x = 1\n")
    result = CliRunner().invoke(main, ["check", "--submission", str(tmp_path / "work.py")])
    assert_one_line_error(result, "neither a folder nor a Jupyter notebook")


def test_a_link_posing_as_a_notebook_is_not_followed(tmp_path):
    (tmp_path / "work.ipynb").symlink_to(SOLUTIONS / "activations.py")
    with pytest.raises(SubmissionError, match="not a regular file"):
        grade(tmp_path / "work.ipynb", ["activations"])


def test_megabytes_of_image_outputs_are_ignored(tmp_path):
    document = notebook(reference_cells("activations"))
    picture = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo" * 600_000}}
    for cell in document["cells"][1:]:
        cell["outputs"] = [picture] if cell is document["cells"][1] else []
    path = write(tmp_path / "work.ipynb", document)
    assert path.stat().st_size > 6_000_000
    result = grade(path, ["activations"])
    assert result.points == result.max_points > 0


def test_a_cell_too_deep_for_the_parser_is_a_skipped_cell_not_a_crash():
    kept, skipped = statements(["x = " + "(" * 5000 + ")" * 5000, "import numpy as np"])
    assert [s.source for s in kept] == ["import numpy as np"]
    assert skipped and skipped[0].cell == 0 and skipped[0].what.startswith("syntax error")


def test_the_refusal_speaks_the_students_language(tmp_path):
    path = write(tmp_path / "work.ipynb", {"nbformat": 3, "worksheets": []})
    result = CliRunner().invoke(main, ["check", "--submission", str(path), "--lang", "ko"])
    assert_one_line_error(result, "work.ipynb은(는) 형식 3의 노트북입니다")


def test_a_reference_module_read_once_is_read_again_when_its_text_changes():
    from grader.submission import module_contract

    module_contract.cache_clear()
    first = module_contract("helpers.py", "LIMIT = 3\n\n\ndef clip(x):\n    return x\n")
    assert module_contract("helpers.py", "LIMIT = 3\n\n\ndef clip(x):\n    return x\n") is first  # read once
    assert module_contract.cache_info().hits == 1
    assert first == (frozenset({"LIMIT", "clip"}), frozenset())
    assert module_contract("helpers.py", "def clip(x):\n    return x\n\n\ndef scale(x):\n    return x\n")[0] == {
        "clip", "scale"}
