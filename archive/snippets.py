"""Highlighted snippets: the passage of an article that best shows why it matched, as safe HTML.

Whoosh's highlighter builds a token object per word of the whole body and took 30 ms per hit;
here the words are found by one regular expression and compared, through the index's own word
normaliser (the same folding and stemming as indexing), with the query's terms.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from html import escape

SNIPPET_CHARS = 240
# Enough matches and text to find a good window, bounded for very long articles.
_MAX_SPANS = 60
_LOOK_AHEAD = 4 * SNIPPET_CHARS


def snippet(texts: list[str], terms: set[str], normalise: Callable[[str], str | None]) -> str:
    """The best window of the first text that has matches (else the start of the first text).

    The window holds the most distinct matched terms; text is escaped, matches are in <mark>.
    """
    if terms:
        for text in texts:
            spans = _matches(text, terms, normalise)
            if spans:
                return _window(text, spans)
    lead = next((t for t in texts if t), "")
    if len(lead) <= SNIPPET_CHARS:
        return escape(lead, quote=False)
    return escape(lead[:SNIPPET_CHARS].rsplit(" ", 1)[0], quote=False) + " …"


def _matches(
    text: str, terms: set[str], normalise: Callable[[str], str | None]
) -> list[tuple[int, int, str]]:
    """Matched words (start, end, term), stopping a few windows past the first match."""
    spans: list[tuple[int, int, str]] = []
    for match in _candidates(frozenset(terms)).finditer(text):
        if spans and (len(spans) >= _MAX_SPANS or match.start() > spans[0][0] + _LOOK_AHEAD):
            break
        word = normalise(match.group())
        if word in terms:
            spans.append((match.start(), match.end(), word))
    return spans


@lru_cache(maxsize=256)
def _candidates(terms: frozenset[str]) -> re.Pattern:
    """Words starting like one of the terms (stemming only changes endings): a fast first pass
    in C over long bodies; each candidate is then checked through the normaliser."""
    starts = sorted({re.escape(term[:4]) for term in terms})
    return re.compile(rf"(?<!\w)(?:{'|'.join(starts)})\w*(?:\.?\w+)*", re.IGNORECASE)


def _window(text: str, spans: list[tuple[int, int, str]]) -> str:
    best, best_score = 0, -1
    for i, (start, _, _) in enumerate(spans):
        inside = {word for s, e, word in spans[i:] if e - start <= SNIPPET_CHARS}
        if len(inside) > best_score:
            best, best_score = i, len(inside)
    first = spans[best][0]
    begin = max(0, first - SNIPPET_CHARS // 4)
    if begin:
        space = text.find(" ", begin, first)
        begin = space + 1 if space >= 0 else first
    end = min(len(text), begin + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", spans[best][1], end)
        end = space if space > 0 else end
    out = ["… " if begin else ""]
    position = begin
    for start, stop, _ in spans:
        if start < begin or stop > end:
            continue
        out.append(escape(text[position:start], quote=False))
        out.append(f"<mark>{escape(text[start:stop], quote=False)}</mark>")
        position = stop
    out.append(escape(text[position:end], quote=False))
    if end < len(text):
        out.append(" …")
    return "".join(out)
