"""The one test every parser applies before calling something an article."""

from __future__ import annotations

from archive.errors import NotAnArticle

# Fewer words than this is a stub, an error page or a list of links, not an article.
MIN_BODY_WORDS = 25
# Chinese and Japanese put no spaces between words: as many characters count as well.
MIN_BODY_CHARS = 200


def require_body(body: list[str]) -> None:
    """Raise :class:`NotAnArticle` unless ``body`` has enough words to be an article."""
    words = sum(len(p.split()) for p in body)
    if words < MIN_BODY_WORDS and sum(len(p) for p in body) < MIN_BODY_CHARS:
        raise NotAnArticle("no article text found (an empty page, an index or a list of links?)")
