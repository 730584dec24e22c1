"""What one bug costs: the checks of the property it breaks, in the part where it lives.

A part that calls other parts (network, losses, training) is graded with the reference's callees wherever a bug
elsewhere would cost it (the fixture ``alone``: a check that fails on the whole submission runs again with them),
except its one integration check (its suite's ``INTEGRATION = (...)``), which runs the student's own pieces together
and, when a callee fails its own checks, says so first.
"""

from __future__ import annotations

import ast
import shutil
import tempfile
from pathlib import Path

import pytest

from grader import callees as callees_module
from grader import parts as course
from grader.audit import reference_copy, write_variant
from grader.callees import callees, declared_integration, imported_parts
from grader.grading import exercise_module_files, grade, reference_dir
from grader.mistakes import all_mistakes
from grader.runner import list_checks
from grader.submission import stage, stage_alone

from submissions import make_submission

APPLY_RETURNS_A_COPY = ("        for key, grad in grads.items():\n            if self.momentum == 0:",
                        "        params = dict(params)\n        for key, grad in grads.items():\n"
                        "            if self.momentum == 0:")


def calling_parts() -> dict[str, set[str]]:
    """Part -> the parts it calls, for every part that calls some."""
    return {part: calls for part, calls in callees(course.discover(), reference_dir()).items() if calls}


def integration_checks() -> dict[str, set[str]]:
    """Part -> the checks its suite declares in ``INTEGRATION = (...)``, for every part that calls others."""
    suites = {p.name: p.path for p in course.discover()}
    return {part: declared_integration(suites[part]) for part in calling_parts()}


def integration_points() -> dict[str, float]:
    """Part -> what its integration checks are worth together (every parametrization of a parametrized one)."""
    integration = integration_checks()
    points = dict.fromkeys(integration, 0.0)
    for check in list_checks(course.select(sorted(integration))):
        if check.name.split("[")[0] in integration[check.part]:
            points[check.part] += check.points
    return points


