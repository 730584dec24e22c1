"""Finding students in the three layouts, and unpacking zips without trusting them."""

from __future__ import annotations

import zipfile

import pytest

from grader.classroom.archive import ArchiveError, unpack
from grader.classroom.roster import find_students, layout_of


def test_plain_layout_takes_folder_and_zip_names_and_ignores_the_rest(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "bob.zip").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not a submission")
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / "eve").symlink_to(tmp_path / "alice")
    assert [(s.id, s.source.name) for s in find_students(tmp_path)] == [("alice", "alice"), ("bob", "bob.zip")]
    assert layout_of(tmp_path) == "plain"


def test_github_classroom_layout_strips_the_assignment_prefix(tmp_path):
    root = tmp_path / "hw1-backprop-submissions"
    for login in ("octocat", "mona-lisa"):
        (root / f"hw1-backprop-{login}" / ".git").mkdir(parents=True)
    assert layout_of(root) == "github-classroom"
    assert [s.id for s in find_students(root)] == ["mona-lisa", "octocat"]


def test_gradescope_export_takes_the_submitters_sid(tmp_path):
    (tmp_path / "submission_9001").mkdir()
    (tmp_path / "submission_9002").mkdir()
    (tmp_path / "submission_metadata.yml").write_text(
        "submission_9001:\n  :submitters:\n  - :name: Ada\n    :sid: '2024001'\n    :email: ada@example.edu\n"
        "  :created_at: 2026-03-01 10:00:00.000000000 -08:00\n"
        "submission_9002:\n  :submitters:\n  - :name: Grace\n    :email: grace@example.edu\n")
    assert layout_of(tmp_path) == "gradescope"
    assert [(s.id, s.source.name) for s in find_students(tmp_path)] == [
        ("2024001", "submission_9001"), ("grace@example.edu", "submission_9002")]


def test_ids_are_safe_file_names_and_unique(tmp_path):
    (tmp_path / "a b;rm").mkdir()
    (tmp_path / "a_b_rm.zip").write_bytes(b"")
    found = {s.source.name: s.id for s in find_students(tmp_path)}
    assert found["a_b_rm.zip"] == "a_b_rm"  # the name that is already a safe id keeps it
    assert found["a b;rm"].startswith("a_b_rm~") and len(found["a b;rm"]) == len("a_b_rm~") + 6


@pytest.mark.parametrize("name", ["../up.py", "/abs.py", "a/../../up.py"])
def test_a_zip_path_outside_its_folder_is_refused(tmp_path, name):
    with zipfile.ZipFile(tmp_path / "s.zip", "w") as bundle:
        bundle.writestr(name, "x = 1\n")
    with pytest.raises(ArchiveError, match="outside"):
        unpack(tmp_path / "s.zip", tmp_path / "out")


def test_a_zip_that_inflates_past_the_cap_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("big.py", b"0" * (3 * 1024 * 1024))
    with pytest.raises(ArchiveError, match="MiB"):
        unpack(tmp_path / "bomb.zip", tmp_path / "out", max_bytes=1024 * 1024)


def test_only_source_files_are_unpacked(tmp_path):
    with zipfile.ZipFile(tmp_path / "s.zip", "w") as bundle:
        bundle.writestr("top/activations.py", "x = 1\n")
        bundle.writestr("top/model.bin", b"\0" * 10)
    written = unpack(tmp_path / "s.zip", tmp_path / "out")
    assert [p.relative_to(tmp_path / "out").as_posix() for p in written] == ["top/activations.py"]
