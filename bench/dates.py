"""Publication-date benchmark on the htmldate MediaCloud-2020 pages (200 pages, gold days).

A page counts as correct when the predicted day (in the page's own time zone) equals the gold
day, or when both are missing (5 pages have no gold date); "on N dated" is the accuracy over
the pages that have a gold date. Three methods are compared: the dates the page states
(metadata only), htmldate 1.11 alone (extensive search, original date), and ``find_published``
(stated first, then the URL, then htmldate). Time is per page on one core, the page already
decoded and parsed (the indexer parses once and shares the tree); htmldate reads the page
text, as ``find_published`` hands it over.

    .venv/bin/python -m bench.dates [--limit N] [--show-wrong]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from htmldate import find_date
from lxml.html import HtmlElement

import config
from indexer.parsers.dates import find_published
from indexer.parsers.datetimes import EARLIEST_PLAUSIBLE, now
from indexer.parsers.html import parse_tree
from indexer.parsers.metadata import extract_metadata
from indexer.parsers.reading import decode

CORPUS = config.CORPUS_DIR / "htmldate-mediacloud-2020"


@dataclass
class Page:
    name: str
    url: str
    gold: str | None
    text: str


@dataclass
class Score:
    correct: int = 0
    correct_dated: int = 0  # right on a page that has a gold date
    wrong: int = 0
    missing: int = 0
    implausible: int = 0
    seconds: list[float] = field(default_factory=list)
    wrong_pages: list[str] = field(default_factory=list)


def load_pages(limit: int | None) -> list[Page]:
    gold = json.loads((CORPUS / "gold-dates.json").read_text())
    names = sorted(gold)[:limit]
    return [
        Page(name, gold[name]["url"], gold[name]["date"],
             decode((CORPUS / "test_set" / name).read_bytes(), html=True))
        for name in names
    ]  # fmt: skip


def _stated(page: Page, tree: HtmlElement) -> datetime | None:
    return extract_metadata(tree, page.url).published


def _htmldate(page: Page, tree: HtmlElement) -> datetime | None:
    found = find_date(page.text, extensive_search=True, original_date=True, url=page.url)
    return datetime.fromisoformat(found).replace(tzinfo=UTC) if found else None


def _combined(page: Page, tree: HtmlElement) -> datetime | None:
    return find_published(tree, page.url, page.text)


METHODS: dict[str, Callable[[Page, HtmlElement], datetime | None]] = {
    "stated metadata only": _stated,
    "htmldate alone": _htmldate,
    "find_published": _combined,
}


def score(method: Callable[[Page, HtmlElement], datetime | None], pages: list[Page]) -> Score:
    result = Score()
    for page in pages:
        tree = parse_tree(page.text)
        start = time.perf_counter()
        found = method(page, tree)
        result.seconds.append(time.perf_counter() - start)
        day = found.date().isoformat() if found else None
        if found and (found > now() or found < EARLIEST_PLAUSIBLE):
            result.implausible += 1
        if day == page.gold:
            result.correct += 1
            result.correct_dated += page.gold is not None
        elif day is None:
            result.missing += 1
            result.wrong_pages.append(f"{page.name}: gold {page.gold}, found nothing")
        else:
            result.wrong += 1
            result.wrong_pages.append(f"{page.name}: gold {page.gold}, found {day}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--show-wrong", action="store_true", help="list pages not got right")
    args = parser.parse_args()
    pages = load_pages(args.limit)
    dated = sum(p.gold is not None for p in pages)
    print(f"{len(pages)} pages, {len(pages) - dated} without a gold date (None is right there)")
    header = ("method", "accuracy", f"on {dated} dated", "wrong", "missing", "implausible",
              "median ms")  # fmt: skip
    print("{:<22} {:>8} {:>12} {:>6} {:>8} {:>11} {:>9}".format(*header))
    for name, method in METHODS.items():
        result = score(method, pages)
        median_ms = statistics.median(result.seconds) * 1000
        print(f"{name:<22} {result.correct / len(pages):>8.3f} "
              f"{result.correct_dated / max(dated, 1):>12.3f} {result.wrong:>6} "
              f"{result.missing:>8} {result.implausible:>11} {median_ms:>9.1f}")  # fmt: skip
        if args.show_wrong:
            print("  " + "\n  ".join(result.wrong_pages))


if __name__ == "__main__":
    main()
