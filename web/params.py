"""The search as URL parameters and back: every state of the search page is a plain URL.

``q`` the query text; ``person``/``country``/``org``/``source`` selected facet values (repeat a
parameter to allow several, OR-ed); ``not_person``… excluded values; ``from``/``to`` days
(``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``); ``sort``; ``page``; ``per_page``. The same names
serve the page, the JSON API, the ad-hoc feeds and the "save this search" form.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date

import config
from archive.errors import MorgueError
from archive.results import FACETS, SORTS, SearchQuery

# URL parameter of each facet (the same words as the indexer's search options).
PARAM_OF = {
    "persons": "person",
    "countries": "country",
    "organizations": "org",
    "sources": "source",
}
EXCLUDE_PREFIX = "not_"
MAX_PER_PAGE = 100
MAX_PAGE = 10_000

_DAY = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


class BadParameter(MorgueError):
    """A search parameter that cannot be understood (page, date, sort, length)."""


def default_sort(text: str) -> str:
    """Relevance for a query, newest first for browsing (an empty query has no relevance)."""
    return "relevance" if text.strip() else "newest"


def _day(raw: str, label: str, *, end: bool) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    match = _DAY.fullmatch(raw)
    try:
        if not match:
            raise ValueError
        year, month, day = (int(g) if g else None for g in match.groups())
        if month is None:
            return date(year, 12, 31) if end else date(year, 1, 1)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return date(year, month, last if end else 1)
        return date(year, month, day)
    except ValueError:
        raise BadParameter(
            f"The {label} date {raw[:40]!r} is not a date;"
            " write it as YYYY-MM-DD (e.g. 2024-03-05)."
        ) from None


def _values(args: Mapping, name: str) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
    limit = config.MAX_FACET_SELECTIONS
    if len(values) > limit:
        raise BadParameter(f"At most {limit} values can be chosen for {name}.")
    return values


def _whole_number(raw: str | None, label: str, default: int, highest: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    # ASCII digits only: "²".isdigit() is true, and int("²") raises
    if not re.fullmatch(r"[0-9]+", raw.strip()) or not 1 <= int(raw) <= highest:
        raise BadParameter(
            f"The {label} must be a whole number from 1 to {highest}, not {raw[:40]!r}."
        )
    return int(raw)


def parse_search(args: Mapping, *, per_page: int, max_query_length: int) -> SearchQuery:
    """A :class:`SearchQuery` from request arguments (a werkzeug MultiDict); raises BadParameter."""
    text = (args.get("q") or "").strip()
    if len(text) > max_query_length:
        raise BadParameter(
            f"The query has {len(text)} characters; at most {max_query_length} are allowed."
        )
    include, exclude = {}, {}
    for name in FACETS:
        param = PARAM_OF[name]
        if values := _values(args, param):
            include[name] = tuple(v.upper() for v in values) if name == "countries" else values
        if values := _values(args, EXCLUDE_PREFIX + param):
            exclude[name] = tuple(v.upper() for v in values) if name == "countries" else values
    date_from = _day(args.get("from") or "", "start", end=False)
    date_to = _day(args.get("to") or "", "end", end=True)
    if date_from and date_to and date_from > date_to:
        raise BadParameter(
            f"The start date {date_from.isoformat()} is after the end date {date_to.isoformat()}."
        )
    sort = (args.get("sort") or "").strip() or default_sort(text)
    if sort not in SORTS:
        raise BadParameter(f"Sort by one of {', '.join(SORTS)}, not {sort[:40]!r}.")
    return SearchQuery(
        text=text,
        include=include,
        exclude=exclude,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=_whole_number(args.get("page"), "page number", 1, MAX_PAGE),
        per_page=_whole_number(args.get("per_page"), "number per page", per_page, MAX_PER_PAGE),
    )


def search_args(query: SearchQuery, *, default_per_page: int) -> list[tuple[str, str]]:
    """The URL parameters of a search, in a stable order, leaving out defaults."""
    args: list[tuple[str, str]] = []
    if query.text:
        args.append(("q", query.text))
    for name in FACETS:
        args += [(PARAM_OF[name], v) for v in query.include.get(name, ())]
        args += [(EXCLUDE_PREFIX + PARAM_OF[name], v) for v in query.exclude.get(name, ())]
    if query.date_from:
        args.append(("from", query.date_from.isoformat()))
    if query.date_to:
        args.append(("to", query.date_to.isoformat()))
    if query.sort != default_sort(query.text):
        args.append(("sort", query.sort))
    if query.page != 1:
        args.append(("page", str(query.page)))
    if query.per_page != default_per_page:
        args.append(("per_page", str(query.per_page)))
    return args


def _toggle(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    return tuple(v for v in values if v != value) if value in values else (*values, value)


def _with(mapping: dict[str, tuple[str, ...]], name: str, values: tuple[str, ...]) -> dict:
    out = {k: v for k, v in mapping.items() if k != name}
    if values:
        out[name] = values
    return out


def _toggle_in(query: SearchQuery, name: str, value: str, *, excluding: bool) -> SearchQuery:
    """Flip one value in the include (or exclude) list and drop it from the other list, so a
    value is never selected and excluded at once."""
    flip, other = ("exclude", "include") if excluding else ("include", "exclude")
    flipped = getattr(query, flip)
    kept = getattr(query, other)
    changes = {
        flip: _with(flipped, name, _toggle(flipped.get(name, ()), value)),
        other: _with(kept, name, tuple(v for v in kept.get(name, ()) if v != value)),
    }
    return replace(query, **changes, page=1)


def toggle_include(query: SearchQuery, name: str, value: str) -> SearchQuery:
    """Select or unselect one facet value."""
    return _toggle_in(query, name, value, excluding=False)


def toggle_exclude(query: SearchQuery, name: str, value: str) -> SearchQuery:
    """Exclude or re-admit one facet value."""
    return _toggle_in(query, name, value, excluding=True)


def with_dates(query: SearchQuery, date_from: date | None, date_to: date | None) -> SearchQuery:
    return replace(query, date_from=date_from, date_to=date_to, page=1)
