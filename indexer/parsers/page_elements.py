"""The elements a page's metadata is read from, gathered in two walks over the page.

Every XPath query over a whole page costs libxml2 a tenth of a millisecond or more (a predicate
tested on every element costs several times that), and metadata asked ten of them per page.
lxml's iterator picks elements by tag in C; only those few reach Python. Each list is in
document order, as XPath gives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.etree import XPath
from lxml.html import HtmlElement

_TAGS = ("meta", "a", "link", "time", "title", "script")
_ITEMPROPS_AND_H1 = XPath("//@itemprop/.. | //h1")
_LOWER_LD_JSON = str.maketrans("LDJSON", "ldjson")


@dataclass
class PageElements:
    metas: list[HtmlElement] = field(default_factory=list)  # <meta content=…>
    links: list[HtmlElement] = field(default_factory=list)  # <link>
    times: list[HtmlElement] = field(default_factory=list)  # <time>
    titles: list[HtmlElement] = field(default_factory=list)  # <title>
    jsonld_scripts: list[HtmlElement] = field(default_factory=list)  # type="application/ld+json"
    author_links: list[HtmlElement] = field(default_factory=list)  # <a rel="author">
    itemprops: list[HtmlElement] = field(default_factory=list)  # itemprop=…, not <meta>
    headings: list[HtmlElement] = field(default_factory=list)  # <h1>, itemprop="headline"


def is_jsonld(script: HtmlElement) -> bool:
    """Whether a ``<script>`` holds JSON-LD (its type in any case of letters)."""
    return "ld+json" in (script.get("type") or "").translate(_LOWER_LD_JSON)


def page_elements(tree: HtmlElement) -> PageElements:
    """The elements of the page ``tree`` (its root element) that metadata reads."""
    found = PageElements()
    for element in tree.iter(*_TAGS):
        tag = element.tag
        if tag == "meta":
            if element.get("content") is not None:
                found.metas.append(element)
        elif tag == "a":
            if element.get("rel") == "author":
                found.author_links.append(element)
        elif tag == "link":
            found.links.append(element)
        elif tag == "time":
            found.times.append(element)
        elif tag == "title":
            found.titles.append(element)
        elif is_jsonld(element):
            found.jsonld_scripts.append(element)
    for element in _ITEMPROPS_AND_H1(tree):
        tag, itemprop = element.tag, element.get("itemprop")
        if itemprop is not None and tag != "meta":
            found.itemprops.append(element)
        if tag == "h1" or (itemprop == "headline" and tag != "meta"):
            found.headings.append(element)
    return found
