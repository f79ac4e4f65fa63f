"""Crash safety at full size: `add`, `rebuild` and `feed` killed with SIGKILL at random moments.

Each command runs as a user runs it (its own process group: the writer and its parsing workers)
and is killed at a random moment drawn from a fixed seed; just before each kill the data folder is
looked at from outside to tell the phase the command was in (parsing, writing the index, updating
the manifest). After every kill the index must open and answer a search; after the last kill the
command must complete, and the archive must then hold every article exactly once.

The pages are the 181 real pages of the extraction benchmark, varied into distinct articles (each
copy gets a canonical address of its own); the feeds carry real Wikinews texts as full-text
entries and teasers linking to such pages, all served on 127.0.0.1 by this script.

    .venv/bin/python bench/crash.py [--pages 2000] [--kills 20] [--seed 6]

`rebuild` runs in one process (``MORGUE_INGEST_WORKERS=1``), so that every commit of 20 articles
or more has part of its documents written by the helper process (`add`, with parsing workers,
writes alone): kills land in commits shared with the helper too.

tests/test_crash_safety.py runs a small version of the same in CI.
"""

from __future__ import annotations

import argparse
import fcntl
import gzip
import hashlib
import html
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import config  # noqa: E402
from archive import datadir  # noqa: E402
from archive.errors import MorgueError  # noqa: E402
from archive.index import ArticleIndex  # noqa: E402
from archive.results import SearchQuery  # noqa: E402
from indexer.parsers import parse_bytes  # noqa: E402

PAGES = config.CORPUS_DIR / "article-extraction-benchmark" / "html"
WIKINEWS = config.CORPUS_DIR / "wikinews-tosca" / "wikinews_en_2004_2018.jsonl.gz"
# Where the varied pages claim to live: each page's canonical address, hence its article id.
PAGE_HOST = "https://crash.morgue.test"
_HEAD = re.compile(rb"<head(?:\s[^>]*)?>", re.I)
# How long any one command may run before the run is declared hung.
COMMAND_TIMEOUT_SECONDS = 1800
# rebuild in one process: its commits of 20 or more share their writing with the helper process
WITH_HELPER = {"MORGUE_INGEST_WORKERS": "1", "MORGUE_INDEX_HELPER_MIN_BATCH": "20"}


# -- inputs ------------------------------------------------------------------------------------


def article_pages(limit: int | None = None) -> list[bytes]:
    """Real benchmark pages (decompressed) that parse into an article, smallest first (a
    limited set is then quick to parse)."""
    found = []
    pages = sorted(gzip.decompress(path.read_bytes()) for path in PAGES.glob("*.html.gz"))
    for page in sorted(pages, key=len):
        try:
            parse_bytes(page, name="page.html")
        except MorgueError:
            continue
        found.append(page)
        if limit is not None and len(found) == limit:
            break
    return found


def page_url(number: int) -> str:
    return f"{PAGE_HOST}/article/{number}"


def varied_page(base: bytes, url: str) -> bytes:
    """``base`` as a distinct article living at ``url`` (its canonical link comes first)."""
    link = f'<link rel="canonical" href="{html.escape(url)}">'.encode()
    head = _HEAD.search(base)
    if head is None:
        return link + base
    return base[: head.end()] + link + base[head.end() :]


