"""The zygote that forks each worker: every worker it forks is as fresh and as confined as a started one, no student
reaches it or a later student's worker, and grading goes on the old way when it is off or gone."""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from grader.grading import grade
from grader.results import GradeResult
from grader.sandbox import zygote
from grader.sandbox.client import Submission, Worker
from grader.submission import stage
from tests.security.test_corpus import CASES, LIMITS, PARTS, hostile_submission, reference_copy

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="the jail needs a grader running as root")

SPINNING_THREADS = '''
import threading, time

def _spin():
    ends = time.monotonic() + 30  # bounded even if nothing stops it
    while time.monotonic() < ends:
        pass

def relu(x):
    for _ in range(4):
        threading.Thread(target=_spin, daemon=True).start()
    return x
'''

REACH_OUT = '''
import os, signal

def open_descriptors():
    found = []
    for fd in range(3, 1025):
        try:
            os.fstat(fd)
            found.append(fd)
        except OSError:
            pass
    return found

def write_everywhere(keep):
    written = []
    for fd in range(3, 1025):
        if fd in keep:
            continue
        try:
            os.write(fd, b"\\x00\\x00\\x00\\x10garbage-garbage-")
            written.append(fd)
        except OSError:
            pass
    return written

def signal_everyone(pids):
    reached = []
    for pid in pids:
        for send in (os.kill, os.killpg):
            try:
                send(pid, signal.SIGKILL)
                reached.append(pid)
            except OSError:
                pass
    return reached

def channel():
    import sys
    return [int(sys.argv[1]), int(sys.argv[2])]
'''


def outcomes(result: GradeResult) -> dict[str, tuple[str, float]]:
    return {c.id: (c.outcome, c.points) for c in result.checks}


@pytest.fixture
def reach_out(tmp_path: Path):
    """A worker over a submission whose probe module tries to reach beyond its worker."""
    source, root = tmp_path / "source", tmp_path / "root"
    source.mkdir()
    (source / "probe.py").write_text(REACH_OUT)
    stage(source, ["probe.py"], root)
    worker = Worker(root)
    yield Submission(worker)
    worker.close()


def test_a_worker_holds_no_descriptor_but_its_own_channel(reach_out):
    assert isinstance(reach_out.worker.process, zygote.ForkedProcess)
    assert reach_out.call("probe.open_descriptors") == sorted(reach_out.call("probe.channel"))
    assert reach_out.call("probe.write_everywhere", reach_out.call("probe.channel")) == []


@ROOT_ONLY
def test_a_worker_can_neither_signal_nor_write_to_the_zygote_nor_its_monitor(reach_out, tmp_path):
    warm = zygote.shared()
    assert warm is not None
    monitor = int(Path(f"/proc/{reach_out.worker.process.pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    assert reach_out.call("probe.signal_everyone", [warm.process.pid, monitor]) == []
    assert reach_out.call("probe.write_everywhere", reach_out.call("probe.channel")) == []
    assert warm.alive and zygote.shared() is warm
    result = grade(reference_copy(tmp_path), PARTS, limits=LIMITS)
    assert result.points == result.max_points


@pytest.mark.slow
@pytest.mark.parametrize("case", ["fork_bomb", "memory_bomb", "thread_bomb", "spinning_threads"])
def test_a_hostile_student_costs_the_next_one_nothing(case, tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    if case == "spinning_threads":
        reference_copy(folder)
        with open(folder / "activations.py", "a", encoding="utf-8") as file:
            file.write(SPINNING_THREADS)
    else:
        hostile_submission(next(c for c in CASES if c.name == case), folder, 0)
    warm = zygote.shared()
    assert warm is not None
    before = warm.forked
    hostile = grade(folder, PARTS, limits=replace(LIMITS, call_seconds=5.0))
    assert hostile.points < hostile.max_points or case == "spinning_threads"
    (tmp_path / "honest").mkdir()
    honest = grade(reference_copy(tmp_path / "honest"), PARTS, limits=LIMITS)
    assert honest.points == honest.max_points
    assert zygote.shared() is warm and warm.forked >= before + 2  # both workers came from the same zygote


def test_a_zygote_serving_its_second_student_grades_as_a_fresh_process(tmp_path, monkeypatch):
    folder = reference_copy(tmp_path)
    with open(folder / "activations.py", "a", encoding="utf-8") as file:
        file.write("\n\ndef relu(x):\n    import numpy as np\n    return np.abs(np.asarray(x, dtype=float))\n")
    warm = grade(folder, PARTS, limits=LIMITS)
    again = grade(folder, PARTS, limits=LIMITS)
    fresh = grade(folder, PARTS, limits=replace(LIMITS, zygote=False))
    monkeypatch.setenv(zygote.SWITCH, "0")
    switched_off = grade(folder, PARTS, limits=LIMITS)
    assert outcomes(warm) == outcomes(again) == outcomes(fresh) == outcomes(switched_off)
    assert warm.isolation == fresh.isolation and warm.points < warm.max_points


def test_the_switch_starts_workers_the_old_way(reach_out, tmp_path, monkeypatch):
    monkeypatch.setenv(zygote.SWITCH, "0")
    reach_out.worker.restart()
    assert isinstance(reach_out.worker.process, subprocess.Popen)
    assert reach_out.call("probe.open_descriptors") == sorted(reach_out.call("probe.channel"))


def test_a_dead_zygote_is_replaced_and_its_workers_end_with_it(reach_out):
    warm = zygote.shared()
    assert warm is not None and isinstance(reach_out.worker.process, zygote.ForkedProcess)
    os.kill(warm.process.pid, signal.SIGKILL)
    warm.process.wait()
    assert reach_out.worker.process.wait(timeout=5) == -signal.SIGKILL  # its worker died with it
    assert reach_out.call("probe.channel")  # the next call starts a worker, from a new zygote
    assert zygote.shared() is not warm and isinstance(reach_out.worker.process, zygote.ForkedProcess)


def test_a_zygote_that_cannot_start_leaves_fresh_workers(reach_out, monkeypatch):
    def refuse() -> None:
        raise OSError("no zygote here")

    zygote.close_shared()
    monkeypatch.setattr(zygote.Zygote, "__init__", lambda self: refuse())
    monkeypatch.setattr(zygote, "_failed", set())
    reach_out.worker.restart()
    assert isinstance(reach_out.worker.process, subprocess.Popen)
    assert reach_out.call("probe.open_descriptors") == sorted(reach_out.call("probe.channel"))
