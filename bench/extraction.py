"""Body-text extraction benchmark: F1, speed and captions on the article-extraction benchmark.

Scoring follows the benchmark's README: ``\\w+`` tokens, multisets of 4-token shingles, per-page
precision and recall (normalised, so every page weighs the same), corpus precision as the mean
over pages with a non-empty prediction, recall as the mean over pages with a non-empty gold
text, F1 of the two means. Time is the whole ``parse_html`` per page (decoding, metadata,
captions, body) in one process: wall clock, and CPU time, which a busy machine disturbs less
(the mean CPU time is what the ingest throughput sees; the median is the typical page).
Captions are checked on every page that has a ``<figcaption>``. Last, made-up pages of 3 and
20 MB (a story, an app-state script, SVG icons, a long comment thread) are parsed once each.

    .venv/bin/python -m bench.extraction [--limit N] [--worst K]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import lxml.html

import config
from archive.article import Article, Caption
from archive.errors import MorgueError
from indexer.parsers import parse_html
from indexer.parsers.captions import split_credit
from indexer.parsers.text_norm import clean_spaces, words

BENCHMARK = config.CORPUS_DIR / "article-extraction-benchmark"
_TOKEN = re.compile(r"\w+")
_CREDIT_CLASS = "contains(@class,'credit') or contains(@class,'copyright')"
# Captions shorter than this are too generic ("Reuters", "Photo") to test for in the body.
_MIN_CAPTION_WORDS_IN_BODY_TEST = 6
_CREDIT_LABEL_WORDS = 2
_PICTURES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


def shingles(text: str) -> Counter:
    """The multiset of 4-token windows (a shorter text gives one shorter window)."""
    tokens = _TOKEN.findall(text or "")
    if len(tokens) < 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def precision_recall(predicted: str, gold: str) -> tuple[float, float]:
    """Per-page precision and recall of shingles, as the benchmark defines them."""
    pred, true = shingles(predicted), shingles(gold)
    tp = sum((pred & true).values())
    fp = sum(pred.values()) - tp
    fn = sum(true.values()) - tp
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def pages(limit: int | None = None) -> Iterator[tuple[str, bytes, str]]:
    """(page id, raw HTML, gold body) for each benchmark page."""
    gold = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    files = sorted((BENCHMARK / "html").glob("*.html.gz"))[:limit]
    for path in files:
        page_id = path.name.split(".")[0]
        yield page_id, gzip.decompress(path.read_bytes()), gold[page_id]["articleBody"]


@dataclass
class CaptionStats:
    figcaptions: int = 0
    teasers: Counter = field(default_factory=Counter)
    teasers_kept: int = 0
    found: int = 0
    with_credit: int = 0
    credit_split: int = 0
    in_body: int = 0
    missed: list[str] = field(default_factory=list)


def _phrase(text: str) -> str:
    return " " + " ".join(words(text)) + " "


def _teaser_kind(element: lxml.html.HtmlElement, has_credit: bool) -> str | None:
    """Why a figcaption is a teaser, not a photo caption, or None: under a link to another page,
    in a footer, menu or aside, or all link with no credit and no photo beside it."""
    for ancestor in element.iterancestors():
        if ancestor.tag in ("footer", "nav", "aside"):
            return "in a footer, menu or aside"
        href = (ancestor.get("href") or "#").lower().split("?")[0]
        if ancestor.tag == "a" and not href.startswith("#") and not href.endswith(_PICTURES):
            return "under a link to another page"
    figure = next(element.iterancestors("figure"), element.getparent())
    if has_credit or figure.xpath(".//img | .//picture"):
        return None
    text = len(clean_spaces(element.text_content()))
    linked = sum(len(clean_spaces(a.text_content())) for a in element.iter("a"))
    return "all link, no photo" if linked >= 0.9 * text else None


def _figcaptions(raw: bytes) -> list[tuple[str, bool, str | None]]:
    """(text, has a credit, why it is a teaser) of each non-empty <figcaption>, from the page
    alone."""
    tree = lxml.html.document_fromstring(raw, parser=lxml.html.HTMLParser(encoding="utf-8"))
    found = []
    for element in tree.iter("figcaption"):
        text = clean_spaces(" ".join(element.itertext()))
        if text:
            has_credit = bool(element.xpath(f".//*[{_CREDIT_CLASS}]")) or bool(
                split_credit(text).credit
            )
            found.append((text, has_credit, _teaser_kind(element, has_credit)))
    return found


def _same_figure(caption: Caption, figcaption: str) -> bool:
    """Whether ``caption`` came from ``figcaption`` (a bare credit may lose a label: "Photo:")."""
    phrase = _phrase(figcaption)
    if caption.text:
        return _phrase(caption.text) in phrase
    credit = words(caption.credit or "")
    return (
        bool(credit)
        and _phrase(caption.credit) in phrase
        and len(words(figcaption)) <= len(credit) + _CREDIT_LABEL_WORDS
    )


def check_captions(raw: bytes, article: Article | None, stats: CaptionStats) -> None:
    body = _phrase(" ".join(article.body)) if article else ""
    captions = article.captions if article else []
    for text, has_credit, teaser in _figcaptions(raw):
        phrase = _phrase(text)
        stats.figcaptions += 1
        if len(words(text)) >= _MIN_CAPTION_WORDS_IN_BODY_TEST and phrase in body:
            stats.in_body += 1
        if teaser:
            stats.teasers[teaser] += 1
            stats.teasers_kept += any(_same_figure(c, text) for c in captions)
            continue
        stats.with_credit += has_credit
        match = next((c for c in captions if _same_figure(c, text)), None)
        if match:
            stats.found += 1
            stats.credit_split += bool(has_credit and match.credit)
        else:
            stats.missed.append(text[:100])


def large_page(megabytes: float) -> str:
    """A made-up page of about ``megabytes`` MB shaped like the large pages users save: a short
    story, then an inline app-state script, SVG icons and a long comment thread."""
    story = "".join(
        f"<p>The council met on Monday and voted to rebuild the harbour bridge, officials said "
        f"after a long debate about the cost of the works, in statement number {n}.</p>"
        for n in range(12)
    )
    state = '{"items": [' + ",".join(f'{{"id": {n}, "v": "x{n}"}}' for n in range(20000)) + "]}"
    icon = '<svg viewBox="0 0 24 24"><path d="M12 2L2 7l10 5 10-5-10-5z"/></svg>' * 200
    comment = (
        '<div class="comment-body"><div class="who"><a href="/u/{n}">reader{n}</a> {n} min ago'
        "</div><p>I think the bridge should have been rebuilt years ago, reply {n}.</p>"
        '<a href="/reply/{n}">Reply</a></div>\n'
    )
    head = (
        "<html><head><title>Bridge to be rebuilt</title></head><body><nav><a href='/'>Home</a>"
        f"</nav><article><h1>Bridge to be rebuilt</h1>{story}</article>"
        f"<script>window.__STATE__ = {state};</script>{icon}<section id='thread'>"
    )
    comments, size, n = [], len(head), 0
    while size < megabytes * 1024 * 1024:
        comments.append(comment.format(n=n))
        size += len(comments[-1])
        n += 1
    return head + "".join(comments) + "</section></body></html>"


def time_large_pages(sizes: tuple[float, ...] = (3, 20)) -> list[tuple[str, str]]:
    """Rows of (label, seconds and whether the story came out whole) for the large pages."""
    rows = []
    for megabytes in sizes:
        page = large_page(megabytes)
        start, cpu_start = time.perf_counter(), time.process_time()
        article = parse_html(page)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        whole = len(article.body) == 12 and article.body[0].startswith("The council met")
        label = f"made-up {megabytes:g} MB page: s wall / CPU"
        rows.append((label, f"{wall:.2f} / {cpu:.2f} (story {'whole' if whole else 'WRONG'})"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--worst", type=int, default=0, help="also list the K worst pages")
    args = parser.parse_args()

    precisions, recalls, times, cpu_times, per_page = [], [], [], [], []
    failures = 0
    captions = CaptionStats()
    for page_id, raw, gold in pages(args.limit):
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            article = parse_html(raw)
        except MorgueError:
            article = None
            failures += 1
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
        predicted = "\n\n".join(article.body) if article else ""
        precision, recall = precision_recall(predicted, gold)
        if predicted.strip():
            precisions.append(precision)
        if gold.strip():
            recalls.append(recall)
        per_page.append((min(precision, recall), page_id, precision, recall))
        check_captions(raw, article, captions)

    p, r = statistics.mean(precisions), statistics.mean(recalls)
    teasers = captions.teasers.total()
    photo_captions = captions.figcaptions - teasers
    kept = captions.found + captions.teasers_kept
    kept_share = kept / max(1, captions.figcaptions)
    found_share = captions.found / max(1, photo_captions)
    split_share = captions.credit_split / max(1, captions.with_credit)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    rows = [
        ("pages", f"{len(times)}"),
        ("no article found", f"{failures}"),
        ("body F1", f"{f1:.4f}"),
        ("body precision", f"{p:.4f}"),
        ("body recall", f"{r:.4f}"),
        ("median ms/page, wall clock", f"{statistics.median(times) * 1000:.1f}"),
        ("median ms/page, CPU time", f"{statistics.median(cpu_times) * 1000:.1f}"),
        ("mean ms/page, CPU time", f"{statistics.mean(cpu_times) * 1000:.1f}"),
        ("p90 ms/page, CPU time", f"{statistics.quantiles(cpu_times, n=10)[-1] * 1000:.1f}"),
        ("figcaptions", f"{captions.figcaptions}"),
        ("  teasers (not photo captions)", f"{teasers}"),
        *((f"    {kind}", f"{count}") for kind, count in sorted(captions.teasers.items())),
        ("  kept as captions, of all figcaptions", f"{kept} ({kept_share:.1%})"),
        ("  photo captions", f"{photo_captions}"),
        ("  found as captions", f"{captions.found} ({found_share:.1%})"),
        ("  having a credit", f"{captions.with_credit}"),
        ("  credit split off", f"{captions.credit_split} ({split_share:.1%})"),
        ("  any figcaption left in body (>= 6 words)", f"{captions.in_body}"),
    ]  # fmt: skip
    rows += time_large_pages()
    width = max(len(label) for label, _ in rows)
    print(f"{'measure':<{width}}  value")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    if args.worst:
        print()
        for _, page_id, precision, recall in sorted(per_page)[: args.worst]:
            print(f"{page_id[:12]}  P {precision:.2f}  R {recall:.2f}")
        for text in captions.missed[: args.worst]:
            print(f"missed caption: {text}")


if __name__ == "__main__":
    main()
