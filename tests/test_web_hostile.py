"""The web front end against hostile requests and hostile articles, on a real index and SQLite.

* hypothesis over the URL parameters (and path ids) of every route: never a 500;
* markup in every field that reaches a page or a feed (title, standfirst, byline, body, captions
  and credits, persons, organisations, source, section, the query, a saved search's name) comes
  out escaped: on pages as text, in RSS as text that a reader renders as text;
* every form refuses a post without this session's CSRF token;
* ids and paths that try to climb out (``..``, encoded slashes) reach no file; the data folder
  (index, originals, secret key, saved searches) is never served;
* the admin token is compared in constant time (hmac.compare_digest), and only it or the
  search's own key deletes.
"""

from __future__ import annotations

import hmac
import html
import string
from pathlib import Path
from urllib.parse import quote, urlencode

import lxml.etree
import lxml.html
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from webdata import ADMIN_TOKEN, articles

from archive import Article, Caption, SearchQuery, open_index
from archive.saved import SavedSearches
from web import create_app

FIELDS = (
    "title",
    "standfirst",
    "body",
    "author",
    "caption",
    "credit",
    "person",
    "organization",
    "source",
    "section",
)


def payload(field: str) -> str:
    """Markup that would run if a page or a feed reader took it as HTML."""
    return f"<script>x_{field}()</script><img src=x onerror=y_{field}()>"


def escaped(field: str) -> str:
    """``payload(field)`` as HTML-escaped text (what a page must hold)."""
    return html.escape(payload(field), quote=False)


XSS_ID = 'xss:"><script>x_id()</script>'
XSS_ARTICLE = Article(
    id=XSS_ID,
    title=f"Harbour {payload('title')}",
    standfirst=f"Harbour {payload('standfirst')}",
    body=[f"Harbour workers met. {payload('body')}"],
    url="javascript:alert(1)",
    source=f"Source {payload('source')}",
    section=f"Section {payload('section')}",
    authors=[f"Author {payload('author')}"],
    captions=[Caption(f"Caption {payload('caption')}", f"Credit {payload('credit')}")],
    persons=[f"Person {payload('person')}"],
    countries=["FR"],
    organizations=[f"Org {payload('organization')}"],
)
SAVED_NAME = f"Name {payload('name')}"
# Markup whose words are all in XSS_ARTICLE, so that searches for it find the article.
QUERY = "harbour <script>onerror()</script><img src=x onerror=src()>"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-web") / "data"
    open_index(folder).upsert([*articles(), XSS_ARTICLE])
    (folder / "originals").mkdir(exist_ok=True)
    (folder / "originals" / "secret-original.html").write_text("ORIGINAL-NEVER-SERVED")
    return folder


@pytest.fixture(scope="module")
def app(data_dir: Path):
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": data_dir,
            "SECRET_KEY": "",  # generated and kept in the data folder, as in production
            "ADMIN_TOKEN": ADMIN_TOKEN,
            "RESULTS_PER_PAGE": 10,
            "MAX_QUERY_LENGTH": 500,
        }
    )


@pytest.fixture(scope="module")
def saved(data_dir: Path):
    """A saved search with a hostile name and query, made through the store."""
    store = SavedSearches(data_dir)
    try:
        return store.create(SAVED_NAME, SearchQuery(text=QUERY, sort="newest"))
    finally:
        store.close()


def text_of(response) -> str:
    return response.get_data(as_text=True)


def assert_no_markup(page: str) -> None:
    assert "<script>" not in page and "<img src=x" not in page, page[:2000]


def csrf(client, url: str = "/search?q=harbour") -> str:
    page = lxml.html.fromstring(client.get(url).data)
    return page.cssselect("input[name=csrf_token]")[0].get("value")


# -- never a 500 -----------------------------------------------------------------------------

PARAMS = [
    "q",
    "person",
    "country",
    "org",
    "source",
    "not_person",
    "not_country",
    "not_org",
    "not_source",
    "from",
    "to",
    "sort",
    "page",
    "per_page",
    "filter_person",
    "filter_country",
    "filter_org",
    "filter_source",
    "key",
    "name",
]
ROUTES = ["/", "/search", "/saved", "/feeds/search.xml", "/api/search", "/api/facets"]
HOSTILE_VALUES = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.text(alphabet=string.digits + "-+.eE ", max_size=12),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "10000000000000000000000",
            "NaN",
            "9999-99-99",
            "0000-01-01",
            "2021-02-30",
            "relevance",
            "NEWEST",
            "../../etc/passwd",
            "%00",
            "\x00",
            "a*",
            "con* pro* mar*",
            '"',
            "x" * 5000,
            payload("param"),
        ]
    ),
)
FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@seed(6)
@FUZZ
@given(
    route=st.sampled_from(ROUTES),
    args=st.lists(st.tuples(st.sampled_from(PARAMS) | st.text(max_size=8), HOSTILE_VALUES)),
)
def test_url_parameters_of_every_route_never_give_a_500(app, saved, route, args) -> None:
    client = app.test_client()
    for path in (route, f"/feeds/{saved.feed_token}.xml", f"/saved/{saved.id}/delete"):
        response = client.get(path + "?" + urlencode(args))
        assert response.status_code in (200, 304, 400, 404), (path, args, response.status_code)
        if response.status_code == 400 and path.startswith("/api/"):
            assert response.get_json()["error"]


