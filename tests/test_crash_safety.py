"""Crash safety: `add`, `rebuild` and `feed` killed with SIGKILL at random moments lose nothing.

The small CI version of bench/crash.py (same machinery, fixed seed): after every kill the index
opens and answers a search, the command then completes, and the archive holds every article
exactly once, with every original intact. Kills land at random moments (start-up, parsing,
committing) and, to be sure that phase is covered, while the index's write lock is held.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from bench.crash import (
    NewsSite,
    article_pages,
    check_archive,
    complete,
    indexer_command,
    kill_after_progress,
    kill_at,
    kill_in_index_write,
    serve,
    survive,
    write_pages,
)

PAGES = 150
BATCH = 25  # several commits per run, so that kills land between and inside them
SEED = 6
ENV = {"MORGUE_INGEST_BATCH_SIZE": str(BATCH), "MORGUE_INDEX_HELPER_MIN_BATCH": "2"}
# Parsing in the writing process (no parse workers), so that every commit shares its writing
# with a helper process, as the big commits of a one-process ingest do.
ONE_PROCESS = {**ENV, "MORGUE_INGEST_WORKERS": "1"}


@pytest.fixture(scope="module")
def bases() -> list[bytes]:
    """Real benchmark pages that parse into articles (the variations are built from these)."""
    return article_pages(limit=30)


def kills_in_turn(rng: random.Random, other_kill):
    """Every other kill while the index write lock is held, the others by ``other_kill``."""
    turn = 0

    def next_kill(process, probe):
        nonlocal turn
        turn += 1
        if turn % 2 == 0:
            return kill_in_index_write(process, probe, rng)
        return other_kill(process, probe)

    return next_kill


def after_progress(rng: random.Random, total: int):
    """Kills at a random point of the articles still to index (a command that skips what is
    already indexed has nothing to do once it finished, so its kills must land before that)."""
    return lambda process, probe: kill_after_progress(process, probe, rng, total)


def within(rng: random.Random, seconds: float):
    """Kills at a random moment of a run that takes ``seconds`` when left alone."""
    return lambda process, probe: kill_at(process, rng.uniform(0.3, max(seconds, 0.5)), probe)


def test_add_and_rebuild_killed_at_random_moments_lose_nothing(
    tmp_path: Path, bases: list[bytes]
) -> None:
    rng = random.Random(SEED)
    folder, data_dir = tmp_path / "pages", tmp_path / "data"
    expected = write_pages(folder, PAGES, bases)

    add = indexer_command("add", str(folder), "--data-dir", str(data_dir))
    result = survive("add", add, data_dir, 4, kills_in_turn(rng, after_progress(rng, PAGES)), ENV)
    print(f"add: {result.kills}, counts after the kills {result.counts_after_kill}")
    assert result.phases()["index write"] >= 2, result.kills
    assert check_archive(data_dir, expected) == []

    rebuild = indexer_command("rebuild", "--data-dir", str(data_dir))
    started = time.monotonic()
    assert complete(rebuild, ONE_PROCESS)[0] == 0
    seconds = time.monotonic() - started
    kills = kills_in_turn(rng, within(rng, seconds))
    result = survive("rebuild", rebuild, data_dir, 2, kills, ONE_PROCESS)
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
        kills = kills_in_turn(rng, after_progress(rng, len(site.expected)))
        result = survive("feed", feed, data_dir, 3, kills, ENV)
        print(f"feed: {result.kills}, counts after the kills {result.counts_after_kill}")
        assert result.kills
        assert check_archive(data_dir, site.ids(base)) == []
