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
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from html import unescape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from htmldate import find_date
from lxml.html import HtmlElement, tostring
from pytz import country_timezones

from indexer.parsers.datetimes import EARLIEST_PLAUSIBLE, now, parse_datetime, plausible
from indexer.parsers.metadata import canonical_url, stated_published
from indexer.parsers.urls import host_of, split_url

# htmldate logs every rejected candidate; that is noise for an indexer.
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

# /2020/03/05/, /2020-03-05-slug, /20200305/, or a slug ending in -20200305.
_URL_DATE = re.compile(
    r"[/_-]((?:19|20)\d\d)([/_-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?:/|[_-]|\.\w+$|$)"
)
# A timestamp with seconds (or an ISO "T") followed by a UTC offset: "…T12:00:00-04:00",
# "Fri, 01 May 2020 23:00:00 -0400". The match starts at the colon before the minutes or seconds
# and looks back for the rest: a pattern that starts with a literal character is searched for
# by that character, ten times as fast over a whole page as one that starts with a digit.
_OFFSET_IN_PAGE = re.compile(
    r":\d\d(?:(?<=T\d\d:\d\d)|(?<=\d\d:\d\d:\d\d))"
    r"(?:\.\d+)?\s?(?:GMT|UTC)?([+-])(\d\d):?([0-5]\d)(?![\d:])"
)
# Country domains sites use for other reasons than their country (".tv", ".io", ".fm"…).
# A dateline: the place in capitals (a country may follow), the day, then a dash:
# "NAIROBI, 12 April 2022 —", "MANAUS, Brazil, 9 September 2024 —".
_CAPS = "A-ZÀ-ÖØ-Þ"
_DATELINE = re.compile(
    rf"^[{_CAPS}][{_CAPS}'’.\-]+(?:\s+[{_CAPS}][{_CAPS}'’.\-]+){{0,3}}"
    rf"(?:,\s+[{_CAPS}][^\W\d_]+(?:\s+[{_CAPS}][^\W\d_]+){{0,2}})?(?:\s*\([^)]{{1,30}}\))?"
    r",\s+(?P<date>[^—–]{6,40}?)\s+(?:—|–|--?)\s"
)
# A line that says when the story appeared: "Published 2 June 2022, 09:15", "Updated: …".
_PUBLISHED_LINE = re.compile(
    r"^(?:first\s+)?(?:published|posted)(?:\s+on)?\s*:?\s+(?P<date>.{6,60})$", re.IGNORECASE
)
_UPDATED_LINE = re.compile(
    r"^(?:last\s+)?(?:updated|modified)(?:\s+on)?\s*:?\s+(?P<date>.{6,60})$", re.IGNORECASE
)
# The page's lead image (og:image, twitter:image); its address often holds its upload day.
_LEAD_IMAGE = re.compile(r"<meta\b[^>]*?\b(?:og|twitter):image\b[^>]*>", re.IGNORECASE)
_CONTENT = re.compile(r"""\bcontent\s*=\s*["']([^"']+)""", re.IGNORECASE)
_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)
# A tweet's address: twitter.com/<user>/status/<id> (or x.com, mobile.twitter.com…).
_TWEET_HOSTS = {"twitter.com", "x.com"}
_TWEET_PATH = re.compile(r"^/\w{1,15}/status(?:es)?/(\d{15,20})(?:/|$)")
# Tweet ids since November 2010 are "snowflakes": milliseconds since this epoch, shifted left
# 22 bits. Older ids were a counter of at most 11 digits, which the 15 digits above exclude.
_SNOWFLAKE_EPOCH_MS = 1288834974657
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


def tweet_time(url: str | None) -> datetime | None:
    """When a tweet was posted, read from the id in its address (UTC).

    A tweet's page shows its time in the reader's zone, and htmldate takes dates of replies
    or of the crawl; the id states the exact moment.
    """
    parts = split_url(url)
    host = host_of(url).removeprefix("www.").removeprefix("mobile.")
    match = _TWEET_PATH.match(parts.path) if host in _TWEET_HOSTS else None
    if not match:
        return None
    milliseconds = (int(match[1]) >> 22) + _SNOWFLAKE_EPOCH_MS
    return plausible(datetime.fromtimestamp(milliseconds / 1000, UTC), stated=False)


def lead_image_day(html: str) -> datetime | None:
    """The day in the address of the page's lead image (``/uploads/2020/10/13/…``).

    A CMS files a story's picture under the day it was uploaded, which is the day the story
    was written; only asked when neither the page nor its URL states a day.
    """
    for tag in _LEAD_IMAGE.findall(html):
        content = _CONTENT.search(tag)
        day = date_in_url(content.group(1).strip()) if content else None
        if day:
            return day
    return None


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


def _line_date(pattern: re.Pattern, line: str) -> datetime | None:
    match = pattern.match(line)
    return plausible(parse_datetime(match["date"].strip(" .,")), stated=False) if match else None


def dates_in_lines(lines: Iterable[str]) -> tuple[datetime | None, datetime | None]:
    """The publication and update times a story's own lines state, as (published, updated).

    Text copies and old pages without metadata show the date only in words: a dateline
    ("NAIROBI, 12 April 2022 — …") or a line "Published 2 June 2022, 09:15". The first such
    line counts; an "Updated …" line is kept apart, as the update time.
    """
    published = updated = None
    for raw in lines:
        line = " ".join(raw.split())
        if published is None:
            published = _line_date(_PUBLISHED_LINE, line) or _line_date(_DATELINE, line)
        if updated is None:
            updated = _line_date(_UPDATED_LINE, line)
        if published is not None and updated is not None:
            break
    return published, updated


def _text_lines(html: str) -> list[str]:
    """The lines of text a page shows, roughly: its markup cut at every tag."""
    text = _TAG.sub("\n", html)
    return [unescape(line) for line in text.splitlines() if line.strip()]


def complete_published(stated: datetime | None, raw_html: str, url: str | None) -> datetime | None:
    """The publication time from what the page states (``PageMetadata.published``) and its text.

    For callers that already hold the page's metadata; ``url`` is best the canonical one.
    """
    if stated is not None:
        return in_publisher_zone(stated, raw_html, url)
    shown, updated = dates_in_lines(_text_lines(raw_html))
    return (
        tweet_time(url)
        or date_in_url(url)
        or shown
        or lead_image_day(raw_html)
        or inferred_date(raw_html, url)
        or updated
    )


def find_published(tree: HtmlElement, url: str | None, raw_html: str | None) -> datetime | None:
    """When the article was first published (timezone-aware), or None when the page cannot tell.

    ``tree`` must be the unpruned page; ``raw_html`` is its text, which htmldate reads when the
    page states no date (the tree is serialised when it is not given).
    """
    html = raw_html if raw_html is not None else tostring(tree, encoding="unicode")
    # The publisher's own address beats the one we came by (a feed redirect, a tracking link).
    return complete_published(stated_published(tree), html, canonical_url(tree, url) or url)
