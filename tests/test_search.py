"""The search API on a real index: facets against brute force, filters, dates, sort, queries."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import config
from archive import Article, ArticleIndex, SearchQuery
from archive.results import FACETS
from tests.test_index import wikinews

COUNTRIES = {"Iraq": "IQ", "Brazil": "BR", "China": "CN", "United States": "US", "France": "FR"}
SOURCES = ("Daily One", "Weekly Two", "Wire Three")
_NAME = re.compile(r"\b([A-Z][a-z]+ [A-Z][a-z]{2,})\b")


def with_facets(article: Article, n: int) -> Article:
    """Deterministic facet values from the real text (a stand-in for entity extraction)."""
    text = article.text
    return replace(
        article,
        persons=sorted(set(_NAME.findall(text)))[:4],
        countries=sorted(code for name, code in COUNTRIES.items() if name in text),
        organizations=["United Nations"]
        if "UN" in text.split() or "United Nations" in text
        else [],
        source=SOURCES[n % 3],
        published=None if n % 25 == 7 else article.published,
    )


@pytest.fixture(scope="module")
def archive_index(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path):
    articles = [with_facets(a, n) for n, a in enumerate(wikinews(corpus_dir, 300))]
    index = ArticleIndex(tmp_path_factory.mktemp("search") / "index")
    index.upsert(articles[:150])
    index.upsert(articles[150:])  # two segments
    return index, {a.id: a for a in articles}


def all_hit_ids(index: ArticleIndex, query: SearchQuery) -> list[str]:
    ids: list[str] = []
    page = 1
    while True:
        results = index.search(replace(query, page=page, per_page=100))
        ids += [hit.id for hit in results.hits]
        if len(ids) >= results.total or not results.hits:
            assert len(ids) == results.total
            return ids
        page += 1


def values_of(article: Article, facet: str) -> list[str]:
    return {"sources": [article.source] if article.source else []}.get(facet) or getattr(
        article, facet
    )


def brute_force_counts(
    articles: dict[str, Article], index: ArticleIndex, matched: list[str], include: dict
) -> dict[str, dict[str, int]]:
    """Each facet counted over the matches that pass the *other* facets' selections, per story."""
    story = {}
    for article_id in matched:
        siblings = {hit.id for hit in index.siblings(article_id)}
        story[article_id] = min(siblings | {article_id})
    out = {}
    for facet in FACETS:
        pairs = set()
        for article_id in matched:
            article = articles[article_id]
            if all(
                set(values_of(article, other)) & set(chosen)
                for other, chosen in include.items()
                if other != facet
            ):
                pairs.update((story[article_id], v) for v in values_of(article, facet))
        counts: dict[str, int] = defaultdict(int)
        for _, value in pairs:
            counts[value] += 1
        out[facet] = dict(counts)
    return out


@pytest.mark.parametrize(
    ("text", "include"),
    [
        ("", {}),
        ("president", {}),
        ("government OR election", {"countries": ("US", "IQ")}),
        ("", {"countries": ("BR",), "sources": ("Daily One", "Wire Three")}),
    ],
)
def test_facet_counts_match_a_brute_force_count(archive_index, text: str, include: dict) -> None:
    index, articles = archive_index
    results = index.search(SearchQuery(text=text, include=include))
    assert results.total > 0
    unfiltered = all_hit_ids(index, SearchQuery(text=text))
    expected = brute_force_counts(articles, index, unfiltered, include)
    for facet in FACETS:
        got = [(v.value, v.count) for v in results.facets[facet] if v.count]
        ranked = sorted(expected[facet].items(), key=lambda item: (-item[1], item[0]))
        assert got == ranked[: config.FACET_VALUES_LIMIT], facet
    # Dates: the matches under every facet selection, by month and year, plus the undated.
    final = all_hit_ids(index, SearchQuery(text=text, include=include))
    months: dict[str, int] = defaultdict(int)
    for article_id in final:
        if articles[article_id].published:
            months[articles[article_id].published.strftime("%Y-%m")] += 1
    assert {v.value: v.count for v in results.facets["months"]} == dict(months)
    assert sum(v.count for v in results.facets["years"]) == sum(months.values())
    assert results.undated == sum(1 for i in final if articles[i].published is None)


