"""The JSON API: the same searches as the pages, as data.

``/api/search`` answers exactly what ``python -m indexer search --json`` prints for the same
search; ``/api/facets`` is its facet part; ``/api/articles/<id>`` the article page's data.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from web.articles import load
from web.context import get_index, request_search

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    return jsonify(get_index().search(request_search()).to_json())


@bp.get("/facets")
def facets():
    data = get_index().search(request_search()).to_json()
    return jsonify({key: data[key] for key in ("total", "facets", "undated", "took_ms")})


@bp.get("/articles/<article_id:article_id>", merge_slashes=False)
def article(article_id: str):
    found, copies, similar = load(article_id)
    return jsonify(
        {
            "article": found.to_dict(),
            "copies": [hit.to_json() for hit in copies],
            "more_like_this": [hit.to_json() for hit in similar],
        }
    )
