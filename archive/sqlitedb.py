"""Opening the data folder's SQLite files so that several processes can share them.

The web reads while the indexer writes, and two indexer runs may overlap: WAL lets readers go on
during a write, ``busy_timeout`` makes a second writer wait instead of failing with "database is
locked", and ``BEGIN IMMEDIATE`` takes the write lock up front so two writers never deadlock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# How long a writer waits for another writer before giving up (milliseconds).
BUSY_TIMEOUT_MS = 60_000


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode with WAL, a busy timeout and durable commits."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.row_factory = sqlite3.Row
    return conn


@contextmanager
def write_transaction(
    conn: sqlite3.Connection, wait_seconds: float | None = None
) -> Iterator[sqlite3.Connection]:
    """One atomic write: everything inside commits together or not at all. ``wait_seconds``:
    how long to wait for another writer, when not the usual ``BUSY_TIMEOUT_MS``."""
    if wait_seconds is None:
        conn.execute("BEGIN IMMEDIATE")
    else:
        conn.execute(f"PRAGMA busy_timeout = {int(wait_seconds * 1000)}")
        try:
            conn.execute("BEGIN IMMEDIATE")
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
