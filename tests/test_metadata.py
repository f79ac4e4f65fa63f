"""Page metadata: real corpus pages, and small pages for the edge cases real pages rarely show."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

import config
from indexer.parsers import parse_file
from indexer.parsers.authors import clean_authors, split_byline
from indexer.parsers.html import parse_tree
from indexer.parsers.metadata import extract_metadata, strip_site_suffix
from indexer.parsers.reading import decode


def _page(corpus_dir: Path, name: str):
    path = corpus_dir / "htmldate-mediacloud-2020" / "test_set" / name
    return parse_tree(decode(path.read_bytes(), html=True))


def _html(head: str = "", body: str = "<p>Text.</p>", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def _ld(json_text: str) -> str:
    return f'<script type="application/ld+json">{json_text}</script>'


# Real pages -------------------------------------------------------------------------------------


def test_news_article_json_ld_gives_headline_author_date_and_site(corpus_dir: Path) -> None:
    url = "https://theweek.com/speedreads/887020/trump-visited-trumpowned-golf-course-nearly-24-percent-days-2019"
    meta = extract_metadata(_page(corpus_dir, "1485102321.html"), url)
    assert meta.title == (
        "Trump visited a Trump-owned golf course nearly 24 percent of days in 2019"
    )
    assert meta.authors == ["Peter Weber"]
    # The page states 2020-01-02T06:14:00-05:00: the time and its offset are kept.
    assert meta.published == datetime(2020, 1, 2, 6, 14, tzinfo=timezone(timedelta(hours=-5)))
    assert meta.site_name == "The Week"
    assert meta.language == "en"
    assert meta.canonical_url == url


def test_json_ld_inside_graph(corpus_dir: Path) -> None:
    """Yoast-style pages put WebPage, WebSite and Organization side by side in @graph."""
    meta = extract_metadata(_page(corpus_dir, "1556626357.html"))
    assert meta.published is not None and meta.published.date().isoformat() == "2020-03-23"
    assert meta.site_name == "El Vallenc"
    assert meta.language == "ca"
    assert meta.section == "Societat"


def test_benchmark_pages_get_titles_and_plausible_authors(corpus_dir: Path) -> None:
    """Every real article page yields a title; authors look like names, never URLs or the site."""
    pages = sorted((corpus_dir / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    assert len(pages) > 150
    with_title = with_author = 0
    for path in pages:
        meta = extract_metadata(parse_tree(decode(gzip.decompress(path.read_bytes()), html=True)))
        with_title += bool(meta.title)
        with_author += bool(meta.authors)
        for name in meta.authors:
            assert "http" not in name and "@" not in name and "/" not in name, (path.name, name)
            assert 1 <= len(name.split()) <= 5, (path.name, name)
            assert not meta.site_name or name.casefold() != meta.site_name.casefold()
    assert with_title == len(pages)
    assert with_author >= len(pages) // 2


# Synthetic edge cases ---------------------------------------------------------------------------


def test_article_in_graph_list_and_nested_main_entity() -> None:
    head = _ld(
        '[{"@context": "https://schema.org", "@graph": [{"@type": "BreadcrumbList"},'
        ' {"@type": "WebPage", "mainEntity": {"@type": ["ReportageNewsArticle"],'
        ' "headline": "Floods reach the capital", "datePublished": "2021-06-02T08:00:00+02:00",'
        ' "author": [{"@type": "Person", "name": "Ana Lima"}, "By Joe Bloggs"],'
        ' "publisher": {"@type": "Organization", "name": "Daily Example"},'
        ' "image": [{"@type": "ImageObject", "caption": "Water in the square."}]}}]}]'
    )
    meta = extract_metadata(parse_tree(_html(head)))
    assert meta.title == "Floods reach the capital"
    assert meta.authors == ["Ana Lima", "Joe Bloggs"]
    assert meta.site_name == "Daily Example"
    assert meta.published == datetime(2021, 6, 2, 8, tzinfo=timezone(timedelta(hours=2)))
    assert meta.image_captions == ["Water in the square."]


def test_malformed_json_ld_does_not_crash_and_meta_tags_still_count() -> None:
    head = (
        _ld('{"@type": "NewsArticle", "headline": "Broken"')  # cut off
        + _ld('{"@type": "NewsArticle", "headline": "Trailing", "author": "Jos&#xE9; Park",}')
        + _ld("<!-- not json at all -->")
        + '<meta property="article:published_time" content="2022-03-04T10:00:00Z">'
    )
    meta = extract_metadata(parse_tree(_html(head)))
    assert meta.title == "Trailing"  # the trailing comma is forgiven
    assert meta.authors == ["José Park"]  # HTML entities inside JSON-LD strings are decoded
    assert meta.published == datetime(2022, 3, 4, 10, tzinfo=UTC)


def test_meta_tags_microdata_and_time_when_there_is_no_json_ld() -> None:
    head = (
        '<meta property="og:title"'
        ' content="Council &amp;#8216;votes&amp;#8217; on budget | Town Crier">'
        '<meta property="og:site_name" content="Town Crier">'
        '<meta name="parsely-section" content="Local">'
        '<meta property="og:locale" content="pt_BR">'
    )
    body = (
        '<article><span itemprop="author" itemscope><span itemprop="name">MARIA SILVA</span></span>'
        '<time itemprop="datePublished" datetime="2019-11-05T18:30:00-03:00">5 Nov</time>'
        "<p>Text.</p></article>"
    )
    meta = extract_metadata(parse_tree(f"<html><head>{head}</head><body>{body}</body></html>"))
    assert meta.title == "Council \u2018votes\u2019 on budget"  # escaped twice by the CMS
    assert meta.authors == ["Maria Silva"]
    assert meta.published == datetime(2019, 11, 5, 18, 30, tzinfo=timezone(timedelta(hours=-3)))
    assert meta.section == "Local"
    assert meta.language == "pt"


def test_home_page_is_not_a_canonical_url_and_relative_ones_are_resolved() -> None:
    home = parse_tree(_html('<link rel="canonical" href="https://example.org/">'))
    assert extract_metadata(home, "https://example.org/news/1").canonical_url is None
    relative = parse_tree(_html('<link rel="canonical" href="/news/2020/story">'))
    meta = extract_metadata(relative, "https://example.org/feed?id=1")
    assert meta.canonical_url == "https://example.org/news/2020/story"


def test_a_description_as_long_as_an_article_is_not_a_summary() -> None:
    long_text = "word " * 400
    page = parse_tree(_html(f'<meta name="description" content="{long_text}">'))
    assert extract_metadata(page).description is None


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        (
            "Floods reach the capital | Daily Example",
            "Daily Example",
            None,
            "Floods reach the capital",
        ),
        (
            "Daily Example - Floods reach the capital",
            "Daily Example",
            None,
            "Floods reach the capital",
        ),
        (
            "Floods reach the capital - NYTimes",
            None,
            "https://www.nytimes.com/a",
            "Floods reach the capital",
        ),
        ("Opinion | Why floods come back", "Daily Example", None, "Opinion | Why floods come back"),
        ("Floods: what we know", "Daily Example", None, "Floods: what we know"),
    ],
)
def test_site_name_suffix_is_stripped_from_titles(
    title: str, site: str | None, url: str | None, expected: str
) -> None:
    assert strip_site_suffix(title, site, url) == expected


@pytest.mark.parametrize(
    ("bylines", "expected"),
    [
        (["By Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
        (["Jane E. Doe, Senior Reporter"], ["Jane E. Doe"]),
        (["Analysis by Chris Lee"], ["Chris Lee"]),
        (["https://example.org/author/jane-doe", "Jane Doe"], ["Jane Doe"]),
        (["Staff", "Reuters", "Daily Example", "AFP"], []),
        (["Jane Doe", "jane doe"], ["Jane Doe"]),
        (["JOHN ROE"], ["John Roe"]),
        (["Por Ana Lima y Joe Bloggs"], ["Ana Lima", "Joe Bloggs"]),
        (["Ilana Muhlstein, MS, RDN"], ["Ilana Muhlstein"]),
        (["Jane Doe | Daily Example"], ["Jane Doe"]),
        (["José Volta e Pinto"], ["José Volta e Pinto"]),  # one person, "e" inside the name
        (["Ana Lima e João Silva"], ["Ana Lima", "João Silva"]),
        (["Ani DiFranco, ANI"], ["Ani DiFranco"]),
        (["AP Foto/Martin Meissner", "MrSadiq.info"], ["Martin Meissner"]),
        (["Text: Maria Silva"], ["Maria Silva"]),
        (["The Water Coolest", "Syrian defense ministries"], []),
        (
            ["Mike Wuerthele and Malcolm Owen Monday, November 18, 2019"],
            ["Mike Wuerthele", "Malcolm Owen"],
        ),
    ],
)
def test_author_names_are_cleaned(bylines: list[str], expected: list[str]) -> None:
    assert clean_authors(bylines, ["Daily Example"]) == expected


def test_split_byline_keeps_particles_and_initials() -> None:
    assert split_byline("By Juan de la Cruz & Mary-Ann O'Neil") == [
        "Juan de la Cruz",
        "Mary-Ann O'Neil",
    ]


def test_authors_and_publisher_given_by_id_reference_in_graph() -> None:
    """Yoast-style graphs name the author once, as a Person node, and point to it by @id."""
    head = _ld(
        '{"@context": "https://schema.org", "@graph": ['
        ' {"@type": "Organization", "@id": "https://ex.example/#org", "name": "Daily Example"},'
        ' {"@type": "NewsArticle", "headline": "Port opens",'
        '  "author": [{"@id": "https://ex.example/#/person/ana"}, {"@id": "https://ex.example/#/person/joe"}],'
        '  "publisher": {"@id": "https://ex.example/#org"}},'
        ' {"@type": "Person", "@id": "https://ex.example/#/person/ana", "name": "Ana Lima"},'
        ' {"@type": "Person", "@id": "https://ex.example/#/person/joe", "name": "Joe Bloggs"}]}'
    )
    meta = extract_metadata(parse_tree(_html(head)))
    assert meta.authors == ["Ana Lima", "Joe Bloggs"]
    assert meta.site_name == "Daily Example"


def test_an_unresolved_id_reference_names_nobody() -> None:
    head = _ld('{"@type": "NewsArticle", "headline": "H", "author": {"@id": "#/person/x"}}')
    assert extract_metadata(parse_tree(_html(head))).authors == []


def test_site_name_from_the_title_beside_the_headline_and_section_from_microdata() -> None:
    page = (
        "<html><head><title>Ice breaks up early \u2014 The Northern Example</title></head><body>"
        '<article itemscope itemtype="https://schema.org/NewsArticle">'
        '<p itemprop="articleSection">Science</p><h1 itemprop="headline">Ice breaks up early</h1>'
        "<p>Text.</p></article></body></html>"
    )
    meta = extract_metadata(parse_tree(page))
    assert meta.site_name == "The Northern Example"
    assert meta.section == "Science"
    assert meta.title == "Ice breaks up early"


def test_site_name_from_microdata_publisher_and_title_prefix() -> None:
    publisher = (
        '<span itemprop="publisher" itemscope><meta itemprop="name" content="Daily Example"></span>'
    )
    assert extract_metadata(parse_tree(_html(body=publisher))).site_name == "Daily Example"
    prefixed = "<title>The Evening Example :: Drill held in schools</title>"
    meta = extract_metadata(parse_tree(_html(prefixed, "<h1>Drill held in schools</h1>")))
    assert meta.site_name == "The Evening Example"


def test_a_title_that_is_not_headline_plus_site_names_no_site() -> None:
    page = _html("<title>Floods: what we know</title>", "<h1>Rain falls for a week</h1>")
    assert extract_metadata(parse_tree(page)).site_name is None


def test_section_from_breadcrumb_and_from_the_menu_link_over_the_url() -> None:
    crumbs = _ld(
        '{"@type": "BreadcrumbList", "itemListElement": ['
        ' {"@type": "ListItem", "position": 1, "name": "Home", "item": "https://ex.example/"},'
        ' {"@type": "ListItem", "position": 2, "name": "Climate", "item": "https://ex.example/climate/"},'
        ' {"@type": "ListItem", "position": 3, "name": "Port opens"}]}'
    )
    meta = extract_metadata(parse_tree(_html(crumbs + "<title>Port opens</title>")))
    assert meta.section == "Climate"
    menu = '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/asia">Asia</a></nav>'
    url = "https://ex.example/world/2021/02/24/customs-system"
    assert extract_metadata(parse_tree(_html(body=menu + "<p>Text.</p>")), url).section == "World"
    # An address outside any section the menu names gives none.
    other = "https://ex.example/sport/2021/02/24/match"
    assert extract_metadata(parse_tree(_html(body=menu)), other).section is None


def test_a_sentence_marked_as_section_is_not_a_section() -> None:
    body = '<p itemprop="articleSection">The author studied law in Krakow and then moved on.</p>'
    assert extract_metadata(parse_tree(_html(body=body))).section is None


def test_the_site_logo_heading_is_not_the_headline() -> None:
    """A site whose logo is an <h1> linking home, with the headline only in <title>."""
    head = "<title>Actors quarrel in public - Example Media</title>"
    body = '<a href="/"><h1>Example Media</h1></a><div class="view"><p>Text.</p></div>'
    meta = extract_metadata(
        parse_tree(_html(head, body)), "https://www.examplemedia.example/v?id=1"
    )
    assert meta.title == "Actors quarrel in public"
    assert meta.site_name == "Example Media"


@pytest.mark.parametrize(
    ("name", "site", "section"),
    [
        ("2020-03-northern-dispatch-tromso-fjord-ice.html", "The Northern Dispatch", "Science"),
        ("2022-10-le-veilleur-marseille-taxe-carbone-maritime.html", "Le Veilleur", "Économie"),
        ("2021-02-pacific-record-east-africa-customs-system.html", "The Pacific Record", "World"),
        ("2021-01-correio-do-atlantico-cheias-porto-ribeira.html", "Correio do Atlântico", "Local"),
        ("2022-06-morning-lantern-istanbul-earthquake-drill.html", "The Morning Lantern", None),
    ],
)
def test_demo_articles_get_their_site_and_section(
    name: str, site: str, section: str | None
) -> None:
    article = parse_file(config.SAMPLES_DIR / name)
    assert (article.source, article.section) == (site, section)


def test_demo_graph_authors_and_day_only_date() -> None:
    ledger = parse_file(
        config.SAMPLES_DIR / "2022-09-global-ledger-eu-shipping-emissions-levy.html"
    )
    assert ledger.authors == ["Jonas Weber", "Kwame Asante"]
    record = parse_file(
        config.SAMPLES_DIR / "2021-02-pacific-record-east-africa-customs-system.html"
    )
    assert record.published == datetime(2021, 2, 24, 3, 30, tzinfo=timezone(timedelta(hours=8)))


def test_site_name_variants_and_the_app_name_as_last_resort() -> None:
    variant = _html('<meta property="og:site-name" content="Daily Example">')
    assert extract_metadata(parse_tree(variant)).site_name == "Daily Example"
    app = _html('<meta name="apple-mobile-web-app-title" content="Example">')
    assert extract_metadata(parse_tree(app)).site_name == "Example"
    both = _html(
        '<meta name="apple-mobile-web-app-title" content="Example">'
        "<title>Port opens | The Daily Example</title>",
        "<h1>Port opens</h1>",
    )
    assert extract_metadata(parse_tree(both)).site_name == "The Daily Example"
