"""From a :class:`SearchQuery` to :class:`Results`: filters, disjunctive facets, sort, page.

Facets are disjunctive: values selected within one facet are OR-ed, different facets AND-ed, and
each facet is counted with the *other* facets' selections only, so its list still shows the values
a user can add. The date facets (years, months, undated) are counted without the date filter for
the same reason. Exclusions and the query text always apply.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

import config
from archive.errors import MorgueError, QuerySyntax
from archive.query import parse, plain_words, query_words
from archive.results import FACETS, SORTS, FacetValue, Results, SearchQuery

if TYPE_CHECKING:
    from archive.index.snapshot import Snapshot


class SearchTimeout(MorgueError):
    """A search ran past config.SEARCH_TIME_LIMIT_SECONDS."""


# A "did you mean" is offered when a search finds fewer articles than this.
SUGGEST_BELOW = 3
MAX_PER_PAGE = 100


def run_search(snap: Snapshot, query: SearchQuery, *, facets: bool = True) -> Results:
    """Answer ``query`` from one snapshot of the index."""
    started = time.perf_counter()
    query, notices = _sane(query)
    text = query.text
    if len(text) > config.MAX_QUERY_LENGTH:
        text = text[: config.MAX_QUERY_LENGTH]
        notices.append(f"The query was cut to its first {config.MAX_QUERY_LENGTH} characters.")
    try:
        node = parse(text)
    except QuerySyntax as exc:
        node = plain_words(text)
        notices.append(f"{exc} Searched for the plain words instead.")

    scores = None
    terms: set[str] = set()
    if node is None:
        matched = snap.live.copy()
    else:
        try:
            match = snap.match(node, started + config.SEARCH_TIME_LIMIT_SECONDS)
        except SearchTimeout as exc:
            notices.append(str(exc))
            return Results(
                query, 0, [], _no_facets(), notice=" ".join(notices), took_ms=_ms(started)
            )
        matched, scores, terms = match.mask, match.scores, match.highlight_terms
        notices.extend(dict.fromkeys(match.notes))

    for name, values in query.exclude.items():
        if name in snap.columns and values:
            matched &= ~snap.columns[name].having(values)
    selected = {
        name: snap.columns[name].having(values)
        for name, values in query.include.items()
        if name in FACETS and values
    }
    dated = _date_filter(snap, query.date_from, query.date_to)
    base = matched & dated if dated is not None else matched
    final = _all(base, selected.values())

    docnums = _page(snap, final, scores if node is not None else None, query)
    hits = snap.hits(docnums, scores, terms)

    counted, undated = {}, 0
    if (
        facets
        and node is None
        and base is matched
        and not selected
        and not any(query.exclude.values())
    ):
        # Browsing the whole archive: the same counts until the next commit.
        if snap.unfiltered_facets is None:
            snap.unfiltered_facets = _facets(snap, query, matched, base, selected)
        counted = {name: list(values) for name, values in snap.unfiltered_facets[0].items()}
        undated = snap.unfiltered_facets[1]
    elif facets:
        counted, undated = _facets(snap, query, matched, base, selected)
    total = int(np.count_nonzero(final))
    suggestion = (
        _suggestion(snap, text, node) if node is not None and total < SUGGEST_BELOW else None
    )
    return Results(
        query=query,
        total=total,
        hits=hits,
        facets=counted,
        undated=undated,
        suggestion=suggestion,
        notice=" ".join(notices) or None,
        took_ms=_ms(started),
    )


def _facets(
    snap: Snapshot,
    query: SearchQuery,
    matched: np.ndarray,
    base: np.ndarray,
    selected: dict[str, np.ndarray],
) -> tuple[dict[str, list[FacetValue]], int]:
    """Each facet counted under the other facets' selections; dates without the date filter.

    Every unselected facet is counted over the same documents (all selections), each selected
    facet over those without its own selection: one set of matched documents per distinct
    left-out facet, found once."""
    facets: dict[str, list[FacetValue]] = {}
    matched_without: dict[str | None, np.ndarray] = {}

    def docs_without(left_out: str | None) -> np.ndarray:
        if left_out not in matched_without:
            others = [mask for other, mask in selected.items() if other != left_out]
            matched_without[left_out] = np.flatnonzero(_all(base, others) if others else base)
        return matched_without[left_out]

    for name in FACETS:
        column = snap.columns[name]
        counts = column.counts(docs_without(name if name in selected else None))
        keep = tuple(query.include.get(name, ()))
        top = column.top(counts, config.FACET_VALUES_LIMIT, keep)
        facets[name] = [FacetValue(v, c) for v, c in top]
    dated = np.flatnonzero(_all(matched, selected.values()))
    for name in ("years", "months"):
        column = snap.columns[name]
        counts = column.counts(dated)
        facets[name] = [FacetValue(v, c) for v, c in column.top(counts, len(column.labels))]
    undated = int(snap.columns["undated"].counts(dated)[0])
    return facets, undated


def _sane(query: SearchQuery) -> tuple[SearchQuery, list[str]]:
    """Out-of-range paging and unknown sorts are read leniently rather than refused; facet
    selections beyond config.MAX_FACET_SELECTIONS are dropped, with a notice."""
    cap = config.MAX_FACET_SELECTIONS
    sides = (query.include, query.exclude)
    cut = sorted({name for side in sides for name, values in side.items() if len(values) > cap})
    sane = replace(
        query,
        include={name: tuple(values)[:cap] for name, values in query.include.items()},
        exclude={name: tuple(values)[:cap] for name, values in query.exclude.items()},
        sort=query.sort if query.sort in SORTS else "relevance",
        page=max(1, int(query.page)),
        per_page=min(max(1, int(query.per_page)), MAX_PER_PAGE),
    )
    return sane, [f"Only the first {cap} values chosen for {name} were used." for name in cut]


def _all(mask: np.ndarray, others) -> np.ndarray:
    out = mask.copy()
    for other in others:
        out &= other
    return out


def _date_filter(snap: Snapshot, start: date | None, end: date | None) -> np.ndarray | None:
    """Inclusive days, compared with each article's publication day in its own time zone."""
    if start is None and end is None:
        return None
    mask = snap.day > 0
    if start is not None:
        mask &= snap.day >= start.year * 10000 + start.month * 100 + start.day
    if end is not None:
        mask &= snap.day <= end.year * 10000 + end.month * 100 + end.day
    return mask


