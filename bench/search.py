"""Search and indexing at 10,000 and 100,000 articles, against SQLite FTS5 on the same data.

The 5,514 real Wikinews articles of ``wikinews-tosca`` get persons, countries and organisations
from ``indexer.entities`` and are replicated to the wanted size: copy k of an article gets a new
id, a date moved by k*53 days and another of 20 sources. (Copies keep their text, so the index
links them as syndicated copies of one story: the copy linking is part of the indexing cost.)

Each index is built once into ``--work`` (outside the repository) and reused; its build time and
peak memory are kept there. Queries are 200 seeded draws of one or two headline words or a
two-word phrase; every fourth faceted query also selects a country and a person. Morgue first
runs every query with no posting list kept between searches (plain top 10, then top 10 with all
facet counts, then plain top 10 again with the index files read once: words as if never searched
before), then as a server does (lists cached: every
query with all facets, then all of them again, as a next page or a facet click asks); FTS5 runs
each query once (top 10 by bm25, then the same top 10 plus facet counts by GROUP BY).

    .venv/bin/python bench/search.py --sizes 10000,100000 [--work /tmp/morgue-bench]
    .venv/bin/python bench/search.py --build-only --sizes 100000   # the long part, once
"""

from __future__ import annotations

import argparse
import gc
import gzip
import itertools
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import config  # noqa: E402
from archive import Article, ArticleIndex, SearchQuery  # noqa: E402

CORPUS = config.CORPUS_DIR / "wikinews-tosca" / "wikinews_en_2004_2018.jsonl.gz"
SOURCES = [f"news{n:02d}.example" for n in range(20)]
BATCH = 1000
QUERIES = 200
# What every fourth faceted query selects.
FILTERS = {"countries": "US", "persons": "George W. Bush"}


def base_articles(work: Path) -> list[Article]:
    """The corpus as Articles with entities (cached in ``work``: extraction takes a minute)."""
    cache = work / "base.jsonl.gz"
    if cache.exists():
        with gzip.open(cache, "rt") as lines:
            return [Article.from_dict(json.loads(line)) for line in lines]
    from indexer.entities import extract_entities

    articles = []
    with gzip.open(CORPUS, "rt") as lines:
        for line in lines:
            row = json.loads(line)
            published = datetime.fromisoformat(row["date"]).replace(hour=12, tzinfo=UTC)
            article = Article(
                id=row["id"], title=row["title"], body=[row["text"]], published=published
            )
            articles.append(extract_entities(article))
    work.mkdir(parents=True, exist_ok=True)
    with gzip.open(cache, "wt") as out:
        for article in articles:
            out.write(json.dumps(article.to_dict()) + "\n")
    return articles


