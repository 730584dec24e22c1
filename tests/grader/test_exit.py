"""The installed command ends without Python's tear-down, yet everything an exit owes is kept: the report,
the exit code, the atexit handlers (the zygote's end among them); with a thread still
running it exits as Python does."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, SOLUTIONS

# Prints "torn down" when Python tears the interpreter down (clearing __main__), "atexit ran" from an atexit handler.
WATCHED = ("import atexit, sys\n"
           "class Torn:\n"
           "    def __del__(self): print('torn down', flush=True)\n"
           "torn = Torn()\n"
           "atexit.register(print, 'atexit ran')\n")


def run_command(*words: str, before: str = "") -> subprocess.CompletedProcess[str]:
    """``nn-grader WORDS`` through :func:`grader.cli.run` in a fresh interpreter, after ``WATCHED`` and ``before``."""
    probe = f"{WATCHED}{before}\nfrom grader.cli import run\nsys.argv = ['nn-grader', *{list(words)!r}]\nrun()\n"
    return subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_a_check_ends_without_tear_down_but_with_its_report_and_atexit_handlers():
    done = run_command("check", "activations", "--submission", str(SOLUTIONS))
    assert done.returncode == 0, done.stderr
    assert "Total: " in done.stdout  # the report, block-buffered into a pipe, was flushed
    assert done.stdout.rstrip().endswith("atexit ran")  # the handlers ran, after the report
    assert "torn down" not in done.stdout


def test_the_exit_code_and_message_of_an_error_are_kept(tmp_path):
    done = run_command("check", "--submission", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert done.stderr.startswith("Error: ") and str(tmp_path / "missing") in done.stderr
    assert "torn down" not in done.stdout


def test_with_a_thread_still_running_the_command_exits_as_python_does():
    thread = ("import threading, time\n"
              "threading.Thread(target=lambda: (time.sleep(0.3), print('thread finished', flush=True))).start()\n")
    done = run_command("--version", before=thread)
    assert done.returncode == 0
    assert "nn-grader, version" in done.stdout
    assert "thread finished" in done.stdout and "torn down" in done.stdout  # the thread was waited for
