"""The archive's index folder: opened or created, written in commits, read through snapshots."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index, writing
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

import config
from archive import dedup
from archive.article import Article
from archive.errors import MorgueError
from archive.index.helper import SegmentHelper
from archive.index.postings import PostingCache
from archive.index.schema import build_schema, document, stored_article
from archive.index.segments import SegmentArrays
from archive.index.snapshot import Snapshot
from archive.index.writer import HELPER_SHARE, Writer, helper_writer
from archive.results import Hit, Results, SearchQuery
from archive.search import run_search

# Stories sent to the helper process at a time: its first wait is short, the messages few.
_STORIES_PER_MESSAGE = 25


class ArticleIndex:
    """The archive's index in ``index_dir``: opened, or created when missing."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.index_dir.mkdir(parents=True, exist_ok=True)
        if index.exists_in(str(self.index_dir)):
            self._ix = index.open_dir(str(self.index_dir))
        else:
            self._ix = self._create()
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._retired: Snapshot | None = None
        self._segments: dict[str, SegmentArrays] = {}
        self._postings = PostingCache(config.POSTINGS_CACHE_MB * 1024 * 1024)

    def _create(self) -> index.FileIndex:
        """Create the index, or open the one another process created meanwhile.

        Under the index's write lock: Whoosh's creation deletes every table of contents it finds,
        so two processes creating at once (a web server's first request and an ``add``) failed
        or deleted each other's.
        """
        lock = FileStorage(str(self.index_dir)).lock("MAIN_WRITELOCK")  # as Whoosh's writers
        lock.acquire(blocking=True)
        try:
            if index.exists_in(str(self.index_dir)):
                return index.open_dir(str(self.index_dir))
            return index.create_in(str(self.index_dir), build_schema())
        finally:
            lock.release()

    # Writing

    def _writer(self) -> Writer:
        """A writer; waits for another process's writer instead of failing."""
        try:
            return Writer(
                self._ix, timeout=config.INDEX_LOCK_TIMEOUT_SECONDS, delay=0.2, limitmb=128
            )
        except index.LockError:
            raise MorgueError(
                f"Another process kept the index locked for"
                f" {config.INDEX_LOCK_TIMEOUT_SECONDS:.0f} s;"
                " try again when it has finished."
            ) from None

    def _copies(self) -> dedup.CopyFinder:
        return dedup.CopyFinder(self.index_dir / "copies.sqlite")

    @contextmanager
    def _writing(self) -> Iterator[tuple[Writer, dedup.CopyFinder]]:
        """A writer and the copies table, both committed by the caller's block or both undone
        (and the index's write lock released) when it fails."""
        writer = self._writer()
        copies = self._copies()
        try:
            yield writer, copies
        except BaseException:
            writer.cancel()
            copies.close(commit=False)
            raise
        copies.close(commit=True)

    def upsert(self, articles: list[Article], *, parallel: bool = True) -> None:
        """Add or replace articles (same id replaces) in one commit, linking syndicated copies.

        ``parallel``: a large batch has most of its documents written by a second process
        (``config.INDEX_HELPER_MIN_BATCH``); pass False when the other cores are busy anyway
        (parsing workers), where the extra process only competes with them."""
        latest = list({a.id: a for a in articles}.values())
        if not latest:
            return
        with self._writing() as (writer, copies):
            ids = [article.id for article in latest]
            use_helper = parallel and 0 < config.INDEX_HELPER_MIN_BATCH <= len(latest)
            merging = writer.merge_plan(segments_per_commit=2 if use_helper else 1)
            shared = round(len(latest) * HELPER_SHARE) if use_helper else 0
            # The merge split in two halves when a helper writes part of the commit.
            helpers_share, merging = (merging[::2], merging[1::2]) if shared else ([], merging)
            # The replaced versions, wherever they are: before the helper is forked when it
            # merges segments (which must carry the deletions), else while it writes.
            if helpers_share:
                writer.delete_by_terms("id", ids)
            helper = (
                SegmentHelper(
                    self._ix,
                    latest[:shared],
                    document,
                    helper_writer,
                    writer.writelock,
                    merging=helpers_share,
                )
                if shared
                else None
            )
            try:
                if not helpers_share:
                    writer.delete_by_terms("id", ids)
                # The helper's stories first, in pieces, so that it writes while the rest is
                # linked; linking stays in the batch's order (a copy finds an earlier one).
                for start in range(0, shared, _STORIES_PER_MESSAGE):
                    piece = latest[start : min(start + _STORIES_PER_MESSAGE, shared)]
                    helper.send([_link(copies, article) for article in piece])
                for article in latest[shared:]:
                    writer.add_document(**document(article, _link(copies, article)))
                writer.commit_with(helper, merging)
            except BaseException:
                if helper:
                    helper.cancel()
                raise

    def remove(self, article_id: str) -> bool:
        with self._writing() as (writer, copies):
            removed = writer.delete_by_term("id", article_id)
            copies.forget(article_id)
            writer.commit()
        return removed > 0

    def clear(self) -> None:
        """Empty the index (before a rebuild from the originals)."""
        with self._writing() as (writer, copies):
            copies.clear()
            writer.commit(mergetype=writing.CLEAR)

    # Reading

    def snapshot(self) -> Snapshot:
        """The index as of its latest commit, with per-segment arrays reused across commits."""
        with self._lock:
            current = self._snapshot
            if current is not None and current.generation == self._ix.latest_generation():
                return current
            searcher = self._ix.searcher()
            reopen = _reopener(self._ix, searcher)
            fresh = Snapshot(searcher, self._segments, self._postings, reopen)
            self._segments = {
                key: seg for key, seg in self._segments.items() if key in fresh.segment_keys
            }
            # The snapshot before the current one may still serve a search in another thread;
            # the one before that is done: close its files.
            if self._retired is not None:
                self._retired.close()
            self._retired, self._snapshot = current, fresh
            return fresh

    def _read(self, read):
        """``read`` applied to the latest snapshot. A thread opens its own searcher on its first
        read of a snapshot; if a commit merged that snapshot's segments away meanwhile, their
        files are gone and the read is made once more on the newer snapshot."""
        try:
            return read(self.snapshot())
        except FileNotFoundError:
            return read(self.snapshot())

    def get(self, article_id: str) -> Article | None:
        stored = self._read(lambda snap: snap.searcher.document(id=article_id))
        return stored_article(stored) if stored else None

    def ids(self) -> set[str]:
        return self.snapshot().ids()

    def count(self) -> int:
        return self._read(lambda snap: snap.searcher.doc_count())

    def search(self, search_query: SearchQuery, *, facets: bool = True) -> Results:
        """Run a search; ``facets=False`` skips the facet counts (a feed needs only the hits)."""
        return self._read(lambda snap: run_search(snap, search_query, facets=facets))

    def more_like_this(self, article_id: str, limit: int = 5) -> list[Hit]:
        return self._read(lambda snap: snap.more_like_this(article_id, limit))

    def siblings(self, article_id: str) -> list[Hit]:
        return self._read(lambda snap: snap.siblings(article_id))

    def stats(self) -> dict:
        snap = self.snapshot()
        size = sum(p.stat().st_size for p in self.index_dir.iterdir() if p.is_file())
        return {**snap.stats(), "index_bytes": size, "segments": len(snap.segment_keys)}

    def close(self) -> None:
        with self._lock:
            for snap in (self._snapshot, self._retired):
                if snap is not None:
                    snap.close()
            self._snapshot = self._retired = None


def _link(copies: dedup.CopyFinder, article: Article) -> str | None:
    """The story of syndicated copies an article belongs to (recorded in ``copies``)."""
    return copies.link(article.id, dedup.signature(article.body))


def _reopener(ix: index.FileIndex, searcher: Searcher):
    """Opens another searcher on the segments of ``searcher``'s generation (one per thread)."""
    reader = searcher.reader()
    segments = [leaf.segment() for leaf, _ in reader.leaf_readers() if leaf.segment() is not None]
    generation = reader.generation()

    def reopen() -> Searcher:
        fresh = index.FileIndex._reader(ix.storage, ix.schema, list(segments), generation)
        return Searcher(fresh, fromindex=ix)

    return reopen
