"""Saved searches (CSRF, rename, delete with the secret link or the admin token) and RSS feeds
(feedparser, conditional GET, new articles on the next request), on a real index and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import feedparser
import lxml.html
from webdata import ADMIN_TOKEN, PORT_STRIKE_ID

from archive import Article, open_index
from archive.saved import SavedSearches

SAVE = {"name": "Dutch port strikes", "q": "port", "country": "NL", "not_person": "Klaus Weber"}


def csrf(client, url: str = "/search?q=port") -> str:
    page = lxml.html.fromstring(client.get(url).data)
    return page.cssselect("input[name=csrf_token]")[0].get("value")


def save(client, **fields) -> str:
    """Save a search through the form; returns the delete link shown once."""
    response = client.post("/saved", data={**SAVE, **fields, "csrf_token": csrf(client)})
    assert response.status_code == 303, response.data[:300]
    page = lxml.html.fromstring(client.get("/saved").data)
    return page.cssselect(".notice.keep a")[0].get("href")


def stored(archive_dir):
    store = SavedSearches(archive_dir)
    try:
        return store.list()
    finally:
        store.close()


def feed_url(archive_dir) -> str:
    return f"/feeds/{stored(archive_dir)[0].feed_token}.xml"


def test_saving_needs_a_csrf_token(client, archive_dir) -> None:
    client.get("/search?q=port")
    assert client.post("/saved", data=SAVE).status_code == 400
    forged = client.post("/saved", data={**SAVE, "csrf_token": "forged"})
    assert forged.status_code == 400
    assert "reload the page" in forged.get_data(as_text=True)
    assert stored(archive_dir) == []


def test_a_token_from_another_session_is_refused(app, client, archive_dir) -> None:
    token = csrf(client)
    other = app.test_client()
    other.get("/search?q=port")
    assert other.post("/saved", data={**SAVE, "csrf_token": token}).status_code == 400
    assert stored(archive_dir) == []


def test_save_stores_query_filters_and_sort(client, archive_dir) -> None:
    save(client, sort="oldest")
    (saved,) = stored(archive_dir)
    assert saved.name == "Dutch port strikes"
    assert saved.text == "port"
    assert saved.include == {"countries": ("NL",)}
    assert saved.exclude == {"persons": ("Klaus Weber",)}
    assert saved.sort == "oldest"
    assert len(saved.feed_token) >= 24
    page = lxml.html.fromstring(client.get("/saved").data)
    assert page.cssselect("table.saved th a")[0].text_content() == "Dutch port strikes"
    assert page.cssselect("table.saved a.rss")[0].get("href") == feed_url(archive_dir)
    summary = page.cssselect("table.saved td")[0].text_content()
    assert summary == "“port” · Netherlands · not Klaus Weber"


def test_save_without_a_name_is_a_clear_error(client, archive_dir) -> None:
    response = client.post("/saved", data={**SAVE, "name": "  ", "csrf_token": csrf(client)})
    assert response.status_code == 400
    assert "Give the saved search a name" in response.get_data(as_text=True)
    assert stored(archive_dir) == []


def test_rename_needs_csrf(client, archive_dir) -> None:
    save(client)
    saved_id = stored(archive_dir)[0].id
    url = f"/saved/{saved_id}/rename"
    assert client.post(url, data={"name": "Other"}).status_code == 400
    ok = client.post(url, data={"name": "Rotterdam strikes", "csrf_token": csrf(client)})
    assert ok.status_code == 303
    assert stored(archive_dir)[0].name == "Rotterdam strikes"
    assert (
        client.post("/saved/999/rename", data={"name": "x", "csrf_token": csrf(client)}).status_code
        == 404
    )


def test_delete_needs_the_secret_link_or_admin_token(app, client, archive_dir) -> None:
    delete_link = save(client)
    saved_id = stored(archive_dir)[0].id
    stranger = app.test_client()
    token = csrf(stranger)
    url = f"/saved/{saved_id}/delete"
    assert stranger.post(url, data={"key": "guess", "csrf_token": token}).status_code == 403
    assert stranger.post(url, data={"csrf_token": token}).status_code == 403
    assert len(stored(archive_dir)) == 1
    # The secret link shows a confirmation form carrying the key; posting it deletes.
    path = urlsplit(delete_link)
    confirm = lxml.html.fromstring(stranger.get(f"{path.path}?{path.query}").data)
    key = confirm.cssselect("input[name=key]")[0].get("value")
    assert stranger.post(url, data={"key": key}).status_code == 400  # still needs CSRF
    assert stranger.post(url, data={"key": key, "csrf_token": token}).status_code == 303
    assert stored(archive_dir) == []


def test_admin_token_deletes_any_saved_search(app, client, archive_dir) -> None:
    save(client)
    saved_id = stored(archive_dir)[0].id
    admin = app.test_client()
    data = {"key": ADMIN_TOKEN, "csrf_token": csrf(admin)}
    assert admin.post(f"/saved/{saved_id}/delete", data=data).status_code == 303
    assert stored(archive_dir) == []


def test_no_admin_token_configured_means_none_accepted(make_app, archive_dir) -> None:
    app = make_app(ADMIN_TOKEN="")
    owner = app.test_client()
    save(owner)
    saved_id = stored(archive_dir)[0].id
    stranger = app.test_client()
    data = {"key": "", "csrf_token": csrf(stranger)}
    assert stranger.post(f"/saved/{saved_id}/delete", data=data).status_code == 403


def test_the_creators_browser_can_delete_without_pasting_the_key(client, archive_dir) -> None:
    save(client)
    saved_id = stored(archive_dir)[0].id
    response = client.post(f"/saved/{saved_id}/delete", data={"csrf_token": csrf(client)})
    assert response.status_code == 303
    assert stored(archive_dir) == []


def test_saved_feed_is_valid_rss_with_every_field(client, archive_dir) -> None:
    save(client)
    response = client.get(feed_url(archive_dir))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0
    assert feed.version == "rss20"
    assert feed.feed.title == "Morgue: Dutch port strikes"
    # port + NL, Klaus Weber excluded: the Rotterdam and Antwerp stories, newest first.
    assert [e.title for e in feed.entries] == [
        "Antwerp dockers join the port strike",
        "Port strike halts Rotterdam terminals",
    ]
    rotterdam = feed.entries[1]
    assert rotterdam.id == PORT_STRIKE_ID
    assert rotterdam.link.startswith("http://localhost/articles/https://example.org/")
    assert rotterdam.description == "Dockers walked out over automation plans."
    assert rotterdam.published_parsed[:3] == (2021, 3, 5)
    assert rotterdam.author == "Lena Smit"
    terms = {t.term for t in rotterdam.tags}
    assert {"Anna de Vries", "Jan Bakker", "Netherlands"} <= terms
    # Without a standfirst the description is the snippet, as text.
    assert "strike" in feed.entries[0].description and "<mark>" not in feed.entries[0].description


def test_conditional_get_answers_304(client, archive_dir) -> None:
    save(client)
    url = feed_url(archive_dir)
    first = client.get(url)
    assert feedparser.parse(first.data).bozo == 0
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    since = client.get(url, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_new_article_appears_on_the_next_request(client, archive_dir) -> None:
    save(client)
    url = feed_url(archive_dir)
    first = client.get(url)
    assert feedparser.parse(first.data).bozo == 0
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    # An older publication date than everything in the feed: only the change time can tell.
    late = Article(
        id="late",
        title="Port strike archive piece from Amsterdam",
        body=["An older port strike in Amsterdam, indexed only now."],
        published=datetime(2020, 1, 2, tzinfo=UTC),
        countries=["NL"],
    )
    open_index(archive_dir).upsert([late])
    second = client.get(url, headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert second.status_code == 200
    assert second.headers["ETag"] != etag
    assert second.headers["Last-Modified"] != modified
    feed = feedparser.parse(second.data)
    assert feed.bozo == 0
    assert "late" in [e.id for e in feed.entries]
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 200


def test_ad_hoc_feed_for_any_search(client) -> None:
    page = lxml.html.fromstring(client.get("/search?q=strike&country=DE").data)
    href = page.cssselect("link[type='application/rss+xml']")[0].get("href")
    assert page.cssselect("a.rss")[0].get("href") == href
    feed = feedparser.parse(client.get(href).data)
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == ["Port strike spreads to Hamburg"]
    everything = feedparser.parse(client.get("/feeds/search.xml").data)
    assert everything.bozo == 0 and len(everything.entries) == 5


def test_unknown_feed_token_is_404(client) -> None:
    assert client.get("/feeds/not-a-token.xml").status_code == 404


def test_another_worker_answers_304_from_the_stored_state(make_app, client, archive_dir) -> None:
    save(client)
    url = feed_url(archive_dir)
    first = client.get(url)
    assert feedparser.parse(first.data).bozo == 0
    etag = first.headers["ETag"]
    other = make_app().test_client()  # a second process: its own, empty feed cache
    assert other.get(url, headers={"If-None-Match": etag}).status_code == 304
    open_index(archive_dir).upsert(
        [
            Article(
                id="new", title="Port strike in Delfzijl", body=["A port strike."], countries=["NL"]
            )
        ]
    )
    changed = other.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "new" in [e.id for e in feedparser.parse(changed.data).entries]
