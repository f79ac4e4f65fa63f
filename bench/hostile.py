"""Resource bounds: the most expensive wildcard and fuzzy queries against a large index.

Two kinds of query, each run with all facet counts as the web page runs it:

* refused ones, which the query language bounds before the index is touched (one- and
  two-letter wildcards, several ``*``, short fuzzy words, more than two wildcard or fuzzy
  words): each must come back with a notice and fall back to the plain words;
* the costliest ones still allowed: wildcards on the three-letter prefixes shared by the most
  distinct words of the corpus the bench index was built from, pairs of them (AND, OR, NOT),
  fielded, with ``?``, and fuzzy words: the corpus's most frequent words of six letters or
  more at ``~2`` and of three to five letters at ``~1``.

Every query must answer, or be refused with a notice, within 1 s with the default settings.

    .venv/bin/python bench/hostile.py [--index /tmp/morgue-bench/100000/index]

Without ``--index`` the largest index built by bench/search.py under /tmp/morgue-bench* is used.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import string
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import config  # noqa: E402
from archive import ArticleIndex, SearchQuery  # noqa: E402
from archive.errors import QuerySyntax  # noqa: E402
from archive.query import parse  # noqa: E402

BOUND_SECONDS = 1.0
CORPUS = config.CORPUS_DIR / "wikinews-tosca" / "wikinews_en_2004_2018.jsonl.gz"
_WORD = re.compile(r"[a-z]+")


def largest_bench_index() -> Path:
    candidates = [
        p
        for p in Path("/tmp").glob("morgue-bench*/*/index")
        if p.parent.name.isdigit() and (p / "copies.sqlite").exists()
    ]
    if not candidates:
        raise SystemExit("No bench index under /tmp/morgue-bench*: run bench/search.py first.")
    return max(candidates, key=lambda p: int(p.parent.name))


def corpus_words() -> Counter[str]:
    """How often each lower-case word occurs in the corpus the bench index is built from."""
    words: Counter[str] = Counter()
    with gzip.open(CORPUS, "rt") as lines:
        for line in lines:
            row = json.loads(line)
            words.update(_WORD.findall(f"{row['title']} {row['text']}".lower()))
    return words


def refused_queries() -> list[str]:
    letters = string.ascii_lowercase
    queries = [f"{c}*" for c in letters] + [f"{c}{v}*" for c in "cmpst" for v in "aeo"]
    queries += ["a?", "t??*", "co?*", "*ion", "con*a*", "con*i*n*"]
    queries += [f"{w}~2" for w in ("the", "war", "said", "year", "state")]
    queries += ["a~", "at~", "con* pro* mar*", "con* OR pro* OR sta* OR com*"]
    queries += [" OR ".join(f"{c}*" for c in letters), "a~2 b~2 c~2 d~2"]
    return queries


def allowed_queries(words: Counter[str]) -> list[str]:
    """The costliest queries the bounds still let through, chosen from the corpus."""
    prefixes = Counter(w[:3] for w in words if len(w) >= 3)
    top = [p for p, _ in prefixes.most_common(12)]
    queries = [f"{p}*" for p in top] + [f"{p}??*" for p in top[:4]] + [f"{p}*s" for p in top[:4]]
    pairs = list(zip(top[:6], top[1:7], strict=True))
    queries += [f"{a}* {b}*" for a, b in pairs] + [f"{a}* OR {b}*" for a, b in pairs]
    queries += [f"{a}* -{b}*" for a, b in pairs[:3]]
    queries += [f"title:{top[0]}* OR person:{top[1]}*", f"date:1900..2100 {top[0]}*"]
    long_words = [w for w, _ in words.most_common() if len(w) >= 6][:10]
    short_words = [w for w, _ in words.most_common() if 3 <= len(w) <= 5][:10]
    queries += [f"{w}~2" for w in long_words] + [f"{w}~1" for w in short_words]
    queries += [f"{a}~2 {b}~2" for a, b in zip(long_words[:3], long_words[3:6], strict=True)]
    queries += [f"{top[0]}* OR {long_words[0]}~2"]
    return queries


def is_refused(text: str) -> bool:
    try:
        parse(text)
    except QuerySyntax:
        return True
    return False


Row = tuple[float, float, str, int, str]  # wall s, CPU s, query, hits, notice


def run(index: ArticleIndex, queries: list[str]) -> list[Row]:
    """Each query once; CPU time too, since the wall time on a shared machine includes waiting."""
    rows = []
    for text in queries:
        started, cpu = time.perf_counter(), time.thread_time()
        results = index.search(SearchQuery(text=text))
        took = time.perf_counter() - started
        rows.append((took, time.thread_time() - cpu, text, results.total, results.notice or ""))
    return sorted(rows, reverse=True)


def report(label: str, rows: list[Row], shown: int) -> None:
    print(f"\n{label}: {len(rows)} queries with all facet counts")
    print(f"{'seconds':>8} {'CPU s':>6} {'hits':>7}  query / notice")
    for took, cpu, text, total, notice in rows[:shown]:
        line = f"{took:8.3f} {cpu:6.3f} {total:>7}  {text[:44]}"
        print(line + (f"  [{notice[:70]}]" if notice else ""))
    for name, column in (("wall", 0), ("CPU", 1)):
        seconds = [row[column] for row in rows]
        p95 = statistics.quantiles(seconds, n=20)[-1]
        over = sum(s > BOUND_SECONDS for s in seconds)
        print(
            f"{name}: max {max(seconds):.3f} s, p95 {p95:.3f} s,"
            f" median {statistics.median(seconds):.3f} s; {over} of {len(rows)} over"
            f" {BOUND_SECONDS:g} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=None)
    args = parser.parse_args()
    index_dir = args.index or largest_bench_index()
    refused, allowed = refused_queries(), allowed_queries(corpus_words())
    wrongly_allowed = [q for q in refused if not is_refused(q)]
    wrongly_refused = [q for q in allowed if is_refused(q)]
    if wrongly_allowed or wrongly_refused:
        sys.exit(f"Bounds changed: allowed {wrongly_allowed}, refused {wrongly_refused}")
    index = ArticleIndex(index_dir)
    index.search(SearchQuery(text="warm up"))
    print(f"{index.count()} articles in {index_dir}; search time limit ", end="")
    print(f"{config.SEARCH_TIME_LIMIT_SECONDS:g} s")
    report("Refused by the query bounds", run(index, refused), 5)
    report("Costliest allowed", run(index, allowed), 15)


if __name__ == "__main__":
    main()
