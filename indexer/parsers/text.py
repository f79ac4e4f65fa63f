"""Plain-text copies of articles (what a journalist pastes into a .txt file) to Articles.

The layout we rely on is the one copy and paste produces: the headline on the first line, a
short standfirst as the next paragraph, paragraphs separated by blank lines. Photo captions come
along as lines of their own and are recognised by the credit they end with.
"""

from __future__ import annotations

import re

from archive.article import Article, Caption, article_id
from archive.errors import NotAnArticle
from indexer.parsers.article_check import require_body
from indexer.parsers.authors import clean_authors
from indexer.parsers.boilerplate import is_notice
from indexer.parsers.captions import caption_line
from indexer.parsers.dates import dates_in_lines
from indexer.parsers.text_norm import clean_paragraph

_BLANK_LINES = re.compile(r"\n\s*\n")
# "By Jane Doe", "By Jane Doe and John Roe, Reuters": short, no sentence inside.
_BYLINE = re.compile(r"^By\s+[^.!?]{2,80}$")
# Text wrapped by hand or by a mail program has lines up to about this long.
_WRAPPED_LINE_CHARS = 80
# The paragraph after the headline is a standfirst when it is this short.
_MAX_STANDFIRST_WORDS = 60
# A dateline or a "Published …" line comes in the first paragraphs of a story.
_DATED_PARAGRAPHS = 4


def _blocks(text: str) -> list[list[str]]:
    """Paragraphs as lists of their non-empty lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = (block.split("\n") for block in _BLANK_LINES.split(text))
    return [lines for lines in ([line for line in b if line.strip()] for b in blocks) if lines]


def _split_block(lines: list[str]) -> tuple[list[str], list[Caption]]:
    """A block's paragraphs, with its caption lines taken out and its notice lines dropped.

    Lines no longer than a hard-wrapped line are one paragraph wrapped; a longer line is a
    paragraph of its own (copies that separate paragraphs by a single line break).
    """
    kept: list[str] = []
    captions: list[Caption] = []
    for line in map(clean_paragraph, lines):
        caption = caption_line(line)
        if caption:
            captions.append(caption)
        elif not is_notice(line):
            kept.append(line)
    if len(kept) > 1 and max(len(line) for line in kept[:-1]) <= _WRAPPED_LINE_CHARS:
        return [" ".join(kept)], captions
    return kept, captions


def _byline(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Authors from a leading "By Jane Doe and John Roe" line, and the paragraphs without it."""
    if paragraphs and _BYLINE.match(paragraphs[0]):
        authors = clean_authors([paragraphs[0]])
        if authors:
            return authors, paragraphs[1:]
    return [], paragraphs


def parse_text(text: str, *, url: str | None = None) -> Article:
    """One Article from a plain-text copy; :class:`NotAnArticle` when it is empty or too short."""
    blocks = _blocks(text)
    if not blocks:
        raise NotAnArticle("empty file")
    title = clean_paragraph(blocks[0][0])
    rest = [blocks[0][1:], *blocks[1:]] if len(blocks[0]) > 1 else blocks[1:]
    paragraphs: list[str] = []
    captions: list[Caption] = []
    for lines in rest:
        found_paragraphs, found_captions = _split_block(lines)
        paragraphs += found_paragraphs
        captions += found_captions
    authors, paragraphs = _byline(paragraphs)
    standfirst = None
    if len(paragraphs) > 1 and len(paragraphs[0].split()) <= _MAX_STANDFIRST_WORDS:
        standfirst, paragraphs = paragraphs[0], paragraphs[1:]
    if not authors:
        authors, paragraphs = _byline(paragraphs)
    require_body(paragraphs)
    published, updated = dates_in_lines([standfirst or "", *paragraphs[:_DATED_PARAGRAPHS]])
    return Article(
        id=article_id(None, title, paragraphs),
        title=title,
        body=paragraphs,
        url=url,
        standfirst=standfirst,
        authors=authors,
        published=published,
        updated=updated,
        captions=captions,
    )
