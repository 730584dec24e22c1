"""What one bug costs: the checks of the property it breaks, in the part where it lives.

A part that calls other parts is graded with the reference's callees (the fixture ``alone``), except its integration
check, which runs the student's own pieces together and, when a callee fails its own checks, says so first.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from grader import parts as course
from grader.audit import reference_copy, write_variant
from grader.callees import callees, imported_parts
from grader.grading import exercise_module_files, grade, reference_dir
from grader.mistakes import all_mistakes
from grader.submission import stage_alone

from submissions import make_submission

# the parts whose checks all measure the part alone but for their integration checks; network and losses still run
# the student's activations and layers in every check (see the README, "What one bug costs")
ISOLATED = {"training"}
APPLY_RETURNS_A_COPY = ("        for key, grad in grads.items():\n            if self.momentum == 0:",
                        "        params = dict(params)\n        for key, grad in grads.items():\n"
                        "            if self.momentum == 0:")


def lost_outside(mistake_id: str, part: str, downstream: list[str]) -> dict[str, list]:
    """Grade the reference with one catalogued mistake on ``downstream``: part -> its failed checks."""
    with tempfile.TemporaryDirectory(prefix="nn-grader-cost-") as tmp:
        folder = reference_copy(Path(tmp) / "submission")
        write_variant(folder, next(m for m in all_mistakes() if m.id == mistake_id))
        result = grade(folder, downstream)
    return {p.name: [c for c in p.checks if not c.passed] for p in result.parts}


@pytest.mark.slow
def test_a_catalogued_mistake_costs_other_parts_at_most_their_integration_checks():
    parts = course.discover()
    calls = callees(parts, reference_dir())
    integration = {"training": {"test_capstone_learns_xor"}}
    worst: dict[str, float] = {}
    for m in all_mistakes():
        downstream = sorted(p for p in ISOLATED if m.part in calls[p])
        if not downstream:
            continue
        for part, failed in lost_outside(m.id, m.part, downstream).items():
            outside = {c.name for c in failed} - integration[part]
            assert outside == set(), f"{m.id} in {m.part} costs {part} checks it does not break: {outside}"
            worst[part] = max(worst.get(part, 0.0), sum(c.max_points for c in failed))
    assert worst["training"] > 0  # the integration check does notice: a mistake in network fails it
    assert worst["training"] <= 2  # test_capstone_learns_xor's points


def test_a_bug_in_sgd_apply_costs_fit_only_its_integration_check_which_names_optimizers_first(tmp_path):
    folder = make_submission(tmp_path, "optimizers", *APPLY_RETURNS_A_COPY)
    result = grade(folder, ["optimizers", "training"])
    training = next(p for p in result.parts if p.name == "training")
    failed = [c for c in training.checks if not c.passed]
    assert [c.name for c in failed] == ["test_capstone_learns_xor"]
    assert failed[0].message.startswith("note: here training.py calls your optimizers.py (failed checks: ")
    assert "fix the failed checks there first" in failed[0].message.splitlines()[0]


def test_a_failure_of_fit_alone_gets_no_note(tmp_path):
    folder = make_submission(tmp_path, "training", "order = rng.permutation(n)", "order = np.arange(n)")
    result = grade(folder, ["optimizers", "training"])
    shuffling = next(c for c in result.checks if c.name == "test_seed_drives_the_shuffling")
    assert not shuffling.passed and not shuffling.message.startswith("note:")


def test_a_network_failure_names_the_failing_activations_first(tmp_path):
    folder = make_submission(tmp_path, "activations", "    return (x > 0).astype(x.dtype)",
                             "    return relu(x)")
    result = grade(folder, ["activations", "network"])
    network = [c for c in result.checks if c.part == "network" and not c.passed]
    assert network and all(c.message.startswith("note: here network.py calls your activations.py (failed checks: ")
                           for c in network)


def test_callees_follow_the_suites_uses_and_the_students_imports_through_other_parts():
    calls = callees(course.discover(), reference_dir())
    assert calls["network"] == {"activations", "layers"}  # imported by network.py
    assert calls["losses"] == {"activations"}
    assert calls["training"] == {"network", "losses", "optimizers", "activations", "layers"}  # USES, then theirs
    assert calls["activations"] == set()


def test_imported_parts_reads_every_form_of_import_and_ignores_what_does_not_parse(tmp_path):
    module = tmp_path / "network.py"
    module.write_text("from . import activations\nfrom .layers import dense_forward\nimport submission.losses\n"
                      "def f():\n    from .network import g\n    import numpy\n")
    assert imported_parts(module, ["activations", "layers", "losses", "network", "metrics"]) == {
        "activations", "layers", "losses"}
    module.write_text("def (:\n")
    assert imported_parts(module, ["activations"]) == set()


def test_the_reference_is_staged_beside_the_students_module_without_its_source(tmp_path):
    staged = stage_alone(reference_copy(tmp_path / "student"), "training.py", reference_dir(),
                         exercise_module_files(), tmp_path / "alone")
    files = sorted(p.name for p in staged.package_dir.iterdir())
    assert "training.py" in files and "network.pyc" in files and "network.py" not in files
    assert not [name for name in files if name.endswith(".py") and name not in ("training.py", "__init__.py")]
