"""The generated notebooks, run headless in a real kernel (nbclient + ipykernel) as a student runs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from nbclient import NotebookClient

from grader import parts as course
from grader.i18n import catalogue
from grader.runner import list_checks
from tests.notebook.cells import SIGMOID_BUG, generated, with_reference

pytestmark = pytest.mark.slow  # a kernel starts for each notebook: a few seconds each


def run(notebook: Any, folder: Path) -> dict[str, str]:
    """Run every cell in a fresh kernel in ``folder``; the check cell's output, by MIME type."""
    client = NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    client.execute()
    outputs = notebook.cells[-1].outputs
    assert [o.output_type for o in outputs] == ["execute_result"], outputs
    return outputs[0].data


def test_with_the_reference_pasted_in_the_check_cell_shows_full_marks(tmp_path):
    shown = run(with_reference(generated("activations"), "activations"), tmp_path)
    assert "Total: 22/22 points" in shown["text/plain"]
    assert shown["text/html"].startswith('<iframe srcdoc="')


def test_untouched_every_part_says_not_started(tmp_path):
    shown = run(generated("activations"), tmp_path)
    count = len(list_checks(course.select(["activations"])))
    assert f"not started: all {count} checks say \"not implemented\"" in shown["text/plain"]
    assert "Total: 0/22 points" in shown["text/plain"]


def test_with_one_bug_the_korean_check_cell_names_the_mistake(tmp_path):
    shown = run(with_reference(generated("activations", "ko"), "activations", bug=SIGMOID_BUG), tmp_path)
    assert catalogue("ko")["mistake.sigmoid-grad-of-x.name"] in shown["text/plain"]
