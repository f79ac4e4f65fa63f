"""What a news page says about itself: headline, authors, dates, section, language, site.

Sources in order of trust: JSON-LD (the publisher's structured statement), then ``<meta>`` tags
(OpenGraph, Twitter, Parse.ly, Sailthru, Dublin Core…), then microdata and ``<time>`` in the
markup. Each field takes the first source that states it. Pure reading of one lxml tree, whose
elements that matter are gathered in two walks (:mod:`.page_elements`): this runs for every page
we index, so it must cost a few milliseconds, not a second parse.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from lxml.etree import XPath
from lxml.html import HtmlElement

from indexer.parsers.authors import clean_authors
from indexer.parsers.datetimes import read_stated
from indexer.parsers.jsonld import (
    article_object,
    first_of_type,
    first_text,
    image_captions,
    jsonld_objects,
    resolve_references,
    text_values,
)
from indexer.parsers.page_elements import PageElements, page_elements
from indexer.parsers.site import (
    TITLE_SEPARATORS,
    breadcrumb_section,
    is_section_name,
    is_site_logo,
    letters,
    menu_section,
    name_in_title,
)
from indexer.parsers.text_norm import clean_spaces
from indexer.parsers.urls import absolute_url, host_of, split_url


@dataclass
class PageMetadata:
    """Metadata of one page; every field is None (or empty) when the page does not state it.

    ``published`` is the time the page states, as stated; :mod:`indexer.parsers.dates` turns it
    into the article's publication date (publisher's day, htmldate when nothing is stated).
    """

    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    section: str | None = None
    language: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    url: str | None = None
    image_captions: list[str] = field(default_factory=list)


@dataclass
class _Sources:
    """The page's statements, each read once: JSON-LD, meta tags, Parse.ly, microdata."""

    tree: HtmlElement
    elements: PageElements
    objects: list[dict]
    article: dict
    tags: dict[str, list[str]]
    parsely: dict
    micro: dict[str, list[str]]


# <meta> names (name=, property= or itemprop=, lower case) per field, most specific first.
_META_TITLE = ("og:title", "twitter:title", "parsely-title", "sailthru.title", "dc.title")
_META_DESCRIPTION = ("og:description", "description", "twitter:description", "dc.description")
_META_AUTHOR = ("author", "article:author", "og:article:author", "parsely-author",
                "sailthru.author", "dc.creator", "dcterms.creator", "byl", "cxenseparse:author",
                "bt:author", "web_author", "citation_author")  # fmt: skip
_META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "article:published",
    "article:published_date", "datepublished", "parsely-pub-date", "sailthru.date",
    "dc.date.issued", "dcterms.issued", "pubdate", "publishdate", "publish-date",
    "publish_date", "og:published_time", "release:date", "bt:pubdate",
    "cxenseparse:recs:publishtime", "citation_publication_date", "article.published",
    "originalpublicationdate",
)  # fmt: skip
# Dates that usually, but not always, mean publication: used only when nothing better is stated.
_META_DATED = ("dcterms.created", "dc.date.created", "dc.date", "date")
_META_UPDATED = ("article:modified_time", "og:article:modified_time", "og:updated_time",
                 "article:modified_date", "datemodified", "dc.date.modified", "dcterms.modified",
                 "bt:moddate", "last-modified", "lastmod", "updated")  # fmt: skip
_META_SECTION = ("article:section", "og:article:section", "parsely-section", "og:section",
                 "section", "articlesection", "cxenseparse:section")  # fmt: skip
_META_SITE = ("og:site_name", "og:site-name", "og:sitename", "application-name", "dc.publisher",
              "publisher", "cxenseparse:site")  # fmt: skip
# The site's app: its short name ("NYTimes"), when nothing else names the site.
_META_APP = ("apple-mobile-web-app-title", "al:android:app_name")
_META_LANGUAGE = ("content-language", "dc.language", "language", "og:locale")

