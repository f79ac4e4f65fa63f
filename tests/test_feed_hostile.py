"""Hostile feeds and linked pages, served on 127.0.0.1 by the test, in one `feed` run.

Feeds that are invalid XML, not feeds at all, huge, gzip bombs, XML entity bombs, slow or
stalled, or redirect loops; entries whose links stall, loop, explode or point at local files. Each
bad feed or entry gets one line on stderr, no traceback; the run exits with 1; every entry of the
good feed in the same run is still added, and nothing outside the web is ever read.
"""

from __future__ import annotations

import html
import random
import time
from collections.abc import Iterator
from contextlib import suppress
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from hostile import article_page, gzip_member_of_zeros, sentences

import config
from archive import open_index
from bench.crash import serving

SEED = 6
TIMEOUT = 1.0
MAX_BYTES = 300_000


def rss(items: list[str], title: str = "Hostile Wire") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{title}</title><link>http://example.org/</link>"
        f"<description>News</description>{''.join(items)}</channel></rss>"
    ).encode()


def full_text_item(link: str, title: str, rng: random.Random) -> str:
    paragraphs = "".join(f"<p>{' '.join(sentences(rng, 4))}</p>" for _ in range(6))
    return (
        f"<item><title>{html.escape(title)}</title><link>{link}</link><guid>{link}</guid>"
        f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded></item>"
    )


def teaser(link: str) -> str:
    return (
        f"<item><title>Teaser</title><link>{html.escape(link)}</link>"
        f"<guid>{html.escape(link)}</guid><description>Read more.</description></item>"
    )


# "Billion laughs": nine levels of entities, each ten of the one below (10^9 "lol"s).
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">'
    + b"".join(b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10))
    + b']><rss version="2.0"><channel><title>&l9;</title><item><title>&l9;</title>'
    b"<description>&l9;</description></item></channel></rss>"
)


class HostileSite:
    """Routes: path -> (status, headers, body or a callable that writes the answer itself)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.routes: dict[str, tuple] = {}

    def add(self, path: str, body, status: int = 200, **headers: str) -> None:
        self.routes[path] = (status, headers, body)


def stall(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(TIMEOUT * 4)


def drip(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    with suppress(BrokenPipeError, ConnectionResetError):  # the client gave up: as it should
        for byte in rss([])[:60]:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(TIMEOUT / 10)


@pytest.fixture
def site() -> Iterator[tuple[HostileSite, str]]:
    rng = random.Random(SEED)
    hostile = HostileSite(rng)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            route = hostile.routes.get(self.path)
            if route is None:
                status, headers, body = 404, {}, b"not found"
            else:
                status, headers, body = route
            if callable(body):
                body(self)
                return
            base = f"http://{self.headers['Host']}"
            if isinstance(body, bytes):
                body = body.replace(b"{base}", base.encode())
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value.replace("{base}", base))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):  # a client over its limit
                self.wfile.write(body)

    with serving(Handler) as base:
        yield hostile, base


RSS = {"Content_Type": "application/rss+xml"}
HTML = {"Content_Type": "text/html; charset=utf-8"}


def build(site: HostileSite) -> tuple[list[str], list[str], list[str]]:
    """The site's routes; returns (good feeds, bad feeds, bad entry links) as paths."""
    rng = site.rng
    good_items = [full_text_item(f"{{base}}/story/{i}", f"Story {i}", rng) for i in range(3)]
    good_items.append(teaser("{base}/pages/good.html"))
    good_items.append(
        full_text_item("{base}/story/script", "<script>alert(1)</script> Harbour vote", rng)
    )
    site.add("/good.xml", rss(good_items, "Good Wire"), **RSS)
    site.add("/pages/good.html", article_page(rng, 1).encode(), **HTML)

    zeros = gzip_member_of_zeros(64)
    bad_feeds = {
        "/garbage.xml": (rng.randbytes(20_000), RSS),
        "/html-page.xml": (article_page(rng, 2).encode(), HTML),
        "/json.xml": (b'{"items": [1, 2, 3]}', {"Content_Type": "application/json"}),
        "/empty.xml": (b"", RSS),
        "/image.xml": (b"\x89PNG\r\n\x1a\n" + rng.randbytes(3000), {"Content_Type": "image/png"}),
        "/huge.xml": (rss([teaser(f"{{base}}/x/{i}") for i in range(8000)]), RSS),
        "/bomb.xml": (zeros, {**RSS, "Content_Encoding": "gzip"}),
        "/broken-gzip.xml": (zeros[:500], {**RSS, "Content_Encoding": "gzip"}),
        "/error.xml": (b"oops", {"Content_Type": "text/plain"}),
    }
    for path, (body, headers) in bad_feeds.items():
        site.add(path, body, **headers)
    site.routes["/error.xml"] = (500, {"Content_Type": "text/plain"}, b"oops")
    site.add("/laughs.xml", LAUGHS, **RSS)  # read without expanding: one empty entry
    site.add("/stall.xml", stall)
    site.add("/drip.xml", drip)
    site.add("/loop.xml", b"", 302, Location="{base}/loop.xml")
    site.add("/ping.xml", b"", 302, Location="{base}/pong.xml")
    site.add("/pong.xml", b"", 301, Location="{base}/ping.xml")
    site.add("/to-file.xml", b"", 302, Location="file:///etc/passwd")
    site.add("/to-nowhere.xml", b"", 302, Location="http://127.0.0.1:9/feed.xml")
    bad_feed_paths = [*bad_feeds, "/stall.xml", "/drip.xml", "/loop.xml", "/ping.xml"]
    bad_feed_paths += ["/to-file.xml", "/to-nowhere.xml"]

    # A feed whose own XML is fine but whose entries lead nowhere good.
    bad_links = ["/stall.html", "/loop.html", "/bomb.html", "/huge.html", "/missing.html"]
    site.add("/stall.html", stall)
    site.add("/loop.html", b"", 302, Location="{base}/loop.html")
    site.add("/bomb.html", zeros, **HTML, Content_Encoding="gzip")
    site.add("/huge.html", b"<p>" + b"x" * (MAX_BYTES * 2), **HTML)
    site.add("/binary.html", rng.randbytes(5000), **HTML)
    site.add("/links.html", b"<ul>" + b"<li><a href=/a>A link</a></li>" * 200 + b"</ul>", **HTML)
    entry_items = [teaser(f"{{base}}{path}") for path in bad_links]
    entry_items += [teaser("file:///etc/passwd"), teaser("javascript:alert(1)")]
    entry_items += [teaser("{base}/binary.html"), teaser("{base}/links.html")]
    entry_items.append(teaser("{base}/pages/entries-good.html"))
    site.add("/pages/entries-good.html", article_page(rng, 3).encode(), **HTML)
    site.add("/entries.xml", rss(entry_items, "Entry Trouble"), **RSS)
    bad_links += ["file:///etc/passwd", "javascript:alert(1)", "/binary.html", "/links.html"]
    return ["/good.xml", "/entries.xml"], bad_feed_paths, bad_links


