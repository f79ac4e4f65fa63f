"""`feed`: a real RSS feed and real linked pages, served by the test on 127.0.0.1."""

from __future__ import annotations

import gzip
import html
import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import pytest

import config
from archive import open_index
from indexer.feeds import entry_id


def wikinews_articles(count: int) -> list[dict]:
    """Real Wikinews articles long enough to count as full text in a feed."""
    path = config.CORPUS_DIR / "wikinews-tosca" / "wikinews_en_2004_2018.jsonl.gz"
    found = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if len(record["text"]) > 2500:
                found.append(record)
            if len(found) == count:
                break
    return found


def as_paragraphs(text: str) -> str:
    sentences = re.split(r"(?<=[.!?]) (?=[A-Z])", text)
    groups = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return "".join(f"<p>{html.escape(group)}</p>" for group in groups)


class FeedSite:
    """A small news site: an RSS feed (with ETag / Last-Modified), pages, and misbehaving URLs."""

    def __init__(self, full_text: list[dict], linked_pages: dict[str, bytes]):
        self.items: list[str] = []
        self.pages = linked_pages
        self.requests: list[tuple[str, Message]] = []
        self.version = 0
        for record in full_text:
            self.add_full_text_item(record)
        for name in linked_pages:
            self.items.append(
                f"<item><title>Teaser {name}</title><link>{{base}}/pages/{name}</link>"
                f"<guid>{{base}}/pages/{name}</guid><description>Read more.</description></item>"
            )

    def add_full_text_item(self, record: dict) -> None:
        date = datetime.fromisoformat(record["date"]).replace(hour=12, tzinfo=UTC)
        self.items.append(
            f"<item><title>{html.escape(record['title'])}</title>"
            f"<link>{{base}}/wiki/{record['id']}</link><guid>wikinews-{record['id']}</guid>"
            f"<pubDate>{format_datetime(date)}</pubDate><description>A summary.</description>"
            f"<content:encoded><![CDATA[{as_paragraphs(record['text'])}]]></content:encoded>"
            "</item>"
        )
        self.version += 1

    @property
    def etag(self) -> str:
        return f'"feed-v{self.version}"'

    @property
    def last_modified(self) -> str:
        return format_datetime(datetime(2024, 1, self.version, tzinfo=UTC), usegmt=True)

    def feed(self, base: str) -> bytes:
        items = "".join(item.replace("{base}", base) for item in self.items)
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>Test Wire</title><link>{base}/</link>"
            f"<description>News</description>{items}</channel></rss>"
        ).encode()

    def requested(self, prefix: str) -> list[Message]:
        return [headers for path, headers in self.requests if path.startswith(prefix)]


