"""Turning what a journalist saves into Articles: web pages, .html.gz files and plain text.

The functions here pick the parser by file name, and by content when a file has no markup;
the parsers themselves are pure (bytes or text in, Article out). Each raises
:class:`archive.errors.UnreadableFile` when the input cannot be read as text and
:class:`archive.errors.NotAnArticle` when it holds no article.
"""

from __future__ import annotations

import re
from pathlib import Path

from archive.article import Article
from indexer.parsers.html import parse_html
from indexer.parsers.reading import GZIP_MAGIC, decode, gunzip, read_file
from indexer.parsers.text import parse_text

__all__ = ["parse_bytes", "parse_file", "parse_html", "parse_text"]

_TEXT_SUFFIXES = (".txt", ".text")

# A start tag, a doctype or a comment: what any saved page has near its top and plain text
# almost never has. Checked in the first bytes only (pages start with markup), NULs dropped so
# that UTF-16 and UTF-32 pages are seen too.
_MARKUP = re.compile(rb"<(?:[a-z][a-z0-9]*[\s/>]|!doctype|!--)", re.IGNORECASE)
_SNIFF_BYTES = 8192


def _has_markup(data: bytes) -> bool:
    return _MARKUP.search(data[:_SNIFF_BYTES].replace(b"\0", b"")) is not None


def parse_bytes(data: bytes, *, name: str, url: str | None = None) -> Article:
    """Parse ``data`` as the file called ``name``: ``.gz`` is unpacked, ``.txt`` is plain text,
    and anything else is HTML unless it has no markup at all (a copy saved without an
    extension, or as ``.md``), which reads as plain text with its paragraphs kept."""
    lower = name.lower()
    if lower.endswith(".gz") or data.startswith(GZIP_MAGIC):
        data = gunzip(data)
        lower = lower.removesuffix(".gz")
    if lower.endswith(_TEXT_SUFFIXES) or not _has_markup(data):
        return parse_text(decode(data), url=url)
    return parse_html(data, url=url)


def parse_file(path: Path, *, url: str | None = None) -> Article:
    """Read and parse one file (size limit, gzip and encodings handled in :mod:`.reading`)."""
    return parse_bytes(read_file(path), name=path.name, url=url)