def replicate(base: list[Article], size: int) -> Iterator[Article]:
    """The corpus replicated to ``size`` articles, made one at a time (memory stays flat)."""
    for n in range(size):
        copy, i = divmod(n, len(base))
        article = base[i]
        yield replace(
            article,
            id=f"{article.id}-{copy}",
            published=article.published + timedelta(days=53 * copy),
            source=SOURCES[(i + copy) % len(SOURCES)],
        )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (a commit's helper process)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def build_morgue(folder: Path, base: list[Article], size: int, batch_size: int = BATCH) -> dict:
    info_path = folder / "build.json"
    if info_path.exists():
        info = json.loads(info_path.read_text())
        if info["size"] == size and ArticleIndex(folder / "index").count() == size:
            return info
    shutil.rmtree(folder / "index", ignore_errors=True)
    index = ArticleIndex(folder / "index")
    started, cpu = time.perf_counter(), cpu_seconds()
    articles = replicate(base, size)
    while batch := list(itertools.islice(articles, batch_size)):
        index.upsert(batch)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    info = {"size": size, "batch": batch_size, "seconds": seconds, "cpu": cpu, "peak_mb": peak_mb()}
    info_path.write_text(json.dumps(info))
    return info


def build_fts(path: Path, base: list[Article], size: int) -> float:
    """An FTS5 table of titles and bodies plus a facet table; returns build seconds."""
    if path.exists():
        db = sqlite3.connect(path)
        row = db.execute("SELECT value FROM info WHERE key = 'seconds'").fetchone()
        count = db.execute("SELECT count(*) FROM meta").fetchone()[0]
        db.close()
        if row and count == size:
            return float(row[0])
        path.unlink()
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE VIRTUAL TABLE docs USING fts5(
            title, body, tokenize='porter unicode61 remove_diacritics 2'
        );
        CREATE TABLE meta (doc INTEGER PRIMARY KEY, month TEXT, ts INTEGER);
        CREATE TABLE facet (doc INTEGER, name TEXT, value TEXT);
        CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT);
        """
    )
    for doc, article in enumerate(replicate(base, size), 1):
        db.execute(
            "INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)",
            (doc, article.title, "\n".join(article.body)),
        )
        db.execute(
            "INSERT INTO meta VALUES (?, ?, ?)",
            (doc, article.published.strftime("%Y-%m"), int(article.published.timestamp())),
        )
        rows = [(doc, "persons", v) for v in article.persons]
        rows += [(doc, "countries", v) for v in article.countries]
        rows += [(doc, "organizations", v) for v in article.organizations]
        rows.append((doc, "sources", article.source))
        db.executemany("INSERT INTO facet VALUES (?, ?, ?)", rows)
    db.execute("CREATE INDEX facet_doc ON facet (doc, name, value)")
    seconds = time.perf_counter() - started
    db.execute("INSERT INTO info VALUES ('seconds', ?)", (str(seconds),))
    db.commit()
    db.close()
    return seconds


def make_queries(base: list[Article]) -> list[str]:
    rng = random.Random(4)
    stop = {"the", "and", "for", "with", "from", "into", "over", "after", "says", "said", "new"}
    titles = [
        [w for w in a.title.lower().split() if w.isalpha() and len(w) > 3 and w not in stop]
        for a in base
    ]
    titles = [t for t in titles if len(t) >= 2]
    queries = []
    for n in range(QUERIES):
        words = rng.choice(titles)
        i = rng.randrange(len(words) - 1)
        if n % 10 == 9:
            queries.append(f'"{words[i]} {words[i + 1]}"')
        elif n % 3 == 2:
            queries.append(f"{words[i]} {words[i + 1]}")
        else:
            queries.append(words[i])
    return queries


def fts_match(text: str) -> str:
    return text if text.startswith('"') else " ".join(f'"{w}"' for w in text.split())


def fts_search(db: sqlite3.Connection, text: str, filters: dict[str, str] | None) -> None:
    match = fts_match(text)
    db.execute("DROP TABLE IF EXISTS temp.m")
    db.execute(
        "CREATE TEMP TABLE m AS SELECT rowid AS doc, rank FROM docs WHERE docs MATCH ?", (match,)
    )
    if filters is None:
        db.execute("SELECT doc FROM m ORDER BY rank LIMIT 10").fetchall()
        return

    def within(skip: str | None) -> str:
        clauses = [
            f"doc IN (SELECT doc FROM facet WHERE name = '{name}' AND value = '{value}')"
            for name, value in filters.items()
            if name != skip
        ]
        return "SELECT doc FROM m" + (" WHERE " + " AND ".join(clauses) if clauses else "")

    db.execute(f"SELECT doc FROM m WHERE doc IN ({within(None)}) ORDER BY rank LIMIT 10").fetchall()
    for name in ("persons", "countries", "organizations", "sources"):
        db.execute(
            f"SELECT value, count(*) AS n FROM facet WHERE name = ? AND doc IN ({within(name)})"
            " GROUP BY value ORDER BY n DESC LIMIT 100",
            (name,),
        ).fetchall()
    db.execute(
        f"SELECT month, count(*) FROM meta WHERE doc IN ({within(None)}) GROUP BY month"
    ).fetchall()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def measure(size: int, base: list[Article], work: Path) -> dict:
    folder = work / f"{size}"
    folder.mkdir(parents=True, exist_ok=True)
    build = build_morgue(folder, base, size)
    fts_seconds = build_fts(folder / "fts.sqlite", base, size)
    queries = make_queries(base)
    included = [{k: (v,) for k, v in FILTERS.items()} if n % 4 == 3 else {} for n in range(QUERIES)]
    runs: dict[str, list[tuple[float, float]]] = defaultdict(list)

    # Words never searched before: no decoded posting list is kept between searches.
    cache_mb, config.POSTINGS_CACHE_MB = config.POSTINGS_CACHE_MB, 0
    index = ArticleIndex(folder / "index")
    config.POSTINGS_CACHE_MB = cache_mb
    first = timed(index.search, SearchQuery(text="warm up"))[0]
    for text in queries:
        runs["plain"].append(timed(index.search, SearchQuery(text=text), facets=False))
    for text, include in zip(queries, included, strict=True):
        runs["faceted"].append(timed(index.search, SearchQuery(text=text, include=include)))
    # The plain queries again: still no posting list kept, but the index files were read once
    # (the first pass after a build can wait for the disk: its wall time exceeds its CPU time).
    for text in queries:
        runs["plain_again"].append(timed(index.search, SearchQuery(text=text), facets=False))
    index.close()
    del index
    gc.collect()

    # As a server runs: posting lists cached; each query asked a second time (a next page, a
    # facet clicked) finds its words decoded.
    index = ArticleIndex(folder / "index")
    index.search(SearchQuery(text="warm up"))
    for text, include in zip(queries, included, strict=True):
        runs["faceted_cached"].append(timed(index.search, SearchQuery(text=text, include=include)))
    for text, include in zip(queries, included, strict=True):
        runs["faceted_again"].append(timed(index.search, SearchQuery(text=text, include=include)))
    browse_ms = timed(index.search, SearchQuery())[0]
    browse_again_ms = timed(index.search, SearchQuery())[0]

    db = sqlite3.connect(folder / "fts.sqlite")
    for n, text in enumerate(queries):
        runs["fts_plain"].append(timed(fts_search, db, text, None))
        chosen = FILTERS if n % 4 == 3 else {}
        runs["fts_faceted"].append(timed(fts_search, db, text, chosen))
    db.close()
    row = {
        "size": size,
        "index_rate": size / build["seconds"],
        "index_cpu_rate": size / build["cpu"],
        "batch": build.get("batch", BATCH),
        "fts_rate": size / fts_seconds,
        "build_peak_mb": build["peak_mb"],
        "browse_ms": browse_ms,
        "browse_again_ms": browse_again_ms,
        "first_ms": first,
        "search_peak_mb": peak_mb(),
    }
    for name, times in runs.items():
        row[f"{name}_p95"] = p95([wall for wall, _ in times])
        row[f"{name}_cpu_p95"] = p95([cpu for _, cpu in times])
        row[f"{name}_median"] = statistics.median(wall for wall, _ in times)
    return row


def print_table(rows: list[dict], lines: list[tuple[str, str, str]]) -> None:
    """A column of measures per size: ``lines`` are (label, key in the rows, format)."""
    print(f"{'':38}" + "".join(f"{r['size']:>14,}" for r in rows))
    for label, key, fmt in lines:
        print(f"{label:38}" + "".join(f"{fmt.format(r[key]):>14}" for r in rows))


def timed(call: Callable[..., object], *args: object, **kwargs: object) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one call (CPU time is what a loaded machine hides)."""
    wall, cpu = time.perf_counter(), time.process_time()
    call(*args, **kwargs)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/morgue-bench"))
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--batch", type=int, default=BATCH, help="articles per commit when building"
    )
    args = parser.parse_args()
    base = base_articles(args.work)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.build_only:
        for size in sizes:
            folder = args.work / f"{size}"
            folder.mkdir(parents=True, exist_ok=True)
            info = build_morgue(folder, base, size, args.batch)
            build_fts(folder / "fts.sqlite", base, size)
            print(
                f"{size}: {size / info['seconds']:.0f} articles/s,"
                f" {size / info['cpu']:.0f} per CPU second, peak {info['peak_mb']:.0f} MB"
            )
        return
    rows = [measure(size, base, args.work) for size in sizes]
    print(f"Search and indexing, {time.strftime('%Y-%m-%d')}, {len(make_queries(base))} queries")
    lines = [
        ("articles per commit when building", "batch", "{:,}"),
        ("indexing, Morgue (articles/s)", "index_rate", "{:.0f}"),
        ("indexing, Morgue (per CPU second)", "index_cpu_rate", "{:.0f}"),
        ("indexing, FTS5 (articles/s)", "fts_rate", "{:.0f}"),
        ("plain top-10 p95, Morgue (ms)", "plain_p95", "{:.1f}"),
        ("plain top-10 p95, Morgue (CPU ms)", "plain_cpu_p95", "{:.1f}"),
        ("plain top-10 median, Morgue (ms)", "plain_median", "{:.1f}"),
        ("plain p95, files read before (ms)", "plain_again_p95", "{:.1f}"),
        ("plain p95, files read before (CPU ms)", "plain_again_cpu_p95", "{:.1f}"),
        ("plain top-10 p95, FTS5 (ms)", "fts_plain_p95", "{:.1f}"),
        ("plain top-10 p95, FTS5 (CPU ms)", "fts_plain_cpu_p95", "{:.1f}"),
        ("with all facets p95, Morgue (ms)", "faceted_p95", "{:.1f}"),
        ("with all facets p95, Morgue (CPU ms)", "faceted_cpu_p95", "{:.1f}"),
        ("with all facets median, Morgue (ms)", "faceted_median", "{:.1f}"),
        ("with all facets p95, FTS5 (ms)", "fts_faceted_p95", "{:.1f}"),
        ("with all facets p95, FTS5 (CPU ms)", "fts_faceted_cpu_p95", "{:.1f}"),
        ("all facets, words cached, p95 (ms)", "faceted_cached_p95", "{:.1f}"),
        ("all facets, words cached, p95 (CPU ms)", "faceted_cached_cpu_p95", "{:.1f}"),
        ("all facets, query repeated, p95 (ms)", "faceted_again_p95", "{:.1f}"),
        ("all facets, query repeated, p95 (CPU)", "faceted_again_cpu_p95", "{:.1f}"),
        ("empty query, all facets (ms)", "browse_ms", "{:.1f}"),
        ("empty query again (ms)", "browse_again_ms", "{:.1f}"),
        ("first search, cold arrays (ms)", "first_ms", "{:.0f}"),
        ("peak memory, build (MB)", "build_peak_mb", "{:.0f}"),
        ("peak memory, searches (MB)", "search_peak_mb", "{:.0f}"),
    ]
    print_table(rows, lines)
    for label, ours, theirs in (
        ("plain", "plain_p95", "fts_plain_p95"),
        ("plain, CPU", "plain_cpu_p95", "fts_plain_cpu_p95"),
        ("facets", "faceted_p95", "fts_faceted_p95"),
        ("facets, CPU", "faceted_cpu_p95", "fts_faceted_cpu_p95"),
    ):
        cells = "".join(f"{r[ours] / r[theirs]:>14.2f}" for r in rows)
        print(f"{'p95 Morgue / FTS5, ' + label:38}" + cells)


if __name__ == "__main__":
    main()
