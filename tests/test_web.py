"""The web front end on a real index in tmp_path, through Flask's test client.

Search page, facets, exclusion, date drill-down, article page, errors, JSON API and security
headers. Saved searches and feeds are in test_web_saved.py.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from webdata import PORT_STRIKE_ID, SCRIPT_TITLE

import config
from archive import SearchQuery, open_index, search
from archive.results import FacetValue, Results
from web.context import search_url
from web.facets import SHOWN, sidebar
from web.templating import article_url


def tree(response):
    assert response.status_code == 200, response.data[:500]
    return lxml.html.fromstring(response.data)


def total(page) -> int:
    return int(page.cssselect("[data-total]")[0].text_content().replace(",", ""))


def facet_values(page, facet: str) -> dict[str, dict]:
    """Label -> {count, href, classes} of one facet's listed values."""
    out = {}
    for item in page.cssselect(f"#facet-{facet} .fv"):
        toggle = item.cssselect(".fv-toggle")[0]
        out[item.cssselect(".fv-label")[0].text_content()] = {
            "count": item.cssselect(".fv-count")[0].text_content(),
            "href": toggle.get("href"),
            "not": (item.cssselect(".fv-not") or [None])[0],
            "classes": item.get("class"),
        }
    return out


def hit_titles(page) -> list[str]:
    return [a.text_content() for a in page.cssselect(".hit h3 a")]


def test_search_page_shows_hits_count_and_highlights(client) -> None:
    page = tree(client.get("/search?q=port+strike"))
    assert total(page) == 3
    assert "Port strike halts Rotterdam terminals" in hit_titles(page)
    marks = [m.text_content().lower() for m in page.cssselect(".snippet mark")]
    assert "strike" in marks
    # Country chips under the hits use names, not codes.
    chips = [a.text_content() for a in page.cssselect(".hit .tag-country")]
    assert "Netherlands" in chips and "NL" not in chips


def test_empty_query_lists_everything_newest_first(client) -> None:
    page = tree(client.get("/"))
    assert total(page) == 5
    assert hit_titles(page)[0] == SCRIPT_TITLE  # 2023, the newest
    assert page.cssselect(".sort .is-current")[0].text_content() == "Newest"


def test_person_facet_narrows_and_counts(client) -> None:
    page = tree(client.get("/search?q=port"))
    people = facet_values(page, "persons")
    assert people["Jan Bakker"]["count"] == "2"
    assert people["Klaus Weber"]["count"] == "1"
    narrowed = tree(client.get(people["Jan Bakker"]["href"]))
    assert total(narrowed) == 2
    selected = facet_values(narrowed, "persons")["Jan Bakker"]
    assert "is-selected" in selected["classes"]
    # OR within a facet: adding a second person widens again; unselecting is the same link.
    both = tree(client.get(facet_values(narrowed, "persons")["Klaus Weber"]["href"]))
    assert total(both) == 3
    assert total(tree(client.get(selected["href"]))) == 3
    # The chip removes the filter.
    chip = narrowed.cssselect(".chips a.chip")[0]
    assert "Jan Bakker" in chip.text_content()
    assert total(tree(client.get(chip.get("href")))) == 3


def test_facets_and_across_facets(client) -> None:
    page = tree(client.get("/search?q=port&person=Jan+Bakker&country=BE"))
    assert hit_titles(page) == ["Antwerp dockers join the port strike"]


def test_exclusion_removes_a_country(client) -> None:
    page = tree(client.get("/search?q=port"))
    germany = facet_values(page, "countries")["Germany"]
    excluded = tree(client.get(germany["not"].get("href")))
    assert total(excluded) == 2
    assert "Port strike spreads to Hamburg" not in hit_titles(excluded)
    value = facet_values(excluded, "countries")["Germany"]
    assert "is-excluded" in value["classes"]
    chip = excluded.cssselect(".chips a.chip-not")[0]
    assert "Germany" in chip.text_content()
    # The excluded value's own link admits it again.
    assert total(tree(client.get(value["href"]))) == 3
    assert parse_qs(urlsplit(germany["not"].get("href")).query)["not_country"] == ["DE"]


def test_show_more_is_a_link_that_lists_the_facet(app, client) -> None:
    # Fifteen persons: SHOWN are listed, the others behind a "show more" link.
    persons = [FacetValue(f"Person {i:02d}", 30 - i) for i in range(15)]
    query = SearchQuery(text="port", include={"persons": ("Person 12",)})
    results = Results(query, 30, [], {"persons": persons})
    with app.test_request_context():
        collapsed = sidebar(results, search_url, {}).facets[0]
        assert [v.label for v in collapsed.shown][:2] == ["Person 12", "Person 00"]
        assert len(collapsed.shown) == SHOWN and collapsed.more_count == 15 - SHOWN
        assert collapsed.fewer_url is None
        link = urlsplit(collapsed.more_url)
        assert parse_qs(link.query)["more"] == ["person"] and link.fragment == "facet-persons"
        expanded = sidebar(results, search_url, {}, ("person",)).facets[0]
        assert len(expanded.shown) == 15 and expanded.more_url is None
        assert "more=" not in expanded.fewer_url
    # Unknown or repeated parameters are dropped from the links.
    with app.test_request_context():
        odd = sidebar(results, search_url, {}, ("person", "person", "<x>")).facets[0]
        assert parse_qs(urlsplit(odd.fewer_url).query).get("more") is None
    # Through the app: the parameter is accepted; no link when every value is listed.
    page = tree(client.get("/search?q=port&more=person&more=%3Cx%3E"))
    assert "Jan Bakker" in facet_values(page, "persons")
    assert not page.cssselect("#facet-persons .more a")


