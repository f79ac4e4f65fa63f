"""Date strings as pages write them, turned into timezone-aware datetimes we can trust.

Pages state dates in ISO 8601 (JSON-LD, OpenGraph), in RFC 2822 (old CMSs), as Unix timestamps
(analytics tags) or in words ("March 5, 2020"). A value that cannot be read without guessing
(``05/03/2020``: May or March?) is refused here so that a better source can answer instead.
Implausible values — in the future, or the Unix epoch a zero timestamp turns into — are refused
too: they are CMS defaults, not publication dates.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta, timezone

from dateutil import parser as dateutil_parser

# Dates before this are only believed from an explicit publication field (the web barely
# existed); heuristic sources (URL, page text) must not go below it.
EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
# Explicit fields may state older dates (archives of old print stories), but not these defaults.
_EARLIEST_STATED = datetime(1900, 1, 2, tzinfo=UTC)
_EPOCH_DAY = datetime(1970, 1, 1, tzinfo=UTC).date()

_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))
_TIMESTAMP = re.compile(r"\d{10}(?:\d{3})?(?:\.\d+)?")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# Day and month as bare numbers in either order (12/03/2020, 03.12.2020): ambiguous.
_NUMERIC_DM = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})(?!\d)")
# ISO 8601 as pages really write it: extended or basic ("20200316T13:00:00Z"), one-digit
# seconds ("23:15:0Z"), a space for the "T", offsets with or without the colon.
_ISO = re.compile(
    r"(\d{4})-?(\d\d)-?(\d\d)"
    r"(?:[T ](\d{1,2}):?(\d\d)(?::?(\d{1,2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d\d(?::?\d\d)?)?(?![\d:])",
    re.IGNORECASE,
)
# Zone abbreviations pages print after a time; dateutil knows none of them by itself.
_ZONES = {name: int(hours * 3600) for name, hours in {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "IST": 5.5, "PKT": 5, "WIB": 7, "SGT": 8, "HKT": 8, "JST": 9, "KST": 9,
    "AEST": 10, "AEDT": 11, "NZST": 12, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "HST": -10,
}.items()}  # fmt: skip


def now() -> datetime:
    """The current time (one place, so the future check reads the same clock everywhere)."""
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """Keep the page's own offset (its day is the local day); assume UTC when none is given."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _from_timestamp(text: str) -> datetime | None:
    seconds = float(text) / (1000 if len(text.split(".")[0]) == 13 else 1)
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _from_iso(match: re.Match) -> datetime | None:
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                         int(second or 0), int((fraction or "0")[:6].ljust(6, "0")))  # fmt: skip
    except ValueError:
        return None
    if not zone:
        return value
    if zone == "Z":
        return value.replace(tzinfo=UTC)
    sign = -1 if zone[0] == "-" else 1
    hours, minutes = int(zone[1:3]), int(zone[-2:])
    if hours > 14 or minutes > 59:
        return value
    return value.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))


def _from_words(text: str) -> datetime | None:
    if not _YEAR.search(text):
        return None
    numeric = _NUMERIC_DM.search(text)
    day_or_month = numeric and int(numeric.group(1)) <= 12 and int(numeric.group(2)) <= 12
    if day_or_month and numeric.group(1) != numeric.group(2):
        return None
    # dateutil fills what the text lacks ("March 2020" has no day) from a default; parsing with
    # two different defaults shows whether the text named a whole day.
    readings = []
    for default in _DEFAULTS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
                reading = dateutil_parser.parse(
                    text, default=default, dayfirst=bool(numeric), tzinfos=_ZONES
                )
            readings.append(reading)
        except (ValueError, OverflowError, TypeError):
            return None
    return readings[0] if readings[0].date() == readings[1].date() else None


def parse_datetime(value: object) -> datetime | None:
    """A timezone-aware datetime from a stated date, or None when unreadable or ambiguous."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())[:80]
    if not text:
        return None
    if _TIMESTAMP.fullmatch(text):
        parsed = _from_timestamp(text)
    elif iso := _ISO.match(text):
        parsed = _from_iso(iso)
    else:
        parsed = _from_words(text)
    return _aware(parsed) if parsed else None


def plausible(value: datetime | None, *, stated: bool) -> datetime | None:
    """``value`` if it can be a publication time: not in the future, not a CMS default.

    ``stated`` dates come from an explicit publication field and may be older than 1990;
    inferred ones (URL, page text) may not.
    """
    if value is None or value > now():
        return None
    if value.astimezone(UTC).date() == _EPOCH_DAY:
        return None
    floor = _EARLIEST_STATED if stated else EARLIEST_PLAUSIBLE
    return value if value >= floor else None


def read_stated(value: object) -> datetime | None:
    """A plausible datetime from an explicit publication or update field."""
    return plausible(parse_datetime(value), stated=True)
