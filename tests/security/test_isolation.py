"""The isolation itself, observed from inside the worker: who it runs as, what it sees, what it may use, and that
nothing of it leaks back into the grader's machine."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

from grader import runner
from grader.grading import grade
from grader.parts import Part
from grader.runner import run_suites
from grader.sandbox import isolation, protocol, zygote
from grader.sandbox.client import OutputCapture, Submission, Worker
from grader.sandbox.faults import StudentException, WorkerCrashed
from grader.sandbox.isolation import SandboxError
from grader.sandbox.limits import Limits, MiB
from grader.submission import stage
from tests.conftest import ROOT
from tests.security.processes import assert_all_end, processes_mentioning

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="the jail needs a grader running as root")

PROBE = '''
import os, resource, sys

def uid():
    return (os.getuid(), os.geteuid(), os.getgid(), tuple(os.getgroups()))

def environment():
    return dict(os.environ)

def exists(paths):
    return [p for p in paths if os.path.lexists(p)]

def readable(paths):
    found = []
    for path in paths:
        try:
            with open(path, "rb"):
                found.append(path)
        except OSError:
            pass
    return found

def where():
    return os.getcwd(), os.environ["HOME"]

def write(path, size):
    with open(path, "wb") as file:
        file.write(b"x" * size)
    return size

def limits():
    names = ["RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_CORE"]
    return {n: list(resource.getrlimit(getattr(resource, n))) for n in names}

def path():
    return list(sys.path)

def spin():
    while True:
        pass

def shout(size):
    print("HEAD" + "x" * size + "\\x1b[2J\\rTAIL")
    return 0
'''


@pytest.fixture
def make_worker(tmp_path: Path):
    workers = []

    def make(limits: Limits | None = None) -> Submission:
        source = tmp_path / f"source{len(workers)}"
        source.mkdir()
        (source / "probe.py").write_text(PROBE)
        root = tmp_path / f"root{len(workers)}"
        stage(source, ["probe.py"], root)
        worker = Worker(root, limits)
        workers.append(worker)
        return Submission(worker)

    yield make
    for worker in workers:
        worker.close()


# -- who the worker is and what it sees -------------------------------------------------------------------------------

@ROOT_ONLY
def test_a_root_grader_runs_each_worker_in_the_jail_as_a_user_of_its_own(make_worker):
    students = [make_worker(), make_worker()]
    assert [s.worker.isolation for s in students] == ["jail", "jail"]
    accounts = [s.call("probe.uid") for s in students]
    for (uid, euid, gid, groups), student in zip(accounts, students, strict=True):
        assert uid == euid == gid == student.worker.account[0] >= isolation.OWN_ACCOUNTS and groups == ()
    assert accounts[0][0] != accounts[1][0]
    # No other worker's processes count against its budget: the worker and its reaper, and 32 more
    assert students[0].call("probe.limits")["RLIMIT_NPROC"] == [34, 34]


@ROOT_ONLY
def test_the_worker_user_may_be_any_uid_even_one_that_runs_no_other_process(make_worker):
    student = make_worker(Limits(worker_user="54321", extra_processes=5))
    assert student.call("probe.uid") == (54321, 54321, 54321, ())
    assert student.call("probe.limits")["RLIMIT_NPROC"] == [7, 7]  # the worker and its reaper, and 5 more


@ROOT_ONLY
def test_the_monitor_ends_every_process_of_the_workers_own_user_when_told(make_worker):
    # As a process the student's code started in a session of its own at the user level: out of the worker's process
    # group (and, here, of its namespaces), but running as the worker's user, which is the worker's alone. The
    # grader tells the monitor to end them at the user level only (in the jail the PID namespace's end did it):
    # told here by hand, as a worker that could start at the user level is told.
    student = make_worker()
    assert student.worker.process.end_strays is False and student.worker.owns_account
    stray = sleeping_as(student.worker.account)
    try:
        student.worker.process.end_strays = True
        student.worker.close()
        assert stray.wait(timeout=10) == -signal.SIGKILL
    finally:
        stray.kill()


@ROOT_ONLY
def test_a_worker_started_afresh_has_its_strays_ended_by_the_grader(make_worker, monkeypatch):
    # No zygote, no monitor: the grader ends them itself, at the user level (told here as such a worker would be)
    ended = []
    monkeypatch.setattr(zygote, "end_strays", ended.append)
    student = make_worker(Limits(zygote=False))
    assert not isinstance(student.worker.process, zygote.ForkedProcess)
    account = student.worker.account
    student.worker.isolation = "user"
    student.worker.close()
    assert ended == [account[0]]


@ROOT_ONLY
@pytest.mark.parametrize("name", ["54321", str(isolation.OWN_ACCOUNTS + 12345)])  # a directory's users can be that high
def test_a_worker_user_named_is_kept_and_never_one_whose_processes_end(make_worker, name):
    student = make_worker(Limits(worker_user=name))
    assert student.worker.account == (int(name), int(name)) and not student.worker.owns_account
    student.worker.restart()
    assert student.worker.account == (int(name), int(name))


@ROOT_ONLY
def test_a_restarted_worker_has_a_new_account_and_its_files_follow(make_worker):
    student = make_worker()
    first = student.worker.account
    student.worker.restart()
    second = student.worker.account
    assert second != first and student.call("probe.uid")[:3] == (second[0],) * 3
    assert (student.worker.scratch.stat().st_gid, student.worker.home.stat().st_uid) == (second[1], second[0])
    (student.worker.home / "left.txt").write_text("the last start's")  # a home outside a jail keeps its files
    student.worker.restart()
    assert list(student.worker.home.iterdir()) == []  # a new start's home is empty, as a new tmpfs is


def test_a_user_namespace_that_maps_few_ids_gets_nobody(tmp_path, monkeypatch):
    # A rootless container: its root is a user's uid outside, and 65,536 subordinate ids
    uid_map = tmp_path / "uid_map"
    uid_map.write_text("         0       1000          1\n         1     100000      65536\n")
    assert isolation.mapped(65534, str(uid_map)) and not isolation.mapped(isolation.OWN_ACCOUNTS, str(uid_map))
    monkeypatch.setattr(isolation, "mapped", lambda number, id_map: number < 65536)
    assert isolation.own_account() == (isolation.NOBODY, isolation.NOBODY)


def sleeping_as(account: tuple[int, int]) -> subprocess.Popen:
    """A process of ``account`` (uid, gid) in a session of its own, asleep for a minute."""
    return subprocess.Popen(["sleep", "60"], user=account[0], group=account[1], extra_groups=[],
                            start_new_session=True)


@ROOT_ONLY
def test_the_jail_shows_neither_the_suites_nor_the_solutions_nor_the_checkout(make_worker):
    student = make_worker()
    hidden = [str(p) for p in isolation.hidden_folders()] + [str(p) for p in isolation.secret_files()]
    assert str(ROOT) in hidden and any(p.endswith("check_activations.py") for p in hidden)
    assert student.call("probe.readable", hidden) == []
    elsewhere = [p for p in ("/home", "/work") if not holds_the_python(Path(p))]
    assert student.call("probe.exists", [str(ROOT / "solutions"), str(ROOT / "tests"), str(ROOT / ".git"), "/proc",
                                         "/root/.ssh", *elsewhere]) == []


def holds_the_python(folder: Path) -> bool:
    """The jail shows the interpreter's environment, so the folders on its path exist there (holding only it)."""
    return any(Path(prefix).is_relative_to(folder) for prefix in (sys.prefix, sys.base_prefix))


