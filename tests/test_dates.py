"""Publication dates: stated, inferred, localised, and refused when implausible.

Accuracy over the whole MediaCloud set is measured by bench/dates.py, not here; these tests pin
the behaviour on real pages whose date is clear and on small pages for the edge cases.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

import config
from indexer.parsers import parse_file
from indexer.parsers.dates import date_in_url, dates_in_lines, find_published, tweet_time
from indexer.parsers.datetimes import EARLIEST_PLAUSIBLE, now, parse_datetime
from indexer.parsers.html import parse_tree
from indexer.parsers.reading import decode
from indexer.parsers.text import parse_text

MEDIACLOUD = "htmldate-mediacloud-2020"


def _published(corpus_dir: Path, name: str) -> tuple[datetime | None, str | None]:
    """find_published on a corpus page, and the page's gold day."""
    folder = corpus_dir / MEDIACLOUD
    gold = json.loads((folder / "gold-dates.json").read_text())[name]
    text = decode((folder / "test_set" / name).read_bytes(), html=True)
    return find_published(parse_tree(text), gold["url"], text), gold["date"]


def _find(html: str, url: str | None = None) -> datetime | None:
    return find_published(parse_tree(html), url, html)


def _page(head: str = "", body: str = "<h1>Headline</h1><p>Some text of the story.</p>") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


# Real pages -------------------------------------------------------------------------------------


def test_json_ld_date_is_taken_with_its_offset(corpus_dir: Path) -> None:
    found, gold = _published(corpus_dir, "1485102321.html")  # JSON-LD 2020-01-02T06:14:00-05:00
    assert found == datetime(2020, 1, 2, 6, 14, tzinfo=timezone(timedelta(hours=-5)))
    assert found.date().isoformat() == gold


def test_utc_time_is_shown_on_the_publishers_day(corpus_dir: Path) -> None:
    """abc7ny states 02:54 UTC on 2 May; its own timestamps are -04:00, so it is 1 May there."""
    found, gold = _published(corpus_dir, "1594754655.html")
    assert found is not None
    assert found.utcoffset() == timedelta(hours=-4)
    assert found.astimezone(UTC) == datetime(2020, 5, 2, 2, 54, 29, tzinfo=UTC)
    assert found.date().isoformat() == gold == "2020-05-01"


def test_earliest_of_disagreeing_statements_wins(corpus_dir: Path) -> None:
    """JSON-LD says 25 April 07:25 "Z" (local time mislabelled), the meta tag 24 April 21:25 UTC."""
    found, gold = _published(corpus_dir, "1588233953.html")
    assert found is not None and found.date().isoformat() == gold == "2020-04-24"


def test_page_without_a_date_gives_none(corpus_dir: Path) -> None:
    """A radio station's home page: only a copyright year, which is not a publication date."""
    found, gold = _published(corpus_dir, "1630687900.html")
    assert gold is None
    assert found is None


def test_no_future_or_pre_1990_dates_on_real_pages(corpus_dir: Path) -> None:
    names = sorted(json.loads((corpus_dir / MEDIACLOUD / "gold-dates.json").read_text()))[::8]
    dated = 0
    for name in names:
        found, _ = _published(corpus_dir, name)
        if found is not None:
            dated += 1
            assert found.tzinfo is not None, name
            assert EARLIEST_PLAUSIBLE <= found <= now(), name
    assert dated >= len(names) * 0.8


# Synthetic edge cases ---------------------------------------------------------------------------


def test_future_date_in_the_page_is_refused() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2099-05-01T10:00:00Z"}</script>'
    )
    assert _find(_page(head)) is None  # and nothing else in the page states a date


def test_epoch_dates_are_cms_defaults_not_publication_dates() -> None:
    head = (
        '<meta property="article:published_time" content="1970-01-01T00:00:00Z">'
        '<meta name="parsely-pub-date" content="0">'
    )
    assert _find(_page(head)) is None


def test_an_old_date_the_page_states_explicitly_is_kept() -> None:
    """An archive of print stories may really say 1987; "unless the page really says so"."""
    head = '<meta property="article:published_time" content="1987-10-19T16:00:00-04:00">'
    assert _find(_page(head)) == datetime(1987, 10, 19, 16, tzinfo=timezone(timedelta(hours=-4)))


def test_malformed_json_ld_does_not_crash() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script>'
    assert _find(_page(head)) is None


def test_copyright_year_alone_is_not_a_date() -> None:
    body = "<h1>Headline</h1><p>Some text of the story.</p><footer>Copyright 2019 Example</footer>"
    assert _find(_page(body=body)) is None


