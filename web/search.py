"""The search page (``/`` and ``/search``): results, facets, date chart, paging, sort."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Blueprint, current_app, render_template, request

from archive.results import SORTS, Hit, Results, SearchQuery
from web import params
from web.context import get_index, request_search, search_url
from web.datechart import date_chart
from web.facets import FILTER_PREFIX, MORE_PARAM, ToggleUrls, sidebar
from web.names import value_label

bp = Blueprint("search", __name__)

SORT_LABELS = {"relevance": "Relevance", "newest": "Newest", "oldest": "Oldest"}
# Entity chips shown under each hit.
HIT_CHIPS = 4
# Page links around the current page.
PAGE_WINDOW = 2


@dataclass
class EntityChip:
    label: str
    url: str
    selected: bool


@dataclass
class HitView:
    hit: Hit
    persons: list[EntityChip]
    countries: list[EntityChip]


@dataclass
class PageLink:
    label: str
    url: str | None  # None: the current page or a gap
    current: bool = False


def _url(query: SearchQuery) -> str:
    return search_url(query)


def _chips(urls: ToggleUrls, facet: str, values: list[str]) -> list[EntityChip]:
    chosen = urls.query.include.get(facet, ())
    return [
        EntityChip(value_label(facet, v), urls.include(facet, v), v in chosen)
        for v in values[:HIT_CHIPS]
    ]


def hit_views(results: Results) -> list[HitView]:
    urls = ToggleUrls(results.query, _url)
    return [
        HitView(
            hit,
            _chips(urls, "persons", hit.persons),
            _chips(urls, "countries", hit.countries),
        )
        for hit in results.hits
    ]


def last_page(results: Results) -> int:
    return max(1, -(-results.total // results.query.per_page))


def page_links(results: Results) -> list[PageLink]:
    """Previous, first, a window around the current page, last, next."""
    query, last = results.query, last_page(results)
    if last == 1 and query.page == 1:
        return []

    def link(page: int, label: str | None = None) -> PageLink:
        current = page == query.page and label is None
        url = None if current else _url(replace(query, page=page))
        return PageLink(label or str(page), url, current)

    shown = sorted(
        {1, last, *range(max(1, query.page - PAGE_WINDOW), min(last, query.page + PAGE_WINDOW) + 1)}
    )
    links = []
    if query.page > 1:
        links.append(link(min(query.page - 1, last), "‹ Previous"))
    previous = 0
    for page in shown:
        if page - previous > 1:
            links.append(PageLink("…", None))
        links.append(link(page))
        previous = page
    if query.page < last:
        links.append(link(query.page + 1, "Next ›"))
    return links


def sort_links(query: SearchQuery) -> list[PageLink]:
    return [
        PageLink(
            SORT_LABELS[sort],
            None if sort == query.sort else _url(replace(query, sort=sort, page=1)),
            sort == query.sort,
        )
        for sort in SORTS
    ]


def hidden_fields(query: SearchQuery, *, drop: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The search as hidden form fields, so that a form (sort, filter box, save) keeps it."""
    args = params.search_args(query, default_per_page=current_app.config["RESULTS_PER_PAGE"])
    return [(k, v) for k, v in args if k not in drop]


@bp.get("/")
@bp.get("/search")
def search():
    query = request_search()
    results = get_index().search(query)
    filters = {k: v for k, v in request.args.items() if k.startswith(FILTER_PREFIX)}
    return render_template(
        "search.html",
        query=query,
        results=results,
        hits=hit_views(results),
        sidebar=sidebar(results, _url, filters, tuple(request.args.getlist(MORE_PARAM))),
        chart=date_chart(results, _url),
        pages=page_links(results),
        last_page=last_page(results),
        sorts=sort_links(query),
        suggestion_url=(
            _url(replace(query, text=results.suggestion, page=1)) if results.suggestion else None
        ),
        hidden_fields=hidden_fields,
        feed_url=search_url(replace(query, page=1), "feeds.search_feed"),
        api_url=search_url(query, "api.search"),
        first_page_url=_url(replace(query, page=1)),
    )
