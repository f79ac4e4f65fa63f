"""The standfirst as the page shows it: the sentence or two set under the headline.

Many pages state no summary in their metadata, or one written for search engines; what readers
see is a block under the ``<h1>``, named by its class (``standfirst``, ``dek``, ``lead``,
``chapo``, ``article__summary``…) or by ``itemprop="description"``, or on old pages the
paragraph right beside the headline set all in italics or bold (a bold paragraph inside the
story text is its first paragraph). It is taken out of the tree so that the body does not
start with it.

A ``lead``/``intro`` paragraph that runs on into the story (long paragraphs beside it) is the
first paragraph of the body, not a standfirst, and stays where it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from lxml.html import HtmlElement

from indexer.parsers.article_head import headline_element
from indexer.parsers.captions import split_credit
from indexer.parsers.text_norm import clean_paragraph

# A class or id token names a standfirst when it is one of these words, alone or after a dash or
# underscore ("article__standfirst", "story-dek").
_STANDFIRST = re.compile(
    r"(?:^|[-_])(?:standfirst|dek|deck|lede|lead|leadin|summary|excerpt|intro|subtitle|"
    r"sub-?title|sub-?head|sub-?headline|subheading|strapline|chapo|chapeau|entradilla|"
    r"sottotitolo|descricao|description)$",
    re.IGNORECASE,
)
_TAGS = ("p", "div", "h2", "h3", "h4", "span", "section", "header")
_EMPHASIS = ("i", "em", "b", "strong")
_MIN_CHARS = 30
_MAX_CHARS = 400
# Elements after the headline searched for a standfirst, in document order.
_SEARCH_ELEMENTS = 40
# A paragraph this long beside a candidate means the candidate is inside the story text.
_STORY_PARAGRAPH_CHARS = 120


def _text(element: HtmlElement) -> str:
    return clean_paragraph(element.text_content())


def _named_standfirst(element: HtmlElement) -> bool:
    if element.get("itemprop") == "description" and element.tag != "meta":
        return True
    names = f"{element.get('class', '')} {element.get('id', '')}".split()
    return any(_STANDFIRST.search(name) for name in names)


def _inside_story(element: HtmlElement) -> bool:
    """Whether long paragraphs stand beside ``element``: then it opens the story text."""
    return any(
        sibling.tag == "p" and len(_text(sibling)) >= _STORY_PARAGRAPH_CHARS
        for sibling in element.itersiblings()
    )


def _all_emphasised(paragraph: HtmlElement) -> bool:
    """A paragraph whose whole text sits in ``<i>``/``<em>``/``<b>``/``<strong>``."""
    emphasised = sum(len(_text(e)) for e in paragraph if e.tag in _EMPHASIS)
    return emphasised > 0 and emphasised >= len(_text(paragraph)) - 1


def _fits(element: HtmlElement) -> bool:
    """Sentence-sized text that is not a byline with its dates, a script or a photo credit."""
    text = _text(element)
    return (
        _MIN_CHARS <= len(text) <= _MAX_CHARS
        and not element.xpath(".//h1 | .//time | .//script | .//style")
        and len(element.findall(".//p")) <= 1
        and not text.startswith("(")
        and bool(split_credit(text).text)
    )


def _next_block(headline: HtmlElement) -> HtmlElement | None:
    """The element right after the headline, beside it (empty elements skipped)."""
    return next((e for e in headline.itersiblings() if isinstance(e.tag, str) and _text(e)), None)


def _following(element: HtmlElement) -> Iterator[HtmlElement]:
    """The elements after ``element`` in document order (its own descendants excluded).

    Walked with iter(): XPath's ``following::`` axis would collect the whole rest of the page.
    """
    walk = element.getroottree().getroot().iter()
    for node in walk:
        if node is element:
            break
    for _ in element.iterdescendants():
        next(walk)
    return (node for node in walk if isinstance(node.tag, str))


def take_standfirst(tree: HtmlElement, title: str = "") -> str | None:
    """The standfirst shown under the headline, removed from ``tree``; None when there is none."""
    headline = headline_element(tree, title)
    if headline is None:
        return None
    following = list(islice(_following(headline), _SEARCH_ELEMENTS))
    under = _next_block(headline)
    for element in following:
        # The cheap tests first: _fits reads the text of blocks that may hold the whole story.
        possible = _named_standfirst(element) or (element is under and element.tag == "p")
        if element.tag not in _TAGS or not possible or not _fits(element):
            continue
        named = _named_standfirst(element) and not _inside_story(element)
        if named or (element is under and element.tag == "p" and _all_emphasised(element)):
            text = _text(element)
            element.drop_tree()
            return text
    return None
