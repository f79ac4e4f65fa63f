"""RSS and Atom feeds: turn each new entry into an original for the ingest pipeline.

An entry that carries its full text (``content:encoded`` / Atom ``content``, or a long
description) becomes a small HTML page of its own (kind ``feed-entry``); otherwise its linked page
is fetched (kind ``html``). Per feed, the ETag / Last-Modified validators and the ids of entries
already seen are kept in ``<data_dir>/feeds.sqlite``, so a re-run asks "anything new?" and only
adds what is.

Fetching uses the standard library's urllib rather than feedparser's own fetcher or an extra
dependency: we need a whole-download deadline, a byte limit and our user agent on every request,
and conditional requests are two headers.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import feedparser

import config
from archive import datadir
from archive.errors import UnreadableFile
from archive.sqlitedb import connect, write_transaction
from indexer.files import size_text
from indexer.ingest import Input, read_original

# An entry's own content counts as the full article from this many characters of text; below
# that it is a teaser ("Read more…") and the linked page is fetched instead.
FULL_CONTENT_MIN_CHARS = 1000

# Linked pages fetched at the same time (from one feed, usually one site: stay polite).
PAGE_FETCHES_AT_ONCE = 4

_TAGS = re.compile(r"<[^>]+>")
_CHUNK = 64 * 1024


class NotAFeed(UnreadableFile):
    """The address or file answered, but not with an RSS or Atom feed."""


@dataclass
class Fetched:
    """An HTTP answer: ``status`` 200 with a body, or 304 (not modified) without one."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


