"""The web server under load while `python -m indexer add` writes thousands of articles.

Morgue is served as in production (``python -m web``, as bench/web.py serves it) from a fresh
data folder; N client threads (default 8), each over its own connection (opened again when the
server ends it), send a mix of requests (search page, JSON search, facets, the ad-hoc feed,
article pages of ids already seen, the home page) while ``python -m indexer add`` indexes real
Wikinews articles written as ``.txt`` files. A watcher opens the index from outside to see each
commit, then polls the server until a search counts the committed articles.

Reported: requests and failed requests (any 5xx, unexpected status or broken connection), round
trip p50/p95/p99, each commit's count and how long the server took to show it, the ``add`` exit
code and time, and every line of the server's log and of ``add``'s stderr that mentions a lock
or a traceback. Wanted: zero failed requests, every commit seen, no lock errors.

    .venv/bin/python bench/concurrency.py [--articles 5000] [--clients 8] [--workers 2]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive import ArticleIndex  # noqa: E402
from bench.web import CORPUS, REPO, Server, query_texts  # noqa: E402

TROUBLE = re.compile(r"lock|traceback|unexpected", re.I)
# How long after the end of `add` the server may take to show its last commit.
SETTLE_SECONDS = 30


def write_articles(folder: Path, count: int) -> int:
    """Real Wikinews articles as plain-text files: headline, blank line, text."""
    folder.mkdir(parents=True)
    written = 0
    with gzip.open(CORPUS, "rt") as lines:
        for line in lines:
            if written == count:
                break
            row = json.loads(line)
            text = row["text"].strip()
            if len(text) < 200:
                continue
            path = folder / f"{written:05d}.txt"
            path.write_text(f"{row['title']}\n\n{text}\n", encoding="utf-8")
            written += 1
    return written


@dataclass
class Tally:
    """What the clients saw, shared between their threads."""

    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, took: float, failure: str | None) -> None:
        with self.lock:
            self.seconds.append(took)
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
            if failure:
                self.failures.append(failure)


def request_for(rng: random.Random, queries: list[str], tally: Tally) -> tuple[str, str]:
    query = rng.choice(queries)
    kind = rng.choice(("page", "api", "facets", "feed", "article", "home"))
    if kind == "article":
        with tally.lock:
            known = rng.choice(tally.ids) if tally.ids else None
        if known:
            return kind, "/articles/" + quote(known, safe="")
        kind = "api"
    path = {
        "page": "/search",
        "api": "/api/search",
        "facets": "/api/facets",
        "feed": "/feeds/search.xml",
        "home": "/",
    }[kind]
    return kind, path + ("" if kind == "home" else "?" + urlencode({"q": query}))


def client(port: int, queries: list[str], tally: Tally, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while not stop.is_set():
        kind, path = request_for(rng, queries, tally)
        started = time.perf_counter()
        failure = None
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                failure = f"{response.status} {path}"
            elif kind == "api":
                hits = json.loads(body)["hits"]
                with tally.lock:
                    tally.ids.extend(hit["id"] for hit in hits[:2])
        except (OSError, http.client.HTTPException, ValueError) as exc:
            failure = f"{type(exc).__name__}: {exc} {path}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        tally.record(kind, time.perf_counter() - started, failure)
    conn.close()


def server_total(port: int) -> int:
    """How many articles a search on the server counts (-1 when it did not answer: the clients
    count failed requests; the watcher just asks again)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", "/api/search?per_page=1")
        return json.loads(conn.getresponse().read())["total"]
    except (OSError, http.client.HTTPException, ValueError, KeyError):
        return -1
    finally:
        conn.close()