def test_date_in_the_url_when_the_page_states_none() -> None:
    found = _find(_page(), "https://example.org/news/2021/03/09/some-story/")
    assert found == datetime(2021, 3, 9, tzinfo=UTC)


def test_visible_date_found_by_htmldate_when_no_metadata() -> None:
    body = "<h1>Headline</h1><p class='date'>Published 14 March 2021</p><p>Text of the story.</p>"
    found = _find(_page(body=body))
    assert found is not None and found.date().isoformat() == "2021-03-14"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/2020/03/05/story", "2020-03-05"),
        ("https://example.org/news/2020-03-05-story.html", "2020-03-05"),
        ("https://example.org/world/story-title-20200113", "2020-01-13"),
        ("https://example.org/news/20200316/story", "2020-03-16"),
        ("https://example.org/story/2020/13/40/", None),
        ("https://example.org/article/9876543", None),
        ("https://example.org/2999/01/01/", None),
    ],
)
def test_dates_in_urls(url: str, expected: str | None) -> None:
    found = date_in_url(url)
    assert (found.date().isoformat() if found else None) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-03-05T12:00:00+0000", "2020-03-05T12:00:00+00:00"),
        ("20200316T13:00:00Z", "2020-03-16T13:00:00+00:00"),
        ("2020-12-05T23:15:0Z", "2020-12-05T23:15:00+00:00"),
        ("2020-03-05 12:00:00", "2020-03-05T12:00:00+00:00"),
        ("Thu, 05 Mar 2020 12:00:00 EST", "2020-03-05T12:00:00-05:00"),
        ("04:25:06 PM IST Apr 08, 2020", "2020-04-08T16:25:06+05:30"),
        ("March 5, 2020", "2020-03-05T00:00:00+00:00"),
        ("1583409600000", "2020-03-05T12:00:00+00:00"),
        ("25/03/2020", "2020-03-25T00:00:00+00:00"),
        ("05/03/2020", None),  # May or March: refused, a better source decides
        ("2020-02-30", None),
        ("soon", None),
        ("", None),
    ],
)
def test_parse_datetime(value: str, expected: str | None) -> None:
    found = parse_datetime(value)
    assert (found.isoformat() if found else None) == expected


def test_malformed_urls_in_the_page_or_given_do_not_crash() -> None:
    head = '<link rel="canonical" href="http://[broken/story">'
    assert _find(_page(head), "http://[::1") is None


def test_a_month_without_a_day_is_not_a_date() -> None:
    assert parse_datetime("March 2020") is None
    head = '<meta property="article:published_time" content="March 2020">'
    assert _find(_page(head)) is None


def test_a_time_on_the_stated_day_beats_the_bare_day() -> None:
    """A day-only Dublin Core date and a shown time with its offset on that local day."""
    head = '<meta name="DC.date.issued" content="2021-02-24">'
    body = (
        "<h1>Headline</h1><time datetime='2021-02-24T03:30:00+08:00'>February 24, 2021</time>"
        "<p>Some text of the story.</p>"
    )
    assert _find(_page(head, body)) == datetime(
        2021, 2, 24, 3, 30, tzinfo=timezone(timedelta(hours=8))
    )


def test_a_shown_time_on_another_day_does_not_replace_the_stated_day() -> None:
    head = '<meta name="DC.date.issued" content="2021-02-24">'
    body = "<h1>Headline</h1><time datetime='2021-03-02T10:00:00+01:00'>2 March</time><p>Text.</p>"
    assert _find(_page(head, body)) == datetime(2021, 2, 24, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("NAIROBI, 12 April 2022 — Kenya has signed a deal.", "2022-04-12T00:00:00+00:00"),
        ("MANAUS, Brazil, 9 September 2024 — When the river drops", "2024-09-09T00:00:00+00:00"),
        ("WASHINGTON (Reuters), March 5, 2020 - The Senate voted", "2020-03-05T00:00:00+00:00"),
        ("Published 2 June 2022, 09:15", "2022-06-02T09:15:00+00:00"),
        ("Posted on: 14 March 2021", "2021-03-14T00:00:00+00:00"),
        ("BEN TRE, Vietnam — For three generations", None),  # a dateline without a day
        ("The report, published 2 June 2022, found", None),  # a sentence, not a date line
        ("Published 2 June 2099", None),  # in the future
    ],
)
def test_dates_in_datelines_and_published_lines(line: str, expected: str | None) -> None:
    published, _ = dates_in_lines([line])
    assert (published.isoformat() if published else None) == expected


