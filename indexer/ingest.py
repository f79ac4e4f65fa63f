"""The ingest pipeline: originals in, articles committed to the index, resumable after a crash.

Reading, parsing and entity extraction run in worker processes (one per core); this process is
the one writer. For each batch: the workers have stored the originals on disk, the writer records
them as *pending* in the manifest, commits the batch to the index in one commit, then marks them
*indexed*. A crash at any point leaves at most one batch pending, which the next run redoes;
committed originals are skipped by content hash, and the index replaces an article with the same
id, so nothing is lost and nothing is doubled.
"""

from __future__ import annotations

import os
import queue
import signal
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

import config
from archive import datadir
from archive.aliases import AliasTable, canonicalize, current_names, renamed_articles
from archive.article import Article
from archive.index import ArticleIndex
from archive.store import OriginalStore, overrides_key
from indexer.cpu_limit import parse_time_limit
from indexer.entities import extract_entities, load_lexicons
from indexer.files import failure_text
from indexer.parsers import parse_bytes
from indexer.parsers.reading import GZIP_MAGIC, gunzip, read_file

# What the parsers are told the original is (they pick the HTML or the text parser by name).
_PARSE_NAMES = {"html": "original.html", "feed-entry": "original.html", "text": "original.txt"}


@dataclass(frozen=True)
class Input:
    """One original to ingest: a file to read, bytes already fetched, or a stored original.

    ``overrides`` may hold ``source``, ``date`` (ISO 8601; replaces the page's date) and
    ``fallback_date`` (used only when the page states none).
    """

    origin: str
    kind: str
    url: str | None = None
    data: bytes | None = None
    digest: str | None = None
    overrides: dict = field(default_factory=dict)

    @classmethod
    def from_path(cls, path: Path, overrides: dict | None = None) -> Input:
        plain = path.name.lower().removesuffix(".gz").endswith((".txt", ".text"))
        kind = "text" if plain else "html"
        return cls(origin=str(path.absolute()), kind=kind, overrides=overrides or {})


@dataclass
class Outcome:
    """What became of one input: ``added``, ``updated``, ``unchanged`` or ``failed``."""

    input: Input
    status: str
    message: str | None = None
    article_id: str | None = None


@dataclass
class _Prepared:
    """A worker's answer: a parsed article ready to commit, a skip, or an error message (the
    input itself is not sent back: the writer pairs answers with its own inputs)."""

    digest: str | None = None
    article: Article | None = None
    error: str | None = None


def read_original(path: Path) -> tuple[bytes, bytes | None]:
    """A file's bytes as an original, gunzipped, within the size limit (UnreadableFile if
    not), and the file's own bytes when it was gzip. ``page.html`` and ``page.html.gz`` are
    the same original, stored once."""
    raw = read_file(path)
    return (gunzip(raw), raw) if raw.startswith(GZIP_MAGIC) else (raw, None)


def apply_overrides(article: Article, overrides: dict) -> Article:
    """The article with the user's ``--source`` / ``--date`` (or a feed's date) applied."""
    changes: dict = {}
    if overrides.get("source"):
        changes["source"] = overrides["source"]
    if overrides.get("date"):
        changes["published"] = datetime.fromisoformat(overrides["date"])
    elif overrides.get("fallback_date") and article.published is None:
        changes["published"] = datetime.fromisoformat(overrides["fallback_date"])
    return replace(article, **changes) if changes else article


# -- worker side -------------------------------------------------------------------------------

_worker_store: OriginalStore | None = None
_worker_skip: dict[str, str] = {}


def _init_worker(data_dir: Path, skip: dict[str, str], in_child: bool) -> None:
    global _worker_store, _worker_skip
    if in_child:  # Ctrl-C is the writer's to handle; workers just stop with it
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_store = OriginalStore(data_dir)
    _worker_skip = skip


def _prepare(item: Input) -> _Prepared:
    """Read, skip if already committed, parse, extract entities, store the original."""
    assert _worker_store is not None
    try:
        gzipped = None
        if item.digest is not None:
            data = _worker_store.get(item.digest)
        elif item.data is not None:
            data = item.data
        else:
            data, gzipped = read_original(Path(item.origin))
        if item.digest is None:
            digest = _worker_store.write_blob(data, gzipped=gzipped)
        else:
            digest = item.digest
        if _worker_skip.get(digest) == overrides_key(item.overrides):
            return _Prepared(digest)
        with parse_time_limit():
            article = parse_bytes(data, name=_PARSE_NAMES[item.kind], url=item.url)
            article = extract_entities(apply_overrides(article, item.overrides))
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the other 9,999
        return _Prepared(error=failure_text(exc))
    return _Prepared(digest, article)