def test_facets_are_disjunctive(archive_index) -> None:
    index, articles = archive_index
    none = index.search(SearchQuery())
    one = index.search(SearchQuery(include={"countries": ("IQ",)}))
    two = index.search(SearchQuery(include={"countries": ("IQ", "BR")}))
    with_iq = {i for i, a in articles.items() if "IQ" in a.countries}
    with_br = {i for i, a in articles.items() if "BR" in a.countries}
    assert one.total == len(with_iq)
    assert two.total == len(with_iq | with_br)  # OR within a facet
    # A facet's own selection does not narrow its own counts, so other values stay addable.
    assert one.facets["countries"] == none.facets["countries"]
    # AND across facets, and other facets are counted within the selection.
    both = index.search(SearchQuery(include={"countries": ("IQ",), "sources": ("Daily One",)}))
    assert both.total == sum(1 for i in with_iq if articles[i].source == "Daily One")
    assert {v.value: v.count for v in one.facets["sources"]} == {
        s: sum(1 for i in with_iq if articles[i].source == s)
        for s in SOURCES
        if any(articles[i].source == s for i in with_iq)
    }
    # A selected value is listed even when nothing matches it.
    ghost = index.search(SearchQuery(include={"persons": ("Nobody Atall",)}))
    assert ghost.total == 0
    assert ("Nobody Atall", 0) in [(v.value, v.count) for v in ghost.facets["persons"]]


def test_exclusions_remove_values(archive_index) -> None:
    index, articles = archive_index
    results = index.search(SearchQuery(exclude={"countries": ("US",)}, per_page=100))
    expected = {i for i, a in articles.items() if "US" not in a.countries}
    assert results.total == len(expected)
    assert all("US" not in hit.countries for hit in results.hits)
    assert "US" not in {v.value for v in results.facets["countries"]}


def dated(article_id: str, when: datetime, title: str = "Harbour report") -> Article:
    return Article(
        id=article_id, title=title, body=[f"The harbour {article_id} story."], published=when
    )


def test_date_filters_are_inclusive_days_at_month_boundaries(tmp_path: Path) -> None:
    minus5 = timezone(timedelta(hours=-5))
    plus1 = timezone(timedelta(hours=1))
    index = ArticleIndex(tmp_path / "index")
    index.upsert(
        [
            dated("jan31-late", datetime(2021, 1, 31, 23, 30, tzinfo=minus5)),  # Feb 1 in UTC
            dated("feb01-early", datetime(2021, 2, 1, 0, 10, tzinfo=plus1)),  # Jan 31 in UTC
            dated("feb28", datetime(2021, 2, 28, 23, 59, tzinfo=UTC)),
            dated("mar01", datetime(2021, 3, 1, 0, 0, tzinfo=UTC)),
            dated("dec31", datetime(2020, 12, 31, 12, 0, tzinfo=UTC)),
            Article(id="undated", title="Harbour report", body=["The harbour undated story."]),
        ]
    )

    def ids(**kwargs) -> set[str]:
        return {hit.id for hit in index.search(SearchQuery(per_page=50, **kwargs)).hits}

    # Days are the articles' own publication days, as printed on them.
    assert ids(date_from=date(2021, 2, 1), date_to=date(2021, 2, 28)) == {"feb01-early", "feb28"}
    assert ids(date_from=date(2021, 1, 31), date_to=date(2021, 1, 31)) == {"jan31-late"}
    assert ids(date_from=date(2021, 3, 1)) == {"mar01"}
    assert ids(date_to=date(2020, 12, 31)) == {"dec31"}
    assert ids(text="date:2021-02") == {"feb01-early", "feb28"}
    assert ids(text="date:[2021-01-31 TO 2021-02-28]") == {"jan31-late", "feb01-early", "feb28"}
    assert ids(text="harbour date:2021") == {"jan31-late", "feb01-early", "feb28", "mar01"}
    assert ids(text="date:..2021-01") == {"jan31-late", "dec31"}
    results = index.search(SearchQuery(date_from=date(2021, 2, 1), date_to=date(2021, 2, 28)))
    # Date facets ignore the date filter (so the user can widen it); the undated are counted.
    assert {v.value: v.count for v in results.facets["months"]} == {
        "2020-12": 1,
        "2021-01": 1,
        "2021-02": 2,
        "2021-03": 1,
    }
    assert {v.value: v.count for v in results.facets["years"]} == {"2020": 1, "2021": 4}
    assert results.undated == 1


