"""The classroom commands as docs/classroom.md shows them: autograde with a shard, merge, resume."""

from __future__ import annotations

import csv

from click.testing import CliRunner

from grader.cli import main
from tests.classroom.conftest import QUIZ, RIGHT, answer, copy_reference


def test_autograde_shards_then_merge_gives_one_gradebook(tmp_path):
    submissions = tmp_path / "submissions"
    for name in ("alice", "bob", "carol"):
        answer(copy_reference(submissions / name / "exercises"), RIGHT)
    (submissions / "dave").mkdir()
    runner = CliRunner()
    for k in (1, 2):
        result = runner.invoke(main, ["autograde", str(submissions), "--output", str(tmp_path / f"graded-{k}"),
                                      "--shard", f"{k}/2", "--workers", "2", "--quiz", str(QUIZ), "activations"])
        assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["gradebook", "merge", str(tmp_path / "graded"), str(tmp_path / "graded-1"),
                                  str(tmp_path / "graded-2")])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "graded" / "gradebook.csv", newline="") as stream:
        table = {row["student"]: row for row in csv.DictReader(stream)}
    assert sorted(table) == ["alice", "bob", "carol", "dave"]
    assert table["alice"]["total"] == table["alice"]["max_total"] and table["dave"]["status"] == "no_code"

    again = runner.invoke(main, ["autograde", str(submissions), "--output", str(tmp_path / "graded-1"),
                                 "--shard", "1/2", "--quiz", str(QUIZ), "activations"])
    assert again.exit_code == 0 and "graded 0, skipped 2" in again.output


def test_autograde_rejects_a_bad_shard(tmp_path):
    result = CliRunner().invoke(main, ["autograde", str(tmp_path), "--output", str(tmp_path / "o"), "--shard", "3/2"])
    assert result.exit_code == 2 and "K must be between 1 and N" in result.output
