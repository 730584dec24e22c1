"""Long-lived grading processes, each grading many students in turn, with a time budget per student.

Starting Python, numpy and pytest costs about a second; a process per student would pay it every time. Instead
``workers`` processes are started once (with the *spawn* method, so none inherits the caller's state) and each
receives students one at a time over its own pipe, grading them all with the suites it collected once
(``runner.SuiteSession``). Each student's code still runs in a fresh sandbox worker of its own, which the slot's
zygote forks (``grader.sandbox.zygote``: numpy is loaded once per slot, not once per student).

When there are as many slots as CPUs, each slot keeps to a CPU of its own (``slot_cpus``): its grading process and the
student's worker hand over to each other there, rather than waking each other up across CPUs. The grading processes
start with numpy's BLAS held to one thread, as the workers are: the grader's matrices are tiny.

A student whose whole grade runs past ``budget`` seconds costs only themselves: their grading process is stopped,
it and every process it started (the sandbox worker sits in a process group of its own) are killed, a ``timeout``
record is written for them and a fresh process takes the slot. A grading process that dies gives a ``crashed``
record the same way. When quizzes are graded too, such a student is queued once more for their quizzes alone (no
code runs then), so code that hangs does not also cost them their quiz points. A pipe per process, rather than one
shared queue, means a killed process can never leave a lock held that the others need.

Everything grading writes goes under one scratch folder per run, ``<temp>/nn-grader-class-XXXX``, removed when the
run ends. A run killed outright (``kill -9``, a lost machine) cannot remove it, so each run holds a lock on its folder's
``run.lock`` while it lives (the system drops the lock when the process dies, however it dies), and the next run
removes every such folder of the same user whose lock nobody holds (``remove_stale_scratch``).
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from grader.classroom.roster import Student
from grader.classroom.student import ClassSettings, failed_record, grade_student, say
from grader.environment import environment
from grader.sandbox import zygote
from grader.sandbox.limits import single_threaded_unset, usable_cpus

POLL_SECONDS = 0.2
SCRATCH_PREFIX = "nn-grader-class-"
SCRATCH_LOCK = "run.lock"
UNLOCKED_GRACE_SECONDS = 600  # a folder without its lock file yet: only a run killed that long ago left it


@dataclass(frozen=True)
class Task:
    """A student to grade; ``unfinished`` marks a second attempt after the first did not finish (status, message,
    seconds spent): the quizzes alone are graded and the record keeps that status."""

    student: Student
    unfinished: tuple[str, str, float] | None = None


@dataclass
class _Slot:
    process: Any
    conn: Connection
    scratch: Path
    cpu: int | None
    task: Task | None = None
    started: float = 0.0


class GradingPool:
    """Grade students with ``workers`` processes; ``on_record`` receives each record as soon as it exists."""

    def __init__(self, settings: ClassSettings, *, workers: int, budget: float) -> None:
        self.settings = settings
        self.workers = max(1, workers)
        self.budget = budget
        self.context = multiprocessing.get_context("spawn")
        remove_stale_scratch(Path(tempfile.gettempdir()))
        self.scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
        self._lock = hold_lock(self.scratch / SCRATCH_LOCK)
        self.started_count = 0

    def grade_all(self, students: list[Student], on_record: Callable[[dict[str, Any]], None]) -> None:
        pending = deque(Task(s) for s in students)
        slots = [self._start(cpu) for cpu in slot_cpus(min(self.workers, len(students)))]
        try:
            while pending or any(s.task for s in slots):
                for slot in slots:
                    if slot.task is None and pending:
                        self._assign(slot, pending.popleft())
                ready = wait([s.conn for s in slots if s.task], timeout=POLL_SECONDS)
                for i, slot in enumerate(slots):
                    if slot.task is None:
                        continue
                    if slot.conn in ready:
                        record = self._receive(slot)
                        if record is not None:
                            slot.task = None
                            on_record(record)
                            continue
                    if not slot.process.is_alive() or slot.conn.closed:
                        self._give_up(slot.task, slot.started, "crashed",
                                      say(self.settings.lang, "classroom.record.crashed"), pending, on_record)
                        slots[i] = self._replace(slot)
                    elif time.monotonic() - slot.started > self.budget:
                        self._give_up(slot.task, slot.started, "timeout",
                                      say(self.settings.lang, "classroom.record.timeout", seconds=self.budget),
                                      pending, on_record)
                        slots[i] = self._replace(slot)
        finally:
            for slot in slots:
                self._stop(slot)
            shutil.rmtree(self.scratch, ignore_errors=True)
            self._lock.close()

    # -- one slot -------------------------------------------------------------------------------------------------

    def _start(self, cpu: int | None) -> _Slot:
        self.started_count += 1
        scratch = self.scratch / f"process-{self.started_count}"
        scratch.mkdir()
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=serve, args=(theirs, self.settings, str(scratch), cpu), daemon=True,
                                       name=f"nn-grader-grading-{self.started_count}")
        with blas_single_threaded():
            process.start()
        theirs.close()
        return _Slot(process, ours, scratch, cpu)

    def _assign(self, slot: _Slot, task: Task) -> None:
        slot.task, slot.started = task, time.monotonic()
        try:
            slot.conn.send(task)
        except OSError:
            pass  # the process is gone: the next pass of the loop notices and records it

    def _receive(self, slot: _Slot) -> dict[str, Any] | None:
        try:
            return slot.conn.recv()
        except (EOFError, OSError):
            slot.conn.close()
            return None

    def _give_up(self, task: Task, started: float, status: str, message: str, pending: deque,
                 on_record: Callable[[dict[str, Any]], None]) -> None:
        """Record a task (begun at ``started``) that did not finish, or first queue its student's quizzes alone (see
        the module doc)."""
        spent = time.monotonic() - started
        if task.unfinished is None and self.settings.quizzes:
            pending.appendleft(Task(task.student, (status, message, spent)))
            return
        if task.unfinished is not None:
            status = task.unfinished[0]
            message = say(self.settings.lang, "classroom.record.then_quizzes", first=task.unfinished[1], second=message)
            spent += task.unfinished[2]
        on_record(failed_record(task.student, self.settings, status, message, spent))

    def _replace(self, slot: _Slot) -> _Slot:
        self._stop(slot, kill=True)
        return self._start(slot.cpu)

    def _stop(self, slot: _Slot, kill: bool = False) -> None:
        if not kill and slot.task is None and slot.process.is_alive():
            try:
                slot.conn.send(None)
            except OSError:
                pass
            slot.process.join(timeout=5)
        if slot.process.is_alive():
            kill_tree(slot.process.pid)
        slot.process.join(timeout=5)
        slot.conn.close()
        shutil.rmtree(slot.scratch, ignore_errors=True)


def slot_cpus(slots: int) -> list[int | None]:
    """The CPU each of ``slots`` grading slots keeps to: one each when there are as many slots as CPUs this process
    may use; otherwise ``None`` for each, as where the system cannot say (not Linux).

    A slot's two processes take turns: the grading process sends a call and waits while the student's worker runs
    it, then the other way round. Left free, each is woken on whichever CPU the scheduler picks, now and then the one
    the other slot is running on while another stands idle: a tenth of a two-slot class's time went so. With CPUs
    to spare, a slot is better left free: the grader then computes the reference's answer on one while the student's
    code runs on another. With more slots than CPUs, two slots kept to one CPU would each run at half speed against
    the same time limits while another CPU had one slot, or none at the end of the class.
    """
    cpus = usable_cpus()
    return list[int | None](cpus) if cpus and len(cpus) == slots else [None] * slots


def keep_to(cpu: int) -> None:
    """Keep this process, and every process it starts from now on (the zygote, each student's worker), on ``cpu``."""
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        pass  # the CPU left the set this process may use meanwhile: the slot runs free, which only costs time


def blas_single_threaded() -> AbstractContextManager[None]:
    """Within: a process started now inherits an environment that holds numpy's BLAS to one thread (a variable the
    user set keeps their value). OpenBLAS's threads spin for a while once numpy loads, on a CPU a slot needs."""
    return environment(single_threaded_unset())


def hold_lock(path: Path) -> Any:
    """Create ``path`` and hold an exclusive lock on it for as long as the returned file stays open."""
    handle = open(path, "wb")  # not inherited by the processes we start: the lock dies with this process
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def remove_stale_scratch(temp: Path) -> list[Path]:
    """Remove the scratch folders in ``temp`` left by runs of this user that were killed; return them.

    A folder is stale when nobody holds the lock on its ``run.lock`` (see the module docstring), or, having no
    lock file, when it is older than ``UNLOCKED_GRACE_SECONDS``. Folders of other users are left alone.
    """
    removed = []
    for folder in sorted(Path(temp).glob(f"{SCRATCH_PREFIX}*")):
        try:
            if folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
            if _is_stale(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        except OSError:
            continue  # gone meanwhile, or not ours to read: not ours to remove either
    return removed


def _is_stale(folder: Path) -> bool:
    lock = folder / SCRATCH_LOCK
    if not lock.exists():
        return time.time() - folder.stat().st_mtime > UNLOCKED_GRACE_SECONDS
    with open(lock, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a live run holds it
        return True  # closing the file releases the lock we just took


def serve(conn: Connection, settings: ClassSettings, scratch: str, cpu: int | None = None) -> None:
    """The grading process: grade each student received until told to stop (``None``) or the pipe closes; on
    ``cpu`` alone when one is given (``slot_cpus``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops us
    if cpu is not None:
        keep_to(cpu)  # before the zygote starts, so that it and every worker it forks keep to it too
    tempfile.tempdir = scratch  # every temporary folder grading makes is under the slot's scratch
    zygote.prewarm()  # the slot's one zygote forks every student's worker (it loads while the first task comes)
    try:
        _grade_each(conn, settings, scratch)
    finally:
        zygote.close_shared()


def _grade_each(conn: Connection, settings: ClassSettings, scratch: str) -> None:
    """Grade each student received over ``conn`` until told to stop (``None``) or the pipe closes."""
    count = 0
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        count += 1
        folder = Path(scratch, f"student-{count}")
        folder.mkdir()
        started = time.monotonic()
        try:
            record = grade_student(task.student, settings, folder, unfinished=task.unfinished)
        except Exception:  # a fault of the grader's, never the student's: keep grading the others
            record = failed_record(task.student, settings, "error", traceback.format_exc(limit=5)[-2000:],
                                   time.monotonic() - started)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        conn.send(record)


def kill_tree(pid: int) -> None:
    """Kill ``pid`` and every process it started, including those in process groups of their own."""
    try:
        os.kill(pid, signal.SIGSTOP)  # it can start nothing new while its children are found
    except ProcessLookupError:
        return
    family = [pid, *descendants(pid)]
    own_group = os.getpgrp()
    for member in reversed(family):
        try:
            group = os.getpgid(member)
            if group != own_group:
                os.killpg(group, signal.SIGKILL)
            os.kill(member, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            continue


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid``, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, frontier = [], [pid]
    while frontier:
        kids = children.get(frontier.pop(), [])
        found += kids
        frontier += kids
    return found
