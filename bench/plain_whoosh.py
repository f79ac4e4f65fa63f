"""Plain Whoosh on the data and queries of ``bench/search.py``: the yardstick of issue 4's targets.

The targets (≥ 300 articles/s indexing, plain top-10 p95 ≤ 30 ms, with all facets ≤ 100 ms at
100,000 articles) were set beside plain Whoosh measured on the machine of that day (172
articles/s with one writing process, 299 with two; p95 48 and 534 ms). Machines change speed;
this runs plain Whoosh here, on the same articles, in the same commits of 1,000 and with the
same 200 queries, so that Morgue's numbers can be read as ratios to it as well as against the
absolute targets.

Plain Whoosh as a careful user would set it up: stemming and accent folding, title weighted
above standfirst above body and captions, the body stored for snippets (a snippet per hit, as
Morgue gives), multi-valued facets as keyword fields with term vectors counted with
``allow_overlap=True`` (a placeholder for empty lists), a month field to facet dates on,
``add_document`` and Whoosh's own merge rule, one writing process (``--procs 2``: Whoosh's
two-process writer), and searches with ``optimize=False`` (an exact total of matches, as Morgue
gives; no slower here than ``optimize=True``). A search with facets is one ``groupedby`` search
under the selected filters (Morgue counts each facet under the other facets' selections, which
is more work).

    .venv/bin/python bench/plain_whoosh.py --sizes 10000,100000 [--work DIR] [--procs 2]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whoosh import fields, index, qparser, query, sorting  # noqa: E402
from whoosh.analysis import CharsetFilter, StemmingAnalyzer  # noqa: E402
from whoosh.support.charset import accent_map  # noqa: E402

from archive import Article  # noqa: E402
from archive.index.schema import TEXT_FIELDS  # noqa: E402
from archive.index.schema import document as morgue_document  # noqa: E402
from bench.search import (  # noqa: E402
    BATCH,
    FILTERS,
    QUERIES,
    base_articles,
    cpu_seconds,
    make_queries,
    p95,
    peak_mb,
    print_table,
    replicate,
    timed,
)

FACET_FIELDS = ("persons", "countries", "organizations")
NONE = "-"  # the placeholder of an empty facet list


def schema() -> fields.Schema:
    words = StemmingAnalyzer() | CharsetFilter(accent_map)
    text = {
        name: fields.TEXT(analyzer=words, field_boost=boost, stored=name in ("title", "body"))
        for name, boost in TEXT_FIELDS.items()
    }
    facets = {name: fields.KEYWORD(commas=True, vector=True, stored=True) for name in FACET_FIELDS}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        **text,
        **facets,
        source=fields.ID(stored=True, sortable=True),
        month=fields.ID(sortable=True),
        published=fields.DATETIME(stored=True, sortable=True),
    )


def document(article: Article) -> dict:
    """The same texts as Morgue indexes, and the facets as keywords."""
    texts = morgue_document(article, None)
    doc = {
        "id": article.id,
        **{name: texts[name] for name in TEXT_FIELDS},
        "source": article.source or NONE,
        "month": article.published.strftime("%Y-%m"),
        "published": article.published,
    }
    for name in FACET_FIELDS:
        doc[name] = ",".join(getattr(article, name)) or NONE
    return doc


def build(folder: Path, base: list[Article], size: int, procs: int) -> dict:
    info_path = folder / "build.json"
    if info_path.exists():
        info = json.loads(info_path.read_text())
        if info["size"] == size and info.get("procs", 1) == procs:
            return info
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ix = index.create_in(folder, schema())
    started, cpu = time.perf_counter(), cpu_seconds()
    articles = replicate(base, size)
    while batch := list(itertools.islice(articles, BATCH)):
        writer = ix.writer(procs=procs) if procs > 1 else ix.writer()
        for article in batch:
            writer.add_document(**document(article))
        writer.commit()
    info = {
        "size": size,
        "seconds": time.perf_counter() - started,
        "cpu": cpu_seconds() - cpu,
        "peak_mb": peak_mb(),
        "segments": len(ix._segments()),
        "procs": procs,
    }
    info_path.write_text(json.dumps(info))
    return info


def search(searcher, parser, text: str, filters: dict[str, str] | None) -> None:
    """Top 10 with a snippet each; with ``filters`` (even empty) every facet counted too."""
    if filters is None:
        results = searcher.search(parser.parse(text), limit=10, optimize=False)
    else:
        facets = {name: sorting.FieldFacet(name, allow_overlap=True) for name in FACET_FIELDS}
        facets["source"] = sorting.FieldFacet("source")
        facets["month"] = sorting.FieldFacet("month")
        chosen = query.And([query.Term(k, v) for k, v in filters.items()]) if filters else None
        results = searcher.search(
            parser.parse(text),
            limit=10,
            optimize=False,
            filter=chosen,
            groupedby=facets,
            maptype=sorting.Count,
        )
        for name in facets:
            results.groups(name)
    for hit in results[:10]:  # with groupedby, iterating gives every match
        hit.highlights("body")


def measure(size: int, base: list[Article], work: Path, procs: int) -> dict:
    folder = work / f"{size}" / ("plain-whoosh" if procs == 1 else f"plain-whoosh-procs{procs}")
    built = build(folder, base, size, procs)
    gc.collect()
    ix = index.open_dir(folder)
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), ix.schema)
    queries = make_queries(base)
    plain, faceted = [], []
    with ix.searcher() as searcher:
        first = timed(search, searcher, parser, "warm up", {})[0]
        for text in queries:
            plain.append(timed(search, searcher, parser, text, None))
        for n, text in enumerate(queries):
            faceted.append(timed(search, searcher, parser, text, FILTERS if n % 4 == 3 else {}))
    return {
        "size": size,
        "index_rate": size / built["seconds"],
        "index_cpu_rate": size / built["cpu"],
        "segments": built["segments"],
        "build_peak_mb": built["peak_mb"],
        "first_ms": first,
        "plain_p95": p95([wall for wall, _ in plain]),
        "plain_cpu_p95": p95([cpu for _, cpu in plain]),
        "faceted_p95": p95([wall for wall, _ in faceted]),
        "faceted_cpu_p95": p95([cpu for _, cpu in faceted]),
        "search_peak_mb": peak_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/morgue-bench"))
    parser.add_argument(
        "--procs", type=int, default=1, help="writing processes (Whoosh's procs=N writer)"
    )
    args = parser.parse_args()
    base = base_articles(args.work)
    rows = [measure(int(size), base, args.work, args.procs) for size in args.sizes.split(",")]
    print(
        f"Plain Whoosh, {args.procs} writing process(es),"
        f" {time.strftime('%Y-%m-%d %H:%M')} UTC, {QUERIES} queries"
    )
    lines = [
        ("indexing (articles/s)", "index_rate", "{:.0f}"),
        ("indexing (per CPU second)", "index_cpu_rate", "{:.0f}"),
        ("segments after the build", "segments", "{}"),
        ("plain top-10 p95 (ms)", "plain_p95", "{:.1f}"),
        ("plain top-10 p95 (CPU ms)", "plain_cpu_p95", "{:.1f}"),
        ("with all facets p95 (ms)", "faceted_p95", "{:.1f}"),
        ("with all facets p95 (CPU ms)", "faceted_cpu_p95", "{:.1f}"),
        ("first search (ms)", "first_ms", "{:.0f}"),
        ("peak memory, build (MB)", "build_peak_mb", "{:.0f}"),
        ("peak memory, searches (MB)", "search_peak_mb", "{:.0f}"),
    ]
    print_table(rows, lines)


if __name__ == "__main__":
    main()
