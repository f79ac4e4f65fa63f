"""The web front end under load: the search page with all facets, and feeds with conditional GETs.

Morgue is served as in production (``python -m web``: waitress, one worker process per core) on
loopback; N client threads (default 8) send requests for a bounded time and count, each over its
own connection, opened again whenever the server ends it (several workers end every connection
after its response, so that an idle worker takes the next request). Reported per scenario:
requests, errors, round-trip p50/p95/p99 and the server's own time (its ``Server-Timing``
header) p95. Targets: search page p95 <= 150 ms, feed p95 <= 50 ms with conditional GETs.

The archive is an index built by bench/search.py (``--work``/<size>/index, e.g. 100,000
articles); it is linked into a scratch data folder so the benchmark never writes into it.

    .venv/bin/python bench/web.py [--size 100000] [--work /tmp/morgue-bench] [--seconds 20]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import config  # noqa: E402
from archive import ArticleIndex  # noqa: E402
from web.__main__ import DEFAULT_WORKERS  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = config.CORPUS_DIR / "wikinews-tosca" / "wikinews_en_2004_2018.jsonl.gz"
WORD = re.compile(r"[A-Za-z]{5,}")
TIMING = re.compile(r"dur=([\d.]+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scratch_data_dir(work: Path, size: int) -> Path:
    """A data folder with a snapshot of the benchmark's index (hard links: index files never
    change once written), so a rebuild of the original during the run cannot disturb it."""
    source = work / str(size) / "index"
    folder = work / f"web-{size}"
    index = folder / "index"
    if index.is_symlink():
        index.unlink()
    if not index.is_dir():
        if not source.is_dir():
            sys.exit(f"No index at {source}: build it with bench/search.py --build-only")
        index.mkdir(parents=True)
        for path in source.iterdir():
            if path.is_file():
                os.link(path, index / path.name)
    count = ArticleIndex(index).count()
    if count == 0:
        shutil.rmtree(index)
        sys.exit(f"The index at {source} is empty or being rebuilt; try again later.")
    return folder


def query_texts(count: int, seed: int = 7) -> list[str]:
    """Seeded one- or two-word queries drawn from real headlines."""
    words: list[str] = []
    with gzip.open(CORPUS, "rt") as lines:
        for line in lines:
            words += [w.lower() for w in WORD.findall(json.loads(line)["title"])]
    rng = random.Random(seed)
    return [" ".join(rng.sample(words, rng.choice((1, 2)))) for _ in range(count)]


class Server:
    """``python -m web`` in its own processes, stopped on exit."""

    def __init__(self, data_dir: Path, workers: int) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "web", "--port", str(self.port)]
        command += ["--data-dir", str(data_dir), "--workers", str(workers)]
        self.log = data_dir / "server.log"
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.process.terminate()
        sys.exit("The web server did not start listening within 60 s.")

    def pids(self) -> list[int]:
        """The server's process and its workers (Linux /proc)."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        return pids

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server and its worker processes."""
        total = 0
        for pid in self.pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> float:
        """The server's memory, pages shared between its processes counted once (sum of PSS)."""
        total = 0
        for pid in self.pids():
            rollup = Path(f"/proc/{pid}/smaps_rollup")
            if rollup.exists():
                total += int(re.search(r"^Pss:\s+(\d+)", rollup.read_text(), re.M).group(1))
        return total / 1024

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def get(conn: http.client.HTTPConnection, path: str, headers: dict | None = None):
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    return response


