"""A grade's worker confines itself while the grade collects its checks, and one that cannot start still stops the
grade before any check runs; what a worker's lay-out shares with the grade and with other workers, and what not."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from grader import grading, runner
from grader.grading import grade
from grader.parts import select
from grader.sandbox import isolation
from grader.sandbox.client import Worker, close_all, worker_files
from grader.sandbox.isolation import SandboxError
from grader.sandbox.limits import Limits
from grader.submission import stage

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


def test_the_checks_are_collected_while_the_worker_starts(monkeypatch):
    events: list[str] = []
    real_session = runner.SuiteSession.__init__

    class Recorded(Worker):
        """The grade's own worker, saying when it is launched, waited for and first asked (not the alone ones)."""

        def __init__(self, root, limits=None, **options):
            self.main = not Path(root).name.startswith("alone-")
            super().__init__(root, limits, **options)
            self.say(f"launched, ready: {not self.starting}")

        def say(self, event: str) -> None:
            if self.main and event not in events:
                events.append(event)

        def wait_ready(self) -> None:
            if self.starting:
                self.say("waited for")
            super().wait_ready()

        def send(self, *args, **kwargs):
            self.say("asked")
            return super().send(*args, **kwargs)

    def collected(session, parts):
        real_session(session, parts)
        events.append("collected")

    monkeypatch.setattr(runner, "_sessions", {})  # as in a fresh process: nothing collected yet
    monkeypatch.setattr(grading, "Worker", Recorded)
    monkeypatch.setattr(runner.SuiteSession, "__init__", collected)
    try:
        result = grade(SOLUTIONS, ["activations"])
    finally:
        runner.forget_sessions()
    assert events == ["launched, ready: False", "collected", "waited for", "asked"]
    assert result.isolation and all(c.outcome == "passed" for c in result.checks)


def test_a_worker_that_cannot_start_stops_the_grade_before_any_check(monkeypatch):
    asked: list[str] = []

    def refuse(worker: Worker) -> None:
        if worker.starting:
            worker.kill()
            raise SandboxError("the worker could not start: refused by the test")

    monkeypatch.setattr(Worker, "wait_ready", refuse)
    monkeypatch.setattr(Worker, "send", lambda worker, target, *a: asked.append(target))
    with pytest.raises(SandboxError, match="refused by the test"):
        grade(SOLUTIONS, ["activations"])
    assert asked == []


def test_what_runs_before_the_checks_is_raised_by_run_suites_and_no_check_runs():
    def refuse() -> None:
        raise ValueError("not today")

    with pytest.raises(ValueError, match="not today"):
        runner.run_suites(None, select(["metrics"]), seed=0, before_checks=refuse)


def test_workers_share_their_unchanging_files_and_link_the_staged_submission(tmp_path):
    """A worker's lay-out creates no file: the worker's own files and its jail's mount point are one folder per
    grading process, and its staged submission is hard links to the grade's staged copy."""
    staged = stage(SOLUTIONS, ["activations.py"], tmp_path)
    first, second = Worker(tmp_path, wait=False), Worker(tmp_path, wait=False)
    try:
        assert first.bin == second.bin and first.jail_root == second.jail_root
        assert first.root != second.root and (first.bin / "worker.py").is_file()
        linked = first.root / "submission" / "activations.py"
        assert linked.stat().st_ino == (staged.package_dir / "activations.py").stat().st_ino
        assert linked.read_text() == (SOLUTIONS / "activations.py").read_text()
    finally:
        close_all([first, second])
    assert not first.scratch.exists() and first.bin.is_dir()  # the shared folder lasts the process


def test_at_the_process_level_a_worker_shares_nothing_it_could_write(tmp_path):
    """There the worker is the grader's own user: linked or shared files would let one student's code change the
    grade's copy of their modules, or the worker code a later student's worker runs."""
    staged = stage(SOLUTIONS, ["activations.py"], tmp_path)
    worker = Worker(tmp_path, Limits(isolation="process"), wait=False)
    try:
        assert worker.bin.parent == worker.scratch and worker.jail_root.parent == worker.scratch
        copied = worker.root / "submission" / "activations.py"
        assert copied.stat().st_ino != (staged.package_dir / "activations.py").stat().st_ino
    finally:
        close_all([worker])


