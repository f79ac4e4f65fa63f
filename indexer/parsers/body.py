"""The article body: paragraphs of the story without the page around it.

trafilatura finds the main text well; we help it on both sides. Before it runs, captions are
already gone (see captions.py) and :mod:`boilerplate` drops blocks that are page furniture by
their class (share bars, newsletters, related links, comments) or by their shape (lists of
links). After it, we drop what it still lets through: the headline repeated at the top,
caption text, notices and "Read more"-style lines. When trafilatura returns fewer than three
paragraphs, readability's reading of the same tree may replace it (see :func:`_better_of`).
"""

from __future__ import annotations

import logging
from collections import Counter

import trafilatura
from lxml.etree import ParserError
from lxml.html import HtmlElement, fragment_fromstring
from readability import Document
from trafilatura.settings import Extractor

from indexer.parsers.article_head import head_lines
from indexer.parsers.boilerplate import is_notice, prune_boilerplate
from indexer.parsers.layout_tables import unfold_layout_tables
from indexer.parsers.page_elements import is_jsonld
from indexer.parsers.text_norm import clean_paragraph, same_text, words

# trafilatura and readability log every odd page at WARNING; those are not our user's problem.
for _name in ("trafilatura", "readability", "htmldate"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

# Below this many characters trafilatura has probably missed the article; fewer paragraphs than
# this may be a whole page glued together. Either way readability gets a say.
_SHORT_BODY_CHARS = 250
_FEW_PARAGRAPHS = 3
_WITHIN = 0.8
# The headline is looked for in this many leading paragraphs, as a match of this many words.
_HEADLINE_SEARCH = 2
_HEADLINE_OVERLAP = 0.8
# trafilatura and readability take time superlinear in the page (seconds for a 3 MB live blog);
# above this many elements left after pruning (six times the largest page of the extraction
# benchmark) the body is read linearly from the block richest in paragraphs instead.
_MAX_EXTRACTOR_ELEMENTS = 8000
_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td")


# Built once: trafilatura otherwise builds its options from its config file on every page.
# "txt": bare_extraction then hands over the body tree we read without also rendering it as
# text ("python" does, for a Document.text we never use).
_TRAFILATURA_OPTIONS = Extractor(
    output_format="txt", fast=True, comments=False, tables=True, with_metadata=False
)


def _trafilatura_paragraphs(tree: HtmlElement) -> list[str]:
    document = trafilatura.bare_extraction(tree, options=_TRAFILATURA_OPTIONS)
    if document is None or document.body is None:
        return []
    paragraphs: list[str] = []
    for block in document.body:
        if block.tag == "list":
            paragraphs += ["".join(item.itertext()) for item in block.iter("item")]
        elif block.tag == "table":
            paragraphs += [" ".join(row.itertext()) for row in block.iter("row")]
        else:
            paragraphs.append(" ".join(block.itertext()))
    return paragraphs


def _readability_paragraphs(tree: HtmlElement) -> list[str]:
    summary = Document(tree).summary(html_partial=True)
    if not summary:
        return []
    try:
        root = fragment_fromstring(summary, create_parent="div")
    except (AssertionError, ParserError):  # a summary of a page cut before its <body>
        return []
    blocks = [
        e for e in root.iter(*_BLOCKS) if not any(a.tag in _BLOCKS for a in e.iterancestors())
    ]
    return [e.text_content() for e in blocks] or [root.text_content()]


def _dense_block_paragraphs(tree: HtmlElement) -> list[str]:
    """The paragraphs of the block richest in ``<p>`` text: a linear reading for huge pages.

    Each paragraph's text counts fully for its parent and half for its grandparent (a story
    whose paragraphs sit in one ``<div>`` each is still one block), as readability scores.
    """
    scores: Counter = Counter()
    blocks: dict[int, HtmlElement] = {}
    for paragraph in tree.iter("p"):
        length = len(paragraph.text_content().strip())
        for weight, block in zip((1.0, 0.5), paragraph.iterancestors(), strict=False):
            scores[id(block)] += weight * length
            blocks[id(block)] = block
    if not scores:
        return []
    best = blocks[scores.most_common(1)[0][0]]
    found = [e for e in best.iter(*_BLOCKS) if not any(a.tag in _BLOCKS for a in e.iterancestors())]
    return [e.text_content() for e in found]


def _nonempty(paragraphs: list[str]) -> list[str]:
    return [p for p in map(clean_paragraph, paragraphs) if p]


def _better_of(first: list[str], second: list[str]) -> list[str]:
    """trafilatura's few paragraphs, or readability's when they are the better reading.

    Readability wins when trafilatura found next to nothing, or when it split into paragraphs
    what trafilatura returned as one block: its words then lie within trafilatura's, minus the
    menus and datelines that a block of ``<br>`` lines drags along.
    """
    first_chars, second_chars = sum(map(len, first)), sum(map(len, second))
    if first_chars < _SHORT_BODY_CHARS:
        return second if second_chars > first_chars else first
    if len(second) < _FEW_PARAGRAPHS:
        return first
    inside = Counter(words(" ".join(second))) & Counter(words(" ".join(first)))
    return second if inside.total() >= _WITHIN * len(words(" ".join(second))) else first


def _like_headline(paragraph: str, title: str) -> bool:
    """Whether a paragraph is the headline again, maybe with the site name cut or added."""
    if not title:
        return False
    para, head = set(words(paragraph)), set(words(title))
    return bool(para) and len(para & head) >= _HEADLINE_OVERLAP * max(len(para), len(head))


def _drop_repeats(
    paragraphs: list[str], title: str, head: list[str], captions: list[str]
) -> list[str]:
    """Drop the headline and the labels above it (``head``) where the paragraphs start with
    them, and paragraphs that repeat a caption."""
    # Inline labels side by side come out glued into one line ("Local newsPorto").
    labels = "".join("".join(words(line)) for line in head)
    start = 0
    while start < _HEADLINE_SEARCH + len(head) and start < len(paragraphs):
        paragraph = paragraphs[start]
        compact = "".join(words(paragraph))
        if not (_like_headline(paragraph, title) or (compact and compact in labels)):
            break
        start += 1
    return [p for p in paragraphs[start:] if not any(same_text(p, c) for c in captions)]


def _drop_code(tree: HtmlElement) -> None:
    """Remove scripts (JSON-LD kept), styles and SVG pictures, which trafilatura deletes itself.

    They are most of a page's characters (five sixths of the extraction benchmark's), and
    trafilatura copies the tree three or four times before deleting them. JSON-LD stays: it
    reads that (forum pages, its baseline). Called after :func:`prune_boilerplate`, whose
    link-list test counts the text of scripts inside a list, as it always has. readability,
    when trafilatura finds too little, reads the same tree: it dropped scripts and styles
    itself, but kept an inline icon's SVG title glued to its paragraph ("Quote iconThe
    council…"), which is gone now.
    """
    code = [
        e for e in tree.iter("script", "style", "svg")
        if not (e.tag == "script" and is_jsonld(e))
    ]  # fmt: skip
    for element in code:
        element.drop_tree()


def extract_body(
    tree: HtmlElement, *, title: str = "", captions: list[str] | None = None
) -> list[str]:
    """The body paragraphs of the page in ``tree`` (which is pruned in place).

    ``title`` and ``captions`` are texts the page shows elsewhere that must not be counted as
    body when they reappear inside the article block.
    """
    unfold_layout_tables(tree)
    head = head_lines(tree, title)
    prune_boilerplate(tree)
    if sum(1 for _ in tree.iter()) > _MAX_EXTRACTOR_ELEMENTS:
        paragraphs = _nonempty(_dense_block_paragraphs(tree))
    else:
        _drop_code(tree)
        paragraphs = _nonempty(_trafilatura_paragraphs(tree))
        if len(paragraphs) < _FEW_PARAGRAPHS:
            paragraphs = _better_of(paragraphs, _nonempty(_readability_paragraphs(tree)))
    paragraphs = [p for p in paragraphs if not is_notice(p)]
    return _drop_repeats(paragraphs, title, head, captions or [])
