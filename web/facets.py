"""Facet view models: each value with its count, state and ready-made URLs, so templates stay dumb.

The templates only loop and print; every decision (what is selected, what a click does, which
values hide behind "show more", which match the facet's filter box) is made here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from archive.results import FACETS, Results, SearchQuery
from web import params
from web.names import FACET_SINGULAR, FACET_TITLES, value_label

# Values shown before "show more".
SHOWN = 8
FILTER_PREFIX = "filter_"

UrlFor = Callable[[SearchQuery], str]


@dataclass
class FacetValueView:
    value: str
    label: str
    count: int | None  # None for an excluded value (its articles are gone from the results)
    selected: bool
    excluded: bool
    toggle_url: str
    exclude_url: str


@dataclass
class FacetView:
    name: str
    title: str
    param: str
    filter_param: str
    filter_text: str
    shown: list[FacetValueView]
    more: list[FacetValueView]
    total_values: int

    @property
    def empty(self) -> bool:
        return not self.shown and not self.more


@dataclass
class Chip:
    """A selected filter, shown above the results with a link that removes it."""

    kind: str
    label: str
    excluded: bool
    remove_url: str


@dataclass
class Sidebar:
    facets: list[FacetView] = field(default_factory=list)
    chips: list[Chip] = field(default_factory=list)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _value_view(query: SearchQuery, name: str, value: str, count: int | None, url_for: UrlFor):
    return FacetValueView(
        value=value,
        label=value_label(name, value),
        count=count,
        selected=value in query.include.get(name, ()),
        excluded=value in query.exclude.get(name, ()),
        toggle_url=url_for(params.toggle_include(query, name, value)),
        exclude_url=url_for(params.toggle_exclude(query, name, value)),
    )


def facet_view(results: Results, name: str, url_for: UrlFor, filter_text: str = "") -> FacetView:
    """One facet: selected values first, then the others by count, then the excluded ones."""
    query = results.query
    counted = results.facets.get(name, [])
    chosen = set(query.include.get(name, ()))
    selected = [
        _value_view(query, name, v.value, v.count, url_for) for v in counted if v.value in chosen
    ]
    others = [
        _value_view(query, name, v.value, v.count, url_for)
        for v in counted
        if v.value not in chosen
    ]
    excluded = [_value_view(query, name, v, None, url_for) for v in query.exclude.get(name, ())]
    total = len(selected) + len(others) + len(excluded)
    if filter_text.strip():
        wanted = _fold(filter_text.strip())
        shown = [
            v
            for v in (*selected, *others, *excluded)
            if wanted in _fold(v.label) or wanted in _fold(v.value)
        ]
        more = []
    else:
        room = max(SHOWN - len(selected), 0)
        shown, more = [*selected, *others[:room], *excluded], others[room:]
    param = params.PARAM_OF[name]
    return FacetView(
        name=name,
        title=FACET_TITLES[name],
        param=param,
        filter_param=FILTER_PREFIX + param,
        filter_text=filter_text.strip(),
        shown=shown,
        more=more,
        total_values=total,
    )


def chips(query: SearchQuery, url_for: UrlFor) -> list[Chip]:
    """Every active filter as a removable chip: selected and excluded values, then dates."""
    out = []
    for name in FACETS:
        for value in query.include.get(name, ()):
            out.append(
                Chip(
                    FACET_SINGULAR[name],
                    value_label(name, value),
                    False,
                    url_for(params.toggle_include(query, name, value)),
                )
            )
        for value in query.exclude.get(name, ()):
            out.append(
                Chip(
                    FACET_SINGULAR[name],
                    value_label(name, value),
                    True,
                    url_for(params.toggle_exclude(query, name, value)),
                )
            )
    if query.date_from or query.date_to:
        start = query.date_from.isoformat() if query.date_from else "…"
        end = query.date_to.isoformat() if query.date_to else "…"
        out.append(
            Chip("Dates", f"{start} to {end}", False, url_for(params.with_dates(query, None, None)))
        )
    return out


def sidebar(results: Results, url_for: UrlFor, filters: dict[str, str]) -> Sidebar:
    """All facets of a result page; ``filters`` maps a facet's filter parameter to its text."""
    facets = [
        facet_view(results, name, url_for, filters.get(FILTER_PREFIX + params.PARAM_OF[name], ""))
        for name in FACETS
    ]
    return Sidebar(facets=facets, chips=chips(results.query, url_for))
