"""Small text clean-ups shared by the HTML and plain-text parsers.

Both parsers normalise spaces and quotes the same way, so that a saved page and a pasted copy of
one article yield the same text (and, without a canonical URL, the same id).
"""

from __future__ import annotations

import re

# Matched by regex, not str.translate: translate looks every character of a non-ASCII text up in
# a dict, which made these two functions a tenth of the parse CPU.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_QUOTE_OF = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
}  # fmt: skip
_QUOTES = re.compile(f"[{''.join(_QUOTE_OF)}]")
_WORDS = re.compile(r"\w+")


def clean_spaces(text: str) -> str:
    """One line: non-breaking and other odd spaces become one plain space; invisible marks go."""
    return " ".join(_INVISIBLE.sub("", text).split())


def clean_paragraph(text: str) -> str:
    """A paragraph as Morgue stores it: plain spaces and straight quotes."""
    return _QUOTES.sub(lambda quote: _QUOTE_OF[quote[0]], clean_spaces(text))


def words(text: str) -> list[str]:
    """The word tokens of ``text`` (letters and digits, any script), lower-cased."""
    return _WORDS.findall(text.lower())


def same_text(a: str, b: str) -> bool:
    """Whether two strings say the same words (ignoring case, spacing and punctuation)."""
    return bool(a) and words(a) == words(b)