@ROOT_ONLY
def test_only_the_home_is_writable_and_it_is_small(make_worker):
    student = make_worker(Limits(disk_bytes=4 * MiB, file_size=64 * MiB))
    cwd, home = student.call("probe.where")
    assert cwd == home
    assert student.call("probe.write", "note.txt", 1000) == 1000
    for path in ("/tmp/x", "/usr/x", f"{sys.base_prefix}/x", "../stage/x"):
        with pytest.raises(StudentException) as refused:
            student.call("probe.write", path, 10)
        assert "graded code may write files only in its working folder" in refused.value.student_message()
    with pytest.raises(StudentException) as refused:
        student.call("probe.write", "big.bin", 5 * MiB)
    assert "graded code may write at most 4 MiB of files" in refused.value.student_message()


def test_the_environment_is_clean_and_single_threaded(make_worker, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET_TOKEN", "do-not-leak")
    student = make_worker()
    environment = student.call("probe.environment")
    assert "GRADER_SECRET_TOKEN" not in environment
    assert set(environment) == {"PATH", "HOME", "TMPDIR", "LANG", "PYTHONHASHSEED", "PYTHONIOENCODING",
                                "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                                "VECLIB_MAXIMUM_THREADS"}
    assert environment["OPENBLAS_NUM_THREADS"] == "1"


def test_the_submission_comes_last_on_sys_path(make_worker):
    path = make_worker().call("probe.path")
    numpy_dir = str(Path(np.__file__).resolve().parent.parent)
    assert path[-1].endswith("/stage/submission") and path[-2].endswith("/stage")
    assert path.index(numpy_dir) < len(path) - 2
    assert any(p.endswith("lib/python3.11") or p.endswith(f"lib/python{sys.version_info[0]}.{sys.version_info[1]}")
               for p in path[:-2])


def test_resource_limits_are_hard_limits_in_the_worker(make_worker):
    limits = Limits(address_space=700 * MiB, cpu_seconds=50, file_size=3 * MiB, open_files=40, extra_processes=9)
    got = make_worker(limits).call("probe.limits")
    assert got["RLIMIT_AS"] == [700 * MiB] * 2
    assert got["RLIMIT_CPU"] == [50, 52]  # SIGXCPU first, then a kill a moment later
    assert got["RLIMIT_FSIZE"] == [3 * MiB] * 2
    assert got["RLIMIT_NOFILE"] == [40, 40]
    assert got["RLIMIT_CORE"] == [0, 0]
    soft, hard = got["RLIMIT_NPROC"]
    assert soft == hard and 9 < soft < 9 + 10_000


@pytest.mark.slow
def test_cpu_time_and_file_size_limits_give_a_clear_cause(make_worker):
    student = make_worker(Limits(cpu_seconds=1, call_seconds=10, file_size=1 * MiB))
    with pytest.raises(WorkerCrashed) as crashed:
        student.call("probe.spin")
    assert "it used up its CPU time limit" in crashed.value.student_message()
    with pytest.raises(StudentException) as refused:  # Python ignores SIGXFSZ: the write fails instead
        student.call("probe.write", "big.bin", 2 * MiB)
    assert "a file written by graded code may be at most 1 MiB" in refused.value.student_message()


def test_output_keeps_its_head_and_tail_as_plain_text(make_worker):
    student = make_worker(Limits(output_bytes=1000))
    student.call("probe.shout", 100_000)
    printed = student.worker.take_output()
    assert printed.startswith("HEAD") and printed.rstrip().endswith("TAIL")
    assert "bytes of output omitted" in printed and len(printed) < 2200
    assert "\x1b" not in printed and "\r" not in printed


def test_what_a_call_printed_belongs_to_it_even_before_the_draining_thread_reads_it(make_worker, monkeypatch):
    """The worker flushes before it replies; the thread that drains the pipe may still be asleep when the reply is
    read, and then the output must not wait for it, nor go to the next check."""
    asleep = threading.Event()
    def drain(capture: OutputCapture) -> None:  # a thread that reads nothing itself
        while not capture.ended and not asleep.wait(0.02):
            pass
        capture.stream.close()

    monkeypatch.setattr(OutputCapture, "_drain", drain)
    student = make_worker()
    try:
        assert student.call("probe.shout", 10) == 0
        assert student.worker.take_output().startswith("HEAD")
        assert student.call("probe.shout", 20) == 0
        assert student.worker.take_output().count("x") == 20
    finally:
        student.worker.close()
        asleep.set()


# -- levels ------------------------------------------------------------------------------------------------------------

def test_the_process_level_keeps_the_graders_user(make_worker):
    student = make_worker(Limits(isolation="process"))
    assert student.worker.isolation == "process"
    assert student.call("probe.uid")[0] == os.getuid()


@ROOT_ONLY
def test_the_user_level_refuses_to_start_where_it_cannot_hide_the_solutions_or_reach_python(make_worker):
    # Here the interpreter lives under /root (mode 0700) and the checkout is world-readable: the worker's user can
    # import nothing, or could read the solutions. Either way no student code may run.
    with pytest.raises(SandboxError, match="the worker could not start"):
        make_worker(Limits(isolation="user"))


@ROOT_ONLY
@pytest.mark.skipif(not shutil.which("setpriv"), reason="needs setpriv (util-linux) to drop CAP_SYS_ADMIN")
def test_a_root_grader_without_namespaces_falls_back_to_the_user_level_and_fails_closed():
    # As in a default Docker container: root, but no CAP_SYS_ADMIN. The worker falls back to dropping to a user of
    # its own, and since any user could read the suites of this checkout, it refuses to run any student code.
    script = "from grader.grading import grade\ngrade('solutions', ['metrics'])\n"
    run = subprocess.run(["setpriv", "--bounding-set", "-sys_admin", sys.executable, "-c", script], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "SandboxError: the worker could not start" in run.stderr
    assert "the worker's user can read" in run.stderr and "check_" in run.stderr


def test_unknown_levels_and_a_jail_without_root_are_refused(monkeypatch):
    with pytest.raises(SandboxError, match="unknown isolation level"):
        isolation.choose_level("chroot")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert isolation.choose_level("auto") == ("process", None)
    with pytest.raises(SandboxError, match="needs a grader running as root"):
        isolation.choose_level("jail")


# -- nothing leaks back ------------------------------------------------------------------------------------------------

@ROOT_ONLY
def test_the_jails_mounts_stay_in_the_workers_namespace(make_worker):
    student = make_worker()
    scratch = str(student.worker.scratch)
    assert student.call("probe.uid")
    assert scratch not in Path("/proc/self/mountinfo").read_text()


def test_a_killed_worker_leaves_no_pipe_open(make_worker):
    student = make_worker()
    assert student.call("probe.shout", 10) == 0
    printed = student.worker.process.stdout
    student.worker.kill()
    # Left open, the pipe would be closed only when garbage collection finds it, with a ResourceWarning.
    assert printed.closed
    assert "HEAD" in student.worker.take_output()


def test_the_worker_dies_with_the_grader(tmp_path):
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from grader.sandbox.client import Worker
        from grader.submission import stage
        source = Path({str(tmp_path)!r}) / "source"
        source.mkdir()
        stage(source, [], Path({str(tmp_path)!r}) / "root")
        worker = Worker(Path({str(tmp_path)!r}) / "root")
        print(worker.scratch, worker.bin.parent, flush=True)  # the worker's command line names the second
        time.sleep(60)
    """)
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as grader:
        scratch, shared = grader.stdout.readline().split()
        assert processes_mentioning(shared)
        grader.kill()
    assert_all_end(shared)
    for folder in (scratch, shared):  # a grader killed outright cannot remove its workers' folders itself
        shutil.rmtree(folder)


# -- the grader's own pytest run ---------------------------------------------------------------------------------------

def test_a_bare_assert_in_a_hidden_check_does_not_print_the_arrays_it_compared(make_worker, tmp_path):
    suite = tmp_path / "check_probe.py"
    suite.write_text(textwrap.dedent("""
        import numpy as np
        import pytest

        @pytest.mark.points(1)
        def test_bare_assert(student):
            expected = np.arange(50.0) * 7919
            assert np.array_equal(student.call("probe.write", "out.txt", 3), expected)
    """))
    run = run_suites(make_worker(), [Part("probe", "probe", 1, suite)], seed=0)
    (check,) = run.checks
    assert check.outcome == "failed"
    assert "7919" not in check.message and "array(" not in check.message


def test_pytest_options_from_the_environment_do_not_reach_a_grading_run(monkeypatch):
    monkeypatch.setattr(runner, "_sessions", {})  # pytest is configured afresh, as in a new process
    monkeypatch.setenv("PYTEST_ADDOPTS", "--collect-only -p no:python")
    monkeypatch.setenv("PYTEST_PLUGINS", "no_such_plugin_module")
    try:
        result = grade(ROOT / "solutions", ["metrics"])
    finally:
        runner.forget_sessions()  # the session made here ends here
    assert result.checks and result.points == result.max_points
    assert os.environ["PYTEST_ADDOPTS"] == "--collect-only -p no:python"


def test_the_wire_format_bounds_a_whole_message(monkeypatch):
    monkeypatch.setattr(protocol, "MAX_MESSAGE_BYTES", 100)
    read, write = os.pipe()
    frames = [b'{"frames": 3}', b"x" * 60, b"y" * 60, b"z" * 60]
    os.write(write, b"".join(len(f).to_bytes(4, "big") + f for f in frames))
    with pytest.raises(protocol.ProtocolError, match="exceeds"):
        protocol.Channel(read).read_message()
    os.close(read), os.close(write)
