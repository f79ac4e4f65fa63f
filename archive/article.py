"""The Article model: what every parser produces and every other part of Morgue reads."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass
class Caption:
    """A photo caption with its credit split off ("AP Photo/Francisco Seco")."""

    text: str
    credit: str | None = None


@dataclass
class Article:
    """One clean news article.

    ``id`` is stable across re-ingestion: the canonical URL when the page states one, else a hash
    of the normalised text (see :func:`article_id`). ``published``/``updated`` are timezone-aware
    or None. ``countries`` holds ISO 3166-1 alpha-2 codes.
    """

    id: str
    title: str
    body: list[str]
    url: str | None = None
    source: str | None = None
    standfirst: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    section: str | None = None
    language: str | None = None
    captions: list[Caption] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Headline, standfirst, body and captions as one text, for entity extraction and search."""
        parts = [self.title, self.standfirst or "", *self.body, *(c.text for c in self.captions)]
        return "\n\n".join(p for p in parts if p)

    def to_dict(self) -> dict:
        """A JSON-ready dict (dates as ISO 8601 strings)."""
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        data["updated"] = self.updated.isoformat() if self.updated else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        """The inverse of :meth:`to_dict`."""
        data = dict(data)
        for key in ("published", "updated"):
            if data.get(key):
                data[key] = datetime.fromisoformat(data[key])
        data["captions"] = [Caption(**c) for c in data.get("captions") or []]
        return cls(**data)


_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Unicode NFKC, lower case, collapsed whitespace: the form two copies of one text share."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()


def article_id(canonical_url: str | None, title: str, body: list[str]) -> str:
    """The stable id: the canonical URL if known, else ``sha256:`` of the normalised text."""
    if canonical_url:
        return canonical_url
    digest = hashlib.sha256(normalise_text("\n".join([title, *body])).encode("utf-8"))
    return "sha256:" + digest.hexdigest()[:32]
