"""Ctrl-C during a class run keeps every finished student and leaves no process behind; a re-run finishes the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from grader.classroom.pool import descendants
from tests.classroom.conftest import copy_reference


def test_ctrl_c_keeps_what_is_finished_and_a_rerun_grades_only_the_rest(tmp_path):
    submissions = tmp_path / "submissions"
    for i in range(4):
        copy_reference(submissions / f"s{i}")
    output = tmp_path / "graded"
    command = [sys.executable, "-m", "grader", "autograde", str(submissions), "--output", str(output),
               "--workers", "1", "activations"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while not list((output / "students").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.1)
    family = descendants(process.pid)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends: the whole foreground group
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 130, out.decode()
    assert b"run the same command to continue" in out
    done = sorted(p.stem for p in (output / "students").glob("*.json"))
    assert 1 <= len(done) < 4 and (output / "gradebook.csv").is_file()
    assert not list((output / "students").glob(".*.tmp"))
    time.sleep(0.5)
    assert not [pid for pid in family if os.path.exists(f"/proc/{pid}") and _state(pid) != "Z"]

    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"graded {4 - len(done)}, skipped {len(done)}" in again.stdout


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_a_ctrl_c_as_a_record_file_is_created_leaves_no_part_of_it(tmp_path, monkeypatch):
    """The signal can arrive as the temporary file is being created: its name must already be known, to remove it."""
    from grader.classroom import records

    created = os.open

    def interrupted(path, flags, mode=0o777, *args, **kwargs):
        created(path, flags, mode, *args, **kwargs)
        raise KeyboardInterrupt  # as Python raises it when the call returns

    monkeypatch.setattr(os, "open", interrupted)
    with pytest.raises(KeyboardInterrupt):
        records.write_atomic(tmp_path / "s1.md", "feedback")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
    records.write_atomic(tmp_path / "s1.md", "feedback")
    assert [p.name for p in tmp_path.iterdir()] == ["s1.md"] and (tmp_path / "s1.md").read_text() == "feedback"


def test_a_temporary_name_another_writer_holds_is_left_to_it(tmp_path, monkeypatch):
    from grader.classroom import records

    theirs = tmp_path / ".s1.md.deadbeef.tmp"
    theirs.write_text("being written")
    names = iter(["deadbeef", "cafef00d"])
    monkeypatch.setattr(records.secrets, "token_hex", lambda n: next(names))
    records.write_atomic(tmp_path / "s1.md", "feedback")
    assert theirs.read_text() == "being written" and (tmp_path / "s1.md").read_text() == "feedback"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".s1.md.deadbeef.tmp", "s1.md"]