def load(port: int, requests: list[tuple[str, dict]], clients: int, seconds: float, expect: int):
    """Send the requests in order from ``clients`` threads for at most ``seconds``."""
    lock = threading.Lock()
    latencies: list[float] = []
    server_ms: list[float] = []
    errors: list[int] = []
    deadline = time.monotonic() + seconds
    queue = iter(requests)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                path, headers = next(queue, (None, None))
            if path is None:
                break
            started = time.perf_counter()
            try:
                response = get(conn, path, headers)
                status, timing = response.status, response.getheader("Server-Timing", "")
            except (OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, timing = 0, ""
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status != expect:
                    errors.append(status)
                latencies.append(elapsed)
                if match := TIMING.search(timing):
                    server_ms.append(float(match.group(1)))
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, server_ms, errors


def measured(server: Server, *args):
    """``load`` plus the server's CPU milliseconds per request."""
    before = server.cpu_seconds()
    latencies, server_ms, errors = load(server.port, *args)
    cpu = (server.cpu_seconds() - before) * 1000 / max(len(latencies), 1)
    return latencies, server_ms, errors, cpu


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def row(name, latencies: list[float], server_ms: list[float], errors: list, cpu, target=None):
    p95 = percentile(latencies, 95)
    met = "-" if target is None else ("yes" if p95 <= target and not errors else "NO")
    return (
        f"| {name} | {len(latencies)} | {len(errors)} | {percentile(latencies, 50):.1f} | {p95:.1f}"
        f" | {percentile(latencies, 99):.1f} | {percentile(server_ms, 95):.1f} | {cpu:.1f}"
        f" | {target or '-'} | {met} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/morgue-bench"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--workers", type=int, default=DEFAULT_WORKERS, help="server processes [%(default)s]"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="per scenario, at most")
    parser.add_argument("--requests", type=int, default=1000, help="per scenario, at most")
    args = parser.parse_args()

    data_dir = scratch_data_dir(args.work, args.size)
    texts = query_texts(args.requests + 300)
    with Server(data_dir, args.workers) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        conn.request("GET", "/api/facets")
        facets = json.loads(conn.getresponse().read())["facets"]
        persons = [v["value"] for v in facets["persons"][:20]]
        countries = [v["value"] for v in facets["countries"][:20]]
        rng = random.Random(11)
        pages = []
        for n, text in enumerate(texts[: args.requests]):
            query = [("q", text)]
            if n % 4 == 3:  # every fourth search also selects a person and a country
                query += [("person", rng.choice(persons)), ("country", rng.choice(countries))]
            pages.append(("/search?" + urlencode(query), {}))
        load(server.port, pages[-40:], args.clients, args.seconds, 200)  # warm every worker
        search = measured(server, pages, args.clients, args.seconds, 200)

        feeds = [f"/feeds/search.xml?{urlencode({'q': t})}" for t in texts[:100]]
        tagged = [(path, {"If-None-Match": get(conn, path).getheader("ETag")}) for path in feeds]
        # Each worker process builds a feed once per index change; a reader's polls are 304s.
        load(server.port, tagged * 3, args.clients, args.seconds, 304)
        cycles = max(1, args.requests // len(tagged))
        conditional = measured(server, tagged * cycles, args.clients, args.seconds, 304)
        unseen = [(f"/feeds/search.xml?{urlencode({'q': t})}", {}) for t in texts[-300:]]
        first = measured(server, unseen, args.clients, args.seconds, 200)
        conn.close()
        memory = server.memory_mb()

    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Web, {args.size:,} articles, {args.clients} clients on loopback,"
        f" {args.workers} waitress workers; {os.cpu_count()} cores, load average {load_average}"
    )
    print(
        "| scenario | requests | errors | p50 ms | p95 ms | p99 ms | server p95 ms"
        " | server CPU ms/request | target p95 | met |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(row("search page, all facets", *search, 150))
    print(row("feed, conditional GET (304)", *conditional, 50))
    print(row("feed, first request of a search (200)", *first))
    print(
        f"Server memory after the run: {memory:,.0f} MB (PSS of its {args.workers + 1} processes)"
    )
    unexpected = sorted({*search[2], *conditional[2], *first[2]})
    if unexpected:
        print(f"Unexpected statuses: {unexpected} (0 = no answer); server log: {server.log}")


if __name__ == "__main__":
    main()