def test_date_chart_drills_down_from_years_to_months(client) -> None:
    page = tree(client.get("/"))
    bars = {a.get("aria-label"): a.get("href") for a in page.cssselect(".chart svg a")}
    assert "2021: 2 articles" in bars
    assert "1 undated" in page.cssselect(".chart figcaption")[0].text_content()
    year = tree(client.get(bars["2021: 2 articles"]))
    assert total(year) == 2
    ticks = [t.text_content() for t in year.cssselect(".chart text.tick")]
    assert ticks[0] == "Jan" and len(year.cssselect(".chart text.tick")) >= 6
    months = {a.get("aria-label"): a.get("href") for a in year.cssselect(".chart svg a")}
    assert set(months) == {"March 2021: 1 article", "April 2021: 1 article"}
    march = tree(client.get(months["March 2021: 1 article"]))
    assert hit_titles(march) == ["Port strike halts Rotterdam terminals"]
    args = parse_qs(urlsplit(months["March 2021: 1 article"]).query)
    assert args["from"] == ["2021-03-01"] and args["to"] == ["2021-03-31"]
    # The from/to inputs hold the range.
    assert march.cssselect("input#from")[0].get("value") == "2021-03-01"


def test_partial_dates_and_bad_dates(client) -> None:
    assert total(tree(client.get("/search?from=2022&to=2022-07"))) == 1
    for bad, words in [
        ("from=2021-02-30", "not a date"),
        ("to=yesterday", "not a date"),
        ("from=2022-01-01&to=2021-01-01", "after the end date"),
    ]:
        response = client.get(f"/search?{bad}")
        assert response.status_code == 400
        assert words in response.get_data(as_text=True)


def test_bad_page_numbers_get_a_clear_message(client) -> None:
    for bad in ("abc", "0", "-1", "99999999"):
        response = client.get(f"/search?q=port&page={bad}")
        assert response.status_code == 400
        assert "page number must be a whole number" in response.get_data(as_text=True)
    past = client.get("/search?q=port&page=40")
    assert past.status_code == 200
    assert "There is no page 40" in past.get_data(as_text=True)


def test_pagination_links(client) -> None:
    page = tree(client.get("/search?per_page=2"))
    links = {a.text_content(): a.get("href") for a in page.cssselect(".pages a")}
    assert set(links) >= {"2", "3", "Next ›"}
    second = tree(client.get(links["Next ›"]))
    assert len(hit_titles(second)) == 2
    assert second.cssselect(".pages .is-current")[0].text_content() == "2"


def test_query_length_is_limited(app, client) -> None:
    limit = app.config["MAX_QUERY_LENGTH"]
    response = client.get("/search", query_string={"q": "a" * (limit + 1)})
    assert response.status_code == 400
    assert f"at most {limit}" in response.get_data(as_text=True)
    assert client.get("/api/search", query_string={"q": "a" * (limit + 1)}).status_code == 400


def test_did_you_mean(client) -> None:
    page = tree(client.get("/search?q=rotterdum"))
    link = page.cssselect(".suggest a")[0]
    assert link.text_content() == "rotterdam"
    assert total(tree(client.get(link.get("href")))) == 2  # headline and body


def test_facet_filter_box_works_without_javascript(client) -> None:
    page = tree(client.get("/search?filter_person=bak"))
    assert list(facet_values(page, "persons")) == ["Jan Bakker"]
    assert page.cssselect("#filter_person")[0].get("value") == "bak"


def test_article_page_escapes_everything(app, client) -> None:
    with app.test_request_context():
        url = article_url("sha256:script")
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html  # the article's stated URL is not an http(s) link


def test_article_page_with_a_url_id(app, client) -> None:
    with app.test_request_context():
        url = article_url(PORT_STRIKE_ID)
    assert "%3F" in url and "%23" in url  # ? and # must not end the path
    page = tree(client.get(url))
    assert page.cssselect("article h1")[0].text_content() == "Port strike halts Rotterdam terminals"
    assert page.cssselect(".standfirst")[0].text_content().startswith("Dockers")
    assert "Lena Smit" in page.cssselect(".byline")[0].text_content()
    assert "Crane operators at the Maasvlakte" in page.cssselect(".captions li")[0].text_content()
    people = {a.text_content(): a.get("href") for a in page.cssselect(".article-side .tag")}
    assert total(tree(client.get(people["Jan Bakker"]))) == 2
    assert "Netherlands" in people
    assert page.cssselect(".original a")[0].get("href") == PORT_STRIKE_ID


