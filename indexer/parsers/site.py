"""The site around an article: its name and the section the article sits in.

Many pages state neither in metadata, yet show both in ways every news site follows: the
``<title>`` is "Headline — Site Name", a breadcrumb lists the section before the headline, the
article's address lies under a section the site's menu links to (``/world/2021/…`` and a menu
link "World" to ``/world``), and the site's logo is an ``<h1>`` that links to the home page.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from indexer.parsers.jsonld import first_of_type, first_text
from indexer.parsers.text_norm import clean_spaces
from indexer.parsers.urls import absolute_url, host_of, split_url

TITLE_SEPARATORS = re.compile(r"\s+[|–—·•:»\-]\s+|\s+::\s+")
_LETTERS = re.compile(r"[^\W_]+")
_MAX_NAME_WORDS = 6
_MAX_SECTION_WORDS = 3
# A first path segment that names a section: a word, not a year, an id or a language code.
_SECTION_SEGMENT = re.compile(r"[a-z][a-z-]{2,30}")
_HOME_PATHS = {"", "index.html", "index.htm", "index.php"}
_LOGO_WORDS = ("logo", "site-title", "site-name", "sitename", "masthead", "brand")


def letters(text: str) -> str:
    """Only the letters and digits of ``text``, case-folded: "The Site!" and "the site" match."""
    return "".join(_LETTERS.findall(text.casefold()))


def name_in_title(title: str, headline: str | None) -> str | None:
    """The site name a ``<title>`` adds to the headline ("Headline — Site", "Site :: Headline")."""
    parts = TITLE_SEPARATORS.split(title)
    if not headline or len(parts) < 2:
        return None
    key = letters(headline)
    if letters(" ".join(parts[:-1])) == key:
        name = parts[-1]
    elif letters(" ".join(parts[1:])) == key:
        name = parts[0]
    else:
        return None
    name = clean_spaces(name)
    return name if 0 < len(name.split()) <= _MAX_NAME_WORDS else None


def is_section_name(text: str) -> bool:
    """A section's name is a few words ("World", "Speed Reads"), not a sentence or a CSS class."""
    return 0 < len(text.split()) <= _MAX_SECTION_WORDS and "_" not in text


def breadcrumb_section(objects: list[dict], headline: str | None) -> str | None:
    """The last crumb before the article in a JSON-LD BreadcrumbList (not the home page)."""
    crumbs = (first_of_type(objects, "breadcrumblist") or {}).get("itemListElement")
    if not isinstance(crumbs, list):
        return None
    section = None
    for crumb in crumbs:
        if not isinstance(crumb, dict):
            continue
        item = crumb.get("item")
        address = item if isinstance(item, str) else (item or {}).get("@id", "")
        name = first_text(crumb.get("name")) or first_text(item if isinstance(item, dict) else "")
        if not name or not isinstance(address, str) or letters(name) == letters(headline or ""):
            continue
        if split_url(address).path.strip("/") not in _HOME_PATHS:
            section = name
    return section if section and is_section_name(section) else None


def menu_section(tree: HtmlElement, url: str | None) -> str | None:
    """The name of the site's link to the section whose address holds the article's."""
    segments = [part for part in split_url(url).path.lower().split("/") if part]
    if len(segments) < 2 or not _SECTION_SEGMENT.fullmatch(segments[0]):
        return None
    host = host_of(url)
    for link in tree.xpath(f'//a[contains(@href, "/{segments[0]}")]'):
        target = absolute_url(url, link.get("href", ""))
        if host_of(target) != host or split_url(target).path.strip("/").lower() != segments[0]:
            continue
        name = clean_spaces(link.text_content())
        if is_section_name(name):
            return name
    return None


def is_site_logo(heading: HtmlElement) -> bool:
    """Whether a heading is the site's name (its logo, a link home) rather than a headline."""
    marks = f"{heading.get('id', '')} {heading.get('class', '')}".lower()
    if any(word in marks for word in _LOGO_WORDS):
        return True
    text = letters(heading.text_content())
    for link in heading.xpath("ancestor::a[@href] | .//a[@href]"):
        href = link.get("href", "").strip()
        home = bool(href) and not href.startswith("#")
        at_home = home and split_url(href).path.strip("/").lower() in _HOME_PATHS
        if at_home and text in letters(link.text_content()):
            return True
    return False