def test_an_updated_line_is_the_update_time() -> None:
    published, updated = dates_in_lines(["Updated: March 3, 2021 10:00 EST", "Text."])
    assert published is None
    assert updated == datetime(2021, 3, 3, 15, tzinfo=UTC)


def test_a_page_without_metadata_is_dated_by_its_dateline() -> None:
    body = (
        "<h1>Kenya signs tea deal</h1><p>NAIROBI, 12 April 2022 \u2014 Kenya has signed a"
        " three-year agreement to supply tea to Pakistan.</p><p>More text.</p>"
    )
    assert _find(_page(body=body)) == datetime(2022, 4, 12, tzinfo=UTC)


def test_a_published_line_gives_the_time_too() -> None:
    body = (
        "<h1>Drill</h1><p class='dateline'><font>Published 2 June 2022, 09:15</font></p><p>T.</p>"
    )
    assert _find(_page(body=body)) == datetime(2022, 6, 2, 9, 15, tzinfo=UTC)


def test_plain_text_copies_are_dated_by_their_dateline() -> None:
    text = (
        "Kenya signs tea deal with Pakistan\n\nGrowers fear low prices.\n\n"
        "NAIROBI, 12 April 2022 \u2014 Kenya has signed a three-year agreement.\n\n"
        "Under the deal, importers commit to buying a minimum volume.\n"
    ) + "\n".join(f"\nParagraph {n} of the story, with some words about tea." for n in range(8))
    assert parse_text(text).published == datetime(2022, 4, 12, tzinfo=UTC)
    undated = text.replace("NAIROBI, 12 April 2022", "NAIROBI")
    assert parse_text(undated).published is None


def test_the_lead_image_address_dates_a_page_that_states_nothing(corpus_dir: Path) -> None:
    """news.az states no date; its lead image is filed under /uploads/2020/10/13/, while
    htmldate would take the "today" date of the page header (8 December)."""
    found, gold = _published(corpus_dir, "1791336003.html")
    assert found is not None and found.date().isoformat() == gold == "2020-10-13"


def test_a_stated_date_beats_the_lead_image_day() -> None:
    head = (
        '<meta property="og:image" content="https://img.example/uploads/2017/07/13/file.jpg">'
        '<meta property="article:published_time" content="2020-10-15T09:00:00+02:00">'
    )
    assert _find(_page(head)) == datetime(2020, 10, 15, 9, tzinfo=timezone(timedelta(hours=2)))
    assert _find(_page(head.split('<meta property="article')[0])) == datetime(
        2017, 7, 13, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2022-04-kenya-pakistan-tea-deal.txt", datetime(2022, 4, 12, tzinfo=UTC)),
        ("2024-09-manaus-solar-water-purifiers.txt", datetime(2024, 9, 9, tzinfo=UTC)),
        ("typhoon-kalapati-eastern-samar.txt", None),  # "BORONGAN, Philippines —": no day
        (
            "2022-06-morning-lantern-istanbul-earthquake-drill.html",
            datetime(2022, 6, 2, 9, 15, tzinfo=UTC),
        ),
    ],
)
def test_demo_articles_dated_by_their_text(name: str, expected: datetime | None) -> None:
    assert parse_file(config.SAMPLES_DIR / name).published == expected


def test_a_bare_utc_day_gives_way_to_the_time_on_the_next_local_day() -> None:
    head = '<meta name="DC.date.issued" content="2021-02-23">'
    body = "<h1>H</h1><time datetime='2021-02-24T03:30:00+08:00'>24 Feb</time><p>Text.</p>"
    found = _find(_page(head, body))
    assert found == datetime(2021, 2, 24, 3, 30, tzinfo=timezone(timedelta(hours=8)))


def test_a_tweet_is_dated_by_its_id(corpus_dir: Path) -> None:
    """A Reuters tweet: its page shows times in the crawler's zone (10 July, Pacific) and htmldate
    takes a later reply's day; the id's time is 06:25 UTC on 11 July, the gold day."""
    found, gold = _published(corpus_dir, "1676646261.html")
    assert found == datetime(2020, 7, 11, 6, 25, 2, 176000, tzinfo=UTC)
    assert found.date().isoformat() == gold


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.com/Reuters/status/1281836879789404160", "2020-07-11T06:25:02.176000+00:00"),
        ("https://mobile.twitter.com/a_b/statuses/1281836879789404160/", "2020-07-11"),
        ("https://twitter.com/jack/status/20", None),  # a counter id from before November 2010
        ("https://example.org/user/status/1281836879789404160", None),  # not a tweet
    ],
)
def test_tweet_time(url: str, expected: str | None) -> None:
    found = tweet_time(url)
    assert (found.isoformat()[: len(expected)] if found else None) == expected
