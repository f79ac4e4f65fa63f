"""Small text clean-ups shared by the HTML and plain-text parsers.

Both parsers normalise spaces and quotes the same way, so that a saved page and a pasted copy of
one article yield the same text (and, without a canonical URL, the same id).
"""

from __future__ import annotations

import re

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    }
)  # fmt: skip
_SPACES = re.compile(r"[^\S\n]+")
_WORDS = re.compile(r"\w+")


def clean_spaces(text: str) -> str:
    """One line: non-breaking and other odd spaces become one plain space; invisible marks go."""
    return " ".join(text.translate(_INVISIBLE).split())


def clean_paragraph(text: str) -> str:
    """A paragraph as Morgue stores it: plain spaces and straight quotes."""
    return clean_spaces(text).translate(_QUOTES)


def words(text: str) -> list[str]:
    """The word tokens of ``text`` (letters and digits, any script), lower-cased."""
    return _WORDS.findall(text.lower())


def same_text(a: str, b: str) -> bool:
    """Whether two strings say the same words (ignoring case, spacing and punctuation)."""
    return bool(a) and words(a) == words(b)