def test_sort_orders_and_paging(archive_index) -> None:
    index, articles = archive_index
    newest = all_hit_ids(index, SearchQuery(sort="newest"))
    stamps = [articles[i].published for i in newest]
    dated_part = [s for s in stamps if s]
    assert dated_part == sorted(dated_part, reverse=True)
    assert all(s is None for s in stamps[len(dated_part) :])  # undated last
    oldest = all_hit_ids(index, SearchQuery(sort="oldest"))
    assert [articles[i].published for i in oldest if articles[i].published] == sorted(dated_part)
    assert articles[oldest[-1]].published is None
    # An empty query lists every article, newest first, whatever the sort says.
    assert all_hit_ids(index, SearchQuery()) == newest
    assert len(newest) == len(articles) == len(set(newest))
    page1 = index.search(SearchQuery(text="president", per_page=5))
    page2 = index.search(SearchQuery(text="president", per_page=5, page=2))
    assert not {h.id for h in page1.hits} & {h.id for h in page2.hits}
    assert page1.total == page2.total > 10


def test_relevance_puts_title_matches_first(tmp_path: Path, corpus_dir: Path) -> None:
    index = ArticleIndex(tmp_path / "index")
    filler = wikinews(corpus_dir, 30)
    index.upsert(
        [
            *filler,
            Article(id="body", title="Weather news", body=["Rain fell. The zeppelin landed late."]),
            Article(id="title", title="Zeppelin lands", body=["An airship landed today."]),
            Article(
                id="standfirst", title="Airfield", standfirst="A zeppelin visit", body=["It came."]
            ),
        ]
    )
    results = index.search(SearchQuery(text="zeppelin"))
    assert [hit.id for hit in results.hits] == ["title", "standfirst", "body"]
    assert results.hits[0].score > results.hits[1].score > results.hits[2].score


def test_query_language(archive_index) -> None:
    index, articles = archive_index

    def ids(text: str) -> set[str]:
        return set(all_hit_ids(index, SearchQuery(text=text)))

    def containing(word: str) -> set[str]:
        return {i for i, a in articles.items() if re.search(rf"\b{word}\b", a.text, re.I)}

    iraq, war = ids("iraq"), ids("war")
    assert iraq == containing("iraq")
    assert ids("iraq war") == ids("iraq AND war") == iraq & war
    assert ids("iraq OR brazil") == iraq | ids("brazil")
    assert ids("iraq -war") == ids("iraq NOT war") == iraq - war
    assert ids("(iraq OR brazil) AND NOT war") == (iraq | ids("brazil")) - war
    phrase = ids('"prime minister"')
    assert phrase and phrase <= ids("prime minister")
    assert all(re.search(r"prime\s+minister", articles[i].text, re.I) for i in phrase)
    assert ids("title:iraq") == {
        i for i, a in articles.items() if re.search(r"\biraq\b", a.title, re.I)
    }
    assert (
        ids("country:IQ")
        == ids("country:Iraq")
        == {i for i, a in articles.items() if "IQ" in a.countries}
    )
    assert ids("source:weekly") == {i for i, a in articles.items() if a.source == "Weekly Two"}
    # Stemming and accent folding: "elections" finds "election", "Brasília" finds "Brasilia".
    assert ids("elections") == ids("election")
    assert ids("Brasília") == ids("brasilia") != set()
    assert ids("presid*") >= ids("president")
    assert ids("presidnet~") >= ids("president")


