"""Resource bounds: the most expensive wildcard and fuzzy queries against a large index.

Every query a user could write to make the index work hardest (one-letter wildcards, ``?``
patterns, fuzzy words at distance 2, many of them OR-ed) is run with all facet counts, as the web
page runs it. Each must answer, or be refused with a notice, within 1 s. Prints the slowest.

    .venv/bin/python bench/hostile.py [--index /tmp/morgue-bench/100000/index]

Without ``--index`` the largest index built by bench/search.py under /tmp/morgue-bench* is used.
"""

from __future__ import annotations

import argparse
import statistics
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive import ArticleIndex, SearchQuery  # noqa: E402

BOUND_SECONDS = 1.0


def largest_bench_index() -> Path:
    candidates = [
        p
        for p in Path("/tmp").glob("morgue-bench*/*/index")
        if p.parent.name.isdigit() and (p / "copies.sqlite").exists()
    ]
    if not candidates:
        raise SystemExit("No bench index under /tmp/morgue-bench*: run bench/search.py first.")
    return max(candidates, key=lambda p: int(p.parent.name))


def hostile_queries() -> list[str]:
    letters = string.ascii_lowercase
    queries = [f"{c}*" for c in letters]
    queries += [f"{c}?*" for c in "aeiost"] + ["t??*", "s???????*", "a?", "e*?"]
    queries += [f"{w}~2" for w in ("the", "war", "new", "year", "said", "people", "police")]
    queries += [f"{w}~2" for w in ("presidnet", "goverment", "minstr", "elction", "a", "xz")]
    queries += [
        "a* b* c* d* e* f* g* h*",
        "a* OR b* OR c* OR d* OR e* OR f* OR g* OR h*",
        "(a* OR e*) AND (i* OR o*)",
        "title:a* OR person:a* OR source:n*",
        "s* -t* -p*",
        "the~2 war~2 new~2 year~2 said~2",
        '"a* b*" s*',
        "date:1900..2100 a*",
        " OR ".join(f"{c}*" for c in letters),
    ]
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=None)
    args = parser.parse_args()
    index_dir = args.index or largest_bench_index()
    index = ArticleIndex(index_dir)
    count = index.count()
    index.search(SearchQuery(text="warm up"))
    rows = []
    for text in hostile_queries():
        started = time.perf_counter()
        results = index.search(SearchQuery(text=text))
        rows.append((time.perf_counter() - started, text, results.total, results.notice or ""))
    rows.sort(reverse=True)
    seconds = [row[0] for row in rows]
    print(f"{count} articles in {index_dir}; {len(rows)} hostile queries with all facet counts")
    print(f"{'seconds':>8} {'hits':>7}  query / notice")
    for took, text, total, notice in rows[:12]:
        print(f"{took:8.3f} {total:>7}  {text[:60]}" + (f"  [{notice[:70]}]" if notice else ""))
    p95 = statistics.quantiles(seconds, n=20)[-1]
    over = sum(s > BOUND_SECONDS for s in seconds)
    print(f"max {max(seconds):.3f} s, p95 {p95:.3f} s, median {statistics.median(seconds):.3f} s;")
    print(f"{over} of {len(rows)} over {BOUND_SECONDS:g} s")


if __name__ == "__main__":
    main()
