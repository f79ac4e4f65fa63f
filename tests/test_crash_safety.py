"""Crash safety: `add`, `rebuild` and `feed` killed with SIGKILL at random moments lose nothing.

The small CI version of bench/crash.py (same machinery, fixed seed): after every kill the index
opens and answers a search, the command then completes, and the archive holds every article
exactly once, with every original intact. Kills land at random moments (start-up, parsing,
committing) and, to be sure that phase is covered, while the index's write lock is held.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.crash import (
    NewsSite,
    article_pages,
    check_archive,
    indexer_command,
    kill_at,
    kill_in_index_write,
    serve,
    survive,
    write_pages,
)

PAGES = 150
BATCH = 25  # several commits per run, so that kills land between and inside them
SEED = 6
ENV = {"MORGUE_INGEST_BATCH_SIZE": str(BATCH)}


@pytest.fixture(scope="module")
def bases() -> list[bytes]:
    """Real benchmark pages that parse into articles (the variations are built from these)."""
    return article_pages(limit=30)


def kills_in_turn(rng: random.Random, latest: float):
    """Random moments up to ``latest`` s, every other kill while the index write lock is held."""
    turn = 0

    def next_kill(process, probe):
        nonlocal turn
        turn += 1
        if turn % 2 == 0:
            return kill_in_index_write(process, probe, rng)
        return kill_at(process, rng.uniform(0.3, latest), probe)

    return next_kill


def test_add_and_rebuild_killed_at_random_moments_lose_nothing(
    tmp_path: Path, bases: list[bytes]
) -> None:
    rng = random.Random(SEED)
    folder, data_dir = tmp_path / "pages", tmp_path / "data"
    expected = write_pages(folder, PAGES, bases)

    add = indexer_command("add", str(folder), "--data-dir", str(data_dir))
    result = survive("add", add, data_dir, 4, kills_in_turn(rng, 12.0), ENV)
    print(f"add: {result.kills}, counts after the kills {result.counts_after_kill}")
    assert result.phases()["index write"] >= 2, result.kills
    assert check_archive(data_dir, expected) == []

    rebuild = indexer_command("rebuild", "--data-dir", str(data_dir))
    result = survive("rebuild", rebuild, data_dir, 2, kills_in_turn(rng, 8.0), ENV)
    print(f"rebuild: {result.kills}, counts after the kills {result.counts_after_kill}")
    assert result.phases()["index write"] >= 1, result.kills
    assert min(result.counts_after_kill) < PAGES  # the kills really cut the rebuild short
    assert check_archive(data_dir, expected) == []


def test_feed_killed_at_random_moments_loses_nothing(tmp_path: Path, bases: list[bytes]) -> None:
    rng = random.Random(SEED + 1)
    site = NewsSite.build(feeds=2, entries=20, bases=bases)
    data_dir = tmp_path / "data"
    with serve(site) as base:
        feed = indexer_command(
            "feed", *(base + path for path in site.feeds), "--data-dir", str(data_dir)
        )
        result = survive("feed", feed, data_dir, 3, kills_in_turn(rng, 6.0), ENV)
        print(f"feed: {result.kills}, counts after the kills {result.counts_after_kill}")
        assert result.kills
        assert check_archive(data_dir, site.ids(base)) == []