@seed(6)
@FUZZ
@given(article_id=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1))
def test_ids_in_paths_never_give_a_500(app, article_id: str) -> None:
    client = app.test_client()
    encoded = quote(article_id, safe="/:@!$&'()*+,;=-._~")
    for path in (f"/articles/{encoded}", f"/api/articles/{encoded}", f"/feeds/{encoded}.xml"):
        response = client.get(path)
        assert response.status_code in (200, 404, 405, 308), (path, response.status_code)


@seed(6)
@FUZZ
@given(
    form=st.dictionaries(st.sampled_from([*PARAMS, "csrf_token"]), HOSTILE_VALUES, max_size=6),
    target=st.sampled_from(["/saved", "/saved/1/rename", "/saved/1/delete", "/saved/99/delete"]),
)
def test_hostile_form_posts_never_give_a_500(app, saved, form, target) -> None:
    client = app.test_client()
    response = client.post(target, data=form)
    assert response.status_code in (400, 403, 404, 405, 413), response.status_code


# -- escaping ----------------------------------------------------------------------------------


def test_article_page_escapes_every_field(app) -> None:
    client = app.test_client()
    response = client.get("/articles/" + quote(XSS_ID, safe=""))
    assert response.status_code == 200
    page = text_of(response)
    assert_no_markup(page)
    for field in FIELDS:
        assert escaped(field) in page, field
    assert "javascript:" not in page
    assert "<script>x_id" not in page


def test_search_page_escapes_hits_facets_query_and_chips(app) -> None:
    client = app.test_client()
    person = XSS_ARTICLE.persons[0]
    url = "/search?" + urlencode({"q": QUERY, "person": person, "source": XSS_ARTICLE.source})
    page = text_of(client.get(url))
    assert_no_markup(page)
    assert html.escape(QUERY, quote=False) in page
    for field in ("person", "source"):
        assert escaped(field) in page, field
    listing = text_of(client.get("/search?q=harbour"))
    assert_no_markup(listing)
    for field in ("title", "person", "organization", "source"):
        assert escaped(field) in listing, field


def test_saved_search_name_and_query_are_escaped(app, saved) -> None:
    client = app.test_client()
    for url in ("/saved", f"/saved/{saved.id}/delete"):
        page = text_of(client.get(url))
        assert_no_markup(page)
        assert escaped("name") in page, url


def feed_items(body: bytes) -> list:
    return lxml.etree.fromstring(body).findall("./channel/item")


@pytest.mark.parametrize("which", ["saved", "search"])
def test_feeds_carry_markup_as_text(app, saved, which: str) -> None:
    """RSS readers render an item's description as HTML: markup in an article must arrive
    HTML-escaped in it; titles, creators and categories are plain text (XML-escaped)."""
    client = app.test_client()
    if which == "saved":
        response = client.get(f"/feeds/{saved.feed_token}.xml")
    else:
        response = client.get("/feeds/search.xml?" + urlencode({"q": QUERY}))
    assert response.status_code == 200
    assert b"<script>" not in response.data and b"<img " not in response.data
    channel = lxml.etree.fromstring(response.data).find("channel")
    assert "<script>" not in channel.findtext("description")
    (item,) = [i for i in feed_items(response.data) if "Harbour" in i.findtext("title")]
    description = item.findtext("description")
    assert "<script" not in description and "<img" not in description
    assert escaped("standfirst") in description
    assert item.findtext("title") == XSS_ARTICLE.title
    dc = "{http://purl.org/dc/elements/1.1/}creator"
    assert item.findtext(dc) == XSS_ARTICLE.authors[0]
    assert XSS_ARTICLE.persons[0] in [c.text for c in item.findall("category")]


def test_json_api_is_served_as_json(app) -> None:
    client = app.test_client()
    for url in ("/api/search?" + urlencode({"q": QUERY}), "/api/articles/" + quote(XSS_ID)):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# -- CSRF ----------------------------------------------------------------------------------------