def _start_pool(data_dir: Path, skip: dict[str, str], workers: int) -> ProcessPoolExecutor | None:
    """The parsing processes, forked at once: before the committer thread starts, so no child
    inherits a lock that thread holds. None means parse in this process."""
    load_lexicons()
    if workers <= 1:
        _init_worker(data_dir, skip, in_child=False)
        return None
    pool = ProcessPoolExecutor(
        workers,
        mp_context=get_context("fork"),
        initializer=_init_worker,
        initargs=(data_dir, skip, True),
    )
    pool.submit(int).result()  # forks every worker now
    return pool


def _prepared_in_order(
    inputs: Iterable[Input], pool: ProcessPoolExecutor | None, workers: int
) -> Iterator[tuple[Input, _Prepared]]:
    """Each input with its worker's answer, in input order, a bounded number in flight."""
    if pool is None:
        yield from ((item, _prepare(item)) for item in inputs)
        return
    in_flight: deque = deque()
    for item in inputs:
        in_flight.append((item, pool.submit(_prepare, item)))
        if len(in_flight) >= workers * 4:
            done, answer = in_flight.popleft()
            yield done, answer.result()
    while in_flight:
        done, answer = in_flight.popleft()
        yield done, answer.result()


# -- writer side -------------------------------------------------------------------------------


