"""The Whoosh index: writing, reading back, copies, and two writers at once (real index on disk)."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import pickle
import random
import re
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

import config
from archive import Article, ArticleIndex, Caption, SearchQuery, open_index, search
from archive.errors import NotFound
from archive.index.schema import normalise


def wikinews(corpus_dir: Path, count: int, skip: int = 0) -> list[Article]:
    """Real Wikinews articles from the shared corpus."""
    out = []
    path = corpus_dir / "wikinews-tosca" / "wikinews_en_2004_2018.jsonl.gz"
    with gzip.open(path, "rt") as lines:
        for n, line in enumerate(lines):
            if n < skip:
                continue
            if len(out) == count:
                break
            row = json.loads(line)
            published = datetime.fromisoformat(row["date"]).replace(hour=9, tzinfo=UTC)
            out.append(
                Article(
                    id=f"wikinews:{row['id']}",
                    title=row["title"],
                    body=[row["text"]],
                    source="Wikinews",
                    published=published,
                )
            )
    return out


@pytest.fixture
def index(tmp_path: Path) -> ArticleIndex:
    return ArticleIndex(tmp_path / "index")


def test_add_and_get_back_the_whole_article(index: ArticleIndex, corpus_dir: Path) -> None:
    articles = wikinews(corpus_dir, 20)
    full = replace(
        articles[0],
        standfirst="A standfirst",
        authors=["Ana Pérez"],
        captions=[Caption("A caption", "AP Photo/Someone")],
        persons=["Hu Jintao"],
        countries=["BR", "CN"],
        organizations=["Petrobras"],
        section="World",
        url="https://example.org/a",
    )
    index.upsert([full, *articles[1:]])
    assert index.count() == 20
    assert index.get(full.id) == full
    assert index.ids() == {a.id for a in articles}
    assert index.get("no such id") is None


def test_re_adding_the_same_id_replaces_it(index: ArticleIndex, corpus_dir: Path) -> None:
    articles = wikinews(corpus_dir, 10)
    index.upsert(articles)
    index.upsert(articles[:5])
    assert index.count() == 10
    changed = replace(articles[3], title="A corrected headline about zeppelins")
    index.upsert([changed])
    assert index.count() == 10
    assert index.get(changed.id).title == "A corrected headline about zeppelins"
    results = index.search(SearchQuery(text="zeppelins"))
    assert [hit.id for hit in results.hits] == [changed.id]
    # The same id twice in one batch: the last one wins, once.
    index.upsert([replace(changed, title="First"), replace(changed, title="Second")])
    assert index.count() == 10
    assert index.get(changed.id).title == "Second"


def test_a_commit_shared_with_a_helper_process_matches_one_written_alone(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = wikinews(corpus_dir, 120)
    alone, shared = ArticleIndex(tmp_path / "alone"), ArticleIndex(tmp_path / "shared")
    monkeypatch.setattr(config, "INDEX_HELPER_MIN_BATCH", 0)
    alone.upsert(articles)
    alone.upsert(articles[40:80])
    monkeypatch.setattr(config, "INDEX_HELPER_MIN_BATCH", 2)
    shared.upsert(articles)
    shared.upsert(articles[40:80])  # replaces articles the helper wrote and the writer wrote
    assert multiprocessing.active_children() == []
    assert shared.count() == alone.count() == 120
    assert shared.ids() == {a.id for a in articles}
    assert shared.stats()["segments"] == 4
    assert alone.stats()["segments"] == 2
    for text in ("election", "police said", '"prime minister"', "title:fire", ""):
        mine, theirs = shared.search(SearchQuery(text=text)), alone.search(SearchQuery(text=text))
        assert mine.total == theirs.total > 0
        assert [(h.id, h.score) for h in mine.hits] == [(h.id, h.score) for h in theirs.hits]
        assert mine.facets == theirs.facets
    assert shared.get(articles[50].id) == articles[50]


def test_remove_and_clear(index: ArticleIndex, corpus_dir: Path) -> None:
    articles = wikinews(corpus_dir, 10)
    index.upsert(articles)
    assert index.remove(articles[0].id) is True
    assert index.remove(articles[0].id) is False
    assert index.count() == 9
    assert articles[0].id not in index.ids()
    assert index.get(articles[0].id) is None
    assert index.search(SearchQuery()).total == 9
    index.clear()
    assert index.count() == 0
    assert index.search(SearchQuery()).total == 0
    index.upsert(articles[:2])
    assert index.count() == 2


def test_a_reader_sees_another_writers_commit(tmp_path: Path, corpus_dir: Path) -> None:
    articles = wikinews(corpus_dir, 6)
    reader = ArticleIndex(tmp_path / "index")
    writer = ArticleIndex(tmp_path / "index")
    writer.upsert(articles[:3])
    assert reader.search(SearchQuery()).total == 3
    writer.upsert(articles[3:])
    assert reader.search(SearchQuery()).total == 6
    assert reader.count() == 6


def test_open_index_and_search_by_data_folder(tmp_path: Path, corpus_dir: Path) -> None:
    open_index(tmp_path).upsert(wikinews(corpus_dir, 3))
    assert (tmp_path / "index").is_dir()
    assert search(tmp_path, SearchQuery()).total == 3
    assert search(open_index(tmp_path), SearchQuery()).total == 3


def _write(index_dir: str, articles: list[dict]) -> None:
    ArticleIndex(Path(index_dir)).upsert([Article.from_dict(a) for a in articles])


def test_two_writers_in_two_processes_both_succeed(tmp_path: Path, corpus_dir: Path) -> None:
    articles = wikinews(corpus_dir, 240)
    ArticleIndex(tmp_path / "index")  # created before the race, as `add` does
    halves = [articles[:120], articles[120:]]
    context = multiprocessing.get_context("fork")
    writers = [
        context.Process(target=_write, args=(str(tmp_path / "index"), [a.to_dict() for a in half]))
        for half in halves
    ]
    for process in writers:
        process.start()
    for process in writers:
        process.join(120)
    assert [p.exitcode for p in writers] == [0, 0]
    index = ArticleIndex(tmp_path / "index")
    assert index.count() == 240
    assert index.ids() == {a.id for a in articles}


def syndicated(corpus_dir: Path) -> list[Article]:
    """One real story printed by three sites (each with its own furniture), plus other stories."""
    story, *others = wikinews(corpus_dir, 6, skip=40)
    text = story.body[0]
    copies = [
        replace(story, id="site-a", source="Site A", body=[text], persons=["Ann Lee"]),
        replace(
            story,
            id="site-b",
            source="Site B",
            title="Wire: " + story.title,
            body=["By Wire Service staff.", text, "Copyright Site B. All rights reserved."],
            persons=["Ann Lee"],
        ),
        replace(
            story,
            id="site-c",
            source="Site C",
            body=[text[: int(len(text) * 0.85)], "Read more on Site C."],
            persons=["Ann Lee", "Bo Chan"],
        ),
    ]
    return copies + [replace(o, persons=["Ann Lee"]) for o in others]


def test_syndicated_copies_are_kept_linked_and_counted_once(
    index: ArticleIndex, corpus_dir: Path
) -> None:
    articles = syndicated(corpus_dir)
    index.upsert(articles[:2])
    index.upsert(articles[2:])  # the third copy arrives in a later batch
    assert index.count() == len(articles)
    assert {hit.id for hit in index.siblings("site-a")} == {"site-b", "site-c"}
    assert {hit.id for hit in index.siblings("site-c")} == {"site-a", "site-b"}
    assert index.siblings(articles[3].id) == []
    results = index.search(SearchQuery())
    assert results.total == len(articles)  # every copy is kept and listed
    persons = {v.value: v.count for v in results.facets["persons"]}
    # Three copies of one story plus five other stories name Ann Lee: six stories.
    assert persons == {"Ann Lee": 6, "Bo Chan": 1}
    sources = {v.value: v.count for v in results.facets["sources"]}
    assert sources == {"Site A": 1, "Site B": 1, "Site C": 1, "Wikinews": 5}
    assert index.stats()["stories_with_copies"] == 1
    # Re-adding a copy keeps the links.
    index.upsert([articles[1]])
    assert {hit.id for hit in index.siblings("site-b")} == {"site-a", "site-c"}
    with pytest.raises(NotFound):
        index.siblings("no such id")


def test_more_like_this_finds_related_stories_not_itself(
    index: ArticleIndex, corpus_dir: Path
) -> None:
    articles = wikinews(corpus_dir, 200)
    index.upsert(articles)
    target = next(a for a in articles if "Iraq" in a.title)
    similar = index.more_like_this(target.id, limit=5)
    assert 0 < len(similar) <= 5
    assert target.id not in {hit.id for hit in similar}
    assert any("Iraq" in index.get(hit.id).text for hit in similar)


def test_stats(index: ArticleIndex, corpus_dir: Path) -> None:
    articles = wikinews(corpus_dir, 30)
    articles[0] = replace(articles[0], published=None, countries=["FR"])
    index.upsert(articles)
    stats = index.stats()
    assert stats["articles"] == 30
    assert stats["undated"] == 1
    dates = sorted(a.published for a in articles if a.published)
    assert stats["earliest"] == dates[0].isoformat()
    assert stats["latest"] == dates[-1].isoformat()
    assert stats["top"]["countries"] == [("FR", 1)]
    assert stats["index_bytes"] > 0


def _stems(text: str) -> list[str]:
    """The indexed words of a text, as the index analyses them (stop words dropped)."""
    words = (normalise(w) for w in re.findall(r"\w+(?:\.?\w+)*", text))
    return [w for w in words if w]


def test_words_and_phrases_over_long_posting_lists_match_a_scan(
    index: ArticleIndex, corpus_dir: Path
) -> None:
    """Common words span many blocks of 128 postings, decoded without Whoosh's matchers."""
    articles = wikinews(corpus_dir, 700)
    index.upsert(articles[:500])
    index.upsert(articles[500:])
    texts = {a.id: [_stems(a.title), _stems("\n".join(a.body))] for a in articles}

    def scan(text: str) -> set[str]:
        stems = _stems(text)
        n = len(stems)
        return {
            article_id
            for article_id, fields in texts.items()
            if any(field[i : i + n] == stems for field in fields for i in range(len(field)))
        }

    def check() -> None:
        for word in ("said", "state", "year", "government", "report"):
            found = all_ids(index, word)
            assert len(found) > 128 and found == scan(word)
        for phrase in ("prime minister", "united states", "told reporters", "according to police"):
            found = all_ids(index, f'"{phrase}"')
            assert found and found == scan(phrase)

    check()
    # Removed articles stay in their segments' posting lists until a merge: never found.
    for article in articles[::7]:
        assert index.remove(article.id)
        del texts[article.id]
    check()