def form_posts(saved_id: int) -> list[tuple[str, dict]]:
    """Every form the site has, with the fields a real page would send."""
    return [
        ("/saved", {"name": "A search", "q": "harbour"}),
        (f"/saved/{saved_id}/rename", {"name": "Renamed"}),
        (f"/saved/{saved_id}/delete", {"key": ADMIN_TOKEN}),
    ]


def test_every_form_needs_this_sessions_csrf_token(app, data_dir) -> None:
    store = SavedSearches(data_dir)
    target = store.create("Target", SearchQuery(text="harbour"))
    store.close()
    client, other = app.test_client(), app.test_client()
    token, foreign = csrf(client), csrf(other)
    for url, fields in form_posts(target.id):
        for sent in ({}, {"csrf_token": ""}, {"csrf_token": "forged"}, {"csrf_token": foreign}):
            response = client.post(url, data={**fields, **sent})
            assert response.status_code == 400, (url, sent)
        query_token = client.post(f"{url}?csrf_token={quote(token)}", data=fields)
        assert query_token.status_code == 400, url  # only the form body counts
    store = SavedSearches(data_dir)
    try:
        kept = store.get(target.id)
        assert kept.name == "Target"
        assert [s.name for s in store.list()].count("A search") == 0
    finally:
        store.close()
    # With the session's own token each form works.
    for url, fields in form_posts(target.id):
        response = client.post(url, data={**fields, "csrf_token": token})
        assert response.status_code == 303, (url, text_of(response)[:300])


# -- paths, the data folder, the admin token -----------------------------------------------------


def test_nothing_under_the_data_folder_is_served(app, data_dir: Path) -> None:
    client = app.test_client()
    secrets = [p.read_bytes() for p in data_dir.rglob("*") if p.is_file() and "secret" in p.name]
    assert secrets  # the generated secret key and the planted original
    names = [str(p.relative_to(data_dir)) for p in data_dir.rglob("*") if p.is_file()]
    climbs = ["..", "..%2f..", "%2e%2e", "%2e%2e%2f%2e%2e", "..%5c..", "....//....", "static/.."]
    paths = []
    for name in names:
        paths += [f"/{name}", f"/data/{name}", f"/static/{name}", f"/static/../data/{name}"]
        paths += [f"/articles/{climb}/data/{name}" for climb in climbs]
        paths += [f"/static/{climb}/data/{name}" for climb in climbs]
        paths += [f"/feeds/{climb}%2fdata%2f{quote(name, safe='')}.xml" for climb in climbs]
    for path in paths:
        response = client.get(path, follow_redirects=True)
        assert response.status_code in (404, 400), (path, response.status_code)
        assert b"SQLite format 3" not in response.data, path
        assert b"ORIGINAL-NEVER-SERVED" not in response.data, path
        assert not any(secret in response.data for secret in secrets), path


def test_static_files_stay_in_the_static_folder(app) -> None:
    client = app.test_client()
    assert client.get("/static/style.css").status_code == 200
    for path in ("/static/../config.py", "/static/..%2fconfig.py", "/static/%2e%2e/config.py"):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 404, path
        assert b"MORGUE_" not in response.data, path


def test_admin_token_is_compared_in_constant_time(app, data_dir, monkeypatch) -> None:
    store = SavedSearches(data_dir)
    victim = store.create("Victim", SearchQuery(text="harbour"))
    store.close()
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    client = app.test_client()
    token = csrf(client)
    url = f"/saved/{victim.id}/delete"
    for wrong in ("", "a", ADMIN_TOKEN[:-1], ADMIN_TOKEN + "x", ADMIN_TOKEN.upper()):
        response = client.post(url, data={"key": wrong, "csrf_token": token})
        assert response.status_code in (400, 403), wrong
    assert any(ADMIN_TOKEN.encode() in pair for pair in compared)
    assert client.post(url, data={"key": ADMIN_TOKEN, "csrf_token": token}).status_code == 303
    store = SavedSearches(data_dir)
    try:
        assert victim.id not in {s.id for s in store.list()}
    finally:
        store.close()


def test_control_characters_in_a_query_still_give_a_valid_feed(app) -> None:
    """XML cannot hold them (the feed's title repeats the query): they are dropped, not a 500."""
    client = app.test_client()
    response = client.get("/feeds/search.xml?" + urlencode({"q": "harbour\x00\x1b\x0b\ufffe"}))
    assert response.status_code == 200
    channel = lxml.etree.fromstring(response.data).find("channel")
    assert channel.findtext("title") == "Morgue: harbour"
    assert feed_items(response.data)


def test_unicode_digits_in_page_numbers_are_a_clear_400(app) -> None:
    client = app.test_client()
    for url in ("/search?q=x&page=%C2%B2", "/api/search?q=x&per_page=%C2%B2"):
        assert client.get(url).status_code == 400