def test_hostile_feeds_and_entries(run_indexer, site, tmp_path: Path, monkeypatch) -> None:
    hostile, base = site
    monkeypatch.setattr(config, "FETCH_TIMEOUT_SECONDS", TIMEOUT)
    monkeypatch.setattr(config, "FETCH_MAX_BYTES", MAX_BYTES)
    good, bad_feeds, bad_links = build(hostile)
    not_a_feed = tmp_path / "not-a-feed.xml"
    not_a_feed.write_bytes(b"\x00\x01" * 1000)
    targets = [base + path for path in (*good, "/laughs.xml", *bad_feeds)]
    targets += [str(not_a_feed), str(tmp_path / "missing.xml"), str(tmp_path)]
    data = tmp_path / "data"

    started = time.monotonic()
    code, out, err = run_indexer("feed", *targets, "--data-dir", data)
    seconds = time.monotonic() - started

    assert code == 1
    assert "Traceback" not in err and "unexpected error" not in err.lower(), err
    lines = err.splitlines()
    for line in lines:
        assert ": " in line and len(line) < 400, line
    starts = [line.partition(": ")[0] for line in lines]
    for target in targets[len(good) + 1 :]:
        assert starts.count(target) == 1, (target, err)
    for link in bad_links:
        url = base + link if link.startswith("/") else link.replace(":///", "://")
        assert sum(line.startswith(url) for line in lines) == 1, (url, err)
    assert starts.count("&l9;") == 1  # the entity bomb's entry, its entities never expanded
    assert len(lines) == len(targets) - len(good) + len(bad_links), err
    # Each stalled fetch gave up at its timeout: the run is bounded by them, not by the server.
    assert seconds < 60

    index = open_index(data)
    ids = index.ids()
    expected = {f"{base}/story/{i}" for i in range(3)} | {f"{base}/story/script"}
    assert expected <= ids
    assert len(ids) == 6  # the good feed's five entries and the good page behind a teaser
    assert index.get(f"{base}/story/script").title == "<script>alert(1)</script> Harbour vote"
    assert all("root:" not in " ".join(index.get(i).body) for i in ids)  # no local file read
    assert out.strip().splitlines()[-1].startswith("Added 6, failed")  # entries that failed


def test_a_good_feed_after_a_failed_run_is_complete(run_indexer, site, tmp_path, monkeypatch):
    """Entries that failed stay unseen: once their pages answer, the next run adds them."""
    hostile, base = site
    monkeypatch.setattr(config, "FETCH_TIMEOUT_SECONDS", TIMEOUT)
    monkeypatch.setattr(config, "FETCH_MAX_BYTES", MAX_BYTES)
    build(hostile)
    hostile.routes["/stall.html"] = (200, HTML, article_page(hostile.rng, 9).encode())
    data = tmp_path / "data"
    code, _, err = run_indexer("feed", f"{base}/entries.xml", "--data-dir", data)
    assert code == 1 and "/stall.html" not in err
    assert open_index(data).count() == 2
    code, out, err = run_indexer("feed", f"{base}/entries.xml", "--data-dir", data)
    assert code == 1
    assert not out.strip().splitlines()[-1].startswith("Added")
    assert open_index(data).count() == 2


def test_a_feed_title_cannot_split_or_rewrite_a_line(run_indexer, site, tmp_path) -> None:
    """A feed's title is printed with its newline and line separator escaped."""
    hostile, base = site
    story = full_text_item("{base}/story/titled", "Harbour vote", hostile.rng)
    hostile.add("/titled.xml", rss([story], "Wire&#10;Two&#8232;Three"), **RSS)
    code, out, err = run_indexer("feed", f"{base}/titled.xml", "--data-dir", tmp_path / "data")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Wire\\nTwo\\u2028Three: 1 new entries"
