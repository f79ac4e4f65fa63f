"""Morgue's core library: the Article model, the store of originals, the index and search."""

from __future__ import annotations

from pathlib import Path

from archive.article import Article, Caption, article_id
from archive.errors import MorgueError, NotAnArticle, NotFound, QuerySyntax, UnreadableFile
from archive.index import ArticleIndex
from archive.results import SearchQuery

_OPEN: dict[Path, ArticleIndex] = {}


def open_index(data_dir: Path) -> ArticleIndex:
    """The index of the archive in ``data_dir`` (``<data_dir>/index``), shared within a process.

    Sharing keeps the per-segment arrays warm between searches of a long-running process. The
    index is opened afresh when its folder was deleted (``rebuild`` re-creates a damaged one).
    """
    key = Path(data_dir).resolve()
    if key not in _OPEN or not (key / "index").is_dir():
        _OPEN[key] = ArticleIndex(key / "index")
    return _OPEN[key]


def search(data_dir_or_index: Path | str | ArticleIndex, query: SearchQuery):
    """Run a search against an archive folder or an open index; returns :class:`Results`."""
    if isinstance(data_dir_or_index, ArticleIndex):
        return data_dir_or_index.search(query)
    return open_index(Path(data_dir_or_index)).search(query)


__all__ = [
    "Article",
    "ArticleIndex",
    "Caption",
    "article_id",
    "open_index",
    "search",
    "SearchQuery",
    "MorgueError",
    "NotAnArticle",
    "NotFound",
    "QuerySyntax",
    "UnreadableFile",
]