def test_phrases_match_the_words_in_a_row_as_indexed(archive_index) -> None:
    """Phrases of two to four words drawn from the articles (so that they occur), checked
    against the articles' own fields read word by word as the index reads them."""
    from archive.index.schema import TEXT_FIELDS, document, stemming_analyzer

    index, articles = archive_index
    analyzer = stemming_analyzer()

    def stems(text: str) -> list[str]:
        return [token.text for token in analyzer(text)]

    def fields(article: Article) -> list[list[str]]:
        texts = document(article, None)
        return [stems(texts[name]) for name in TEXT_FIELDS]

    def in_a_row(words: list[str], wanted: list[str]) -> bool:
        n = len(wanted)
        return any(words[i : i + n] == wanted for i in range(len(words) - n + 1))

    read = {article_id: fields(article) for article_id, article in articles.items()}
    rng = random.Random(7)
    checked = 0
    for article in rng.sample(sorted(articles.values(), key=lambda a: a.id), 120):
        words = rng.choice(article.body).split()
        size = rng.randint(2, 4)
        if len(words) < size:
            continue
        start = rng.randrange(len(words) - size + 1)
        chosen = words[start : start + size]
        # Plain words only, so that nothing the index reads (a number, a dotted name) lies
        # between them in the text.
        if not all(re.fullmatch(r"[A-Za-z]+", word) for word in chosen):
            continue
        phrase, wanted = " ".join(chosen), stems(" ".join(chosen))
        if len(wanted) < 2 or {"AND", "OR", "NOT"} & set(chosen):  # words, not operators
            continue
        expected = {i for i, texts in read.items() if any(in_a_row(t, wanted) for t in texts)}
        assert article.id in expected
        assert set(all_hit_ids(index, SearchQuery(text=f'"{phrase}"'))) == expected, phrase
        checked += 1
    assert checked >= 20
    # A word twice in a row, which no article has, and a phrase across a stop word.
    assert all_hit_ids(index, SearchQuery(text='"minister minister"')) == []
    assert set(all_hit_ids(index, SearchQuery(text='"minister of defence"'))) == {
        i for i, texts in read.items() if any(in_a_row(t, stems("minister defence")) for t in texts)
    }


def test_person_and_author_prefixes(tmp_path: Path) -> None:
    index = ArticleIndex(tmp_path / "index")
    index.upsert(
        [
            Article(
                id="a",
                title="Talks",
                body=["Talks went on."],
                persons=["Tony Blair"],
                authors=["Jane Roe"],
            ),
            Article(id="b", title="Talks", body=["Tony was there."], persons=["Tony Abbott"]),
        ]
    )
    assert {h.id for h in index.search(SearchQuery(text="person:blair")).hits} == {"a"}
    assert {h.id for h in index.search(SearchQuery(text='person:"tony blair"')).hits} == {"a"}
    assert {h.id for h in index.search(SearchQuery(text="person:tony")).hits} == {"a", "b"}
    assert {h.id for h in index.search(SearchQuery(text="author:roe")).hits} == {"a"}


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ('"president of', "president of"),
        ("(iraq OR", "iraq"),
        ("AND iraq", "iraq"),
        ("iraq AND", "iraq"),
        ("title:", None),
        ("date:2021-13", None),
        ("*raq", None),
        ("war~7", None),
        (")(", None),
    ],
)
def test_query_syntax_errors_fall_back_to_plain_words(
    archive_index, text: str, plain: str | None
) -> None:
    index, _ = archive_index
    results = index.search(SearchQuery(text=text))
    assert results.notice and "plain words" in results.notice
    if plain is not None:
        assert results.total == index.search(SearchQuery(text=plain)).total > 0


def test_wildcards_and_fuzzy_words_are_bounded(archive_index) -> None:
    index, _ = archive_index
    refused = index.search(SearchQuery(text="a*"))
    assert refused.notice and "at least 3 letters" in refused.notice
    results = index.search(SearchQuery(text="con*"))
    assert results.total > 0
    assert results.notice and "most common" in results.notice
    narrow = index.search(SearchQuery(text="iraq*"))
    assert narrow.notice is None and narrow.total > 0