_MAX_DESCRIPTION = 600
# <time> elements beyond the first few belong to other stories (related links, comments).
_MAX_TIME_ELEMENTS = 4
_MICRODATA_PROPS = ("datePublished", "dateModified", "author", "publisher", "articleSection")
_ITEMPROP_NAME = XPath('.//*[@itemprop="name"]')
_BYLINE_CLASS = "contains(@class, 'byline') or contains(@class, 'author')"
_BYLINE_ELEMENTS = XPath(
    f"//body//*[{_BYLINE_CLASS}][not(.//*[{_BYLINE_CLASS}])]"
    "[not(ancestor-or-self::*[contains(@class, 'comment') or contains(@class, 'related')])]"
)
_MAX_BYLINE_CHARS = 120
_MAX_BYLINES = 3
# Statements of one publication differ by a time zone at most.
_SAME_PUBLICATION = timedelta(hours=30)
_LANGUAGE = re.compile(r"^([a-z]{2,3})(?:[-_][A-Za-z0-9]+)*$", re.IGNORECASE)


def _meta_tags(metas: list[HtmlElement]) -> dict[str, list[str]]:
    """Every ``<meta>`` value by its lower-cased name, property, itemprop or http-equiv."""
    tags: dict[str, list[str]] = {}
    for meta in metas:
        content = clean_spaces(meta.get("content"))
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key:
                tags.setdefault(key, []).append(content)
    return tags


def _first(tags: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    return next((tags[key][0] for key in keys if key in tags), None)


def _parsely_page(tags: dict[str, list[str]]) -> dict:
    """Parse.ly's older ``parsely-page`` tag: one JSON object with title, author, pub_date."""
    for raw in tags.get("parsely-page", []):
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return {}


def _spaced_text(element: HtmlElement) -> str:
    """The text of a byline-like element with its children kept apart ("Jeff Foust</a>Monday")."""
    return clean_spaces(" ".join(element.itertext()))


def _microdata(itemprops: list[HtmlElement]) -> dict[str, list[str]]:
    """Values of the microdata properties we read, in one pass over the page.

    A value is the element's content/datetime attribute or its text (for an author, the text of
    its ``itemprop="name"``). ``<meta itemprop>`` is read with the other meta tags.
    """
    values: dict[str, list[str]] = {prop: [] for prop in _MICRODATA_PROPS}
    for element in itemprops:
        if element.get("itemprop") not in values:
            continue
        names = _ITEMPROP_NAME(element)
        source = names[0] if names else element
        value = clean_spaces(
            source.get("content") or source.get("datetime") or _spaced_text(source)
        )
        if value:
            values[element.get("itemprop")].append(value)
    return values


def _first_date(values: list[object]) -> datetime | None:
    return next((date for value in values if (date := read_stated(value))), None)


def _read_sources(tree: HtmlElement) -> _Sources:
    elements = page_elements(tree)
    objects = jsonld_objects(elements.jsonld_scripts)
    tags = _meta_tags(elements.metas)
    return _Sources(tree, elements, objects, article_object(objects) or {}, tags,
                    _parsely_page(tags), _microdata(elements.itemprops))  # fmt: skip


def _is_bare_day(value: datetime) -> bool:
    """A date stated without a time ("2021-02-24"), which we hold as midnight UTC."""
    return value.utcoffset() == timedelta(0) and value.time() == time.min


def _time_elements(times: list[HtmlElement]) -> list[datetime]:
    """The first few ``<time datetime>`` values of the page that state a time of day."""
    stated = [value for element in times if (value := element.get("datetime")) is not None]
    values = (read_stated(value) for value in stated[:_MAX_TIME_ELEMENTS])
    return [value for value in values if value and not _is_bare_day(value)]


def _most_precise(stated: list[datetime], shown: list[datetime]) -> datetime:
    """The earliest statement, a bare day giving way to a time stated on that same day.

    A bare day held as midnight UTC is "earlier" than any time of that day, yet says less: a
    page stating "2021-02-24" and showing 03:30 +08:00 was published at 03:30 on the 24th in
    its own zone (19:30 UTC on the 23rd). The bare day may be the local or the UTC day of that
    time; the time, with its offset, wins either way. A time shown in the page (``<time
    datetime>``) only refines a stated day; it never replaces one.
    """
    precise = [date for date in stated if not _is_bare_day(date)]
    refined = []
    for date in stated:
        if _is_bare_day(date):
            same_day = [p for p in precise + shown
                        if date.date() in (p.date(), p.astimezone(UTC).date())]  # fmt: skip
            date = min(same_day) if same_day else date
        refined.append(date)
    return min(refined)


def _published(src: _Sources) -> datetime | None:
    """The publication time the page states explicitly.

    Sources often disagree by hours: one is the first publication, another a re-publication or
    a local time mislabelled as UTC. The earliest statement close to the most trusted one is
    the original publication; a far older one is a stale default and does not count.
    """
    times = [
        value for element in src.elements.times
        if (value := element.get("datetime")) is not None
        and (element.get("pubdate") is not None or element.get("itemprop") == "datePublished")
    ]  # fmt: skip
    values = (
        [src.article.get("datePublished")]
        + [value for key in _META_PUBLISHED for value in src.tags.get(key, [])[:1]]
        + [src.parsely.get("pub_date")]
        + src.micro["datePublished"]
        + times
    )
    stated = [date for value in values if (date := read_stated(value))]
    if stated:
        same = [date for date in stated if abs(date - stated[0]) <= _SAME_PUBLICATION]
        return _most_precise(same, _time_elements(src.elements.times))
    return _first_date(
        [src.article.get("dateCreated"), src.article.get("uploadDate")]
        + [value for key in _META_DATED for value in src.tags.get(key, [])[:1]]
    )


def _updated(src: _Sources) -> datetime | None:
    return _first_date(
        [src.article.get("dateModified")]
        + [value for key in _META_UPDATED for value in src.tags.get(key, [])[:1]]
        + src.micro["dateModified"]
    )


def _language(tree: HtmlElement, article: dict, tags: dict[str, list[str]]) -> str | None:
    """The primary language subtag ("en" from "en-GB", "pt" from "pt_BR")."""
    candidates = [tree.get("lang"), tree.get("xml:lang"), first_text(article.get("inLanguage")),
                  _first(tags, _META_LANGUAGE)]  # fmt: skip
    for value in candidates:
        match = _LANGUAGE.match((value or "").strip())
        if match:
            return match.group(1).lower()
    return None


def _unescaped(text: str) -> str:
    """Text some CMSs escape twice ("&#8216;Quoted&#8217;" inside og:title) made readable."""
    return clean_spaces(html.unescape(text)) if "&" in text else clean_spaces(text)


def _host_label(url: str | None) -> str:
    """The name part of a URL's host ("nytimes" for https://www.nytimes.com/…)."""
    host = host_of(url)
    parts = host.removeprefix("www.").split(".")
    return parts[-2] if len(parts) > 1 else parts[0]


def strip_site_suffix(title: str, site_name: str | None, url: str | None) -> str:
    """A headline without its " | Site Name" (or "Site Name - ") decoration."""
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site_keys = {letters(site_name or "")} - {""}
    host_label = letters(_host_label(url))

    def is_site(part: str) -> bool:
        key = letters(part)
        return bool(key) and (key in site_keys or (len(host_label) > 2 and key == host_label)
                              or any(key in site or site in key for site in site_keys))  # fmt: skip

    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
    if len(parts) == len(TITLE_SEPARATORS.split(title)):
        return title
    # Rejoin what is left with the separators the title used.
    kept = " ".join(parts)
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end] if start >= 0 and end > start else kept


