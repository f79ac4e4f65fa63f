"""The store of originals: every ingested page kept as it came, so the index can always be rebuilt.

Each original is gzip-compressed under ``<data_dir>/originals/<hash[:2]>/<hash>.gz``, named by the
sha256 of its bytes (the same page added twice is stored once). A SQLite manifest records where it
came from, when, the overrides it was added with, the article it produced and its status:

``pending``     stored, not yet in the index (a crash leaves these; the next run redoes them)
``indexed``     the version of its article that is in the index
``superseded``  an older version of an article that was added again with new bytes
``removed``     its article was removed from the index on purpose (``rebuild`` keeps it out)

Blob writes are atomic (temporary file, fsync, rename), so a crash never leaves half an original.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import sqlite3
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archive import datadir
from archive.errors import UnreadableFile
from archive.sqlitedb import connect, write_transaction

KINDS = ("html", "text", "feed-entry")
STATUSES = ("pending", "indexed", "superseded", "removed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS originals (
    digest     TEXT PRIMARY KEY,
    origin     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    overrides  TEXT NOT NULL DEFAULT '{}',
    article_id TEXT,
    status     TEXT NOT NULL DEFAULT 'pending'
);
CREATE INDEX IF NOT EXISTS originals_article ON originals (article_id);
CREATE INDEX IF NOT EXISTS originals_seq ON originals (seq);
"""


@dataclass(frozen=True)
class OriginalRecord:
    """One manifest row: an original and what became of it."""

    digest: str
    origin: str
    kind: str
    added_at: datetime
    overrides: dict
    article_id: str | None
    status: str

    @property
    def indexed(self) -> bool:
        return self.status == "indexed"


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def overrides_key(overrides: dict | None) -> str:
    """The canonical JSON form of overrides, so equal overrides compare equal as text."""
    return json.dumps(overrides or {}, sort_keys=True, ensure_ascii=False)