def test_unknown_article_is_a_404_page(client) -> None:
    response = client.get("/articles/https://nowhere.example/none")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "No article with the id" in text and "Traceback" not in text
    assert client.get("/no/such/page").status_code == 404


def test_unexpected_errors_show_no_stack_trace(make_app) -> None:
    app = make_app()

    def broken():
        raise RuntimeError("secret internals")

    app.add_url_rule("/broken", "broken", broken)
    app.add_url_rule("/api/broken", "api_broken", broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert "unexpected problem" in text
    api = app.test_client().get("/api/broken")
    assert api.status_code == 500 and api.get_json()["status"] == 500


def test_api_search_is_the_cli_json(app, client, archive_dir, run_indexer) -> None:
    api = client.get("/api/search?q=port&country=NL&sort=oldest").get_json()
    code, out, err = run_indexer(
        "search", "port", "--country", "NL", "--sort", "oldest", "--json", "--data-dir", archive_dir
    )
    assert code == 0, err
    cli = json.loads(out)
    api.pop("took_ms"), cli.pop("took_ms")
    assert api == cli
    assert api["total"] == 2
    assert set(api["facets"]) == {
        "persons",
        "countries",
        "organizations",
        "sources",
        "years",
        "months",
    }


def test_api_search_same_as_archive(client, archive_dir) -> None:
    api = client.get("/search".replace("/search", "/api/search") + "?person=Jan+Bakker").get_json()
    expected = search(
        archive_dir, SearchQuery(include={"persons": ("Jan Bakker",)}, sort="newest")
    ).to_json()
    api.pop("took_ms"), expected.pop("took_ms")
    assert api == expected


def test_api_facets_and_article(app, client) -> None:
    facets = client.get("/api/facets?q=port").get_json()
    assert set(facets) == {"total", "facets", "undated", "took_ms"}
    persons = {v["value"]: v["count"] for v in facets["facets"]["persons"]}
    assert persons["Jan Bakker"] == 2
    with app.test_request_context():
        url = "/api" + article_url(PORT_STRIKE_ID)
    article = client.get(url).get_json()
    assert set(article) == {"article", "copies", "more_like_this"}
    assert article["article"]["id"] == PORT_STRIKE_ID
    assert article["article"]["published"].startswith("2021-03-05")
    missing = client.get("/api/articles/nope")
    assert missing.status_code == 404
    assert missing.get_json() == {
        "error": "No article with the id 'nope' is in the archive.",
        "status": 404,
    }
    assert client.get("/api/search?page=x").get_json()["status"] == 400


@pytest.mark.parametrize(
    "url", ["/", "/search?q=port", "/api/search", "/feeds/search.xml", "/nope"]
)
def test_security_headers(client, url: str) -> None:
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_every_control_has_a_label(client) -> None:
    page = tree(client.get("/search?q=port"))
    controls = page.cssselect("input:not([type=hidden]), select, textarea")
    assert controls
    labelled = {label.get("for") for label in page.cssselect("label")}
    for control in controls:
        assert control.get("id") in labelled or control.get("aria-label"), lxml.html.tostring(
            control
        )


def test_search_urls_round_trip(app) -> None:
    query = SearchQuery(
        text="port",
        include={"persons": ("Jan Bakker",), "countries": ("NL", "BE")},
        exclude={"sources": ("Meridian Daily",)},
        date_from=date(2021, 1, 1),
        date_to=date(2021, 6, 30),
        sort="oldest",
        page=3,
        per_page=app.config["RESULTS_PER_PAGE"],
    )
    with app.test_request_context():
        url = search_url(query)
    with app.test_request_context(url):
        from web.context import request_search

        assert request_search() == query


def test_secret_key_is_generated_once_and_private(make_app, archive_dir) -> None:
    first = make_app(SECRET_KEY="").secret_key
    assert make_app(SECRET_KEY="").secret_key == first
    key_file = archive_dir / "secret_key"
    assert key_file.stat().st_mode & 0o077 == 0
    assert open_index(archive_dir).count() == 5


def test_python_m_web_serves_with_workers(archive_dir) -> None:
    """`python -m web` prints its address and answers there (two worker processes)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "web", "--port", str(port), "--data-dir", str(archive_dir)]
    server = subprocess.Popen(
        [*command, "--workers", "2"], cwd=config.REPO_ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert f"http://127.0.0.1:{port}/" in server.stdout.readline()
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=port") as r:
                    assert json.load(r)["total"] == 3
                    # each request a new connection, taken by an idle worker (web/server.py)
                    assert r.headers["Connection"] == "close"
                    break
            except urllib.error.URLError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.2)
    finally:
        server.terminate()
        assert server.wait(timeout=10) == 0
