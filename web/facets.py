"""Facet view models: each value with its count, state and ready-made URLs, so templates stay dumb.

The templates only loop and print; every decision (what is selected, what a click does, which
values wait behind "show more", which match the facet's filter box) is made here.

"Show more" is a link to the same page with the facet's values listed (``more=person``), not
hidden markup: building and rendering the twelve values a reader rarely opens was an eighth of a
search page's CPU.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from archive.results import FACETS, Results, SearchQuery
from web import params
from web.names import FACET_SINGULAR, FACET_TITLES, value_label

# Values shown before "show more", and listed at most (the filter box finds the others).
SHOWN = 8
LISTED = 20
FILTER_PREFIX = "filter_"
MORE_PARAM = "more"

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
    filter_param: str
    filter_text: str
    shown: list[FacetValueView]
    more_count: int  # values listed after "show more"
    more_url: str | None  # the page with this facet's values listed
    fewer_url: str | None  # back from it
    total_values: int

    @property
    def empty(self) -> bool:
        return not self.shown

    @property
    def filterable(self) -> bool:
        """Long lists get a filter box."""
        return self.total_values > SHOWN or bool(self.filter_text)


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


class ToggleUrls:
    """The URLs that select or exclude one value, built cheaply: for a value in neither list
    (nearly all of them) the parameter is appended to the search's first-page URL, which gives
    the same search as :func:`params.toggle_include`; only the few chosen values rebuild it."""

    def __init__(self, query: SearchQuery, url_for: UrlFor) -> None:
        self.query = query
        self.url_for = url_for
        first_page = url_for(replace(query, page=1))
        self.prefix = first_page + ("&" if "?" in first_page else "?")

    def _chosen(self, name: str, value: str) -> bool:
        return value in self.query.include.get(name, ()) or value in self.query.exclude.get(
            name, ()
        )

    def include(self, name: str, value: str) -> str:
        if self._chosen(name, value):
            return self.url_for(params.toggle_include(self.query, name, value))
        return self.prefix + urlencode({params.PARAM_OF[name]: value})

    def exclude(self, name: str, value: str) -> str:
        if self._chosen(name, value):
            return self.url_for(params.toggle_exclude(self.query, name, value))
        return self.prefix + urlencode({params.EXCLUDE_PREFIX + params.PARAM_OF[name]: value})


def _value_view(urls: ToggleUrls, name: str, value: str, count: int | None) -> FacetValueView:
    query = urls.query
    return FacetValueView(
        value=value,
        label=value_label(name, value),
        count=count,
        selected=value in query.include.get(name, ()),
        excluded=value in query.exclude.get(name, ()),
        toggle_url=urls.include(name, value),
        exclude_url=urls.exclude(name, value),
    )


def _matches(name: str, value: str, wanted: str) -> bool:
    return wanted in _fold(value) or wanted in _fold(value_label(name, value))


def facet_view(
    results: Results,
    name: str,
    urls: ToggleUrls,
    filter_text: str = "",
    more: Callable[[bool], str] | None = None,
    expanded: bool = False,
) -> FacetView:
    """One facet: selected values first, then the others by count, then the excluded ones.

    At most :data:`LISTED` values are listed, :data:`SHOWN` of them unless the facet is
    ``expanded`` or filtered; ``more(expanded)`` gives the URL of this page with the facet
    expanded or not. The filter box searches all the values the archive counted.
    """
    query = results.query
    counted = [(v.value, v.count) for v in results.facets.get(name, [])]
    chosen = set(query.include.get(name, ()))
    excluded = [(v, None) for v in query.exclude.get(name, ())]
    total = len(counted) + len(excluded)
    wanted = _fold(filter_text.strip())
    if wanted:
        counted = [(v, c) for v, c in counted if _matches(name, v, wanted)]
        excluded = [(v, c) for v, c in excluded if _matches(name, v, wanted)]
    selected = [(v, c) for v, c in counted if v in chosen]
    others = [(v, c) for v, c in counted if v not in chosen][: max(LISTED - len(selected), 0)]
    collapsed = max(SHOWN - len(selected), 0)
    room = len(others) if wanted or expanded else collapsed
    shown = [
        _value_view(urls, name, value, count)
        for value, count in (*selected, *others[:room], *excluded)
    ]
    hidden = max(len(others) - room, 0)
    param = params.PARAM_OF[name]
    return FacetView(
        name=name,
        title=FACET_TITLES[name],
        filter_param=FILTER_PREFIX + param,
        filter_text=filter_text.strip(),
        shown=shown,
        more_count=hidden,
        more_url=more(True) if more and hidden else None,
        fewer_url=more(False) if more and expanded and len(others) > collapsed else None,
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


def sidebar(
    results: Results,
    url_for: UrlFor,
    filters: dict[str, str],
    expanded: tuple[str, ...] = (),
) -> Sidebar:
    """All facets of a result page; ``filters`` maps a facet's filter parameter to its text,
    ``expanded`` holds the parameters of the facets whose values are all listed."""
    urls = ToggleUrls(results.query, url_for)
    page = url_for(results.query)
    known = set(params.PARAM_OF.values())
    expanded = tuple(dict.fromkeys(p for p in expanded if p in known))  # from the URL: anything

    def more_of(name: str, param: str):
        def more(expand: bool) -> str:
            chosen = [p for p in expanded if p != param] + ([param] if expand else [])
            extra = urlencode([(MORE_PARAM, p) for p in chosen])
            joined = f"{page}{'&' if '?' in page else '?'}{extra}" if extra else page
            return f"{joined}#facet-{name}"

        return more

    facets = []
    for name in FACETS:
        param = params.PARAM_OF[name]
        facets.append(
            facet_view(
                results,
                name,
                urls,
                filters.get(FILTER_PREFIX + param, ""),
                more_of(name, param),
                param in expanded,
            )
        )
    return Sidebar(facets=facets, chips=chips(results.query, url_for))
