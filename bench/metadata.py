"""Page metadata coverage and speed on the two real page sets.

Neither set has gold titles or authors, so this counts how many pages get each field (a sanity
check: every article page has a title; most name an author and a date) and times
``extract_metadata`` on an already parsed page, one core.

    .venv/bin/python -m bench.metadata [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import config
from indexer.parsers.html import parse_tree
from indexer.parsers.metadata import PageMetadata, extract_metadata
from indexer.parsers.reading import decode

SETS = {
    "article-extraction-benchmark": ("html", "*.html.gz"),
    "htmldate-mediacloud-2020": ("test_set", "*.html"),
}
FIELDS = ("title", "authors", "published", "section", "language", "site_name", "canonical_url")


def page_texts(folder: Path, pattern: str, limit: int | None) -> Iterator[str]:
    for path in sorted(folder.glob(pattern))[:limit]:
        data = path.read_bytes()
        yield decode(gzip.decompress(data) if path.suffix == ".gz" else data, html=True)


def measure(name: str, limit: int | None) -> tuple[int, dict[str, int], float]:
    subfolder, pattern = SETS[name]
    counts = dict.fromkeys(FIELDS, 0)
    seconds = []
    pages = 0
    for text in page_texts(config.CORPUS_DIR / name / subfolder, pattern, limit):
        tree = parse_tree(text)
        start = time.perf_counter()
        meta: PageMetadata = extract_metadata(tree)
        seconds.append(time.perf_counter() - start)
        pages += 1
        for field_name in FIELDS:
            counts[field_name] += bool(getattr(meta, field_name))
    return pages, counts, statistics.median(seconds) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N pages of each set")
    args = parser.parse_args()
    print("{:<30} {:>5} ".format("pages with …", "pages") + " ".join(f"{f:>9.9}" for f in FIELDS)
          + " median ms")  # fmt: skip
    for name in SETS:
        pages, counts, median_ms = measure(name, args.limit)
        cells = " ".join(f"{counts[f]:>9}" for f in FIELDS)
        print(f"{name:<30} {pages:>5} {cells} {median_ms:>9.1f}")


if __name__ == "__main__":
    main()
