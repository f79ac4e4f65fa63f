"""Per-request access to the archive, in the manner of flaskr's ``get_db``.

The index is shared by the whole process (``archive.open_index`` keeps it warm between requests
and sees every new commit); the saved-search database is opened per request on ``g`` and closed
on teardown.
"""

from __future__ import annotations

import hashlib
import os
from urllib.parse import urlencode

from flask import current_app, g, request, url_for

from archive import ArticleIndex, datadir, open_index
from archive.results import SearchQuery
from archive.saved import SavedSearches
from web import params


def get_index() -> ArticleIndex:
    """The process's index; waitress's threads search it at once (each reads through its own
    Whoosh searcher, see archive.index.snapshot)."""
    return open_index(current_app.config["DATA_DIR"])


def index_stamp() -> str:
    """Changes whenever the index does: a commit adds and removes files in the index folder.

    Cheap enough to check on every request, and the same in every worker process, so that
    caches (feeds) never serve an old index.
    """
    folder = datadir.index_dir(current_app.config["DATA_DIR"])
    try:
        state = f"{os.stat(folder).st_mtime_ns}:{sorted(os.listdir(folder))}"
    except FileNotFoundError:
        return ""
    return hashlib.sha256(state.encode("utf-8")).hexdigest()[:24]


def get_saved() -> SavedSearches:
    if "saved" not in g:
        g.saved = SavedSearches(current_app.config["DATA_DIR"])
    return g.saved


def close_saved(_error: BaseException | None = None) -> None:
    saved = g.pop("saved", None)
    if saved is not None:
        saved.close()


def request_search(args=None) -> SearchQuery:
    """The search asked for by the request's query string (or the given form); BadParameter."""
    return params.parse_search(
        request.args if args is None else args,
        per_page=current_app.config["RESULTS_PER_PAGE"],
        max_query_length=current_app.config["MAX_QUERY_LENGTH"],
    )


def query_string(query: SearchQuery) -> str:
    return urlencode(
        params.search_args(query, default_per_page=current_app.config["RESULTS_PER_PAGE"])
    )


def search_url(query: SearchQuery, endpoint: str = "search.search", **values) -> str:
    """The URL of ``endpoint`` with the search as its query string."""
    qs = query_string(query)
    base = url_for(endpoint, **values)
    return f"{base}?{qs}" if qs else base