def write_pages(folder: Path, count: int, bases: list[bytes]) -> set[str]:
    """``count`` distinct pages (every other one as .html.gz) in ``folder``; their article ids."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = set()
    for number in range(count):
        url = page_url(number)
        page = varied_page(bases[number % len(bases)], url)
        if number % 2:
            (folder / f"page-{number:05d}.html.gz").write_bytes(gzip.compress(page, 6, mtime=0))
        else:
            (folder / f"page-{number:05d}.html").write_bytes(page)
        expected.add(url)
    return expected


def wikinews_records(count: int, min_chars: int = 2000) -> list[dict]:
    """Real Wikinews articles long enough to be a feed entry's full text."""
    found = []
    with gzip.open(WIKINEWS, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if len(record["text"]) >= min_chars:
                found.append(record)
                if len(found) == count:
                    break
    return found


def _paragraphs(text: str) -> str:
    sentences = re.split(r"(?<=[.!?]) (?=[A-Z])", text)
    groups = (" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))
    return "".join(f"<p>{html.escape(group)}</p>" for group in groups)


@dataclass
class NewsSite:
    """RSS feeds of full-text entries and teasers, and the pages the teasers link to."""

    feeds: dict[str, bytes] = field(default_factory=dict)  # path -> feed with {base} in it
    pages: dict[str, bytes] = field(default_factory=dict)  # path -> page
    expected: set[str] = field(default_factory=set)  # article ids, with {base} in them

    @classmethod
    def build(cls, feeds: int, entries: int, bases: list[bytes]) -> NewsSite:
        """``feeds`` feeds of ``entries`` entries each: half full text, half teasers."""
        site = cls()
        records = iter(wikinews_records(feeds * ((entries + 1) // 2)))
        number = 0
        for f in range(feeds):
            items = []
            for e in range(entries):
                number += 1
                if e % 2 == 0:
                    record = next(records)
                    link = f"{{base}}/wiki/{f}-{record['id']}"
                    items.append(
                        f"<item><title>{html.escape(record['title'])}</title><link>{link}</link>"
                        f"<guid>{link}</guid><description>Summary.</description>"
                        f"<content:encoded><![CDATA[{_paragraphs(record['text'])}]]>"
                        "</content:encoded></item>"
                    )
                    site.expected.add(link)
                else:
                    path = f"/pages/{number}.html"
                    url = f"{{base}}{path}"
                    site.pages[path] = varied_page(bases[number % len(bases)], url)
                    items.append(
                        f"<item><title>Teaser {number}</title><link>{url}</link>"
                        f"<guid>{url}</guid><description>Read more.</description></item>"
                    )
                    site.expected.add(url)
            site.feeds[f"/feed-{f}.xml"] = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"'
                ' xmlns:content="http://purl.org/rss/1.0/modules/content/">'
                f"<channel><title>Crash Wire {f}</title><link>{{base}}/</link>"
                f"<description>News</description>{''.join(items)}</channel></rss>"
            ).encode()
        return site

    def ids(self, base: str) -> set[str]:
        return {article_id.replace("{base}", base) for article_id in self.expected}


@contextmanager
def serve(site: NewsSite) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 for as long as the block runs; yields its base address."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            base = f"http://{self.headers['Host']}"
            if self.path in site.feeds:
                body = site.feeds[self.path].replace(b"{base}", base.encode())
                kind = "application/rss+xml"
            elif self.path in site.pages:
                body = site.pages[self.path].replace(b"{base}", base.encode())
                kind = "text/html; charset=utf-8"
            else:
                body, kind = b"not found", "text/plain"
            self.send_response(200 if kind != "text/plain" else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with serving(Handler) as base:
        yield base


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server on a free port of 127.0.0.1, in a thread; yields its base address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# -- watching and killing ----------------------------------------------------------------------


class Probe:
    """Looks at a data folder from outside, as another process would, to tell what a running
    command is doing: writing the index (the index's write lock is held), updating the manifest
    (originals recorded as pending, index lock free) or parsing (neither)."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.lock_file = datadir.index_dir(self.data_dir) / "MAIN_WRITELOCK"

    def writer_active(self) -> bool:
        try:
            fd = os.open(self.lock_file, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)

    def statuses(self) -> Counter:
        path = datadir.manifest_path(self.data_dir)
        if not path.exists():
            return Counter()
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
                rows = conn.execute("SELECT status, COUNT(*) FROM originals GROUP BY 1")
                return Counter(dict(rows))
        except sqlite3.OperationalError:
            return Counter()

    def phase(self) -> str:
        if self.writer_active():
            return "index write"
        if self.statuses()["pending"]:
            return "manifest update"
        return "parsing"


def indexer_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "indexer", *args]


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """A command in its own process group, so that a kill takes its workers down with it."""
    return subprocess.Popen(
        command,
        cwd=config.REPO_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def complete(command: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    process = start(command, env)
    try:
        out, err = process.communicate(timeout=COMMAND_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        kill(process)
        raise AssertionError(f"{' '.join(command[2:])} did not finish") from None
    return process.returncode, out, err


@dataclass
class Kill:
    after: float  # seconds after the command started
    phase: str


def kill_at(process: subprocess.Popen, delay: float, probe: Probe) -> Kill | None:
    """SIGKILL ``process`` ``delay`` seconds after now; None if it finished first."""
    started = time.monotonic()
    phase = "start-up"
    while time.monotonic() - started < delay:
        if process.poll() is not None:
            process.communicate()
            return None
        phase = probe.phase()
        time.sleep(0.01)
    if process.poll() is not None:
        process.communicate()
        return None
    phase = probe.phase()
    kill(process)
    return Kill(time.monotonic() - started, phase)


def kill_after_progress(
    process: subprocess.Popen,
    probe: Probe,
    rng: random.Random,
    total: int,
    share: float = 0.5,
) -> Kill | None:
    """SIGKILL ``process`` at a random point of its work, whatever the machine's speed: once a
    random part (up to ``share``) of the originals still to index was committed (none: during
    start-up), and a moment more. None if it finished first."""
    done = probe.statuses()["indexed"]
    target = done + rng.randint(0, max(0, int((total - done) * share)))
    started = time.monotonic()
    while process.poll() is None:
        if probe.statuses()["indexed"] >= target:
            landed = kill_at(process, rng.uniform(0.0, 0.2), probe)
            return landed and Kill(time.monotonic() - started, landed.phase)
        time.sleep(0.01)
    process.communicate()
    return None


def kill_in_index_write(process: subprocess.Popen, probe: Probe, rng: random.Random) -> Kill | None:
    """SIGKILL ``process`` at a random moment while it holds the index's write lock."""
    started = time.monotonic()
    while process.poll() is None:
        if probe.writer_active():
            time.sleep(rng.uniform(0, 0.2))
            if process.poll() is None and probe.writer_active():
                kill(process)
                return Kill(time.monotonic() - started, "index write")
        time.sleep(0.005)
    process.communicate()
    return None


def check_index_opens(data_dir: Path) -> int:
    """Open the index as a new process would and search it; returns its article count."""
    index = ArticleIndex(datadir.index_dir(data_dir))
    try:
        index.search(SearchQuery(text="the", per_page=1))
        return index.count()
    finally:
        index.close()


@dataclass
class Survival:
    """What a run of kills did: where each kill landed and the article count after it."""

    command: str
    kills: list[Kill] = field(default_factory=list)
    finished_early: int = 0
    counts_after_kill: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def phases(self) -> Counter:
        return Counter(k.phase for k in self.kills)


def survive(
    name: str,
    command: list[str],
    data_dir: Path,
    kills: int,
    next_kill: Callable[[subprocess.Popen, Probe], Kill | None],
    env: dict[str, str] | None = None,
) -> Survival:
    """Start ``command`` again and again, killing it each time with ``next_kill``, until
    ``kills`` kills landed (a run that finished first does not count); then let it complete."""
    probe = Probe(data_dir)
    result = Survival(name)
    started = time.monotonic()
    attempts = 0
    while len(result.kills) < kills:
        attempts += 1
        if attempts > kills * 3:
            raise AssertionError(f"{name}: the command kept finishing before it could be killed")
        landed = next_kill(start(command, env), probe)
        if landed is None:
            result.finished_early += 1
            continue
        result.kills.append(landed)
        result.counts_after_kill.append(check_index_opens(data_dir))
    code, out, err = complete(command, env)
    if code != 0:
        raise AssertionError(f"{name} did not complete after the kills: {err.strip()[-2000:]}")
    result.seconds = time.monotonic() - started
    return result


def spread_over_work(rng: random.Random, total: int, kills: int):
    """Kills in turn after a random part of the work still to do (sized so that all the kills
    land before the work is done), while the index write lock is held, and at a moment drawn
    from the start-up to the longest time a run has lasted so far (start-up, first batch).

    For ``add`` and ``feed``: each later run skips what was committed, so kills at moments drawn
    from a time estimate came after the run had finished (it kept finishing first), and a fixed
    estimate is wrong on a machine of another speed.
    """
    turn = 0
    longest = 1.0

    def next_kill(process: subprocess.Popen, probe: Probe) -> Kill | None:
        nonlocal turn, longest
        turn += 1
        if turn % 3 == 2:
            landed = kill_in_index_write(process, probe, rng)
        elif turn % 3 == 0:
            landed = kill_at(process, rng.uniform(0.3, longest), probe)
        else:
            share = 1 / max(1, kills - turn + 2)
            landed = kill_after_progress(process, probe, rng, total, share=share)
        if landed:
            longest = max(longest, landed.after)
        return landed

    return next_kill


def random_moments(rng: random.Random, longest: Callable[[], float]):
    """Kills at a moment drawn uniformly from the start-up to ``longest()`` seconds."""

    def next_kill(process: subprocess.Popen, probe: Probe) -> Kill | None:
        return kill_at(process, rng.uniform(0.3, max(longest(), 0.5)), probe)

    return next_kill


def check_archive(data_dir: Path, expected: set[str]) -> list[str]:
    """Problems with the archive against the article ids it must hold exactly once ([] = none)."""
    problems = []
    index = ArticleIndex(datadir.index_dir(data_dir))
    try:
        ids = index.ids()
        if missing := expected - ids:
            problems.append(f"{len(missing)} articles lost, e.g. {sorted(missing)[:3]}")
        if extra := ids - expected:
            problems.append(f"{len(extra)} unexpected articles, e.g. {sorted(extra)[:3]}")
        if index.count() != len(ids):
            problems.append(f"{index.count()} documents for {len(ids)} ids: duplicates")
        for article_id in sorted(expected & ids)[:: max(1, len(expected) // 50)]:
            article = index.get(article_id)
            if article is None or article.id != article_id or not article.body:
                problems.append(f"{article_id} is stored damaged")
    finally:
        index.close()
    with closing(sqlite3.connect(datadir.manifest_path(data_dir))) as conn:
        doubled = conn.execute(
            "SELECT COUNT(*) FROM (SELECT article_id FROM originals WHERE status = 'indexed'"
            " GROUP BY article_id HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        indexed = conn.execute(
            "SELECT COUNT(DISTINCT article_id) FROM originals WHERE status = 'indexed'"
        ).fetchone()[0]
    if doubled:
        problems.append(f"{doubled} articles have more than one indexed original")
    if indexed != len(expected):
        problems.append(f"the manifest lists {indexed} indexed articles, not {len(expected)}")
    for blob in datadir.originals_dir(data_dir).rglob("*.gz"):
        try:
            data = gzip.decompress(blob.read_bytes())
        except (OSError, EOFError) as exc:
            problems.append(f"original {blob.name} is damaged: {exc}")
            continue
        if hashlib.sha256(data).hexdigest() != blob.name[:-3]:
            problems.append(f"original {blob.name} does not match its hash")
    return problems


# -- the full-size run -------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--commands", default="add,rebuild,feed", help="which to run, in order")
    args = parser.parse_args()
    commands = args.commands.split(",")
    rng = random.Random(args.seed)
    bases = article_pages()
    rows = []
    with tempfile.TemporaryDirectory(prefix="morgue-crash-") as tmp:
        folder, data_dir = Path(tmp) / "pages", Path(tmp) / "data"
        expected = write_pages(folder, args.pages, bases)
        print(f"{len(expected)} pages from {len(bases)} real pages; seed {args.seed}", flush=True)
        add_command = indexer_command("add", str(folder), "--data-dir", str(data_dir))
        if "add" in commands:
            add = survive(
                "add",
                add_command,
                data_dir,
                args.kills,
                spread_over_work(rng, len(expected), args.kills),
            )
            rows.append((add, len(expected), check_archive(data_dir, expected)))
            print(rows[-1], flush=True)
        if "rebuild" in commands:
            if "add" not in commands:
                complete(add_command)
            rebuild_seconds = time.monotonic()
            complete(indexer_command("rebuild", "--data-dir", str(data_dir)), WITH_HELPER)
            rebuild_seconds = time.monotonic() - rebuild_seconds
            rebuild = survive(
                "rebuild",
                indexer_command("rebuild", "--data-dir", str(data_dir)),
                data_dir,
                args.kills,
                random_moments(rng, lambda: rebuild_seconds),
                WITH_HELPER,
            )
            rows.append((rebuild, len(expected), check_archive(data_dir, expected)))
            print(rows[-1], flush=True)
        if "feed" in commands:
            site = NewsSite.build(args.feeds, args.pages // args.feeds, bases)
            feed_dir = Path(tmp) / "feed-data"
            with serve(site) as base:
                urls = [base + path for path in site.feeds]
                feed = survive(
                    "feed",
                    indexer_command("feed", *urls, "--data-dir", str(feed_dir)),
                    feed_dir,
                    args.kills,
                    spread_over_work(rng, len(site.expected), args.kills),
                )
                rows.append((feed, len(site.expected), check_archive(feed_dir, site.ids(base))))
                print(rows[-1], flush=True)

    print()
    print(
        f"{'command':8} {'articles':>8} {'kills':>5} {'parsing':>8} {'index write':>11}"
        f" {'manifest':>8} {'early':>5} {'seconds':>8}  result"
    )
    for result, count, problems in rows:
        phases = result.phases()
        print(
            f"{result.command:8} {count:>8} {len(result.kills):>5} {phases['parsing']:>8}"
            f" {phases['index write']:>11} {phases['manifest update']:>8}"
            f" {result.finished_early:>5} {result.seconds:>8.0f}  "
            + ("every article exactly once" if not problems else "; ".join(problems))
        )
    sys.exit(1 if any(problems for _, _, problems in rows) else 0)


if __name__ == "__main__":
    main()
