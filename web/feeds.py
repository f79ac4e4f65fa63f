"""RSS feeds: ``/feeds/<token>.xml`` for a saved search, ``/feeds/search.xml?…`` for any search.

Each request searches afresh (an article added a moment ago is in the next response); a
conditional GET whose ETag or date still matches gets a 304 without building the feed.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from flask import Blueprint, Response, request, url_for
from werkzeug.http import is_resource_modified

from archive.results import SearchQuery
from web import rss
from web.context import get_index, get_saved, query_string, request_search, search_url
from web.templating import article_url

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

CONTENT_TYPE = "application/rss+xml; charset=utf-8"


def _describe(query: SearchQuery) -> str:
    return f"Articles matching “{query.text}”" if query.text else "Newest articles in the archive"


def _feed(key: str, title: str, query: SearchQuery) -> Response:
    feed_query = replace(query, sort="newest", page=1, per_page=rss.FEED_SIZE)
    hits = get_index().search(feed_query, facets=False).hits
    tag = rss.etag(title, hits)
    modified = get_saved().feed_modified(key, tag)
    headers = {"Cache-Control": "no-cache"}
    if not is_resource_modified(request.environ, etag=tag, last_modified=modified):
        response = Response(status=304, headers=headers)
    else:
        body = rss.build_rss(
            title=title,
            description=_describe(query),
            link=request.host_url.rstrip("/") + search_url(replace(query, page=1)),
            self_url=request.url,
            hits=hits,
            item_link=lambda article_id: article_url(article_id, _external=True),
            modified=modified,
        )
        response = Response(body, headers=headers, content_type=CONTENT_TYPE)
    response.set_etag(tag)
    response.last_modified = modified
    return response


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


def saved_feed_url(token: str) -> str:
    return url_for("feeds.saved_feed", token=token, _external=True)
