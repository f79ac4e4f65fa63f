"""What a search asks and what it answers: the one contract shared by the CLI, the web page, the
JSON API and the RSS feeds (three renderings of one search)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# The facets a search can filter on and count, in display order.
FACETS = ("persons", "countries", "organizations", "sources")
SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class SearchQuery:
    """A search: query text, facet filters, dates, sort and page.

    Values within one facet are OR-ed, different facets AND-ed; ``exclude`` values are removed.
    ``include``/``exclude`` map a name from :data:`FACETS` to the selected values.
    ``date_from``/``date_to`` are inclusive days.
    """

    text: str = ""
    include: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10


@dataclass
class Hit:
    """One matching article. ``snippet`` is safe HTML: text escaped, matches in ``<mark>``."""

    id: str
    title: str
    url: str | None
    source: str | None
    published: datetime | None
    persons: list[str]
    countries: list[str]
    snippet: str
    standfirst: str | None = None
    authors: list[str] = field(default_factory=list)
    score: float | None = None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "published": self.published.isoformat() if self.published else None,
            "persons": self.persons,
            "countries": self.countries,
            "snippet": self.snippet,
            "standfirst": self.standfirst,
            "authors": self.authors,
            "score": self.score,
        }


@dataclass
class FacetValue:
    value: str
    count: int


@dataclass
class Results:
    """The answer to a :class:`SearchQuery`.

    ``facets`` maps each of :data:`FACETS` plus ``"years"`` (``YYYY``) and ``"months"``
    (``YYYY-MM``) to values with counts, top first; ``undated`` counts matches without a date.
    ``suggestion`` is a "did you mean" query text; ``notice`` tells the user when the query was
    read differently from how it was written (e.g. a syntax error fell back to plain words).
    """

    query: SearchQuery
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    undated: int = 0
    suggestion: str | None = None
    notice: str | None = None
    took_ms: float = 0.0

    def to_json(self) -> dict:
        return {
            "total": self.total,
            "page": self.query.page,
            "per_page": self.query.per_page,
            "hits": [hit.to_json() for hit in self.hits],
            "facets": {
                name: [{"value": v.value, "count": v.count} for v in values]
                for name, values in self.facets.items()
            },
            "undated": self.undated,
            "suggestion": self.suggestion,
            "notice": self.notice,
            "took_ms": round(self.took_ms, 1),
        }