def check_fixtures(suite: Path) -> dict[str, set[str]]:
    """Check -> the fixtures it asks for (its parameters), read from the suite's source."""
    tree = ast.parse(suite.read_text(encoding="utf-8"))
    return {node.name: {a.arg for a in node.args.args} for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def with_mistake(folder: Path, mistake_id: str) -> Path:
    """A copy of the reference in ``folder`` with one catalogued mistake."""
    write_variant(reference_copy(folder), next(m for m in all_mistakes() if m.id == mistake_id))
    return folder


def lost_outside(mistake_id: str, downstream: list[str]) -> dict[str, list]:
    """Grade the reference with one catalogued mistake on ``downstream``: part -> its failed checks."""
    with tempfile.TemporaryDirectory(prefix="nn-grader-cost-") as tmp:
        result = grade(with_mistake(Path(tmp) / "submission", mistake_id), downstream)
    return {p.name: [c for c in p.checks if not c.passed] for p in result.parts}


def test_every_part_that_calls_others_has_one_integration_check_and_grades_the_rest_alone():
    suites = {p.name: p.path for p in course.discover()}
    integration = integration_checks()
    assert set(integration) == {"network", "losses", "training"}
    for part, declared in integration.items():
        fixtures = check_fixtures(suites[part])
        assert len(declared) == 1 and declared <= set(fixtures), f"{part}: INTEGRATION must name one of its checks"
        for check, asked in fixtures.items():
            expected = "student" if check in declared else "alone"
            assert expected in asked and ({"student", "alone"} - {expected}).isdisjoint(asked), (
                f"{part}::{check} must take the fixture {expected!r}")


@pytest.mark.slow
def test_a_catalogued_mistake_costs_other_parts_at_most_their_integration_checks():
    calls, integration, allowed = calling_parts(), integration_checks(), integration_points()
    worst: dict[str, float] = {}
    for m in all_mistakes():
        downstream = sorted(p for p, called in calls.items() if m.part in called)
        if not downstream:
            continue
        for part, failed in lost_outside(m.id, downstream).items():
            outside = {c.name.split("[")[0] for c in failed} - integration[part]
            assert outside == set(), f"{m.id} in {m.part} costs {part} checks it does not break: {outside}"
            worst[part] = max(worst.get(part, 0.0), sum(c.max_points for c in failed))
    for part, points in allowed.items():
        assert 0 < worst[part] <= points, (part, worst[part], points)  # the integration check does notice


def test_a_bug_in_sgd_apply_costs_fit_only_its_integration_check_which_names_optimizers_first(tmp_path):
    folder = make_submission(tmp_path, "optimizers", *APPLY_RETURNS_A_COPY)
    result = grade(folder, ["optimizers", "training"])
    training = next(p for p in result.parts if p.name == "training")
    failed = [c for c in training.checks if not c.passed]
    assert [c.name for c in failed] == ["test_capstone_learns_xor"]
    assert failed[0].message.startswith("note: here training.py calls your optimizers.py (failed checks: ")
    assert "fix the failed checks there first" in failed[0].message.splitlines()[0]
    assert failed[0].callees_failing == ["optimizers"]  # for the class report, which does not queue such a failure


def test_a_failure_of_fit_alone_gets_no_note(tmp_path):
    folder = make_submission(tmp_path, "training", "order = rng.permutation(n)", "order = np.arange(n)")
    result = grade(folder, ["optimizers", "training"])
    shuffling = next(c for c in result.checks if c.name == "test_seed_drives_the_shuffling")
    assert not shuffling.passed and not shuffling.message.startswith("note:") and shuffling.callees_failing == []


def test_a_bug_in_relu_grad_costs_network_only_its_integration_check_which_names_activations_first(tmp_path):
    folder = make_submission(tmp_path, "activations", "    return (x > 0).astype(x.dtype)",
                             "    return relu(x)")
    result = grade(folder, ["activations", "network"])
    network = [c for c in result.checks if c.part == "network" and not c.passed]
    assert [c.name for c in network] == ["test_a_second_batch_of_another_size"]
    assert network[0].message.startswith("note: here network.py calls your activations.py (failed checks: ")


def test_softmax_over_the_whole_array_costs_losses_only_its_integration_check(tmp_path):
    result = grade(with_mistake(tmp_path / "submission", "softmax-whole-array"), ["activations", "losses"])
    losses = [c for c in result.checks if c.part == "losses" and not c.passed]
    assert [c.name for c in losses] == ["test_from_logits_is_stable_for_large_logits"]
    assert losses[0].message.startswith("note: here losses.py calls your activations.py (failed checks: ")


def test_callees_follow_the_suites_uses_and_the_students_imports_through_other_parts():
    calls = callees(course.discover(), reference_dir())
    assert calls["network"] == {"activations", "layers"}  # imported by network.py
    assert calls["losses"] == {"activations"}
    assert calls["training"] == {"network", "losses", "optimizers", "activations", "layers"}  # USES, then theirs
    assert calls["activations"] == set()


def test_callees_of_some_parts_read_only_the_modules_those_parts_may_call(monkeypatch):
    read = []
    monkeypatch.setattr(callees_module, "imported_parts",
                        lambda module, parts: read.append(module.stem) or imported_parts(module, parts))
    assert callees(course.discover(), reference_dir(), of={"network"}) == {"network": {"activations", "layers"}}
    assert sorted(read) == ["activations", "layers", "network"]  # not losses.py, metrics.py, optimizers.py
    read.clear()
    assert callees(course.discover(), reference_dir(), of=set()) == {} and read == []


def test_a_stub_submission_has_no_module_parsed_for_callee_notes(tmp_path, monkeypatch):
    """A stub's failures are not led by a note (its message names the unfinished function): no module is read."""
    read = []
    monkeypatch.setattr(callees_module, "imported_parts", lambda module, parts: read.append(module.stem) or set())
    stubs = tmp_path / "stubs"
    shutil.copytree(Path(__file__).parents[2] / "exercises", stubs, ignore=shutil.ignore_patterns("__pycache__"))
    result = grade(stubs, ["activations", "network"])
    assert not any(c.passed for c in result.checks) and read == []


def test_imported_parts_reads_every_form_of_import_and_ignores_what_does_not_parse(tmp_path):
    module = tmp_path / "network.py"
    module.write_text("from . import activations\nfrom .layers import dense_forward\nimport submission.losses\n"
                      "def f():\n    from .network import g\n    import numpy\n")
    assert imported_parts(module, ["activations", "layers", "losses", "network", "metrics"]) == {
        "activations", "layers", "losses"}
    module.write_text("def (:\n")
    assert imported_parts(module, ["activations"]) == set()


def test_the_reference_is_staged_beside_the_students_module_without_its_source(tmp_path):
    student = stage(reference_copy(tmp_path / "student"), exercise_module_files(), tmp_path / "stage")
    staged = stage_alone(student, "training.py", reference_dir(), exercise_module_files(), tmp_path / "alone")
    files = sorted(p.name for p in staged.package_dir.iterdir())
    assert "training.py" in files and "network.pyc" in files and "network.py" not in files
    assert not [name for name in files if name.endswith(".py") and name not in ("training.py", "__init__.py")]


def test_a_part_whose_module_was_refused_is_staged_alone_without_it_and_without_its_reference(tmp_path):
    student = reference_copy(tmp_path / "student")
    (student / "training.py").unlink()
    staged = stage(student, exercise_module_files(), tmp_path / "stage")
    alone = stage_alone(staged, "training.py", reference_dir(), exercise_module_files(), tmp_path / "alone")
    files = sorted(p.name for p in alone.package_dir.iterdir())
    assert "network.pyc" in files and not [name for name in files if name.startswith("training.")]


def test_the_reference_is_compiled_once_per_process_and_afresh_when_it_changes(tmp_path, monkeypatch):
    import py_compile

    from grader.submission import reference_bytecode

    compiled: list[str] = []
    real_compile = py_compile.compile
    monkeypatch.setattr(py_compile, "compile", lambda file, *a, **k: compiled.append(Path(file).name)
                        or real_compile(file, *a, **k))
    reference_bytecode.cache_clear()
    student = stage(reference_copy(tmp_path / "student"), exercise_module_files(), tmp_path / "stage")
    first = stage_alone(student, "training.py", reference_dir(), exercise_module_files(), tmp_path / "one")
    staged_once = len(compiled)
    second = stage_alone(student, "training.py", reference_dir(), exercise_module_files(), tmp_path / "two")
    assert staged_once and len(compiled) == staged_once  # the second student's copy compiled nothing
    direct = tmp_path / "network.pyc"
    real_compile(str(reference_dir() / "network.py"), cfile=str(direct), dfile="<reference>/network.py",
                 doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    for staged in (first, second):
        assert (staged.package_dir / "network.pyc").read_bytes() == direct.read_bytes()

    edited = tmp_path / "edited-reference"
    edited.mkdir()
    for module in reference_dir().glob("*.py"):
        (edited / module.name).write_bytes(module.read_bytes())
    (edited / "network.py").write_text((edited / "network.py").read_text() + "\nEDITED_MARKER = 12345\n")
    third = stage_alone(student, "training.py", edited, exercise_module_files(), tmp_path / "three")
    assert compiled[staged_once:] == ["network.py"]
    assert b"EDITED_MARKER" in (third.package_dir / "network.pyc").read_bytes()
