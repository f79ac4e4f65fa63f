"""Saved searches in ``<data_dir>/saved.sqlite``: what a user wants to follow, as an RSS feed.

Each saved search has a public, unguessable and stable feed token (its feed URL) and a secret
delete key that is shown once and stored only as a hash, so a leaked database or a shared feed
link never lets anyone delete someone else's search. The same file remembers, per feed, when
its content last changed, so feeds can answer ``If-Modified-Since`` truthfully.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from archive import datadir, sqlitedb
from archive.errors import MorgueError, NotFound
from archive.results import SearchQuery

MAX_NAME_LENGTH = 200
# Feed change times not asked for in this long are forgotten (ad-hoc feeds come and go).
FEED_STATE_DAYS = 60

_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    text TEXT NOT NULL,
    filters TEXT NOT NULL,
    sort TEXT NOT NULL,
    feed_token TEXT NOT NULL UNIQUE,
    delete_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feed_state (
    key TEXT PRIMARY KEY,
    etag TEXT NOT NULL,
    modified TEXT NOT NULL,
    seen TEXT NOT NULL,
    stamp TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS feed_state_seen ON feed_state (seen);
"""


@dataclass(frozen=True)
class FeedState:
    etag: str
    modified: datetime
    stamp: str


class WrongDeleteKey(MorgueError):
    """The delete key (or admin token) given does not allow deleting this saved search."""


class InvalidName(MorgueError):
    """A saved search name that is empty or too long."""


