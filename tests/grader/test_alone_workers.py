"""The fixture ``alone``: each part a grade measures alone is a package of its own in the submission's worker, and
only a student's module that imports the course by absolute name gets a worker of its own, started in the
background once the checks are collected. Every worker ends with the grading."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

import grader.grading as grading
from grader.audit import reference_copy
from grader.callees import imports_course_by_name
from grader.grading import grade
from grader.sandbox.client import Submission, Worker, close_all
from grader.sandbox.faults import StudentException
from grader.sandbox.isolation import SandboxError
from grader.sandbox.protocol import alone_package
from grader.submission import stage, stage_alone

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
RELATIVE = "from . import activations\n"
BY_NAME = "from submission import activations\n"  # the same module, by the submission's absolute name
BROKEN_RELU = "\n\ndef relu(x):\n    return np.abs(np.asarray(x, dtype=float))\n"


def recording_workers(monkeypatch, fail_alone: bool = False) -> list[tuple[str, str, Worker | None]]:
    """Every worker the grading starts: (its staged folder's name, the thread that started it, the worker)."""
    started: list[tuple[str, str, Worker | None]] = []
    real_worker = grading.Worker

    def worker(root, limits=None, **options):
        if fail_alone and Path(root).name.startswith("alone-"):
            started.append((Path(root).name, threading.current_thread().name, None))
            raise SandboxError("the worker could not start: refused by the test")
        made = real_worker(root, limits, **options)
        started.append((Path(root).name, threading.current_thread().name, made))
        return made

    monkeypatch.setattr(grading, "Worker", worker)
    return started


def staged_packages(monkeypatch) -> list[str]:
    """The name of every package staged into a worker, in order."""
    added: list[str] = []
    real_add = Worker.add_package
    monkeypatch.setattr(Worker, "add_package", lambda self, package: added.append(package.name)
                        or real_add(self, package))
    return added


def network_by_name(folder: Path) -> Path:
    """A copy of the reference whose network.py imports activations by the submission's absolute name."""
    copy = reference_copy(folder)
    network = copy / "network.py"
    assert RELATIVE in network.read_text()
    network.write_text(network.read_text().replace(RELATIVE, BY_NAME))
    return copy


def test_the_parts_alone_are_packages_in_the_one_worker_and_the_grade_is_unchanged(monkeypatch):
    started, added = recording_workers(monkeypatch), staged_packages(monkeypatch)
    result = grade(SOLUTIONS, ["activations", "losses", "network", "training"])
    assert len(started) == 1  # the submission's worker, and no other
    assert added == ["submission", *map(alone_package, ["losses", "network", "training"])]
    assert all(not w.alive for _, _, w in started if w is not None)  # the worker ended with the grading
    assert all(not w.scratch.exists() for _, _, w in started if w is not None)  # and left no folder behind
    assert result.parts and all(c.outcome == "passed" for c in result.checks)


def test_a_part_not_graded_stages_nothing_alone(monkeypatch):
    started, added = recording_workers(monkeypatch), staged_packages(monkeypatch)
    grade(SOLUTIONS, ["activations"])
    assert added == ["submission"] and len(started) == 1


def test_a_module_importing_the_course_by_name_gets_a_worker_of_its_own_off_the_grading_thread(monkeypatch, tmp_path):
    started, added = recording_workers(monkeypatch), staged_packages(monkeypatch)
    result = grade(network_by_name(tmp_path / "student"), ["activations", "layers", "network"])
    own = {name: thread for name, thread, _ in started if name.startswith("alone-")}
    assert list(own) == ["alone-network"] and own["alone-network"] != threading.current_thread().name
    assert alone_package("network") not in added
    assert result.parts and all(c.outcome == "passed" for c in result.checks)
    assert all(not w.alive and not w.scratch.exists() for _, _, w in started if w is not None)


def test_a_worker_of_its_own_keeps_its_part_alone_from_the_students_other_modules(tmp_path):
    """Why the fallback exists: with ``from submission import activations``, network.py in a package beside the
    submission would reach the student's broken relu; in a worker of its own it reaches the reference's."""
    student = network_by_name(tmp_path / "student")
    with open(student / "activations.py", "a", encoding="utf-8") as module:
        module.write(BROKEN_RELU)
    result = grade(student, ["activations", "layers", "network"])
    network = [c for c in result.checks if c.part == "network"]
    failed = [c.name for c in network if not c.passed]
    assert any(not c.passed for c in result.checks if c.part == "activations")
    assert len(network) > 5 and failed == ["test_a_second_batch_of_another_size"]  # its integration check only


def test_a_worker_of_its_own_that_cannot_start_costs_its_checks_and_nothing_else(monkeypatch, tmp_path):
    started = recording_workers(monkeypatch, fail_alone=True)
    result = grade(network_by_name(tmp_path / "student"), ["activations", "layers", "network"])
    network = [c for c in result.checks if c.part == "network"]
    assert all(c.outcome == "passed" for c in result.checks if c.part != "network")
    failed = [c for c in network if c.outcome != "passed"]
    assert len(failed) > 1 and all(c.outcome == "error" and "refused by the test" in c.message for c in failed)
    assert [name for name, _, _ in started if name.startswith("alone-")] == ["alone-network"]  # tried once


@pytest.mark.parametrize(("source", "by_name"), [
    (RELATIVE, False), ("from .layers import dense_forward\n", False), ("import numpy as np\n", False),
    (BY_NAME, True), ("import activations\n", True), ("import submission.layers\n", True),
    ("def f():\n    from layers import dense_forward\n", True), ("def (:\n", False),
])
def test_imports_by_name_are_told_from_relative_ones(tmp_path, source, by_name):
    module = tmp_path / "network.py"
    module.write_text(source)
    assert imports_course_by_name(module, ["activations", "layers", "network"]) is by_name


def test_a_package_beside_the_submission_answers_with_its_own_modules_and_the_students_file_names(tmp_path):
    student = reference_copy(tmp_path / "student")
    with open(student / "network.py", "a", encoding="utf-8") as module:
        module.write("\n\ndef broken():\n    raise ValueError('from the view')\n")
    with open(student / "activations.py", "a", encoding="utf-8") as module:
        module.write(BROKEN_RELU)
    staged = stage(student, grading.exercise_module_files(), tmp_path / "stage")
    view = stage_alone(staged, "network.py", grading.reference_dir(), grading.exercise_module_files(),
                       tmp_path / "views")
    worker = Worker(tmp_path / "stage")
    try:
        worker.add_package(view.package_dir)
        whole, alone = Submission(worker), Submission(worker, view.package)
        x = np.array([-1.0, 2.0])
        assert list(whole.call("activations.relu", x)) == [1.0, 2.0]  # the student's
        assert list(alone.call("activations.relu", x)) == [0.0, 2.0]  # the reference's, in the same worker
        with pytest.raises(StudentException) as raised:
            alone.call("network.broken")
        assert raised.value.frames[-1].file == "network.py" and "from the view" in raised.value.message
        with pytest.raises(StudentException, match="unknown package"):
            Submission(worker, "os").call("path.join", "a", "b")  # never imported
    finally:
        close_all([worker])


def test_only_the_packages_a_worker_may_import_can_be_staged_into_it(tmp_path):
    stage(SOLUTIONS, grading.exercise_module_files(), tmp_path / "stage")
    (tmp_path / "numpy").mkdir()
    worker = Worker(tmp_path / "stage")
    try:
        with pytest.raises(ValueError, match="not a package a worker may import"):
            worker.add_package(tmp_path / "numpy")
    finally:
        close_all([worker])


def test_workers_told_to_end_together_all_end_and_leave_nothing(tmp_path):
    stage(SOLUTIONS, grading.exercise_module_files(), tmp_path)
    workers = [Worker(tmp_path) for _ in range(3)]
    assert all(w.alive for w in workers)
    close_all(workers)
    assert not any(w.alive or w.scratch.exists() for w in workers)
