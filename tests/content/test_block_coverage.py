"""Every graded block is needed: with it alone left as the student's stub, some hidden check fails and names it.

A block (``# BEGIN SOLUTION`` ... ``# END SOLUTION`` in solutions/) that no check needs gives an untouched stub full
marks. Each block is graded as its own submission, a copy of the reference with only that block stubbed (the audit's
machinery: grader.audit.audit(mistakes=False)), once for the whole module and in parallel.
"""

from __future__ import annotations

import textwrap

import pytest

from grader import audit as auditing
from grader.audit import AuditReport, BlockCoverage, graded_blocks, names_function
from grader.stubgen import BEGIN_MARKER, make_stub, solution_blocks, stub_block
from tests.conftest import SOLUTIONS

BLOCKS = graded_blocks()


@pytest.fixture(scope="module")
def coverage() -> dict[str, BlockCoverage]:
    report: AuditReport = auditing.audit(mistakes=False)
    assert report.reference_failures == {}, "the reference fails checks: a stub could not be told from it"
    return {b.id: b for b in report.blocks}


def test_every_marked_block_of_the_solutions_is_listed():
    markers = sum(line.strip() == BEGIN_MARKER for path in SOLUTIONS.glob("*.py")
                  for line in path.read_text(encoding="utf-8").splitlines())
    assert len(BLOCKS) == markers > 0
    assert len({b.id for b in BLOCKS}) == len(BLOCKS)
    assert "metrics.specificity" in {b.id for b in BLOCKS}


@pytest.mark.slow
@pytest.mark.parametrize("block_id", [b.id for b in BLOCKS])
def test_a_check_fails_without_the_block_and_names_its_function(coverage, block_id):
    found = coverage[block_id]
    assert found.failed, (f"no hidden check fails when {block_id} is left as the student's stub: an untouched stub "
                          f"gets full marks (errors: {found.errors})")
    assert found.named, f"{found.failed} fail without {block_id}, but none names {found.function}"
    assert found.errors == [], f"checks broke with {block_id} stubbed: {found.errors}"


# -- the pieces it rests on -----------------------------------------------------------------------------------------

TOY = textwrap.dedent(
    '''
    def first(x):
        # BEGIN SOLUTION
        return x + 1
        # END SOLUTION


    class Model:
        def run(self, x):
            y = x * 2
            # BEGIN SOLUTION
            y = y + 1
            # END SOLUTION
            # BEGIN SOLUTION
            return y
            # END SOLUTION
    '''
).lstrip("\n")


def test_stub_block_replaces_that_block_only_as_make_stub_would():
    stub = stub_block(TOY, 1, "toy.py")
    assert "return x + 1" in stub and "return y" in stub  # the other blocks are kept
    assert "y = y + 1" not in stub
    assert '        raise NotImplementedError("toy.Model.run is not implemented yet: see its docstring")\n' in stub
    assert stub.count(BEGIN_MARKER) == 2
    single = "def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n"
    assert stub_block(single, 0, "one.py") == make_stub(single, "one.py")


def test_stub_block_refuses_an_index_with_no_block():
    assert len(solution_blocks(TOY, "toy.py")) == 3
    with pytest.raises(IndexError, match="toy.py has 3 solution blocks"):
        stub_block(TOY, 3, "toy.py")


def test_a_function_with_several_blocks_gets_one_id_per_block(tmp_path, monkeypatch):
    (tmp_path / "toy.py").write_text(TOY, encoding="utf-8")
    monkeypatch.setattr(auditing, "reference_folder", lambda: tmp_path)
    assert [(b.id, b.function, b.part, b.index) for b in graded_blocks()] == [
        ("toy.first", "toy.first", "toy", 0),
        ("toy.Model.run", "toy.Model.run", "toy", 1),
        ("toy.Model.run#2", "toy.Model.run", "toy", 2),
    ]
    assert graded_blocks(["other"]) == []


@pytest.mark.parametrize(("function", "check", "message", "named"), [
    ("metrics.specificity", "test_metric_matches_reference[specificity]", "", True),
    ("metrics.accuracy", "test_zero_denominator_gives_zero", "metrics.accuracy is not implemented yet", True),
    ("network.MLP.forward", "test_shapes", "network.MLP.forward is not implemented yet", True),
    ("activations.step", "test_sgd_step", "optimizers.sgd_step is not implemented yet", False),
    ("activations.linear_grad", "test_linear", "activations.linear is not implemented yet", False),
    ("network.MLP.forward", "test_forward_pass", "forward went wrong", False),  # "forward" alone is any forward
])
def test_a_check_names_a_function_by_its_whole_name(function, check, message, named):
    assert names_function(function, check, message) is named
