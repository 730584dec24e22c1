"""`nn-grader audit` reports, beside the mutation score, whether each graded block is covered: a check that names its
function fails when the block alone is left as the student's stub. An uncovered block makes it exit 1."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from grader import audit as auditing
from grader.audit import AuditReport, BlockCoverage, MistakeAudit, render_text
from grader.audit_cli import audit_command
from tests.conftest import SOLUTIONS

CAUGHT = MistakeAudit("a-b", "metrics.recall", "metrics", ["check"], ["check"])


def block(block_id: str, failed: list[str], named: list[str]) -> BlockCoverage:
    return BlockCoverage(block_id, block_id, block_id.partition(".")[0], 0, failed, named)


COVERED = block("activations.sigmoid", ["c1", "c2", "c3"], ["c1", "c2"])
NO_CHECK = block("metrics.specificity", [], [])
UNNAMED = block("metrics.recall", ["c4", "c5"], [])


def run_audit(monkeypatch, report: AuditReport, *args: str):
    monkeypatch.setattr(auditing, "audit", lambda parts, seed, jobs, on_progress=None: report)
    return CliRunner().invoke(audit_command, list(args))


def test_each_block_gets_a_line_saying_how_it_is_covered():
    text = render_text(AuditReport([CAUGHT], blocks=[COVERED, NO_CHECK, UNNAMED]))
    lines = text.splitlines()
    assert any(line.split() == ["activations.sigmoid", "covered", "by", "3", "checks"] for line in lines), text
    assert any(line.split() == ["metrics.specificity", "NO", "CHECK", "FAILS", "WITHOUT", "IT"] for line in lines), text
    assert "metrics.recall" in text and "NOT NAMED: 2 checks fail without it, none names metrics.recall" in text
    assert "Blocks covered:  1/3" in text
    assert "Mistakes caught: 1/1" in text  # beside the mutation score, not instead of it


def test_json_lists_each_block_with_its_checks_and_whether_it_is_covered(monkeypatch):
    result = run_audit(monkeypatch, AuditReport([CAUGHT], blocks=[COVERED, NO_CHECK]), "--format", "json")
    data = json.loads(result.output)
    assert (data["blocks_total"], data["blocks_covered"]) == (2, 1)
    assert {b["id"]: (b["covered"], b["failed"]) for b in data["blocks"]} == {
        "activations.sigmoid": (True, ["c1", "c2", "c3"]), "metrics.specificity": (False, [])}
    assert result.exit_code == 1


@pytest.mark.parametrize(("blocks", "code"), [([COVERED], 0), ([COVERED, NO_CHECK], 1), ([UNNAMED], 1)])
def test_the_command_exits_1_while_a_block_is_not_covered(monkeypatch, blocks, code):
    assert run_audit(monkeypatch, AuditReport([CAUGHT], blocks=blocks)).exit_code == code


@pytest.mark.slow
def test_a_block_no_check_needs_is_found_on_a_real_part(tmp_path, monkeypatch):
    """The metrics reference with one more graded function, which no check calls: its block is reported uncovered
    and the command exits 1, while the real blocks are covered. (One process, so the patched reference is seen.)"""
    reference = tmp_path / "reference"
    shutil.copytree(SOLUTIONS, reference, ignore=shutil.ignore_patterns("__pycache__"))
    with open(reference / "metrics.py", "a", encoding="utf-8") as module:
        module.write("\n\ndef unchecked_helper(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION\n")
    monkeypatch.setattr(auditing, "reference_folder", lambda: reference)
    result = CliRunner().invoke(audit_command, ["metrics", "-j", "1", "-q", "--format", "json"])
    blocks = {b["id"]: b for b in json.loads(result.output)["blocks"]}
    assert blocks["metrics.unchecked_helper"]["covered"] is False
    assert blocks["metrics.unchecked_helper"]["failed"] == []
    assert blocks["metrics.accuracy"]["covered"] is True
    assert all(b["part"] == "metrics" for b in blocks.values())
    assert result.exit_code == 1
    text = CliRunner().invoke(audit_command, ["metrics", "-j", "1", "-q"]).output
    assert any(line.split() == ["metrics.unchecked_helper", "NO", "CHECK", "FAILS", "WITHOUT", "IT"]
               for line in text.splitlines()), text
