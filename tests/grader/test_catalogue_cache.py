"""A language's merged catalogue is cached as JSON in ``grader/locale/<lang>/__pycache__/catalogue.json``, so that a
fresh command need not import yaml and parse every file (~15-25 ms of a ~0.6 s `nn-grader check`).

The cache is an optimisation only: it is used for exactly the files it was made from (their contents, not their
mtimes), a damaged one is ignored and rewritten, it is written only where Python writes byte-compiled files, and a
folder that cannot be written costs nothing but the time.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader import i18n
from tests.conftest import SOLUTIONS
from tests.grader.test_lazy_imports import modules_after

LOCALE = Path(i18n.__file__).parent / "locale"
KEY = "output.cannot_write"  # a message in both languages, whose English line the edit test changes


@pytest.fixture
def locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the real catalogues (without any cache) that :func:`i18n.catalogue` reads, in a Python that writes
    byte-compiled files (this machine's shell sets PYTHONDONTWRITEBYTECODE); catalogues loaded before and after the
    test are the real ones."""
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    i18n.catalogue.cache_clear()
    try:
        yield copy
    finally:
        i18n.catalogue.cache_clear()


def fresh(lang: str = "en") -> dict[str, str]:
    """The catalogue of ``lang`` as a new process would load it (not the one this process remembers)."""
    i18n.catalogue.cache_clear()
    return i18n.catalogue(lang)


def parsing_is_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(sources: object) -> dict[str, str]:
        raise AssertionError("the catalogue was parsed, not read from its cache")

    monkeypatch.setattr(i18n, "_parse_catalogue", refuse)


def test_a_second_load_comes_from_the_cache_without_parsing(locale, monkeypatch):
    parsed = {lang: fresh(lang) for lang in ("en", "ko")}
    assert (locale / "ko" / i18n.CACHE).is_file()
    parsing_is_forbidden(monkeypatch)
    cached = {lang: fresh(lang) for lang in ("en", "ko")}
    assert cached == parsed and list(cached["ko"]) == list(parsed["ko"])  # the same texts, in the same order
    assert cached["ko"][KEY] != cached["en"][KEY]  # each language its own cache


def test_an_edited_file_is_seen_even_with_the_same_size_and_mtime(locale):
    grader_yaml = locale / "en" / "grader.yaml"
    assert fresh()[KEY] == "cannot write {path}: {reason}"
    stamp = grader_yaml.stat()
    text = grader_yaml.read_text(encoding="utf-8")
    line = f'{KEY}: "cannot write {{path}}: {{reason}}"'
    assert line in text
    grader_yaml.write_text(text.replace(line, line.replace("cannot write", "cannot wrote")), encoding="utf-8")
    os.utime(grader_yaml, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # what an mtime-keyed cache would miss
    assert grader_yaml.stat().st_size == stamp.st_size

    assert fresh()[KEY] == "cannot wrote {path}: {reason}"
    cache = json.loads((locale / "en" / i18n.CACHE).read_text(encoding="utf-8"))
    assert cache["messages"][KEY] == "cannot wrote {path}: {reason}"


def test_a_new_or_removed_file_is_seen(locale):
    (locale / "en" / "zz_extra.yaml").write_text('extra.key: "here"\n', encoding="utf-8")
    assert fresh()["extra.key"] == "here"
    (locale / "en" / "zz_extra.yaml").unlink()
    assert "extra.key" not in fresh()


@pytest.mark.parametrize("damage", [
    b"garbage \xff\xfe not json",
    b'{"digest": "',  # a write cut short
    b"[" * 100_000,  # nested deeper than the JSON reader goes
    b'["a", "list"]',
    b'{"messages": {}}',  # no digest
    b'{"digest": "DIGEST", "messages": ["a", "list"]}',
    b'{"digest": "DIGEST", "messages": {"output.cannot_write": 3}}',
    b'{"digest": "DIGEST", "messages": {"output.cannot_write": null}}',
    b'{"digest": "someone else\'s", "messages": {"output.cannot_write": "wrong"}}',
])
def test_a_damaged_cache_is_ignored_and_rewritten(locale, damage):
    right = fresh()
    cache = locale / "en" / i18n.CACHE
    digest = json.loads(cache.read_text(encoding="utf-8"))["digest"]
    cache.write_bytes(damage.replace(b"DIGEST", digest.encode()))

    assert fresh() == right
    assert json.loads(cache.read_text(encoding="utf-8")) == {"digest": digest, "messages": right}


def test_a_cache_made_for_these_files_is_believed(locale, monkeypatch):
    # the other side of the digest: a cache whose digest matches is used as it stands, so the digest is what decides
    fresh()
    cache = locale / "en" / i18n.CACHE
    stored = json.loads(cache.read_text(encoding="utf-8"))
    cache.write_text(json.dumps({**stored, "messages": {"only.key": "from the cache"}}), encoding="utf-8")
    parsing_is_forbidden(monkeypatch)
    assert fresh() == {"only.key": "from the cache"}


def test_no_cache_is_written_where_python_writes_no_bytecode(locale, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # PYTHONDONTWRITEBYTECODE, python -B
    assert fresh()[KEY]
    assert not (locale / "en" / "__pycache__").exists()


def test_a_folder_where_the_cache_cannot_be_written_still_gives_the_catalogue(locale):
    (locale / "en" / "__pycache__").write_text("a file where the folder would be\n")  # even root cannot mkdir it
    right = fresh()
    assert right[KEY]
    assert fresh() == right
    assert sorted(p.name for p in (locale / "en").iterdir() if not p.name.endswith(".yaml")) == ["__pycache__"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_install_still_gives_the_catalogue(locale):
    folder = locale / "en"
    folder.chmod(0o555)
    try:
        assert fresh()[KEY]
        assert not (folder / "__pycache__").exists()
    finally:
        folder.chmod(0o755)


def test_no_partial_file_is_left_behind(locale):
    fresh()
    fresh("ko")
    assert sorted(p.name for p in (locale / "en" / "__pycache__").iterdir()) == ["catalogue.json"]


def test_a_catalogue_that_fails_its_checks_is_not_cached(locale):
    (locale / "en" / "zz_clash.yaml").write_text(f'{KEY}: "again"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=rf"zz_clash\.yaml: the message '{KEY}' is already defined in grader\.yaml"):
        fresh()
    assert not (locale / "en" / i18n.CACHE).exists()
    with pytest.raises(ValueError, match="already defined"):  # and the next process says so again
        fresh()


def test_a_key_that_is_not_a_text_is_refused(locale):
    # JSON keys are texts: a YAML key 1 would come back from the cache as "1", so the catalogue refuses it
    (locale / "en" / "zz_number.yaml").write_text('1: "one"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"zz_number\.yaml: the message key 1 must be a text, not int"):
        fresh()


def test_a_check_served_from_the_cache_never_imports_yaml(locale):
    fresh("en")
    fresh("ko")
    probe = (f"from pathlib import Path; from grader import i18n; i18n.LOCALE_DIR = Path(r'{locale}'); "
             f"from grader.cli import main; main(['check', 'activations', '-s', r'{SOLUTIONS}'])")
    modules = modules_after(probe)
    assert "grader.report.text" in modules  # it did grade and print
    assert "yaml" not in modules
