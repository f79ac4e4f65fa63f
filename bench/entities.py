"""Entity extraction accuracy and speed on the gum-wikinews gold set (43 Wikinews documents).

Document level, micro-averaged: the set of distinct persons / countries per document against
gold. A predicted person matches a gold person when its words are a subset of one of the gold
names (accents and case folded) and it ends in the same surname; a second prediction for an
already-matched person is a false positive (the rule of the corpus README).

Two inputs are scored: the gold text as it is, and the gold text passed through our own text
parser (written to a temporary .txt file and read with ``parse_file``), which is what ingest
sees. Speed is also measured on real HTML pages (the article-extraction benchmark, no entity
gold), parsed by our HTML parser. Speed is single-process on the machine as it is.

    .venv/bin/python -m bench.entities [--corpus DIR] [--html DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import unicodedata
from pathlib import Path

import config
from archive.article import Article, article_id
from indexer.entities import extract_entities
from indexer.parsers import parse_file


def fold(name: str) -> list[str]:
    """Lower-cased words without accents, hyphens kept, dots dropped."""
    bare = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return bare.lower().replace(".", " ").split()


def person_matches(predicted: str, aliases: list[str]) -> bool:
    words = fold(predicted)
    for alias in aliases:
        alias_words = fold(alias)
        if (
            words
            and alias_words
            and words[-1] == alias_words[-1]
            and set(words) <= set(alias_words)
        ):
            return True
    return False


def score_persons(predicted: list[str], gold_entities: list[dict]) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) for one document."""
    matched: set[int] = set()
    tp = fp = 0
    for name in predicted:
        hits = [
            i
            for i, entity in enumerate(gold_entities)
            if person_matches(name, [entity["name"], *entity["aliases"]])
        ]
        # A prediction that fits several gold persons takes the one it names in full, else one
        # not yet matched: "George W. Bush" also fits "George H. W. Bush" by the surname rule.
        free = [i for i in hits if i not in matched]
        exact = [i for i in free if _names_exactly(name, gold_entities[i])]
        hit = (exact or free or hits or [None])[0]
        if hit is None or hit in matched:
            fp += 1
        else:
            matched.add(hit)
            tp += 1
    return tp, fp, len(gold_entities) - len(matched)


def _names_exactly(predicted: str, entity: dict) -> bool:
    return any(fold(predicted) == fold(alias) for alias in [entity["name"], *entity["aliases"]])


def score_countries(predicted: list[str], gold: list[str]) -> tuple[int, int, int]:
    p, g = set(predicted), set(gold)
    return len(p & g), len(p - g), len(g - p)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def gold_article(doc: dict) -> Article:
    """The gold text as an Article: first line the title, blank-line paragraphs the body."""
    title, _, rest = doc["text"].partition("\n")
    body = [p.strip() for p in rest.split("\n\n") if p.strip()]
    return Article(id=article_id(None, title, body), title=title, body=body)


def parsed_articles(docs: list[dict], folder: Path) -> list[Article]:

    articles = []
    for doc in docs:
        path = folder / f"{doc['id']}.txt"
        path.write_text(doc["text"], encoding="utf-8")
        articles.append(parse_file(path))
    return articles


def evaluate(docs: list[dict], articles: list[Article]) -> tuple[tuple, tuple, float]:
    persons = [0, 0, 0]
    countries = [0, 0, 0]
    start = time.perf_counter()
    results = [extract_entities(article) for article in articles]
    elapsed = time.perf_counter() - start
    for doc, result in zip(docs, results, strict=True):
        p = score_persons(result.persons, doc["person_entities"])
        c = score_countries(result.countries, doc["countries"])
        persons = [a + b for a, b in zip(persons, p, strict=True)]
        countries = [a + b for a, b in zip(countries, c, strict=True)]
    return prf(*persons), prf(*countries), len(articles) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=config.CORPUS_DIR / "gum-wikinews")
    parser.add_argument(
        "--html", type=Path, default=config.CORPUS_DIR / "article-extraction-benchmark" / "html"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timing passes (best is kept)")
    args = parser.parse_args()
    docs = json.loads((args.corpus / "gold_docs.json").read_text(encoding="utf-8"))
    extract_entities(gold_article(docs[0]))  # load word lists and gazetteer once

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text_parse_rate, parsed = _timed_parse(lambda: parsed_articles(docs, folder), args.repeat)
    pages = sorted(args.html.glob("*.html*"))
    html_parse_rate, html_articles = _timed_parse(lambda: [parse_file(page) for page in pages], 1)

    print(f"gum-wikinews: {len(docs)} documents; HTML: {len(pages)} pages from {args.html}")
    print("speed in articles/s on one process; parse+extract is the two together")
    header = ("input", "person P/R/F1", "country P/R/F1", "extract/s", "parse+extract/s")
    print("{:<20} {:<22} {:<22} {:>9} {:>16}".format(*header))
    for label, articles, parse_rate in (
        ("gum gold text", [gold_article(d) for d in docs], None),
        ("gum via our parser", parsed, text_parse_rate),
    ):
        runs = [evaluate(docs, articles) for _ in range(args.repeat)]
        persons, countries, _rate = runs[0]
        rate = max(r[2] for r in runs)
        print(
            f"{label:<20} {_fmt(persons):<22} {_fmt(countries):<22} {rate:>9.0f}"
            f" {_combined(rate, parse_rate):>16}"
        )
    rate = max(_extraction_rate(html_articles) for _ in range(args.repeat))
    both = _combined(rate, html_parse_rate)
    print(f"{'HTML pages (no gold)':<20} {'-':<22} {'-':<22} {rate:>9.0f} {both:>16}")


def _timed_parse(parse_all, repeat: int) -> tuple[float, list[Article]]:
    start = time.perf_counter()
    for _ in range(repeat):
        articles = parse_all()
    return repeat * len(articles) / (time.perf_counter() - start), articles


def _extraction_rate(articles: list[Article]) -> float:
    start = time.perf_counter()
    for article in articles:
        extract_entities(article)
    return len(articles) / (time.perf_counter() - start)


def _combined(extract_rate: float, parse_rate: float | None) -> str:
    if parse_rate is None:
        return "-"
    return f"{1 / (1 / extract_rate + 1 / parse_rate):.0f}"


def _fmt(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.3f}" for v in values)


if __name__ == "__main__":
    main()
