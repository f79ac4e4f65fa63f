"""Bounding the work on very large pages.

Pages of several megabytes are mostly inline code (scripts, styles, SVG icons) or endless
comment threads; extraction time grows with them (a 3 MB page took seconds in the extractors
and in date detection). Above :data:`MAX_PARSED_CHARS` the page loses its scripts (except
JSON-LD metadata), styles and SVG, and what is still too long is cut at the limit: the article
and its metadata come first in a page, the tail is comments and footers. The cut is plain
string search, linear even on hostile input (unclosed tags), and lxml closes what the cut
leaves open.
"""

from __future__ import annotations

# The largest page of the extraction benchmark (1.49 MB) is not touched; at this size the
# whole parse stays near a second on one core.
MAX_PARSED_CHARS = 1_500_000
# Date detection (htmldate) reads at most this much of the page: the dates are in its head and
# first screens, and its time grows fast with the page.
MAX_DATE_SEARCH_CHARS = 512 * 1024
_CODE_ELEMENTS = ("script", "style", "svg")


def _without(text: str, tag: str) -> str:
    """``text`` without its ``<tag>…</tag>`` elements (JSON-LD scripts kept)."""
    lower = text.lower()
    kept: list[str] = []
    position = 0
    while (start := lower.find(f"<{tag}", position)) >= 0:
        end = lower.find(f"</{tag}", start)
        close = lower.find(">", end) if end >= 0 else -1
        if close < 0:
            break
        opening = lower[start : lower.find(">", start) + 1]
        if tag == "script" and "ld+json" in opening:
            kept.append(text[position : close + 1])
        else:
            kept.append(text[position:start])
        position = close + 1
    kept.append(text[position:])
    return "".join(kept)


def bounded_html(text: str) -> str:
    """``text`` itself when it is small enough, else its content part cut to the limit."""
    if len(text) <= MAX_PARSED_CHARS:
        return text
    for tag in _CODE_ELEMENTS:
        text = _without(text, tag)
    return text[:MAX_PARSED_CHARS]