def test_snippets_are_escaped_html_with_marks(tmp_path: Path) -> None:
    index = ArticleIndex(tmp_path / "index")
    index.upsert(
        [
            Article(
                id="xss",
                title="<script>alert(1)</script> Budget",
                body=["Before <script>steal()</script> the budget talks & <b>votes</b> began."],
            )
        ]
    )
    hit = index.search(SearchQuery(text="budget")).hits[0]
    assert "<mark>budget</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "<b>" not in hit.snippet
    assert "&lt;script&gt;steal()&lt;/script&gt;" in hit.snippet
    assert "&amp;" in hit.snippet
    assert hit.title == "<script>alert(1)</script> Budget"  # plain text; templates escape it
    listing = index.search(SearchQuery()).hits[0]
    assert "<script>" not in listing.snippet and "&lt;script&gt;" in listing.snippet


def test_did_you_mean(archive_index) -> None:
    index, _ = archive_index
    results = index.search(SearchQuery(text="goverment"))
    assert results.total == 0
    assert results.suggestion == "government"
    assert index.search(SearchQuery(text="government")).suggestion is None
    # A word written as a field name is not rewritten: "title:(" never became "time:(".
    broken = index.search(SearchQuery(text="goverment:("))
    assert broken.notice and broken.suggestion is None


def test_no_query_text_ever_fails(archive_index) -> None:
    index, _ = archive_index
    rng = random.Random(7)
    pieces = [
        '"',
        "(",
        ")",
        "[",
        "]",
        "*",
        "?",
        "~",
        "~9",
        ":",
        "-",
        "+",
        "AND",
        "OR",
        "NOT",
        "title:",
        "date:",
        "date:[",
        " TO ",
        "2005",
        "..",
        "iraq",
        "war",
        "é",
        "\\",
        "'",
    ]
    for _ in range(300):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        results = index.search(SearchQuery(text=text))
        assert results.total >= 0
    long = index.search(SearchQuery(text="iraq " * 200))
    assert long.notice and "first" in long.notice


def test_segments_with_deleted_documents(tmp_path: Path, corpus_dir: Path) -> None:
    """A segment with deletions (which Whoosh reads through a filter, posting by posting) gives
    the same postings read in blocks, and its deleted documents are never found."""
    articles = wikinews(corpus_dir, 60)
    index = ArticleIndex(tmp_path / "index")
    index.upsert(articles)
    for article in articles[:10]:
        index.remove(article.id)
    snap = index.snapshot()
    (segment,) = snap._leaves()
    assert segment.has_deletions()
    words = {w.lower() for a in articles for w in re.findall(r"[A-Za-z]{4,}", a.title)}
    checked = 0
    for word in sorted(words):
        if ("title", word) in segment:
            filtered = segment.postings("title", word)
            assert hasattr(filtered, "child")  # Whoosh's filter of the deleted documents
            assert snap.term_docs("title", word)[0].tolist() == list(filtered.all_ids())
            checked += 1
    assert checked > 50
    for article in (articles[0], articles[30]):
        found = index.search(SearchQuery(text=f'"{article.title}"', per_page=100)).hits
        assert (article.id in {hit.id for hit in found}) == (article is articles[30])


def test_postings_read_before_a_removal_do_not_outlive_it(tmp_path: Path, corpus_dir: Path) -> None:
    """A process that searched a word before an article was removed counts the word's
    documents without it afterwards (the scores' document frequencies depend on it)."""
    articles = wikinews(corpus_dir, 60)
    index = ArticleIndex(tmp_path / "index")
    index.upsert(articles)
    before = index.snapshot().term_docs("body", "said")[0]
    removed = [a.id for a in articles[:2]]
    for article_id in removed:
        index.remove(article_id)
    snap = index.snapshot()
    after = snap.term_docs("body", "said")[0]
    (segment,) = snap._leaves()
    assert after.tolist() == list(segment.postings("body", "said").all_ids())
    assert len(after) < len(before)
