"""RSS feeds: ``/feeds/<token>.xml`` for a saved search, ``/feeds/search.xml?…`` for any search.

A feed is built once per change of the index and kept in a small in-process cache; a
conditional GET whose ETag or date still matches gets a 304 without searching. An article
added a moment ago changes the index folder, so the next request searches afresh.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime

from flask import Blueprint, Response, current_app, request
from werkzeug.http import is_resource_modified

from archive.results import SearchQuery
from web import rss
from web.context import get_index, get_saved, index_stamp, query_string, request_search, search_url
from web.names import describe
from web.templating import article_url

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

CONTENT_TYPE = "application/rss+xml; charset=utf-8"
# Built feeds kept per process.
CACHED_FEEDS = 256


@dataclass(frozen=True)
class BuiltFeed:
    stamp: str
    etag: str
    modified: datetime
    body: bytes


class FeedCache:
    """The most recently used feeds, each valid only for the index state it was built from."""

    def __init__(self, size: int = CACHED_FEEDS) -> None:
        self._feeds: OrderedDict[tuple, BuiltFeed] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple, stamp: str) -> BuiltFeed | None:
        with self._lock:
            feed = self._feeds.get(key)
            if feed is None or feed.stamp != stamp:
                return None
            self._feeds.move_to_end(key)
            return feed

    def put(self, key: tuple, feed: BuiltFeed) -> None:
        with self._lock:
            self._feeds[key] = feed
            self._feeds.move_to_end(key)
            while len(self._feeds) > self._size:
                self._feeds.popitem(last=False)


def _cache() -> FeedCache:
    return current_app.extensions.setdefault("morgue_feeds", FeedCache())


def _build(key: str, title: str, query: SearchQuery, stamp: str) -> BuiltFeed:
    feed_query = replace(query, sort="newest", page=1, per_page=rss.FEED_SIZE)
    hits = get_index().search(feed_query, facets=False).hits
    tag = rss.etag(title, hits)
    modified = get_saved().feed_modified(key, tag, stamp)
    body = rss.build_rss(
        title=title,
        description="Newest articles in Morgue for " + describe(query),
        link=request.host_url.rstrip("/") + search_url(replace(query, page=1)),
        self_url=request.url,
        hits=hits,
        item_link=lambda article_id: article_url(article_id, _external=True),
        modified=modified,
    )
    return BuiltFeed(stamp, tag, modified, body)


def _respond(etag: str, modified: datetime, body: bytes | None) -> Response:
    headers = {"Cache-Control": "no-cache"}
    if body is not None and is_resource_modified(
        request.environ, etag=etag, last_modified=modified
    ):
        response = Response(body, headers=headers, content_type=CONTENT_TYPE)
    else:
        response = Response(status=304, headers=headers)
    response.set_etag(etag)
    response.last_modified = modified
    return response


def _feed(key: str, title: str, query: SearchQuery) -> Response:
    """The feed, from this process's cache, else a 304 from the stored state when the index is
    unchanged since another process built it, else built afresh."""
    stamp = index_stamp()  # before searching: a commit during the build makes the next miss
    state_key = f"{key}|{title}"
    cache_key = (state_key, request.url)
    feed = _cache().get(cache_key, stamp)
    if feed is None:
        state = get_saved().feed_state(state_key)
        if (
            state is not None
            and state.stamp == stamp
            and not is_resource_modified(
                request.environ, etag=state.etag, last_modified=state.modified
            )
        ):
            return _respond(state.etag, state.modified, None)
        feed = _build(state_key, title, query, stamp)
        _cache().put(cache_key, feed)
    return _respond(feed.etag, feed.modified, feed.body)


@bp.get("/search.xml")
def search_feed():
    query = request_search()
    key = "search:" + hashlib.sha256(query_string(replace(query, page=1)).encode()).hexdigest()
    title = f"Morgue: {query.text}" if query.text else "Morgue: newest articles"
    return _feed(key, title, query)


@bp.get("/<token>.xml")
def saved_feed(token: str):
    saved = get_saved().by_feed_token(token)
    return _feed("saved:" + token, f"Morgue: {saved.name}", saved.search_query())