def _page(
    snap: Snapshot, final: np.ndarray, scores: np.ndarray | None, query: SearchQuery
) -> list[int]:
    """The document numbers of the requested page, in the requested order.

    Relevance breaks ties by date; an empty query has no relevance and lists the newest first.
    Undated articles come last in date orders. Only the candidates that can reach the page are
    sorted fully (all ties at the cut included, so pages stay stable).
    """
    docs = np.flatnonzero(final)
    wanted = query.page * query.per_page
    if not len(docs) or wanted - query.per_page >= len(docs):
        return []
    undated = snap.day[docs] == 0
    ts = snap.ts[docs].astype(np.float64)
    if query.sort == "oldest":
        primary = np.where(undated, np.inf, ts)
        secondary = docs.astype(np.float64)
    else:
        newest = np.where(undated, np.inf, -ts)
        if query.sort == "relevance" and scores is not None:
            primary, secondary = -scores[docs].astype(np.float64), newest
        else:
            primary, secondary = newest, docs.astype(np.float64)
    if wanted < len(docs):
        cut = np.partition(primary, wanted - 1)[wanted - 1]
        keep = primary <= cut
        docs, primary, secondary = docs[keep], primary[keep], secondary[keep]
    order = np.lexsort((docs, secondary, primary))
    return [int(d) for d in docs[order][wanted - query.per_page : wanted]]


def _suggestion(snap: Snapshot, text: str, node) -> str | None:
    """The query with each word that occurs nowhere replaced by the closest word that does."""
    corrected = text
    for word in dict.fromkeys(query_words(node)):
        better = snap.correct(word)
        if better and better != word.lower():
            corrected = _replace_word(corrected, word, better)
    return corrected if corrected != text else None


def _replace_word(text: str, word: str, better: str) -> str:
    """``word`` replaced where it stands as a word, never as a field name ("title:")."""
    return re.sub(rf"(?<!\w){re.escape(word)}(?![\w:])", better, text, count=1)


def _no_facets() -> dict[str, list[FacetValue]]:
    return {name: [] for name in (*FACETS, "years", "months")}


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
