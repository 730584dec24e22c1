"""The fixture ``alone``: a check of a part that calls others runs on the whole submission first, and only if it
fails there again with the part's module among the reference's others, in a worker of its own started in the
background. Every worker ends with the grading."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import grader.grading as grading
from grader.grading import grade
from grader.sandbox.client import Worker, close_all
from grader.sandbox.isolation import SandboxError
from grader.stubgen import write_exercises
from grader.submission import stage

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
PARTS = ["activations", "losses", "network", "training"]
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


def broken_relu(folder: Path) -> Path:
    """The reference with a relu that returns |x|: the network and training call it, the losses do not."""
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    with open(folder / "activations.py", "a", encoding="utf-8") as module:
        module.write(BROKEN_RELU)
    return folder


def test_a_correct_submission_needs_no_worker_but_its_own(monkeypatch):
    started = recording_workers(monkeypatch)
    result = grade(SOLUTIONS, PARTS)
    assert len(started) == 1 and not started[0][0].startswith("alone-")
    assert result.parts and all(c.outcome == "passed" for c in result.checks)


def test_the_checks_a_broken_callee_failed_run_again_alone_off_the_grading_thread(monkeypatch, tmp_path):
    started = recording_workers(monkeypatch)
    result = grade(broken_relu(tmp_path / "student"), PARTS)
    alone = {name: thread for name, thread, _ in started if name.startswith("alone-")}
    assert sorted(alone) == ["alone-network", "alone-training"]  # the losses passed with the broken relu
    assert threading.current_thread().name not in alone.values()
    failed = {c.part: [] for c in result.checks}
    for check in result.checks:
        if not check.passed:
            failed[check.part].append(check.name)
    assert failed["activations"] and not failed["losses"] and not failed["training"]
    assert failed["network"] == ["test_a_second_batch_of_another_size"]  # its integration check alone
    assert all(not w.alive for _, _, w in started if w is not None)  # every worker ended with the grading
    assert all(not w.scratch.exists() for _, _, w in started if w is not None)  # and left no folder behind


def test_a_part_that_passes_with_the_students_own_callees_is_not_judged_again(monkeypatch, tmp_path):
    """The checks' promise is that another part's bug never costs a part anything, not that a part must work with
    the reference's callees: a network that calls a helper of the student's own activations.py keeps its points."""
    started = recording_workers(monkeypatch)
    student = tmp_path / "student"
    shutil.copytree(SOLUTIONS, student, ignore=shutil.ignore_patterns("__pycache__"))
    network = (student / "network.py").read_text(encoding="utf-8")
    assert "activations.softmax_backward(" in network
    (student / "network.py").write_text(network.replace("activations.softmax_backward(", "activations.my_backward("),
                                        encoding="utf-8")
    with open(student / "activations.py", "a", encoding="utf-8") as module:
        module.write("\n\nmy_backward = softmax_backward\n")
    result = grade(student, ["activations", "network"])
    assert all(c.outcome == "passed" for c in result.checks)
    assert [name for name, _, _ in started if name.startswith("alone-")] == []


def test_a_part_not_graded_starts_no_alone_worker(monkeypatch, tmp_path):
    """The training calls the broken relu too, but it is not graded: only the network is judged again alone."""
    started = recording_workers(monkeypatch)
    result = grade(broken_relu(tmp_path / "student"), ["activations", "network"])
    assert [name for name, _, _ in started if name.startswith("alone-")] == ["alone-network"]
    assert {c.part for c in result.checks} == {"activations", "network"}


def test_an_alone_worker_that_cannot_start_costs_its_checks_and_nothing_else(monkeypatch, tmp_path):
    started = recording_workers(monkeypatch, fail_alone=True)
    result = grade(broken_relu(tmp_path / "student"), ["activations", "network"])
    network = [c for c in result.checks if c.part == "network"]
    refused = [c for c in network if c.outcome == "error" and "refused by the test" in c.message]
    assert len(refused) > 1 and all(c.passed or c in refused or c.name == "test_a_second_batch_of_another_size"
                                    for c in network)
    assert not any("refused" in c.message for c in result.checks if c.part == "activations")
    assert [name for name, _, _ in started if name.startswith("alone-")] == ["alone-network"]  # tried once


def test_workers_told_to_end_together_all_end_and_leave_nothing(tmp_path):
    stage(SOLUTIONS, grading.exercise_module_files(), tmp_path)
    workers = [Worker(tmp_path) for _ in range(3)]
    assert all(w.alive for w in workers)
    close_all(workers)
    assert not any(w.alive or w.scratch.exists() for w in workers)


def test_a_part_left_as_the_stub_is_not_judged_again_but_the_parts_calling_it_are(monkeypatch, tmp_path):
    """A check stopped by a NotImplementedError of its own part's module gains nothing from the reference's callees:
    it runs once. The training, stopped by the network's stub, runs again with the reference's network."""
    write_exercises(SOLUTIONS, tmp_path / "stubs")
    student = tmp_path / "student"
    shutil.copytree(SOLUTIONS, student, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(tmp_path / "stubs" / "network.py", student / "network.py")
    started = recording_workers(monkeypatch)
    result = grade(student, ["network", "training"])
    assert sorted(name for name, _, _ in started if name.startswith("alone-")) == ["alone-training"]
    outcomes = {(c.part, c.outcome) for c in result.checks if c.name != "test_capstone_learns_xor"}
    assert outcomes == {("network", "not_implemented"), ("training", "passed")}  # the capstone takes the whole