@dataclass
class SavedSearch:
    """A stored search: the query text, facet filters, dates and sort (never a page)."""

    id: int
    name: str
    text: str
    include: dict[str, tuple[str, ...]]
    exclude: dict[str, tuple[str, ...]]
    date_from: date | None
    date_to: date | None
    sort: str
    feed_token: str
    created_at: datetime
    delete_key: str | None = field(default=None, repr=False)  # only right after creation

    def search_query(self, *, page: int = 1, per_page: int = 10) -> SearchQuery:
        return SearchQuery(
            text=self.text,
            include=self.include,
            exclude=self.exclude,
            date_from=self.date_from,
            date_to=self.date_to,
            sort=self.sort,
            page=page,
            per_page=per_page,
        )


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidName("Give the saved search a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(f"A name can have at most {MAX_NAME_LENGTH} characters.")
    return name


def _filters(query: SearchQuery) -> str:
    return json.dumps(
        {
            "include": {k: list(v) for k, v in query.include.items() if v},
            "exclude": {k: list(v) for k, v in query.exclude.items() if v},
            "date_from": query.date_from.isoformat() if query.date_from else None,
            "date_to": query.date_to.isoformat() if query.date_to else None,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _row(row) -> SavedSearch:
    filters = json.loads(row["filters"])
    day = date.fromisoformat
    return SavedSearch(
        id=row["id"],
        name=row["name"],
        text=row["text"],
        include={k: tuple(v) for k, v in filters["include"].items()},
        exclude={k: tuple(v) for k, v in filters["exclude"].items()},
        date_from=day(filters["date_from"]) if filters["date_from"] else None,
        date_to=day(filters["date_to"]) if filters["date_to"] else None,
        sort=row["sort"],
        feed_token=row["feed_token"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )


class SavedSearches:
    """The saved searches of one archive folder."""

    def __init__(self, data_dir: Path) -> None:
        self._conn = sqlitedb.connect(datadir.saved_path(data_dir))
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        self._conn.close()

    def create(self, name: str, query: SearchQuery) -> SavedSearch:
        """Store a search; the result carries its delete key, which is not kept in clear."""
        name = _clean_name(name)
        feed_token = secrets.token_urlsafe(18)
        delete_key = secrets.token_urlsafe(24)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with sqlitedb.write_transaction(self._conn):
            cursor = self._conn.execute(
                "INSERT INTO saved_searches"
                " (name, text, filters, sort, feed_token, delete_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, query.text, _filters(query), query.sort, feed_token, _hash(delete_key), now),
            )
        saved = self.get(cursor.lastrowid)
        saved.delete_key = delete_key
        return saved

    def list(self) -> list[SavedSearch]:
        rows = self._conn.execute("SELECT * FROM saved_searches ORDER BY name COLLATE NOCASE, id")
        return [_row(row) for row in rows]

    def get(self, saved_id: int) -> SavedSearch:
        row = self._conn.execute(
            "SELECT * FROM saved_searches WHERE id = ?", (saved_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"No saved search number {saved_id}.")
        return _row(row)

    def by_feed_token(self, token: str) -> SavedSearch:
        row = self._conn.execute(
            "SELECT * FROM saved_searches WHERE feed_token = ?", (token,)
        ).fetchone()
        if row is None:
            raise NotFound("No saved search has this feed address.")
        return _row(row)

    def rename(self, saved_id: int, name: str) -> SavedSearch:
        name = _clean_name(name)
        with sqlitedb.write_transaction(self._conn):
            changed = self._conn.execute(
                "UPDATE saved_searches SET name = ? WHERE id = ?", (name, saved_id)
            ).rowcount
        if not changed:
            raise NotFound(f"No saved search number {saved_id}.")
        return self.get(saved_id)

    def delete(self, saved_id: int, key: str, *, admin_token: str = "") -> None:
        """Delete with the search's own delete key, or the admin token when one is configured."""
        row = self._conn.execute(
            "SELECT delete_hash FROM saved_searches WHERE id = ?", (saved_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"No saved search number {saved_id}.")
        own = hmac.compare_digest(_hash(key), row["delete_hash"])
        admin = bool(admin_token) and hmac.compare_digest(
            key.encode("utf-8"), admin_token.encode("utf-8")
        )
        if not (own or admin):
            raise WrongDeleteKey("This delete key does not match the saved search.")
        with sqlitedb.write_transaction(self._conn):
            self._conn.execute("DELETE FROM saved_searches WHERE id = ?", (saved_id,))

    def feed_state(self, key: str) -> FeedState | None:
        """The feed ``key`` as last built: ETag, change time, index state it came from."""
        row = self._conn.execute(
            "SELECT etag, modified, stamp FROM feed_state WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        return FeedState(row["etag"], datetime.fromisoformat(row["modified"]), row["stamp"])

    def feed_modified(self, key: str, etag: str, stamp: str = "") -> datetime:
        """When the feed identified by ``key`` last changed to the content tagged ``etag``.

        The first time a content is seen counts as its change time, so a feed's Last-Modified
        moves forward whenever an article enters or leaves it, whatever that article's date.
        ``stamp`` names the index state the content was computed from.
        """
        now = datetime.now(UTC).replace(microsecond=0)
        row = self._conn.execute(
            "SELECT etag, modified, seen, stamp FROM feed_state WHERE key = ?", (key,)
        ).fetchone()
        if row is not None and row["etag"] == etag:
            seen = datetime.fromisoformat(row["seen"])
            if now - seen > timedelta(days=1) or row["stamp"] != stamp:
                with sqlitedb.write_transaction(self._conn):
                    self._conn.execute(
                        "UPDATE feed_state SET seen = ?, stamp = ? WHERE key = ?",
                        (now.isoformat(), stamp, key),
                    )
            return datetime.fromisoformat(row["modified"])
        if row is not None:
            # Two changes within one second still get distinct, increasing times.
            now = max(now, datetime.fromisoformat(row["modified"]) + timedelta(seconds=1))
        stale = (now - timedelta(days=FEED_STATE_DAYS)).isoformat()
        with sqlitedb.write_transaction(self._conn):
            self._conn.execute(
                "INSERT OR REPLACE INTO feed_state (key, etag, modified, seen, stamp)"
                " VALUES (?, ?, ?, ?, ?)",
                (key, etag, now.isoformat(), now.isoformat(), stamp),
            )
            self._conn.execute("DELETE FROM feed_state WHERE seen < ?", (stale,))
        return now
