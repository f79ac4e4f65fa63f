"""The store of originals: content addressing, atomic writes, the manifest's statuses."""

from __future__ import annotations

import gzip
import hashlib
import os
import sqlite3
import time
from pathlib import Path

import pytest

from archive.errors import UnreadableFile
from archive.store import OriginalStore


@pytest.fixture
def page_bytes(corpus_dir: Path) -> bytes:
    """A real news page from the extraction benchmark, decompressed."""
    first = sorted((corpus_dir / "article-extraction-benchmark" / "html").glob("*.html.gz"))[0]
    return gzip.decompress(first.read_bytes())


def test_put_and_get_round_trip_by_content_hash(tmp_path: Path, page_bytes: bytes) -> None:
    store = OriginalStore(tmp_path)
    digest = store.put(page_bytes, origin="/in/page.html", kind="html")

    assert digest == hashlib.sha256(page_bytes).hexdigest()
    assert store.get(digest) == page_bytes
    blob = tmp_path / "originals" / digest[:2] / f"{digest}.gz"
    assert blob.is_file()
    assert blob.stat().st_size < len(page_bytes) / 2  # kept compressed
    [record] = store.records()
    assert (record.origin, record.kind, record.status, record.indexed) == (
        "/in/page.html",
        "html",
        "pending",
        False,
    )
    assert record.added_at.tzinfo is not None


def test_the_same_bytes_are_stored_once(tmp_path: Path, page_bytes: bytes) -> None:
    store = OriginalStore(tmp_path)
    first = store.put(page_bytes, origin="a.html", kind="html")
    second = store.put(page_bytes, origin="b.html", kind="html", overrides={"source": "Wire"})

    assert first == second
    [record] = store.records()
    assert record.origin == "b.html"
    assert record.overrides == {"source": "Wire"}
    assert len(list((tmp_path / "originals").rglob("*.gz"))) == 1


def test_no_temporary_files_are_left_behind(tmp_path: Path, page_bytes: bytes) -> None:
    store = OriginalStore(tmp_path)
    for n in range(3):
        store.write_blob(page_bytes + str(n).encode())
    leftovers = [p for p in (tmp_path / "originals").rglob("*") if p.name.startswith(".tmp")]
    assert leftovers == []


def test_damaged_or_missing_original_is_reported(tmp_path: Path, page_bytes: bytes) -> None:
    store = OriginalStore(tmp_path)
    digest = store.put(page_bytes, origin="a.html", kind="html")
    store.blob_path(digest).write_bytes(gzip.compress(b"something else"))
    with pytest.raises(UnreadableFile, match="damaged"):
        store.get(digest)
    store.blob_path(digest).write_bytes(b"not gzip at all")
    with pytest.raises(UnreadableFile, match="damaged"):
        store.get(digest)
    store.blob_path(digest).unlink()
    with pytest.raises(UnreadableFile, match="missing"):
        store.get(digest)


def test_statuses_follow_indexing_updates_and_removal(tmp_path: Path) -> None:
    store = OriginalStore(tmp_path)
    old = store.put(b"<p>version one</p>", origin="story.html", kind="html")
    other = store.put(b"plain text story", origin="other.txt", kind="text")
    store.mark_indexed([old, other], ["https://example.org/story", "sha256:abc"])
    assert store.committed() == {
        old: ("{}", "https://example.org/story"),
        other: ("{}", "sha256:abc"),
    }

    new = store.put(b"<p>version two</p>", origin="story.html", kind="html")
    assert store.counts()["pending"] == 1
    store.mark_indexed([new], ["https://example.org/story"])
    statuses = {r.digest: r.status for r in store.records()}
    assert statuses == {old: "superseded", new: "indexed", other: "indexed"}
    assert store.indexed_article_ids() == {"https://example.org/story", "sha256:abc"}
    assert set(store.committed()) == {old, new, other}  # a superseded version stays committed

    assert store.mark_removed("sha256:abc") == 1
    assert [r.digest for r in store.records(["indexed", "pending"])] == [new]
    assert store.counts() == {"pending": 0, "indexed": 1, "superseded": 1, "removed": 1}


def test_records_come_oldest_addition_first(tmp_path: Path) -> None:
    store = OriginalStore(tmp_path)
    a = store.put(b"a", origin="a.txt", kind="text")
    b = store.put(b"b", origin="b.txt", kind="text")
    store.put(b"a", origin="a-again.txt", kind="text")  # re-adding makes it the newest
    assert [r.digest for r in store.records()] == [b, a]


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        OriginalStore(tmp_path).put(b"x", origin="x", kind="pdf")


def test_manifest_uses_wal_so_readers_do_not_block_writers(tmp_path: Path) -> None:
    store = OriginalStore(tmp_path)
    store.put(b"x", origin="x.txt", kind="text")
    reader = sqlite3.connect(tmp_path / "manifest.sqlite")
    assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    reader.execute("BEGIN")
    assert reader.execute("SELECT COUNT(*) FROM originals").fetchone()[0] == 1
    store.put(b"y", origin="y.txt", kind="text")  # a writer is not blocked by an open reader
    reader.rollback()
    reader.close()
    assert store.counts()["pending"] == 2


def test_a_users_gzip_file_is_kept_as_it_is_when_it_unpacks_right(
    tmp_path: Path, corpus_dir: Path
) -> None:
    shipped = sorted((corpus_dir / "article-extraction-benchmark" / "html").glob("*.gz"))[0]
    gzipped = shipped.read_bytes()
    data = gzip.decompress(gzipped)
    store = OriginalStore(tmp_path)

    digest = store.write_blob(data, gzipped=gzipped)
    assert store.blob_path(digest).read_bytes() == gzipped

    other = data + b"<!-- changed -->"
    digest = store.write_blob(other, gzipped=gzipped)  # does not unpack to `other`
    assert store.get(digest) == other
    assert store.blob_path(digest).read_bytes() != gzipped


def test_stale_half_written_blobs_are_cleaned_up(tmp_path: Path) -> None:
    store = OriginalStore(tmp_path)
    digest = store.write_blob(b"a finished original")
    folder = store.blob_path(digest).parent
    stale, fresh = folder / ".tmp-stale", folder / ".tmp-fresh"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    os.utime(store.blob_path(digest), (time.time() - 7200, time.time() - 7200))

    assert store.remove_stale_temporaries() == 1
    assert not stale.exists()
    assert fresh.exists()  # may belong to a writer at work
    assert store.get(digest) == b"a finished original"
