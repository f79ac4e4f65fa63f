"""Facets cannot be made to take more memory by a request: lists and selections are bounded.

A real index of Wikinews articles, each given capitalised word pairs of its text as persons (so
there are thousands of facet values, far more than one answer lists). The wildcard and fuzzy
bounds of the query language are tested in tests/test_query_fuzz.py and measured at 100,000
articles by bench/hostile.py.
"""

from __future__ import annotations

import re
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

import config
from archive import Article, ArticleIndex, SearchQuery
from archive.results import FACETS
from tests.test_index import wikinews

ARTICLES = 400
_PAIR = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")


def with_many_values(article: Article, n: int) -> Article:
    pairs = sorted(set(_PAIR.findall(article.text)))
    return replace(
        article,
        persons=pairs[:12],
        organizations=pairs[12:20],
        countries=["FR", "DE", "BR", "IQ", "CN"][: n % 6],
        source=f"source{n % 150}.example",
    )


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> ArticleIndex:
    articles = [with_many_values(a, n) for n, a in enumerate(wikinews(corpus_dir, ARTICLES))]
    index = ArticleIndex(tmp_path_factory.mktemp("bounds") / "index")
    index.upsert(articles)
    return index


def all_values(index: ArticleIndex, facet: str) -> list[str]:
    """Every value of a facet in the index (with the listing limit lifted)."""
    values: set[str] = set()
    for article_id in index.ids():
        article = index.get(article_id)
        values.update({"persons": article.persons, "organizations": article.organizations}[facet])
    return sorted(values)


def peak_bytes(index: ArticleIndex, query: SearchQuery) -> int:
    index.search(query)  # warm: caches and lazily read arrays are not the request's
    tracemalloc.start()
    try:
        index.search(query)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_each_facet_lists_at_most_the_limit(
    index: ArticleIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(all_values(index, "persons")) > 1000
    monkeypatch.setattr(config, "FACET_VALUES_LIMIT", 7)
    results = index.search(SearchQuery())
    for name in FACETS:
        assert 0 < len(results.facets[name]) <= 7, name
    counts = [v.count for v in results.facets["persons"]]
    assert counts == sorted(counts, reverse=True)


def test_selections_are_capped_with_a_notice(index: ArticleIndex) -> None:
    persons = all_values(index, "persons")
    cap = config.MAX_FACET_SELECTIONS
    query = SearchQuery(include={"persons": tuple(persons)}, exclude={"organizations": ("x",)})
    results = index.search(query)
    assert results.query.include["persons"] == tuple(persons[:cap])
    assert results.notice == f"Only the first {cap} values chosen for persons were used."
    listed = results.facets["persons"]
    assert len(listed) <= config.FACET_VALUES_LIMIT + cap
    assert {v.value for v in listed} >= set(persons[:cap])  # selected values are always listed


def test_hostile_facet_parameters_take_no_more_memory_than_a_plain_search(
    index: ArticleIndex,
) -> None:
    """Ten thousand selected and excluded values per facet, unknown ones among them, a huge page:
    the request's peak memory stays that of an ordinary search with every facet counted."""
    plain = peak_bytes(index, SearchQuery(text="government"))
    many = tuple(all_values(index, "persons")) + tuple(f"nobody {n}" for n in range(10_000))
    hostile = SearchQuery(
        text="government",
        include={name: many for name in FACETS},
        exclude={name: many[::-1] for name in FACETS},
        page=10**9,
        per_page=10**6,
    )
    assert index.search(hostile).notice
    assert peak_bytes(index, hostile) <= plain * 1.25 + 256 * 1024
