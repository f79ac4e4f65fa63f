"""The article page (``/articles/<id>``): the extracted text, escaped; never the original HTML."""

from __future__ import annotations

from flask import Blueprint, render_template

from archive.errors import NotFound
from web.context import get_index

bp = Blueprint("articles", __name__)


def load(article_id: str):
    """The article, its syndicated copies and similar articles; NotFound for an unknown id."""
    index = get_index()
    article = index.get(article_id)
    if article is None:
        raise NotFound(f"No article with the id {article_id!r} is in the archive.")
    return article, index.siblings(article_id), index.more_like_this(article_id)


@bp.get("/articles/<article_id:article_id>", merge_slashes=False)
def show(article_id: str):
    article, copies, similar = load(article_id)
    return render_template("article.html", article=article, copies=copies, similar=similar)