def is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def fetch(url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
    """GET ``url`` with our user agent, a deadline for the whole download and a size limit.

    Raises UnreadableFile with a one-line reason (HTTP error, timeout, too large, unreachable).
    """
    if not is_url(url):
        raise UnreadableFile(f"{url}: only http and https addresses can be fetched")
    headers = {"User-Agent": config.USER_AGENT, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = config.FETCH_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            body = _read_limited(r, deadline)
            if r.headers.get("Content-Encoding", "").lower() == "gzip":
                body = _gunzip_limited(body, r.geturl())
            return Fetched(
                url=r.geturl(),
                status=r.status,
                body=body,
                content_type=r.headers.get("Content-Type", ""),
                etag=r.headers.get("ETag"),
                last_modified=r.headers.get("Last-Modified"),
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(url=url, status=304, etag=etag, last_modified=last_modified)
        reason = str(exc.reason).splitlines()[0] if exc.reason else ""  # urllib's run 3 lines
        raise UnreadableFile(f"{url}: the server answered HTTP {exc.code} {reason}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _timed_out(url) from None
        raise UnreadableFile(f"{url}: cannot connect ({exc.reason})") from None
    except TimeoutError:
        raise _timed_out(url) from None
    except OSError as exc:
        raise UnreadableFile(f"{url}: the download failed ({exc})") from None


def _timed_out(url: str) -> UnreadableFile:
    return UnreadableFile(f"{url}: no complete answer within {config.FETCH_TIMEOUT_SECONDS:g} s")


def _read_limited(response, deadline: float) -> bytes:
    """The body, refusing more than FETCH_MAX_BYTES or a download past the deadline (a server
    that drips one byte at a time never trips the per-read socket timeout)."""
    limit = config.FETCH_MAX_BYTES
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise UnreadableFile(
                f"{response.geturl()}: larger than the limit of {size_text(limit)}"
            )
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)


def _gunzip_limited(body: bytes, url: str) -> bytes:
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        data = inflater.decompress(body, config.FETCH_MAX_BYTES + 1)
    except zlib.error:
        raise UnreadableFile(f"{url}: the server sent broken gzip data") from None
    if len(data) > config.FETCH_MAX_BYTES:
        limit = size_text(config.FETCH_MAX_BYTES)
        raise UnreadableFile(f"{url}: larger than the limit of {limit} once unpacked")
    return data


class FeedState:
    """What we remember per feed: HTTP validators and the ids of entries already added."""

    _SCHEMA = """
    CREATE TABLE IF NOT EXISTS feeds (
        feed TEXT PRIMARY KEY, title TEXT, etag TEXT, last_modified TEXT, checked_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS seen (
        feed TEXT NOT NULL, entry TEXT NOT NULL, seen_at TEXT NOT NULL,
        PRIMARY KEY (feed, entry)
    );
    """

    def __init__(self, data_dir: Path):
        self.conn = connect(datadir.feeds_path(data_dir))
        self.conn.executescript(self._SCHEMA)

    def known(self, feed: str) -> tuple[str, str | None, str | None]:
        """The feed's title, ETag and Last-Modified from the last complete run."""
        row = self.conn.execute(
            "SELECT title, etag, last_modified FROM feeds WHERE feed = ?", (feed,)
        ).fetchone()
        return (row["title"] or "", row["etag"], row["last_modified"]) if row else ("", None, None)

    def save(self, feed: str, title: str, etag: str | None, last_modified: str | None) -> None:
        with write_transaction(self.conn) as conn:
            conn.execute(
                "INSERT INTO feeds (feed, title, etag, last_modified, checked_at)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (feed) DO UPDATE SET title = excluded.title, etag = excluded.etag,"
                " last_modified = excluded.last_modified, checked_at = excluded.checked_at",
                (feed, title, etag, last_modified, _now()),
            )

    def seen(self, feed: str) -> set[str]:
        rows = self.conn.execute("SELECT entry FROM seen WHERE feed = ?", (feed,))
        return {row[0] for row in rows}

    def mark_seen(self, feed: str, entries: list[str]) -> None:
        with write_transaction(self.conn) as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO seen (feed, entry, seen_at) VALUES (?, ?, ?)",
                [(feed, entry, _now()) for entry in entries],
            )

    def close(self) -> None:
        self.conn.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class FeedRun:
    """One feed's new entries as ingest inputs, plus the problems met while collecting them."""

    feed: str
    title: str
    not_modified: bool = False
    inputs: dict[str, Input] = field(default_factory=dict)  # entry id -> input
    problems: list[str] = field(default_factory=list)
    validators: tuple[str | None, str | None] = (None, None)


def read_feed(target: str, state: FeedState) -> tuple[FeedRun, list]:
    """Fetch (conditionally) or read a feed; returns the run and its entries not seen yet."""
    if is_url(target):
        title, etag, last_modified = state.known(target)
        fetched = fetch(target, etag=etag, last_modified=last_modified)
        run = FeedRun(feed=target, title=title, validators=(fetched.etag, fetched.last_modified))
        if fetched.status == 304:
            run.not_modified = True
            return run, []
        body, headers = fetched.body, {"content-location": fetched.url}
        if fetched.content_type:
            headers["content-type"] = fetched.content_type
    else:
        path = Path(target)
        run = FeedRun(feed=str(path.absolute()), title="")
        try:
            body, headers = read_original(path)[0], {}
        except UnreadableFile as exc:
            raise UnreadableFile(f"{target}: {exc}") from None
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    if not parsed.get("version"):
        raise NotAFeed(f"{target}: not an RSS or Atom feed")
    run.title = parsed.feed.get("title", "") or run.title
    seen = state.seen(run.feed)
    return run, [e for e in parsed.entries if entry_id(e) not in seen]


def entry_id(entry) -> str:
    """The entry's guid / Atom id, else its link, else its title, else a hash of its text (so
    that entries with none of those neither replace each other nor hide each other's later
    entries as "already seen")."""
    found = entry.get("id") or entry.get("link") or entry.get("title")
    if found:
        return found
    text = _longest_content(entry) or entry.get("summary", "")
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def entry_input(entry, feed_title: str, fetch_page: Callable[[str], Fetched]) -> Input:
    """The original for one entry: its own full text as a page, or its fetched linked page."""
    link = entry.get("link")
    published = _entry_date(entry)
    overrides = {"fallback_date": published.isoformat()} if published else {}
    content = _longest_content(entry)
    if len(_TAGS.sub("", content).strip()) >= FULL_CONTENT_MIN_CHARS or not link:
        if not content.strip():
            raise UnreadableFile(f"entry {entry_id(entry)!r} has neither text nor a link")
        page = entry_page(entry, feed_title, content, published)
        return Input(
            origin=link or entry_id(entry),
            kind="feed-entry",
            url=link,
            data=page,
            overrides=overrides,
        )
    fetched = fetch_page(link)
    return Input(origin=link, kind="html", url=fetched.url, data=fetched.body, overrides=overrides)


def _longest_content(entry) -> str:
    values = [c.get("value", "") for c in entry.get("content", [])]
    values.append(entry.get("summary", ""))
    return max(values, key=len)


def _entry_date(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None


def entry_page(entry, feed_title: str, content: str, published: datetime | None) -> bytes:
    """A self-contained HTML page for an entry that carries its text, in the markup our parser
    reads (title, canonical link, site name, date, author), so ``rebuild`` needs nothing else."""
    esc = html.escape
    title = entry.get("title", "")
    head = [f"<meta charset='utf-8'><title>{esc(title)}</title>"]
    if entry.get("link"):
        head.append(f"<link rel='canonical' href='{esc(entry['link'])}'>")
    if feed_title:
        head.append(f"<meta property='og:site_name' content='{esc(feed_title)}'>")
    if published:
        head.append(f"<meta property='article:published_time' content='{published.isoformat()}'>")
    if entry.get("author"):
        head.append(f"<meta name='author' content='{esc(entry['author'])}'>")
    return (
        f"<!DOCTYPE html><html><head>{''.join(head)}</head><body><article>"
        f"<h1>{esc(title)}</h1>{content}</article></body></html>"
    ).encode()


def collect(target: str, state: FeedState) -> FeedRun:
    """A feed's new entries as inputs; an entry whose page cannot be fetched becomes a problem
    (and stays unseen, so the next run tries it again). Linked pages are fetched a few at a
    time: one slow server must not make a long feed take minutes."""
    run, entries = read_feed(target, state)

    def prepare(entry) -> Input | UnreadableFile:
        try:
            return entry_input(entry, run.title, fetch)
        except UnreadableFile as exc:
            return exc

    with ThreadPoolExecutor(max_workers=PAGE_FETCHES_AT_ONCE) as threads:
        for entry, answer in zip(entries, threads.map(prepare, entries), strict=True):
            if isinstance(answer, UnreadableFile):
                run.problems.append(str(answer))
            else:
                run.inputs[entry_id(entry)] = answer
    return run


def iter_runs(
    targets: list[str], state: FeedState, on_problem: Callable[[str], None]
) -> Iterator[FeedRun]:
    """Collect each feed in turn; a feed that cannot be read is one problem, the others go on."""
    for target in targets:
        try:
            yield collect(target, state)
        except UnreadableFile as exc:
            on_problem(str(exc))
