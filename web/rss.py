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
import re
from collections.abc import Callable
from datetime import datetime

from feedgen.feed import FeedGenerator

from archive.results import Hit
from web.names import country_name
from web.templating import plain_snippet

FEED_SIZE = 50
# Characters XML 1.0 cannot hold (control characters typed into a query, say): dropped, or the
# feed could not be written at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


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
    feed.title(_xml(title))
    feed.description(html.escape(_xml(description)))
    feed.link(href=_xml(link), rel="alternate")
    feed.link(href=_xml(self_url), rel="self")
    feed.language("en")
    feed.generator("Morgue")
    feed.lastBuildDate(modified)
    # feedgen writes entries in reverse order of adding: add the oldest first.
    for hit in reversed(hits):
        entry = feed.add_entry()
        entry.title(_xml(hit.title))
        entry.link(href=_xml(item_link(hit.id)))
        entry.guid(_xml(hit.id), permalink=False)
        text = hit.standfirst or plain_snippet(hit.snippet) or hit.title
        entry.description(html.escape(_xml(text)))
        if hit.published:
            entry.pubDate(hit.published)
        for author in hit.authors:
            entry.dc.dc_creator(_xml(author))
        for person in hit.persons:
            entry.category(term=_xml(person), scheme="urn:morgue:person")
        for code in hit.countries:
            entry.category(term=code, label=country_name(code), scheme="urn:morgue:country")
    return feed.rss_str(pretty=True)