class _Committer:
    """Commits batches in a thread of its own, so that the workers go on parsing during an
    index commit. Its SQLite connections are opened in that thread; an error is raised again in
    the caller at the next hand-over."""

    def __init__(
        self,
        data_dir: Path,
        index: ArticleIndex,
        on_outcome: Callable[[Outcome], None],
        parallel_writing: bool,
    ) -> None:
        self.data_dir, self.index, self.on_outcome = data_dir, index, on_outcome
        self.parallel_writing = parallel_writing
        self.error: BaseException | None = None
        self.queue: queue.Queue[list | None] = queue.Queue(maxsize=1)
        self.busy = False  # committing a batch
        self.thread = threading.Thread(target=self._run, name="index-committer", daemon=True)
        self.thread.start()

    def submit(self, batch: list[tuple[Input, _Prepared]]) -> None:
        self._raise_error()
        self.queue.put(batch)

    def idle(self) -> bool:
        """Nothing to commit: a batch handed over now is started at once."""
        return not self.busy and self.queue.empty()

    def close(self) -> None:
        """Wait for the batches handed over so far to be committed."""
        self.queue.put(None)
        self.thread.join()
        self._raise_error()

    def _raise_error(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _run(self) -> None:
        drained = False
        try:
            with (
                closing(OriginalStore(self.data_dir)) as store,
                AliasTable(datadir.aliases_path(self.data_dir)) as aliases,
            ):
                known_ids = store.indexed_article_ids()
                while (batch := self.queue.get()) is not None:
                    if self.error is None:  # after a failure, only drain: the caller never blocks
                        self.busy = True
                        try:
                            self._commit(batch, store, aliases, known_ids)
                        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
                            self.error = exc
                        finally:
                            self.busy = False
                drained = True
        except BaseException as exc:  # noqa: BLE001 - opening (a damaged database file) or closing
            self.error = self.error or exc
            while not drained and self.queue.get() is not None:
                pass

    def _commit(self, batch, store: OriginalStore, aliases: AliasTable, known_ids: set) -> None:
        """Manifest rows pending, one index commit, rows indexed, then the outcomes."""
        latest: dict[str, Article] = {}
        # The names are recorded in one transaction that ends after the index commit: a crash
        # before it leaves neither, so the next run finds the same renames again.
        with aliases.recording():
            for _, prepared in batch:  # the same article twice in one batch: the later one wins
                latest.pop(prepared.article.id, None)
                latest[prepared.article.id] = canonicalize(prepared.article, aliases)
            renamed = aliases.take_renamed()
            if any(renamed.values()):
                earlier = renamed_articles(self.index, aliases, renamed)
                latest = earlier | {key: current_names(a, aliases) for key, a in latest.items()}
            store.record(
                (prepared.digest, item.origin, item.kind, item.overrides)
                for item, prepared in batch
                if item.digest is None  # originals read back from the store are recorded already
            )
            self.index.upsert(list(latest.values()), parallel=self.parallel_writing)
        store.mark_indexed([p.digest for _, p in batch], [p.article.id for _, p in batch])
        for item, prepared in batch:
            article_id = prepared.article.id
            status = "updated" if article_id in known_ids else "added"
            known_ids.add(article_id)
            self.on_outcome(Outcome(item, status, article_id=article_id))


class _Batcher:
    """Sorts the workers' answers: failures and skips are reported at once, articles are
    gathered into batches for the committer: a full batch, or a smaller one (from
    ``min_size``) when the committer is idle, so that it writes while the workers parse."""

    def __init__(
        self,
        committer: _Committer,
        batch_size: int,
        min_size: int,
        on_outcome: Callable[[Outcome], None],
    ) -> None:
        self.committer, self.batch_size, self.on_outcome = committer, batch_size, on_outcome
        self.min_size = min(min_size, batch_size)
        self.batch: list[tuple[Input, _Prepared]] = []
        self.done: set[tuple[str, str]] = set()  # (digest, overrides) handled in this run

    def take(self, item: Input, prepared: _Prepared) -> None:
        if prepared.error is not None:
            self.on_outcome(Outcome(item, "failed", prepared.error))
            return
        key = (prepared.digest, overrides_key(item.overrides))
        if prepared.article is None or key in self.done:
            self.on_outcome(Outcome(item, "unchanged"))
            return
        self.done.add(key)
        self.batch.append((item, prepared))
        size = len(self.batch)
        if size >= self.batch_size or (size >= self.min_size and self.committer.idle()):
            self.flush()

    def flush(self) -> None:
        if self.batch:
            batch, self.batch = self.batch, []
            self.committer.submit(batch)


def committed_digests(store: OriginalStore, index: ArticleIndex) -> dict[str, str]:
    """``digest -> overrides key`` of originals whose article is really in the index, so that a
    re-run skips them; after the index was lost, nothing is skipped."""
    rows = store.committed()
    if not rows:
        return {}
    in_index = store.indexed_article_ids()
    present = in_index if index.count() == len(in_index) else index.ids()
    return {
        digest: overrides
        for digest, (overrides, article_id) in rows.items()
        if article_id in present
    }


def ingest(
    inputs: Iterable[Input],
    data_dir: Path,
    index: ArticleIndex,
    *,
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
    workers: int | None = None,
    batch_size: int | None = None,
    skip_committed: bool = True,
) -> Counter:
    """Ingest every input; returns how many were added, updated, unchanged and failed.

    ``on_outcome`` hears about each input once: failures and skips at once, the others after
    their batch is committed.
    """
    data_dir = Path(data_dir)
    store = OriginalStore(data_dir)
    store.remove_stale_temporaries()
    skip = committed_digests(store, index) if skip_committed else {}
    store.close()
    counts: Counter = Counter()
    lock = threading.Lock()

    def count(outcome: Outcome) -> None:  # called from this thread and the committer's
        with lock:
            counts[outcome.status] += 1
            on_outcome(outcome)

    workers = workers or config.INGEST_WORKERS or os.cpu_count() or 1
    pool = _start_pool(data_dir, skip, workers)
    # A second writing process helps only where no parsing workers keep the other cores busy;
    # beside them it only competes for the same cores (no measurable gain on 543 pages).
    spare_cores = pool is None and (os.cpu_count() or 1) > 1
    committer = _Committer(data_dir, index, count, parallel_writing=spare_cores)
    batch_size = batch_size or config.INGEST_BATCH_SIZE
    batcher = _Batcher(committer, batch_size, config.INGEST_MIN_BATCH or batch_size, count)
    try:
        for item, answer in _prepared_in_order(inputs, pool, workers):
            batcher.take(item, answer)
        batcher.flush()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        committer.close()
    return counts


def stored_inputs(store: OriginalStore) -> Iterator[Input]:
    """Every original whose article belongs in the index, oldest addition first (rebuild)."""
    for record in store.records(["indexed", "pending"]):
        url = record.origin if record.origin.startswith(("http://", "https://")) else None
        yield Input(
            origin=record.origin,
            kind=record.kind,
            url=url,
            digest=record.digest,
            overrides=record.overrides,
        )
