"""RSS 2.0 for a search, built with feedgen (never by string templates).

Items: title, link to the article page, description (standfirst, else the snippet as text;
HTML-escaped, since readers render a description as HTML and an article's text may hold markup),
pubDate, guid (the article id), author (dc:creator: names without e-mail addresses) and one
category per person and country. The ETag is a hash of exactly what goes into the feed, so it
changes when and only when the feed would.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable
from datetime import datetime

from feedgen.feed import FeedGenerator

from archive.results import Hit
from web.names import country_name
from web.templating import plain_snippet

FEED_SIZE = 50


def etag(title: str, hits: list[Hit]) -> str:
    content = [title, [{**hit.to_json(), "score": None} for hit in hits]]
    data = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:32]


def build_rss(
    *,
    title: str,
    description: str,
    link: str,
    self_url: str,
    hits: list[Hit],
    item_link: Callable[[str], str],
    modified: datetime,
) -> bytes:
    feed = FeedGenerator()
    feed.load_extension("dc")
    feed.title(title)
    feed.description(html.escape(description))
    feed.link(href=link, rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language("en")
    feed.generator("Morgue")
    feed.lastBuildDate(modified)
    # feedgen writes entries in reverse order of adding: add the oldest first.
    for hit in reversed(hits):
        entry = feed.add_entry()
        entry.title(hit.title)
        entry.link(href=item_link(hit.id))
        entry.guid(hit.id, permalink=False)
        entry.description(html.escape(hit.standfirst or plain_snippet(hit.snippet) or hit.title))
        if hit.published:
            entry.pubDate(hit.published)
        for author in hit.authors:
            entry.dc.dc_creator(author)
        for person in hit.persons:
            entry.category(term=person, scheme="urn:morgue:person")
        for code in hit.countries:
            entry.category(term=code, label=country_name(code), scheme="urn:morgue:country")
    return feed.rss_str(pretty=True)
