"""The head of an article: the headline and the labels set above it.

The headline is the Article's title and the kicker or section label above it ("Business",
"Économie") is page furniture; neither belongs in the body, yet extraction keeps both when they
sit in the same block as the story. They are found by position: the ``<h1>`` that carries the
title, and the short lines before it in its own block; the body drops them where it starts with
them.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from indexer.parsers.text_norm import clean_paragraph, words

# A label above the headline is a few words ("World", "Climate crisis", "Analysis").
_MAX_LABEL_WORDS = 6


def _text(element: HtmlElement) -> str:
    return clean_paragraph(element.text_content())


def headline_element(tree: HtmlElement, title: str = "") -> HtmlElement | None:
    """The ``<h1>`` holding ``title`` (or, failing that, the first ``<h1>`` with text)."""
    headings = [h for h in tree.iter("h1") if _text(h)]
    wanted = words(title)
    exact = [h for h in headings if words(_text(h)) == wanted]
    return (exact or headings or [None])[0]


def _is_label(element: HtmlElement) -> bool:
    if not isinstance(element.tag, str) or element.tag in ("script", "style"):
        return False
    count = len(words(_text(element)))
    return 0 < count <= _MAX_LABEL_WORDS and not element.xpath(".//img | .//p//p")


def head_lines(tree: HtmlElement, title: str) -> list[str]:
    """The texts of the labels just before the headline in its block, and of the headline.

    The tree is left as it is: without its ``<h1>`` the block holding the story can look like
    page furniture to body extraction, so these lines are dropped from its output instead.
    """
    headline = headline_element(tree, title)
    if headline is None:
        return []
    labels = []
    for sibling in headline.itersiblings(preceding=True):
        if not _is_label(sibling):
            break
        labels.append(_text(sibling))
    return [*reversed(labels), _text(headline)]
