"""Morgue's core library: the Article model, the store of originals, the index and search."""

from archive.article import Article, Caption, article_id
from archive.errors import MorgueError, NotAnArticle, NotFound, QuerySyntax, UnreadableFile

__all__ = [
    "Article",
    "Caption",
    "article_id",
    "MorgueError",
    "NotAnArticle",
    "NotFound",
    "QuerySyntax",
    "UnreadableFile",
]