def all_ids(index: ArticleIndex, text: str) -> set[str]:
    ids: set[str] = set()
    page = 1
    while True:
        results = index.search(SearchQuery(text=text, page=page, per_page=100), facets=False)
        ids |= {hit.id for hit in results.hits}
        if not results.hits:
            assert len(ids) == results.total
            return ids
        page += 1


def test_many_threads_searching_at_once_get_the_right_articles(
    index: ArticleIndex, corpus_dir: Path
) -> None:
    """Threads of a web server share one index: each must read its own hits' stored fields."""
    articles = wikinews(corpus_dir, 300)
    for start in range(0, 300, 100):
        index.upsert(articles[start : start + 100])
    words = ["said", "state", "year", "government", "report", "president", "police", "people"]
    queries = [SearchQuery(text=w, per_page=20, page=p) for w in words for p in (1, 2)]
    expected = [_answer(index.search(q)) for q in queries]
    assert all(hits for hits, _ in expected)
    fresh = ArticleIndex(index.index_dir)  # nothing read yet: threads race to open and decode
    failures: list[str] = []

    def searcher(seed: int) -> None:
        order = list(range(len(queries)))
        random.Random(seed).shuffle(order)
        for _ in range(3):
            for n in order:
                try:
                    got = _answer(fresh.search(queries[n]))
                except Exception as exc:  # noqa: BLE001 - a garbled read fails the test below
                    failures.append(repr(exc))
                    continue
                if got != expected[n]:
                    failures.append(f"{queries[n].text} page {queries[n].page}")

    threads = [threading.Thread(target=searcher, args=(seed,)) for seed in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # threads take turns often, inside reads as well
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        sys.setswitchinterval(interval)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []


def _answer(results) -> tuple[list[tuple[str, str, str]], dict]:
    hits = [(hit.id, hit.title, hit.snippet) for hit in results.hits]
    facets = {name: [(v.value, v.count) for v in values] for name, values in results.facets.items()}
    return hits, {"total": results.total, **facets}


def test_indexes_written_before_the_package_split_still_open() -> None:
    """Their schema names the word filter by its old path (a pickle's GLOBAL opcode)."""
    from archive.index.schema import _EnglishWords

    assert pickle.loads(b"carchive.index\n_EnglishWords\n.") is _EnglishWords


def _all_postings(ix) -> dict:
    """Every posting of a one-segment index as Whoosh's matchers read it."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        out = {}
        for fieldname, btext in reader.all_terms():
            matcher = reader.postings(fieldname, btext)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            out[fieldname, btext] = postings
        stored = [dict(fields) for fields in reader.all_stored_fields()]
        return out, stored


def test_merged_segments_read_back_as_whooshs_own_merge(tmp_path: Path, corpus_dir: Path) -> None:
    """Merging is ours (whole blocks, not Whoosh's posting-by-posting pool): the merged segment
    must hold what Whoosh's own writer makes of the same segments, deletions included."""
    import shutil

    from whoosh import index as whoosh_index
    from whoosh import writing

    from archive.index.schema import document
    from archive.index.writer import Writer

    articles = wikinews(corpus_dir, 400)
    built = ArticleIndex(tmp_path / "built")
    for start in range(0, 400, 100):  # four commits, long and short posting lists
        built.upsert(articles[start : start + 100], parallel=False)
    built.upsert([replace(a, title=f"Corrected: {a.title}") for a in articles[50:250:3]])
    built.remove(articles[7].id)
    built.close()
    merged = {}
    for name, make_writer in (("ours", Writer), ("whoosh's", writing.SegmentWriter)):
        folder = tmp_path / name
        shutil.copytree(tmp_path / "built", folder)
        ix = whoosh_index.open_dir(str(folder))
        assert len(ix._segments()) > 4
        writer = make_writer(ix)
        for article in articles[:60]:  # terms whose postings come from new and merged documents
            writer.add_document(**document(replace(article, id=f"new:{article.id}"), None))
        writer.commit(optimize=True)
        ix = whoosh_index.open_dir(str(folder))
        assert len(ix._segments()) == 1
        merged[name] = _all_postings(ix)
    ours, whooshs = merged["ours"], merged["whoosh's"]
    assert ours[1] == whooshs[1] and len(ours[1]) == 459
    assert ours[0] == whooshs[0]
    assert max(len(postings) for postings in ours[0].values()) > 128  # several blocks
    assert ArticleIndex(tmp_path / "ours").search(SearchQuery(text="title:corrected")).total == 67


def test_merges_shared_with_a_helper_keep_every_article_once(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commits that merge segments give half of them to the helper process: replaced versions
    in those segments stay deleted, and the index reads as one written alone."""
    articles = wikinews(corpus_dir, 120)
    batches = [articles[start : start + 12] for start in range(0, 120, 12)]
    batches += [[replace(a, title=f"Corrected: {a.title}") for a in articles[5:100:9]]] * 2
    alone, shared = ArticleIndex(tmp_path / "alone"), ArticleIndex(tmp_path / "shared")
    monkeypatch.setattr(config, "INDEX_HELPER_MIN_BATCH", 2)
    segments = []
    for batch in batches:
        shared.upsert(batch)
        segments.append(shared.stats()["segments"])
        alone.upsert(batch, parallel=False)
    assert multiprocessing.active_children() == []
    assert max(segments) > segments[-1] >= 2  # merged along the way
    assert shared.count() == alone.count() == 120
    assert shared.ids() == {a.id for a in articles}
    for text in ("title:corrected", "election", "police said", ""):
        mine, theirs = shared.search(SearchQuery(text=text)), alone.search(SearchQuery(text=text))
        assert mine.total == theirs.total > 0
        assert sorted(h.id for h in mine.hits) == sorted(h.id for h in theirs.hits)
        assert mine.facets == theirs.facets
    assert shared.search(SearchQuery(text="title:corrected")).total == 11
