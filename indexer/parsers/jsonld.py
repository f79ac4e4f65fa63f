"""JSON-LD blocks of a page: the publisher's own statement of headline, authors and dates.

Real pages wrap the article in ``@graph``, in lists, in ``mainEntity``, or next to BreadcrumbList
and Organization objects; some blocks are not even valid JSON (trailing commas, raw newlines,
HTML comments around them). We read what we can and never fail on a broken block.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator

from lxml.html import HtmlElement

_MAX_DEPTH = 6
_TRAILING_COMMA = re.compile(r",\s*([\]}])")
_COMMENT_WRAPPER = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[)|(?:-->|//\s*\]\]>)\s*$")
# Objects that carry an article's metadata, in the order we trust them.
_ARTICLE_TYPES = ("newsarticle", "reportagenewsarticle", "analysisnewsarticle", "article",
                  "blogposting", "liveblogposting", "report", "socialmediaposting")  # fmt: skip
_PAGE_TYPES = ("webpage", "itempage")


def _load(text: str) -> object:
    text = _COMMENT_WRAPPER.sub("", text.strip())
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(attempt, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _walk(node: object, depth: int = 0) -> Iterator[dict]:
    """Every JSON object in ``node``, outer ones first (breadth before depth within a level)."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            if key in node:
                yield from _walk(node[key], depth + 1)


def types_of(obj: dict) -> list[str]:
    """The lower-cased ``@type`` names of an object (a string or a list in JSON-LD)."""
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return [v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)]


def jsonld_objects(scripts: Iterable[HtmlElement]) -> list[dict]:
    """All objects from a page's ``application/ld+json`` scripts, in document order."""
    objects: list[dict] = []
    for script in scripts:
        objects.extend(_walk(_load(script.text or "")))
    return objects


def resolve_references(value: object, objects: list[dict]) -> object:
    """``value`` with its ``{"@id": …}`` references replaced by the objects they name.

    Yoast-style ``@graph`` blocks state an author or publisher once, as a Person or Organization
    node, and point to it from the article by ``@id`` alone. A reference nothing resolves stays
    as it is (and names nobody).
    """
    by_id = {obj["@id"]: obj for obj in objects
             if isinstance(obj.get("@id"), str) and len(obj) > 1}  # fmt: skip

    def resolved(item: object) -> object:
        if isinstance(item, dict) and set(item) <= {"@id", "@type"}:
            return by_id.get(item.get("@id"), item)
        return item

    return [resolved(item) for item in value] if isinstance(value, list) else resolved(value)


def _rank(obj: dict) -> int | None:
    kinds = types_of(obj)
    for rank, name in enumerate(_ARTICLE_TYPES):
        if name in kinds:
            return rank
    if any(kind.endswith(("article", "posting")) for kind in kinds):
        return len(_ARTICLE_TYPES)
    if any(kind in _PAGE_TYPES for kind in kinds):
        return len(_ARTICLE_TYPES) + 1
    return None


def article_object(objects: list[dict]) -> dict | None:
    """The object that describes the article itself (a news article before a plain web page)."""
    ranked = [(rank, index, obj) for index, obj in enumerate(objects)
              if (rank := _rank(obj)) is not None]  # fmt: skip
    return min(ranked, key=lambda item: item[:2])[2] if ranked else None


def first_of_type(objects: list[dict], *names: str) -> dict | None:
    """The first object whose type is one of ``names`` (lower case)."""
    return next((obj for obj in objects if set(types_of(obj)) & set(names)), None)


def text_values(value: object) -> list[str]:
    """Strings from a JSON-LD value: a string, a ``{"name": …}`` object, or a list of either."""
    if isinstance(value, str):
        return [html.unescape(value) if "&" in value else value]  # "Jos&#xE9;" in some CMSs
    if isinstance(value, dict):
        return text_values(value.get("name") or value.get("@value"))
    if isinstance(value, list):
        return [text for item in value for text in text_values(item)]
    return []


def first_text(value: object) -> str | None:
    """The first non-empty string in a JSON-LD value."""
    return next((text.strip() for text in text_values(value) if text.strip()), None)


def image_captions(obj: dict) -> list[str]:
    """Captions of the images the article object lists."""
    images = obj.get("image")
    images = images if isinstance(images, list) else [images]
    captions = []
    for image in images:
        if isinstance(image, dict):
            caption = first_text(image.get("caption") or image.get("description"))
            if caption:
                captions.append(caption)
    return captions