def test_the_shared_folder_is_laid_out_afresh_when_part_of_it_went_missing(tmp_path):
    stage(SOLUTIONS, ["activations.py"], tmp_path)
    first = worker_files()
    (first / "jail").rmdir()  # a cleaner of old, empty folders in /tmp
    worker = Worker(tmp_path, wait=False)
    try:
        assert worker.bin.parent != first and not first.exists()
        assert (worker.jail_root).is_dir() and (worker.bin / "worker.py").is_file()
    finally:
        close_all([worker])


@pytest.mark.parametrize("level", ["process", "user"])
def test_a_workers_home_is_its_own_users_alone(tmp_path, level):
    if level == "user" and os.geteuid() != 0:
        pytest.skip("only a grader running as root drops the worker to another user")
    stage(SOLUTIONS, ["activations.py"], tmp_path)
    worker = Worker(tmp_path, Limits(isolation=level), wait=False)  # the user level may refuse to start here
    try:
        home = worker.home.stat()
        assert (home.st_mode & 0o777, home.st_uid) == (0o700, worker.account[0])
    finally:
        close_all([worker])


@pytest.mark.skipif(os.geteuid() != 0, reason="only a grader running as root drops the worker to another user")
@pytest.mark.parametrize("level", ["jail", "user"])
def test_a_workers_staged_files_are_out_of_every_other_workers_reach(tmp_path, level):
    # The staged module is the reference's: were it readable to another worker's account, that worker's student code
    # (another part graded alone, another student) could load it and answer with it
    stage(SOLUTIONS, ["activations.py"], tmp_path)
    worker = Worker(tmp_path, Limits(isolation=level), wait=False)  # the user level may refuse to start here
    another, shared = isolation.own_account(), (isolation.NOBODY, isolation.NOBODY)
    try:
        staged = worker.root / "submission" / "activations.py"
        scratch = worker.scratch.stat()
        assert (scratch.st_mode & 0o777, scratch.st_uid, scratch.st_gid) == (0o710, 0, worker.account[1])
        assert opens_as(worker.account, staged)
        assert not opens_as(another, staged) and not opens_as(shared, staged)
    finally:
        close_all([worker])


def test_each_worker_has_an_account_no_other_live_worker_has(monkeypatch):
    monkeypatch.setattr(isolation, "_held", set())  # none of this test's accounts is held once it ends
    accounts = [isolation.worker_account("") for _ in range(isolation.OWN_PER_PROCESS)]
    assert len(set(accounts)) == isolation.OWN_PER_PROCESS and all(uid == gid for uid, gid in accounts)
    first = isolation.OWN_ACCOUNTS + os.getpid() * isolation.OWN_PER_PROCESS  # this process's range, no other's
    assert {uid for uid, _ in accounts} == set(range(first, first + isolation.OWN_PER_PROCESS))
    with pytest.raises(SandboxError, match="held by live workers"):  # never one a live worker holds
        isolation.own_account()
    isolation.release_account(accounts[7])
    assert isolation.own_account() == accounts[7]
    monkeypatch.setattr(isolation, "_held", set())
    monkeypatch.setattr(os, "getpid", lambda: (1 << 22) - 1)  # the largest pid Linux gives: still below 2**31
    assert all(isolation.own_account()[0] < 2 ** 31 for _ in range(isolation.OWN_PER_PROCESS))
    assert isolation.worker_account("nobody") == (isolation.NOBODY, isolation.NOBODY)  # a named user is shared


def opens_as(account: tuple[int, int], path: Path) -> bool:
    """Whether a process of ``account`` (uid, gid), with no other group, can read ``path``."""
    run = subprocess.run(["cat", str(path)], user=account[0], group=account[1], extra_groups=[],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    return run.returncode == 0
