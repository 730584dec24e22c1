"""The grading slots of a class run: each keeps to a CPU of its own when there are as many as CPUs, and every grading
process starts with numpy's BLAS held to one thread, leaving the caller's environment as it was."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from grader.classroom import autograde as autograde_module
from grader.classroom import pool
from grader.classroom.pool import GradingPool, descendants, slot_cpus
from grader.classroom.student import ClassSettings
from grader.sandbox.limits import SINGLE_THREADED, usable_cpu_count

LINUX_ONLY = pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="CPU affinity is Linux's")


@pytest.mark.parametrize(("cpus", "slots", "expected"), [
    ({0, 1}, 2, [0, 1]),
    ({0, 1}, 3, [None, None, None]),  # more slots than CPUs: two kept to one would each run at half speed
    ({2, 5, 7}, 3, [2, 5, 7]),  # the CPUs this process may use, not 0 to n-1
    ({0, 1}, 1, [None]),  # a CPU to spare: the slot's grader and worker may run side by side
    ({0, 1, 2, 3}, 2, [None, None]),
    ({3}, 1, [3]),
])
def test_slots_keep_to_a_cpu_each_only_when_there_are_as_many_as_cpus(monkeypatch, cpus, slots, expected):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(cpus), raising=False)
    assert slot_cpus(slots) == expected


def test_where_cpus_cannot_be_read_no_slot_keeps_to_one(monkeypatch):
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    assert slot_cpus(2) == [None, None]


def test_a_class_grades_with_one_slot_per_cpu_it_may_use(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {2, 5}, raising=False)  # a cpuset of a bigger machine
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert usable_cpu_count() == 2
    started: list[int] = []

    class Pool:  # autograde's pool, recording how many slots it was asked for
        def __init__(self, settings, *, workers, budget):
            started.append(workers)

        def grade_all(self, students, on_record):
            pass

    monkeypatch.setattr(autograde_module, "GradingPool", Pool)
    (tmp_path / "submissions" / "s1").mkdir(parents=True)
    autograde_module.autograde(tmp_path / "submissions", tmp_path / "graded", ClassSettings(parts=("activations",)))
    assert started == [2]
    monkeypatch.delattr(os, "sched_getaffinity")
    assert usable_cpu_count() == 64


@pytest.fixture
def grading_pool(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the pool's scratch folder
    grading = GradingPool(ClassSettings(parts=("activations",)), workers=1, budget=60)
    yield grading
    grading._lock.close()  # grade_all's own end, which these tests do not reach


def wait_for(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("not reached in time")


@LINUX_ONLY
def test_a_grading_process_its_zygote_and_its_replacement_keep_to_the_slots_cpu(grading_pool):
    ours = os.sched_getaffinity(0)
    cpu = max(ours)
    slot = grading_pool._start(cpu)
    try:
        wait_for(lambda: os.sched_getaffinity(slot.process.pid) == {cpu})
        zygote = wait_for(lambda: descendants(slot.process.pid))  # serve starts it at once, after keeping to cpu
        assert all(os.sched_getaffinity(pid) == {cpu} for pid in zygote)
        slot = grading_pool._replace(slot)  # after a time-out or a crash: the new process takes the same CPU
        assert slot.cpu == cpu
        wait_for(lambda: os.sched_getaffinity(slot.process.pid) == {cpu})
    finally:
        grading_pool._stop(slot, kill=True)
    assert os.sched_getaffinity(0) == ours  # the caller itself stays free


@LINUX_ONLY
def test_a_slot_given_no_cpu_is_left_free(grading_pool):
    slot = grading_pool._start(None)
    try:
        wait_for(lambda: descendants(slot.process.pid))
        assert os.sched_getaffinity(slot.process.pid) == os.sched_getaffinity(0)
    finally:
        grading_pool._stop(slot, kill=True)


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(entry.decode().split("=", 1) for entry in raw.split(b"\0") if b"=" in entry)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads a process's environment from /proc")
def test_grading_processes_start_with_one_blas_thread_and_the_callers_setting_wins(grading_pool, monkeypatch):
    for name in SINGLE_THREADED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the user's own choice
    slot = grading_pool._start(None)
    try:
        started = wait_for(lambda: environment_of(slot.process.pid))  # empty until the new program runs
    finally:
        grading_pool._stop(slot, kill=True)
    assert started["OPENBLAS_NUM_THREADS"] == "1" and started["MKL_NUM_THREADS"] == "1"
    assert started["OMP_NUM_THREADS"] == "3"
    assert "OPENBLAS_NUM_THREADS" not in os.environ and os.environ["OMP_NUM_THREADS"] == "3"


def test_the_environment_is_restored_when_starting_fails(monkeypatch):
    for name in SINGLE_THREADED:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(OSError), pool.blas_single_threaded():
        assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
        raise OSError("no more processes")
    assert not set(SINGLE_THREADED) & set(os.environ)