class QuietServer(ThreadingHTTPServer):
    """Says nothing when a client hangs up on a slow answer (the timeout tests do that)."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass


@pytest.fixture
def site() -> Iterator[tuple[FeedSite, str]]:
    pages_dir = config.CORPUS_DIR / "article-extraction-benchmark" / "html"
    linked = {
        path.name.removesuffix(".gz"): gzip.decompress(path.read_bytes())
        for path in sorted(pages_dir.glob("*.html.gz"))[:2]
    }
    feed_site = FeedSite(wikinews_articles(3), linked)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the test output clean
            pass

        def send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            feed_site.requests.append((self.path, self.headers))
            base = f"http://{self.headers['Host']}"
            if self.path == "/feed.xml":
                if self.headers.get("If-None-Match") == feed_site.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send(
                    200,
                    feed_site.feed(base),
                    "application/rss+xml",
                    ETag=feed_site.etag,
                    Last_Modified=feed_site.last_modified,
                )
            elif self.path.startswith("/pages/") and self.path[7:] in feed_site.pages:
                self.send(200, feed_site.pages[self.path[7:]], "text/html; charset=utf-8")
            elif self.path == "/slow.xml":
                time.sleep(3)
                self.send(200, feed_site.feed(base), "application/rss+xml")
            elif self.path == "/drip.xml":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                for byte in feed_site.feed(base)[:40]:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.1)
            else:
                self.send(404, b"not found", "text/plain")

    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield feed_site, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_second_run_adds_only_new_entries(run_indexer, site, tmp_path: Path) -> None:
    feed_site, base = site
    data = tmp_path / "data"
    url = f"{base}/feed.xml"

    code, out, err = run_indexer("feed", url, "--data-dir", data)
    assert (code, err) == (0, "")
    assert out.splitlines() == ["Test Wire: 5 new entries", "Added 5."]
    assert open_index(data).count() == 5
    first_request = feed_site.requested("/feed.xml")[0]
    assert first_request["User-Agent"] == config.USER_AGENT
    assert "If-None-Match" not in first_request
    assert len(feed_site.requested("/pages/")) == 2  # teasers: their linked pages were fetched
    assert len(feed_site.requested("/wiki/")) == 0  # full text in the feed: no page fetched

    old_etag, old_modified = feed_site.etag, feed_site.last_modified
    newcomer = wikinews_articles(4)[3]
    feed_site.add_full_text_item(newcomer)
    code, out, err = run_indexer("feed", url, "--data-dir", data)
    assert (code, err) == (0, "")
    assert out.splitlines() == ["Test Wire: 1 new entries", "Added 1."]
    second_request = feed_site.requested("/feed.xml")[1]
    assert second_request["If-None-Match"] == old_etag
    assert second_request["If-Modified-Since"] == old_modified
    assert len(feed_site.requested("/pages/")) == 2  # seen entries were not fetched again
    index = open_index(data)
    assert index.count() == 6
    assert newcomer["title"] in {index.get(article_id).title for article_id in index.ids()}

    code, out, _ = run_indexer("feed", url, "--data-dir", data)
    assert code == 0
    assert out.splitlines() == ["Test Wire: not modified", "Nothing to do."]
    assert open_index(data).count() == 6


def test_full_text_entries_keep_title_date_and_feed_name(run_indexer, site, tmp_path) -> None:
    _, base = site
    data = tmp_path / "data"
    run_indexer("feed", f"{base}/feed.xml", "--data-dir", data)
    index = open_index(data)
    record = wikinews_articles(1)[0]
    article = index.get(f"{base}/wiki/{record['id']}")
    assert article is not None
    assert article.title == record["title"]
    assert article.published.date().isoformat() == record["date"]
    assert article.source == "Test Wire"
    assert record["text"][:80] in " ".join(article.body)


def test_a_failed_entry_is_retried_on_the_next_run(run_indexer, site, tmp_path: Path) -> None:
    feed_site, base = site
    data = tmp_path / "data"
    missing = next(iter(feed_site.pages))
    page = feed_site.pages.pop(missing)

    code, out, err = run_indexer("feed", f"{base}/feed.xml", "--data-dir", data)
    assert code == 1
    assert err.strip() == f"{base}/pages/{missing}: the server answered HTTP 404 Not Found"
    assert out.splitlines()[-1] == "Added 4."

    feed_site.pages[missing] = page
    code, out, err = run_indexer("feed", f"{base}/feed.xml", "--data-dir", data)
    assert (code, err) == (0, "")
    # The validators were not kept after the failure, so the feed was read again in full.
    assert "If-None-Match" not in feed_site.requested("/feed.xml")[1]
    assert out.splitlines() == ["Test Wire: 1 new entries", "Added 1."]
    assert open_index(data).count() == 5


def test_a_feed_saved_as_a_file(run_indexer, tmp_path: Path) -> None:
    feed_site = FeedSite(wikinews_articles(2), {})
    path = tmp_path / "wire.xml"
    path.write_bytes(feed_site.feed("https://wire.example.org"))
    data = tmp_path / "data"
    code, out, _ = run_indexer("feed", path, "--data-dir", data)
    assert (code, out.splitlines()[-1]) == (0, "Added 2.")
    code, out, _ = run_indexer("feed", path, "--data-dir", data)
    assert (code, out.splitlines()) == (0, ["Test Wire: 0 new entries", "Nothing to do."])


def test_slow_server_times_out_with_a_message(run_indexer, site, tmp_path, monkeypatch) -> None:
    _, base = site
    monkeypatch.setattr(config, "FETCH_TIMEOUT_SECONDS", 0.5)
    for path in ("/slow.xml", "/drip.xml"):
        started = time.monotonic()
        code, _, err = run_indexer("feed", f"{base}{path}", "--data-dir", tmp_path / "data")
        assert code == 1
        assert err.strip() == f"{base}{path}: no complete answer within 0.5 s"
        assert time.monotonic() - started < 2.5


def test_not_a_feed_gets_a_clear_message(run_indexer, site, tmp_path: Path) -> None:
    feed_site, base = site
    page = next(iter(feed_site.pages))
    code, out, err = run_indexer(
        "feed", f"{base}/pages/{page}", f"{base}/nowhere.xml", "--data-dir", tmp_path / "data"
    )
    assert code == 1
    assert err.strip().splitlines() == [
        f"{base}/pages/{page}: not an RSS or Atom feed",
        f"{base}/nowhere.xml: the server answered HTTP 404 Not Found",
    ]
    assert "Traceback" not in err


def test_pages_over_the_size_limit_are_refused(run_indexer, site, tmp_path, monkeypatch) -> None:
    _, base = site
    monkeypatch.setattr(config, "FETCH_MAX_BYTES", 2000)
    code, _, err = run_indexer("feed", f"{base}/feed.xml", "--data-dir", tmp_path / "data")
    assert code == 1
    assert err.strip() == f"{base}/feed.xml: larger than the limit of 1.95 KB"


def test_entries_without_id_link_or_title_stay_apart() -> None:
    """They all had the id "", so each replaced the one before and later ones were skipped."""
    feed = feedparser.parse(
        '<rss version="2.0"><channel><title>Wire</title>'
        "<item><description>The council voted on the bridge.</description></item>"
        "<item><description>The port reopened after the storm.</description></item>"
        "</channel></rss>"
    )
    ids = [entry_id(entry) for entry in feed.entries]
    assert len(set(ids)) == 2 and all(ids)
