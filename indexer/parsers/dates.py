"""The publication date of a page: what it states, else what htmldate can infer from it.

A page's own structured statement (JSON-LD ``datePublished``, ``article:published_time``…) is
the most precise source and keeps the page's time and offset. Where a page states nothing,
htmldate searches the markup and the text; its answer is a day, which we keep at midnight UTC.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from htmldate import find_date
from lxml.html import HtmlElement

from indexer.parsers.datetimes import EARLIEST_PLAUSIBLE, now, plausible
from indexer.parsers.metadata import extract_metadata

# htmldate logs every rejected candidate; that is noise for an indexer.
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:/|[_-]|$)"
)


def date_in_url(url: str | None) -> datetime | None:
    """The day a URL path states (/2020/03/05/, /2020-03-05-, /20200305/), at midnight UTC."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        day = datetime(*map(int, match.groups()), tzinfo=UTC)
    except ValueError:
        return None
    return plausible(day, stated=False)


def inferred_date(html: str | HtmlElement, url: str | None) -> datetime | None:
    """htmldate's reading of the original publication day, or None."""
    try:
        found = find_date(
            html,
            extensive_search=True,
            original_date=True,
            url=url,
            min_date=EARLIEST_PLAUSIBLE.date().isoformat(),
            max_date=now().date().isoformat(),
        )
    except (ValueError, TypeError):
        return None
    if not found:
        return None
    return plausible(datetime.fromisoformat(found).replace(tzinfo=UTC), stated=False)


def find_published(tree: HtmlElement, url: str | None, raw_html: str | None) -> datetime | None:
    """When the article was first published (timezone-aware), or None when the page cannot tell.

    ``raw_html`` is the page text before any pruning; htmldate reads it when the page states no
    date. Without it the (unpruned) ``tree`` is read instead.
    """
    stated = extract_metadata(tree, url).published
    if stated is not None:
        return stated
    return inferred_date(raw_html if raw_html else tree, url) or date_in_url(url)
