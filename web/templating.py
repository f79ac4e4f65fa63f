"""Template filters: dates for people, country names, article links, snippets.

Snippets come from the archive as HTML (text escaped, matches in ``<mark>``); they are rebuilt
here from their text so that nothing but ``<mark>`` can ever reach the page.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import Flask, url_for
from markupsafe import Markup, escape

from archive.results import SearchQuery
from web.context import search_url
from web.names import country_name, describe

_MARK = re.compile(r"(</?mark>)")


def safe_snippet(snippet: str | None) -> Markup:
    """Only ``<mark>`` survives: every other part is unescaped and escaped again."""
    parts = []
    for part in _MARK.split(snippet or ""):
        if part in ("<mark>", "</mark>"):
            parts.append(part)
        else:
            parts.append(str(escape(html.unescape(part))))
    return Markup("".join(parts))


def plain_snippet(snippet: str | None) -> str:
    """A snippet as plain text (for feeds)."""
    return html.unescape(_MARK.sub("", snippet or "")).strip()


def long_date(value: datetime | date | None) -> str:
    if value is None:
        return "undated"
    return f"{value.day} {value:%B %Y}"


def web_link(url: str | None) -> str | None:
    """An http(s) URL, or None: an article's stated URL must never become a javascript: link."""
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        return url
    return None


def article_url(article_id: str, **values) -> str:
    return url_for("articles.show", article_id=article_id, **values)


def filter_url(facet: str, value: str) -> str:
    """A new search for everything about one person, country, organisation or source."""
    return search_url(SearchQuery(include={facet: (value,)}, sort="newest"))


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        snippet=safe_snippet,
        long_date=long_date,
        country_name=country_name,
        web_link=web_link,
    )
    app.jinja_env.globals.update(article_url=article_url, filter_url=filter_url, describe=describe)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