def watch_commits(
    index_dir: Path, port: int, done: threading.Event, out: list[tuple[int, float]]
) -> None:
    """Each commit seen from outside, with the seconds until a search on the server counts it."""
    while not index_dir.exists() and not done.is_set():
        time.sleep(0.05)
    index = ArticleIndex(index_dir)
    last = 0
    while True:
        finished = done.is_set()
        count = index.count()
        if count > last:
            seen = time.perf_counter()
            deadline = seen + SETTLE_SECONDS
            while server_total(port) < count and time.perf_counter() < deadline:
                time.sleep(0.02)
            lag = time.perf_counter() - seen
            out.append((count, lag if server_total(port) >= count else float("inf")))
            last = count
        elif finished:
            return
        time.sleep(0.05)


def trouble(text: str) -> list[str]:
    return [line for line in text.splitlines() if TROUBLE.search(line)]


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="web server processes")
    args = parser.parse_args()
    queries = query_texts(200)
    with tempfile.TemporaryDirectory(prefix="morgue-concurrency-") as scratch:
        folder = Path(scratch) / "articles"
        written = write_articles(folder, args.articles)
        data_dir = Path(scratch) / "data"
        data_dir.mkdir()
        commits: list[tuple[int, float]] = []
        tally = Tally()
        stop, added = threading.Event(), threading.Event()
        with Server(data_dir, args.workers) as server:
            clients = [
                threading.Thread(target=client, args=(server.port, queries, tally, stop, n))
                for n in range(args.clients)
            ]
            watcher = threading.Thread(
                target=watch_commits, args=(data_dir / "index", server.port, added, commits)
            )
            for thread in (*clients, watcher):
                thread.start()
            started = time.perf_counter()
            add = subprocess.run(
                [sys.executable, "-m", "indexer", "add", "--data-dir", str(data_dir), str(folder)],
                cwd=REPO,
                capture_output=True,
                text=True,
            )
            add_seconds = time.perf_counter() - started
            added.set()
            watcher.join()
            stop.set()
            for thread in clients:
                thread.join()
            final = server_total(server.port)
        log = (data_dir / "server.log").read_text(errors="replace")
    report(args, written, add, add_seconds, final, commits, tally, trouble(log))


def report(args, written, add, add_seconds, final, commits, tally, log_trouble) -> None:
    print(
        f"{written} articles added by `python -m indexer add` while {args.clients} clients"
        f" searched ({args.workers} server processes); add: exit {add.returncode},"
        f" {add_seconds:.0f} s"
    )
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(tally.by_kind.items()))
    seconds = tally.seconds
    print(
        f"requests {len(seconds)} ({kinds}); failed {len(tally.failures)};"
        f" p50 {percentile(seconds, 50):.0f} ms, p95 {percentile(seconds, 95):.0f} ms,"
        f" p99 {percentile(seconds, 99):.0f} ms"
    )
    for failure in tally.failures[:10]:
        print("  failed:", failure)
    lags = [lag for _, lag in commits]
    unseen = sum(lag == float("inf") for lag in lags)
    print(
        f"commits seen {len(commits)} (articles after each: {[c for c, _ in commits]});"
        f" shown by the server within max {max(lags, default=0):.2f} s,"
        f" median {statistics.median(lags) if lags else 0:.2f} s; never shown {unseen}"
    )
    refused = add.stderr.splitlines()
    print(f"add: {add.stdout.strip().splitlines()[-1] if add.stdout.strip() else ''}", end=" ")
    print(f"{len(refused)} files refused, each with its line:")
    for line in refused[:5]:
        print("  ", line[:200])
    print(f"server total at the end {final}; articles written {written}, refused {len(refused)}")
    lines = [line for line in refused if TROUBLE.search(line)] + log_trouble
    print(f"lock errors or tracebacks in add's stderr and the server log: {len(lines)}")
    for line in lines[:10]:
        print("  ", line[:200])
    ok = (
        not tally.failures
        and not unseen
        and final == written - len(refused)
        and add.returncode == (1 if refused else 0)
        and not lines
    )
    print("result:", "held" if ok else "NOT held")


if __name__ == "__main__":
    main()
