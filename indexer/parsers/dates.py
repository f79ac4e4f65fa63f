"""The publication date of a page: what it states, else what htmldate can infer from it.

A page's own structured statement (JSON-LD ``datePublished``, ``article:published_time``…) is
the most precise source. Many sites state it in UTC, though, and a story published at 9 pm in
New York is dated the next day in UTC; readers (and the date facet) expect the publisher's day.
So a UTC time is shown in the publisher's time zone when the page reveals it: the UTC offset
its other timestamps use, the time zone of its country domain, or the day in its URL.
Where a page states nothing, htmldate searches the markup and the text; its answer is a day,
kept at midnight UTC.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from htmldate import find_date
from lxml.html import HtmlElement, tostring
from pytz import country_timezones

from indexer.parsers.datetimes import EARLIEST_PLAUSIBLE, now, plausible
from indexer.parsers.metadata import canonical_url, stated_published
from indexer.parsers.urls import host_of, split_url

# htmldate logs every rejected candidate; that is noise for an indexer.
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

# /2020/03/05/, /2020-03-05-slug, /20200305/, or a slug ending in -20200305.
_URL_DATE = re.compile(
    r"[/_-]((?:19|20)\d\d)([/_-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?:/|[_-]|\.\w+$|$)"
)
# A timestamp with seconds (or an ISO "T") followed by a UTC offset: "…T12:00:00-04:00",
# "Fri, 01 May 2020 23:00:00 -0400".
_OFFSET_IN_PAGE = re.compile(
    r"(?:T\d\d:\d\d|\d\d:\d\d:\d\d)(?:\.\d+)?\s?(?:GMT|UTC)?([+-])(\d\d):?([0-5]\d)(?![\d:])"
)
# Country domains sites use for other reasons than their country (".tv", ".io", ".fm"…).
_GENERIC_CCTLDS = {"ai", "am", "cc", "co", "fm", "io", "ly", "me", "tv", "ws", "to", "gg", "nu"}
_MAX_OFFSET = timedelta(hours=14)
_MAX_URL_SHIFT_HOURS = 9


def date_in_url(url: str | None) -> datetime | None:
    """The day a URL path states (/2020/03/05/, /2020-03-05-, /20200305/), at midnight UTC."""
    match = _URL_DATE.search(split_url(url).path)
    if not match:
        return None
    try:
        day = datetime(int(match[1]), int(match[3]), int(match[4]), tzinfo=UTC)
    except ValueError:
        return None
    return plausible(day, stated=False)


def _first_of_january_written(html: str, year: int) -> bool:
    """Whether the page spells out 1 January ``year`` (not just the year, as copyright lines do)."""
    pattern = (
        rf"{year}[-/.]0?1[-/.]0?1(?!\d)|(?<!\d)0?1[-/.]0?1[-/.]{year}"
        rf"|(?<!\d)0?1(?:st)?\.?\s+Jan(?:uary|\.)?,?\s+{year}|Jan(?:uary|\.)?\s+0?1(?:st)?,?\s+{year}"
    )
    return re.search(pattern, html, re.IGNORECASE) is not None


def inferred_date(html: str, url: str | None) -> datetime | None:
    """htmldate's reading of the original publication day, or None.

    A 1 January is htmldate's answer when it found only a year (a copyright line, a year in
    the text); it is kept only when the page writes that day out.
    """
    try:
        found = find_date(
            html,
            extensive_search=True,
            original_date=True,
            url=url,
            min_date=EARLIEST_PLAUSIBLE.date().isoformat(),
            max_date=now().date().isoformat(),
        )
    except Exception:  # a heuristic failing on a strange page means "no date", not a crash
        return None
    if not found:
        return None
    day = datetime.fromisoformat(found).replace(tzinfo=UTC)
    if (day.month, day.day) == (1, 1) and not _first_of_january_written(html, day.year):
        return None
    return plausible(day, stated=False)


def _page_offset(html: str) -> timezone | None:
    """The non-zero UTC offset the page's own timestamps use most, if any."""
    offsets = Counter()
    for sign, hours, minutes in _OFFSET_IN_PAGE.findall(html):
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        if timedelta(0) < delta <= _MAX_OFFSET:
            offsets[delta if sign == "+" else -delta] += 1
    return timezone(offsets.most_common(1)[0][0]) if offsets else None


def _country_offset(url: str | None, when: datetime) -> timezone | None:
    """The UTC offset at ``when`` of the site's country domain, when the country has one zone.

    (Giving a country of several zones its middle one was measured: it made more days wrong
    than right.)
    """
    host = host_of(url)
    code = host.rsplit(".", 1)[-1].lower()
    code = "gb" if code == "uk" else code
    zones = country_timezones.get(code, []) if code not in _GENERIC_CCTLDS else []
    if len(zones) != 1:
        return None
    try:
        return timezone(when.astimezone(ZoneInfo(zones[0])).utcoffset())
    except ZoneInfoNotFoundError:
        return None


def _on_url_day(stated: datetime, url_day: datetime) -> datetime:
    """``stated`` in the nearest whole-hour offset that puts it on the URL's day.

    Only offsets of up to 9 hours are tried: a URL day further away is more often the day the
    story was filed than the local day of its publication.
    """
    for hours in range(1, _MAX_URL_SHIFT_HOURS + 1):
        for sign in (-1, 1):
            zone = timezone(timedelta(hours=sign * hours))
            if stated.astimezone(zone).date() == url_day.date():
                return stated.astimezone(zone)
    return stated


def in_publisher_zone(stated: datetime, html: str, url: str | None) -> datetime:
    """A UTC-labelled ``stated`` time shown in the publisher's own time zone, when known."""
    is_utc = stated.utcoffset() == timedelta(0)
    if not is_utc or stated.timetz().replace(tzinfo=None) == datetime.min.time():
        return stated  # a real local offset, or a bare day: nothing to convert
    zone = _page_offset(html) or _country_offset(url, stated)
    if zone is not None:
        return stated.astimezone(zone)
    url_day = date_in_url(url)
    if url_day and abs(url_day.date() - stated.date()) == timedelta(days=1):
        return _on_url_day(stated, url_day)
    return stated


def complete_published(stated: datetime | None, raw_html: str, url: str | None) -> datetime | None:
    """The publication time from what the page states (``PageMetadata.published``) and its text.

    For callers that already hold the page's metadata; ``url`` is best the canonical one.
    """
    if stated is not None:
        return in_publisher_zone(stated, raw_html, url)
    return date_in_url(url) or inferred_date(raw_html, url)


def find_published(tree: HtmlElement, url: str | None, raw_html: str | None) -> datetime | None:
    """When the article was first published (timezone-aware), or None when the page cannot tell.

    ``tree`` must be the unpruned page; ``raw_html`` is its text, which htmldate reads when the
    page states no date (the tree is serialised when it is not given).
    """
    html = raw_html if raw_html is not None else tostring(tree, encoding="unicode")
    # The publisher's own address beats the one we came by (a feed redirect, a tracking link).
    return complete_published(stated_published(tree), html, canonical_url(tree, url) or url)
