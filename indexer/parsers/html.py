"""News web pages to Articles: one lxml parse shared by metadata, captions and body.

Order matters: metadata is read from the intact page; captions are then taken out of the tree so
that body extraction cannot mistake them for paragraphs; the body comes last because pruning
boilerplate changes the tree.
"""

from __future__ import annotations

import lxml.html
from lxml import etree
from lxml.etree import ParserError
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction

from archive.article import Article, article_id
from archive.errors import NotAnArticle
from indexer.parsers.article_check import require_body
from indexer.parsers.body import extract_body
from indexer.parsers.captions import extract_captions
from indexer.parsers.dates import complete_published
from indexer.parsers.large_pages import MAX_DATE_SEARCH_CHARS, bounded_html
from indexer.parsers.metadata import extract_metadata
from indexer.parsers.reading import decode
from indexer.parsers.standfirst import take_standfirst
from indexer.parsers.text_norm import clean_paragraph, clean_spaces, words

# A standfirst is a sentence or two.
_MAX_STANDFIRST_CHARS = 400
_PARSER = lxml.html.HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True
)
# lxml.html picks each element's class (FormElement, InputElement…) in a Python callback, run
# every time an element is touched from Python: a sixth of the parse CPU. One class for all
# elements is chosen in C; nothing here or in trafilatura, readability and htmldate uses forms.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


def parse_tree(text: str) -> HtmlElement:
    """The lxml tree of an HTML page (any declared encoding is already applied to ``text``)."""
    try:
        return lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=_PARSER)
    except (ParserError, ValueError):
        raise NotAnArticle("no HTML content") from None


def _first_heading(tree: HtmlElement) -> str:
    for path in ("//h1", "//title"):
        for element in tree.xpath(path):
            text = clean_spaces(element.text_content())
            if text:
                return text
    return ""


def _starts_with(paragraph: str, summary: str) -> bool:
    """Whether ``summary`` is ``paragraph`` or its beginning (summaries are often cut short)."""
    head = words(summary)
    if len(head) > 1 and summary.rstrip().endswith(("...", "…")):
        head = head[:-1]  # the last word may be cut in half
    return bool(head) and words(paragraph)[: len(head)] == head


def _drop_deck(tree: HtmlElement, summary: str) -> None:
    """Remove the sub-heading that shows the page's summary under the headline (the "deck").

    A deck set as a heading is the standfirst, shown apart from the story; the same words in a
    ``<p>`` are the story's lead paragraph, which stays in the body.
    """
    for heading in tree.iter("h2", "h3", "h4", "h5", "h6"):
        text = heading.text_content()
        if _starts_with(text, summary) and len(words(text)) <= len(words(summary)) + 2:
            heading.drop_tree()
            return


def parse_html(data: bytes | str, *, url: str | None = None) -> Article:
    """One Article from a web page; :class:`NotAnArticle` when it holds no article text."""
    text = decode(data, html=True) if isinstance(data, bytes) else data
    if not text.strip():
        raise NotAnArticle("empty file")
    text = bounded_html(text)
    tree = parse_tree(text)
    meta = extract_metadata(tree, url)
    title = clean_paragraph(meta.title or _first_heading(tree))
    description = clean_paragraph(meta.description or "")
    if len(description) > _MAX_STANDFIRST_CHARS:
        description = ""  # a page description this long is a text dump, not a standfirst
    captions = extract_captions(tree, meta.image_captions)
    shown = take_standfirst(tree, title)
    standfirst = shown or description or None
    if standfirst:
        _drop_deck(tree, standfirst)
    body = extract_body(tree, title=title, captions=[c.text for c in captions])
    require_body(body)
    if not shown and standfirst and any(_starts_with(p, standfirst) for p in body[:3]):
        standfirst = None  # the summary is the lead paragraph itself: keep it once, in the body
    if not title:
        title = body[0] if len(body[0]) <= 150 else ""
    published = complete_published(
        meta.published, text[:MAX_DATE_SEARCH_CHARS], meta.canonical_url or url
    )
    return Article(
        id=article_id(meta.canonical_url, title, body),
        title=title,
        body=body,
        url=meta.canonical_url or meta.url or url,
        source=meta.site_name,
        standfirst=standfirst,
        authors=meta.authors,
        published=published,
        updated=meta.updated,
        section=meta.section,
        language=meta.language,
        captions=captions,
    )
