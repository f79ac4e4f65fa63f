"""Page furniture that is not the article: found by class name, by shape, or by wording.

Independent tests, each cheap:

* blocks whose class or id says what they are (``share-bar``, ``newsletter-signup``,
  ``related-articles``, ``comments``…), unless they hold several long paragraphs or the
  ``<h1>`` (a wrapper called ``content-wrapper social`` is still the article);
* lists whose items are nothing but links (related stories, tag clouds, "more from"), and
  paragraphs or sub-headings that are one link;
* short paragraphs worded as notices: "Powered by automated translation", "Read more: …",
  "Sign up for our newsletter", "Loading comments…", or that are only a date line
  ("Updated at 1:23 p.m.", "November 20, 2019 - 11:28").
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml.html import HtmlElement

# A class or id token that names furniture: it starts with one of these words ("share-bar",
# "related_links") or ends with one of them after a dash ("post-comments", "inline-related").
_FURNITURE_WORDS = (
    r"comments?|comment-list|disqus|newsletters?|signup|sign-up|subscribe|subscription|share|"
    r"sharing|social|socials|related|recommended|recommendations|more-stories|most-popular|"
    r"most-read|popular|trending|outbrain|taboola|promo|sidebar|breadcrumbs?|tags|author-bio|"
    r"bylines?|signature|dateline|timestamp|date|authors?|auteur|autor"
)
# Searched in the element's class and id together, token by token: a token starts at the string's
# start or after a space, ends at its end or before one.
_FURNITURE = re.compile(
    rf"(?:^|(?<=\s))(?:{_FURNITURE_WORDS})(?=$|\s|[-_])|[-_](?:{_FURNITURE_WORDS})(?=$|\s)",
    re.IGNORECASE,
)
# Walked with iter(), not XPath: libxml2 sorts a large "//*[…]" result in quadratic time.
_FURNITURE_TAGS = ("div", "section", "aside", "ul", "ol", "nav", "footer", "form", "p")
# A block with this many long paragraphs is article text, whatever its name says.
_ARTICLE_PARAGRAPHS = 3
_LONG_PARAGRAPH_CHARS = 120
_LINK_LIST_SHARE = 0.9
_MIN_LINK_LIST_ITEMS = 3

_NOTICE = re.compile(
    r"""^(?:
        powered\s+by\s+automated\s+translation
      | (?:read|see|watch|listen)\s+(?:more|also|next)\b
      | (?:also\s+read|related|more|recommended|most\s+read|popular\s+on)\s*[:|\]]
      | don'?t\s+miss\b
      | \[?related\s*:
      | you\s+may\s+(?:also\s+)?like
      | (?:leggi\s+anche|lesen\s+sie\s+auch|lire\s+aussi|leia\s+tamb[ée]m|читайте\s+также)
      | (?:sign\s+up|subscribe)\b.{0,80}\b(?:newsletters?|inbox|e-?mail|channel|today)
      | get\s+the\s+latest\b.{0,60}\b(?:inbox|newsletters?)
      | click\s+here\s+to\s+(?:subscribe|sign\s+up|get|download|read)
      | (?:you\s+can\s+(?:also\s+)?)?follow\s+(?:us|@?\w+(?:\s+\w+){0,6})\s+on\s+
        (?:twitter|facebook|instagram)
      | (?:do\s+you\s+have|have|got)\s+a\s+(?:story\s+|news\s+)?tip\?
      | loading\s+comments
      | (?:\d+\s+)?comments?\s*$
      | (?:top\s+rated\s+|all\s+|show\s+|view\s+)comments?
      | leave\s+a\s+(?:reply|comment)
      | (?:share|tweet)\s+(?:this|on)\b
      | like\s+this\s+(?:story|article)\?
      | advertisement\s*$
      | story\s+continues\s+below
      | thanks\s+for\s+signing\s+up
      | \(?(?:additional\s+)?(?:reporting|writing|editing)\s+by\b
      | (?:copyright|©|ⓒ)\s*(?:©|ⓒ)?\s*(?:\d{4}|[A-Z])
      | (?:published|updated|posted|last\s+updated|modified)\b[\s:]*(?=.{0,20}\d).{1,60}$
      | \W*(?:[a-z]+day,?\s+)?(?:\d{1,2}\s+MONTH|MONTH\s+\d{1,2}(?:st|nd|rd|th)?),?\s+\d{4}\b
        .{0,30}$
    )""".replace("MONTH", r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"),
    re.IGNORECASE | re.VERBOSE,
)
_MAX_NOTICE_WORDS = 30
# "Home | World | Culture", "Printer-friendly version | E-mail this story": a row of links or
# tools set as text, each part a few words and none a sentence.
_MENU_SEPARATOR = re.compile(r"\s+[|·•]\s+")
_MENU_PARTS = 3
_MAX_MENU_PART_WORDS = 4


def _text_length(element: HtmlElement) -> int:
    return len(" ".join(element.text_content().split()))


def _is_link_list(element: HtmlElement) -> bool:
    items = element.findall("li")
    if len(items) < _MIN_LINK_LIST_ITEMS:
        return False
    text = _text_length(element)
    linked = sum(_text_length(a) for a in element.iter("a"))
    return text > 0 and linked >= _LINK_LIST_SHARE * text


def _is_link_only(element: HtmlElement) -> bool:
    """A paragraph or heading that is one link and nothing else: a pointer to another page."""
    links = list(element.iter("a"))
    if not links:
        return False
    text = _text_length(element)
    return text > 0 and sum(_text_length(a) for a in links) >= _LINK_LIST_SHARE * text


@lru_cache(maxsize=4096)
def _names_furniture(names: str) -> bool:
    """Whether a class and id (the same few recur all over a page and a site) name furniture."""
    return _FURNITURE.search(names) is not None


def _is_furniture(element: HtmlElement) -> bool:
    if not _names_furniture(f"{element.get('class', '')} {element.get('id', '')}"):
        return False
    if element.find(".//h1") is not None:
        return False  # the block holding the headline is the article ("page and-w-sidebar")
    long_paragraphs = 0
    for paragraph in element.iter("p"):
        if _text_length(paragraph) >= _LONG_PARAGRAPH_CHARS:
            long_paragraphs += 1
            if long_paragraphs >= _ARTICLE_PARAGRAPHS:
                return False
    return True


def prune_boilerplate(tree: HtmlElement) -> None:
    """Remove furniture blocks and link lists from ``tree`` in place."""
    doomed = [
        e for e in tree.iter(*_FURNITURE_TAGS)
        if (e.get("class") or e.get("id")) and _is_furniture(e)
    ]  # fmt: skip
    doomed += [e for e in tree.iter("ul", "ol") if _is_link_list(e)]
    doomed += [e for e in tree.iter("p", "h2", "h3", "h4", "h5", "h6") if _is_link_only(e)]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _is_menu_line(paragraph: str) -> bool:
    parts = _MENU_SEPARATOR.split(paragraph)
    return len(parts) >= _MENU_PARTS and all(
        len(part.split()) <= _MAX_MENU_PART_WORDS and not part.endswith((".", "?", "!"))
        for part in parts
    )


def is_notice(paragraph: str) -> bool:
    """Whether a paragraph is a notice, a pointer or a row of menu items, not article text."""
    if len(paragraph.split()) > _MAX_NOTICE_WORDS:
        return False
    return bool(_NOTICE.match(paragraph)) or _is_menu_line(paragraph)