def _description(article: dict, tags: dict[str, list[str]]) -> str | None:
    """The page's summary; a "description" as long as an article is the article, not a summary."""
    text = first_text(article.get("description")) or _first(tags, _META_DESCRIPTION)
    text = _unescaped(text) if text else ""
    return text if 0 < len(text) <= _MAX_DESCRIPTION else None


def canonical_url(tree: HtmlElement, url: str | None = None) -> str | None:
    """The page's canonical URL; a site's home page is never an article's canonical address."""
    return _canonical_url(page_elements(tree), url)


def _canonical_url(elements: PageElements, url: str | None) -> str | None:
    # <link rel=canonical> first: a syndicated copy names the original there, itself in og:url.
    hrefs = [link.get("href") for link in elements.links if link.get("rel") == "canonical"]
    hrefs += [meta.get("content") for meta in elements.metas if meta.get("property") == "og:url"]
    for href in (href for href in hrefs if href is not None):
        absolute = absolute_url(url, href)
        parts = split_url(absolute)
        if parts.scheme in ("http", "https") and parts.netloc and parts.path.strip("/"):
            return absolute
    return None


def _headings(headings: list[HtmlElement]) -> tuple[list[str], list[str]]:
    """Headlines shown in the page (``itemprop=headline``, ``<h1>``), and ``<h1>`` logos."""
    headlines, logos = [], []
    for element in headings:
        text = clean_spaces(element.text_content())
        if text:
            is_logo = element.get("itemprop") != "headline" and is_site_logo(element)
            (logos if is_logo else headlines).append(text)
    return headlines, logos