class OriginalStore:
    """Originals on disk plus their manifest. The blob methods are safe in worker processes; the
    manifest connection is opened on first use, so a store can be created before forking."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.root = datadir.originals_dir(self.data_dir)
        self.manifest = datadir.manifest_path(self.data_dir)
        self._conn: sqlite3.Connection | None = None

    # -- blobs ------------------------------------------------------------------------------

    def blob_path(self, digest: str) -> Path:
        return self.root / digest[:2] / f"{digest}.gz"

    def write_blob(self, data: bytes, *, gzipped: bytes | None = None) -> str:
        """Store ``data`` compressed (if not already there) and return its sha256.

        ``gzipped`` is the same data as the user's ``.gz`` file: kept as it is when it really
        unpacks to ``data``, which saves compressing it again.
        """
        digest = digest_of(data)
        target = self.blob_path(digest)
        if target.exists():
            return digest
        if gzipped is None or not _unpacks_to(gzipped, data):
            gzipped = gzip.compress(data, compresslevel=6, mtime=0)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(gzipped)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)
        return digest

    def get(self, digest: str) -> bytes:
        """The original bytes; raises UnreadableFile if missing or damaged on disk."""
        path = self.blob_path(digest)
        try:
            data = gzip.decompress(path.read_bytes())
        except FileNotFoundError:
            raise UnreadableFile(f"original {digest[:12]} is missing from {self.root}") from None
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise UnreadableFile(f"original {digest[:12]} is damaged: {exc}") from None
        if digest_of(data) != digest:
            raise UnreadableFile(f"original {digest[:12]} is damaged: its content does not match")
        return data

    # -- manifest ---------------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = connect(self.manifest)
            self._conn.executescript(_SCHEMA)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def put(self, data: bytes, *, origin: str, kind: str, overrides: dict | None = None) -> str:
        """Store one original and record it as pending; returns its sha256."""
        digest = self.write_blob(data)
        self.record([(digest, origin, kind, overrides)])
        return digest

    def record(self, entries: Iterable[tuple[str, str, str, dict | None]]) -> None:
        """Record stored blobs ``(digest, origin, kind, overrides)`` as pending, in one transaction.

        Recording a known digest again makes it the newest addition (its origin, overrides and
        time are updated), so that ``rebuild`` lets the last added version of an article win.
        """
        now = datetime.now(UTC).isoformat(timespec="microseconds")
        with write_transaction(self.conn) as conn:
            seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM originals").fetchone()[0]
            for digest, origin, kind, overrides in entries:
                if kind not in KINDS:
                    raise ValueError(f"unknown kind of original: {kind!r}")
                seq += 1
                conn.execute(
                    "INSERT INTO originals (digest, origin, kind, added_at, seq, overrides)"
                    " VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (digest) DO UPDATE SET origin = excluded.origin,"
                    " kind = excluded.kind, added_at = excluded.added_at, seq = excluded.seq,"
                    " overrides = excluded.overrides, status = 'pending'",
                    (digest, origin, kind, now, seq, overrides_key(overrides)),
                )

    def mark_indexed(self, digests: Iterable[str], article_ids: Iterable[str]) -> None:
        """After an index commit: these originals are their articles' indexed versions, and any
        other original of the same article is superseded."""
        with write_transaction(self.conn) as conn:
            for digest, article_id in zip(digests, article_ids, strict=True):
                conn.execute(
                    "UPDATE originals SET status = 'superseded'"
                    " WHERE article_id = ? AND digest != ? AND status IN ('indexed', 'pending')",
                    (article_id, digest),
                )
                conn.execute(
                    "UPDATE originals SET status = 'indexed', article_id = ? WHERE digest = ?",
                    (article_id, digest),
                )

    def mark_removed(self, article_id: str) -> int:
        """Keep the originals of a removed article out of ``rebuild``; returns how many."""
        with write_transaction(self.conn) as conn:
            cursor = conn.execute(
                "UPDATE originals SET status = 'removed'"
                " WHERE article_id = ? AND status IN ('indexed', 'pending')",
                (article_id,),
            )
            return cursor.rowcount

    def records(self, statuses: Iterable[str] | None = None) -> Iterator[OriginalRecord]:
        """Manifest rows, oldest addition first (optionally only some statuses)."""
        sql = "SELECT * FROM originals"
        params: tuple[str, ...] = ()
        if statuses is not None:
            params = tuple(statuses)
            sql += f" WHERE status IN ({', '.join('?' * len(params))})"
        for row in self.conn.execute(sql + " ORDER BY seq", params):
            yield OriginalRecord(
                digest=row["digest"],
                origin=row["origin"],
                kind=row["kind"],
                added_at=datetime.fromisoformat(row["added_at"]),
                overrides=json.loads(row["overrides"]),
                article_id=row["article_id"],
                status=row["status"],
            )

    def committed(self) -> dict[str, tuple[str, str]]:
        """``digest -> (overrides key, article id)`` of every original that went into the index
        (and may since have been superseded by a newer version): what a re-run of ``add`` skips,
        so that re-adding a folder holding two versions of one article changes nothing."""
        rows = self.conn.execute(
            "SELECT digest, overrides, article_id FROM originals"
            " WHERE status IN ('indexed', 'superseded')"
        )
        return {digest: (overrides, article_id) for digest, overrides, article_id in rows}

    def indexed_article_ids(self) -> set[str]:
        rows = self.conn.execute("SELECT article_id FROM originals WHERE status = 'indexed'")
        return {row[0] for row in rows}

    def counts(self) -> dict[str, int]:
        """How many originals have each status."""
        counts = dict.fromkeys(STATUSES, 0)
        for status, n in self.conn.execute("SELECT status, COUNT(*) FROM originals GROUP BY 1"):
            counts[status] = n
        return counts

    def remove_stale_temporaries(self, older_than_seconds: float = 3600) -> int:
        """Delete half-written blobs a killed writer left behind (never a finished original;
        recent ones may belong to a writer still at work). Returns how many."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - older_than_seconds
        removed = 0
        for path in self.root.glob("*/.tmp-*"):
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed

    def disk_bytes(self) -> int:
        """Bytes the compressed originals take on disk."""
        if not self.root.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.root.glob("*/*.gz"))


def _unpacks_to(gzipped: bytes, data: bytes) -> bool:
    try:
        return gzip.decompress(gzipped) == data
    except (OSError, EOFError, zlib.error):
        return False


def _fsync_dir(path: Path) -> None:
    """Make a rename durable: the directory entry must reach the disk too."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
