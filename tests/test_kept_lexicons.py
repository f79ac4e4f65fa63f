"""Lexicons kept in files between runs (indexer.entities.kept): the same values, built once."""

from __future__ import annotations

import os
import time
from pathlib import Path

import config
from indexer.entities import gazetteer, lexicon
from indexer.entities.kept import STALE_AFTER_DAYS, kept


def _counting_build(calls: list[int]):
    def built_names() -> frozenset[str]:
        calls.append(1)
        return frozenset({"ada", "grace"})

    return built_names


def test_a_kept_value_is_built_once_and_read_back_in_a_new_run(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    calls: list[int] = []
    build = _counting_build(calls)
    first_run, next_run = kept(build), kept(build)  # two processes' fresh caches
    assert first_run() == frozenset({"ada", "grace"})
    assert next_run() == frozenset({"ada", "grace"})
    assert len(calls) == 1
    assert len(list(tmp_path.glob("*.pickle"))) == 1


def test_a_damaged_file_is_built_again_and_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    calls: list[int] = []
    build = _counting_build(calls)
    kept(build)()
    (path,) = tmp_path.glob("*.pickle")
    path.write_bytes(path.read_bytes()[:10])  # cut short, as by a full disk
    assert kept(build)() == frozenset({"ada", "grace"})
    assert len(calls) == 2
    assert kept(build)() == frozenset({"ada", "grace"})
    assert len(calls) == 2  # the rewritten file is whole


def test_files_built_from_other_code_are_removed_once_long_unused(tmp_path, monkeypatch):
    """An old and a new checkout run in turn keep both files; a file unused for a month goes."""
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    build = _counting_build([])
    prefix = f"{build.__module__}.{build.__qualname__}"
    other = tmp_path / f"{prefix}-1111111111111111.pickle"
    other.write_bytes(b"built by other code, used yesterday")
    yesterday = time.time() - 86400
    os.utime(other, (yesterday, yesterday))
    stale = tmp_path / f"{prefix}-0000000000000000.pickle"
    stale.write_bytes(b"built by older code, unused for long")
    cut_short = tmp_path / "tmpabc.part"
    cut_short.write_bytes(b"a write killed midway")
    long_ago = time.time() - (STALE_AFTER_DAYS + 1) * 86400
    for path in (stale, cut_short):
        os.utime(path, (long_ago, long_ago))
    kept(build)()
    assert other.exists()
    assert not stale.exists() and not cut_short.exists()
    assert len(list(tmp_path.glob("*.pickle"))) == 2


def test_no_cache_folder_builds_every_time(monkeypatch):
    """A user without a home folder has no cache (config.CACHE_DIR is None)."""
    monkeypatch.setattr(config, "CACHE_DIR", None)
    calls: list[int] = []
    build = _counting_build(calls)
    assert kept(build)() == kept(build)() == frozenset({"ada", "grace"})
    assert len(calls) == 2


def test_a_user_without_a_home_gets_no_cache_folder(monkeypatch) -> None:
    """Not a folder in /tmp, which another user could have filled with pickles first."""

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", no_home)
    assert config._user_cache_dir() is None
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert config._user_cache_dir() == Path("/somewhere/morgue")


def test_a_cache_folder_that_cannot_be_written_only_costs_the_build(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(config, "CACHE_DIR", blocked / "cache")
    assert kept(_counting_build([]))() == frozenset({"ada", "grace"})


def test_the_lexicons_read_from_files_equal_freshly_built_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    lexicons = (
        lexicon.first_names,
        lexicon.last_names,
        lexicon.english_words,
        gazetteer.gazetteer,
        gazetteer.all_city_names,
    )
    for function in lexicons:
        build = function.__wrapped__.__wrapped__  # past functools.cache and the file
        kept(build)()  # writes the file
        from_file = kept(build)()
        assert from_file == build()
        assert len(from_file) > 900
    assert gazetteer.gazetteer()["Nairobi"].code == "KE"