def _title(src: _Sources, shown: list[str], site_name: str | None) -> str | None:
    """The stated headline; a heading that only repeats the site's name is its logo."""
    site_key = letters(site_name or "")
    candidates = [first_text(src.article.get("headline")), _first(src.tags, _META_TITLE),
                  src.parsely.get("title"),
                  *(text for text in shown if letters(text) != site_key)]  # fmt: skip
    return next((_unescaped(text) for text in candidates if text), None)


def _stated_site(src: _Sources) -> str | None:
    """The publisher's name as the page's metadata states it."""
    publisher = resolve_references(src.article.get("publisher"), src.objects)
    site = first_of_type(src.objects, "website", "newsmediaorganization", "organization") or {}
    return (_first(src.tags, ("og:site_name",)) or first_text(publisher)
            or first_text(site.get("name")) or _first(src.tags, _META_SITE)
            or next(iter(src.micro["publisher"]), None))  # fmt: skip


def _section(src: _Sources, headline: str | None, url: str | None) -> str | None:
    """The section stated in metadata, else the breadcrumb's, else the menu's for the URL."""
    return (first_text(src.article.get("articleSection")) or _first(src.tags, _META_SECTION)
            or next((name for name in src.micro["articleSection"] if is_section_name(name)), None)
            or breadcrumb_section(src.objects, headline)
            or menu_section(src.tree, url))  # fmt: skip


def _authors(src: _Sources, site_names: list[str]) -> list[str]:
    """Author names from the most trusted source that names any person."""
    stated = [
        resolve_references(src.article.get(key), src.objects) for key in ("author", "creator")
    ]
    sources = [
        text_values(stated[0]) or text_values(stated[1]),
        [value for key in _META_AUTHOR for value in src.tags.get(key, [])],
        text_values(src.parsely.get("author")),
        src.micro["author"],
        [_spaced_text(a) for a in src.elements.author_links],
    ]
    for values in sources:
        names = clean_authors(values, site_names)
        if names:
            return names
    # Last, a byline shown on the page and marked only by its class: weaker evidence, so one
    # word ("Washington", "admin") is not taken for a name.
    return clean_authors(_byline_texts(src.tree), site_names, min_words=2)


def _byline_texts(tree: HtmlElement) -> list[str]:
    """Short texts of the first innermost elements whose class says byline or author."""
    texts = []
    for element in _BYLINE_ELEMENTS(tree):
        text = _spaced_text(element)
        if 0 < len(text) <= _MAX_BYLINE_CHARS:
            texts.append(text)
            if len(texts) == _MAX_BYLINES:
                break
    return texts


def stated_published(tree: HtmlElement) -> datetime | None:
    """Only the publication time the page states (cheaper than :func:`extract_metadata`)."""
    return _published(_read_sources(tree))


def extract_metadata(tree: HtmlElement, url: str | None = None) -> PageMetadata:
    """Everything the page states about the article; pure, no network."""
    src = _read_sources(tree)
    article, tags = src.article, src.tags
    stated_site = _stated_site(src)
    shown, logos = _headings(src.elements.headings)
    headline = _title(src, shown, stated_site)
    titles = src.elements.titles
    page_title = clean_spaces((titles[0].text if titles else None) or "")
    site_name = (stated_site or name_in_title(page_title, headline) or next(iter(logos), None)
                 or _first(tags, _META_APP))  # fmt: skip
    canonical = _canonical_url(src.elements, url)
    page_url = url or canonical
    title = headline or page_title
    title = strip_site_suffix(title, site_name, page_url) if title else None
    return PageMetadata(
        title=title or None,
        description=_description(article, tags),
        authors=_authors(src, [site_name or "", _host_label(page_url)]),
        published=_published(src),
        updated=_updated(src),
        section=_section(src, title, page_url),
        language=_language(tree, article, tags),
        site_name=site_name,
        canonical_url=canonical,
        url=page_url,
        image_captions=image_captions(article),
    )
