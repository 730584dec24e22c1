"""The workers of the fixture ``alone`` start in the background once the checks are collected, and end with the
grading, whether they started or not."""

from __future__ import annotations

import threading
from pathlib import Path

import grader.grading as grading
from grader.grading import grade
from grader.sandbox.client import Worker, close_all
from grader.sandbox.isolation import SandboxError
from grader.submission import stage

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


def recording_workers(monkeypatch, fail_alone: bool = False) -> list[tuple[str, str, grading.Worker | None]]:
    """Every worker the grading starts: (its staged folder's name, the thread that started it, the worker)."""
    started: list[tuple[str, str, grading.Worker | None]] = []
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


def test_the_alone_workers_start_off_the_grading_thread_and_the_grade_is_unchanged(monkeypatch):
    started = recording_workers(monkeypatch)
    result = grade(SOLUTIONS, ["activations", "losses", "network", "training"])
    alone = {name: thread for name, thread, _ in started if name.startswith("alone-")}
    assert alone == dict.fromkeys(["alone-losses", "alone-network", "alone-training"], alone["alone-losses"])
    assert alone["alone-losses"] != threading.current_thread().name
    assert all(not w.alive for _, _, w in started if w is not None)  # every worker ended with the grading
    assert all(not w.scratch.exists() for _, _, w in started if w is not None)  # and left no folder behind
    assert result.parts and all(c.outcome == "passed" for c in result.checks)


def test_a_part_not_graded_starts_no_alone_worker(monkeypatch):
    started = recording_workers(monkeypatch)
    grade(SOLUTIONS, ["activations"])
    assert [name for name, _, _ in started if name.startswith("alone-")] == []


def test_an_alone_worker_that_cannot_start_costs_its_checks_and_nothing_else(monkeypatch):
    started = recording_workers(monkeypatch, fail_alone=True)
    result = grade(SOLUTIONS, ["activations", "losses"])
    losses = [c for c in result.checks if c.part == "losses"]
    assert all(c.outcome == "passed" for c in result.checks if c.part == "activations")
    failed = [c for c in losses if c.outcome != "passed"]
    assert len(failed) > 1 and all(c.outcome == "error" and "refused by the test" in c.message for c in failed)
    assert [name for name, _, _ in started if name.startswith("alone-")] == ["alone-losses"]  # tried once


def test_workers_told_to_end_together_all_end_and_leave_nothing(tmp_path):
    stage(SOLUTIONS, grading.exercise_module_files(), tmp_path)
    workers = [Worker(tmp_path) for _ in range(3)]
    assert all(w.alive for w in workers)
    close_all(workers)
    assert not any(w.alive or w.scratch.exists() for w in workers)
