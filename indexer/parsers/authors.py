"""Bylines to a clean list of author names.

Pages state authors as "By Jane Doe and John Roe", "Jane Doe, Senior Reporter", a profile URL,
a Twitter handle, "Staff" or the newspaper's own name. Only names of people (or a stated agency
byline when that is all there is) belong in ``Article.authors``.
"""

from __future__ import annotations

import re

from indexer.parsers.text_norm import clean_spaces

_PREFIX = re.compile(
    r"^(?:[^\W\d_]+\s+){0,2}?by\s*[:\-]?\s+"  # "By", "Written by", "Analysis by"
    r"|^(?:from|por|par|von|door|av|af|от|автор)\s*[:\-]?\s+"
    r"|^[^\W\d_]+\s*[:：]\s*",  # a label: "Author:", "Text:", "Texto:", "Текст:"
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*[,;|/•·&]\s*")
# Conjunctions only in lower case: "Jane E. Doe" keeps her initial.
_CONJUNCTIONS = re.compile(r"\s+(?:and|AND|und|et|y|e|en|и|og|och)\s+")
_URL_OR_HANDLE = re.compile(r"^(?:https?:|www\.|@)|\w\.[a-z]{2,6}(?:/|$)|@\w+\.", re.I)
# Words that name a role, a desk or an organisation rather than a person.
_NOT_A_PERSON = re.compile(
    r"\b(?:staff|desk|team|editors?|editorial|newsroom|reporters?|correspondents?|writers?|"
    r"contributors?|columnist|journalist|bureau|agency|agencies|news|press|media|online|"
    r"admin(?:istrator)?|redac\w*|redaç\w*|redaz\w*|redaktion|guest|updated|published|"
    r"foto|photos?|group|sputnik|interfax|anadolu|kyodo|yonhap|bernama|today|wire|service|"
    r"associated|reuters|xinhua|bloomberg|times|post|daily|гость|редакция|sport|business)\b"
    r"|기자|記者",
    re.IGNORECASE,
)
# Agencies by their initials, in capitals only ("Ani" and "Ria" are also first names).
_AGENCY = re.compile(r"\b(?:AP|AFP|ANI|ANSA|APA|DPA|EFE|IANS|PTI|RIA|TASS|UNI)\b")
_TRAILING_WEEKDAY = re.compile(r"\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b.*$", re.IGNORECASE)
_HAS_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W_]+")
_MAX_WORDS = 5
# Lower-case words that belong inside names ("Juan de la Cruz", "Ludwig van Beethoven").
_PARTICLES = {"de", "del", "della", "di", "da", "do", "dos", "das", "du", "la", "le", "van", "von",
              "der", "den", "ter", "bin", "ibn", "al", "el", "y", "e", "st"}  # fmt: skip
# Words a site name shares with ordinary names, not evidence that an author is the site.
_COMMON_SITE_WORDS = {"the", "of", "de", "la", "el", "le", "and", "new"}


def _titled(name: str) -> str:
    """Names written in capitals ("JANE DOE") in the usual case."""
    return name.title() if name.isupper() and len(name) > 3 else name


def _site_words(site_names: list[str]) -> set[str]:
    words = {word for site in site_names for word in _WORD.findall(site.casefold())}
    joined = {"".join(_WORD.findall(site.casefold())) for site in site_names}
    return {word for word in words | joined if len(word) > 2} - _COMMON_SITE_WORDS


def _is_person(name: str, site_words: set[str]) -> bool:
    """A plausible personal name: letters, a few words, not a handle, role, agency or the site."""
    if not _HAS_LETTER.search(name) or any(ch.isdigit() or ch in "()[]" for ch in name):
        return False
    if _URL_OR_HANDLE.search(name) or len(name.split()) > _MAX_WORDS:
        return False
    words = _WORD.findall(name.casefold())
    if len(words) == 1 and (name.islower() or (name.isupper() and len(name) <= 5)):
        return False  # a user name ("jdadmin") or initials of an agency or degree ("PTI", "MS")
    if site_words & ({*words} | {"".join(words)}):
        return False
    if any(word[0].islower() and word not in _PARTICLES for word in name.split()):
        return False  # "defense ministries": names are capitalised (in scripts that have case)
    if words[0] == "the":
        return False  # "The Water Coolest": a publication
    return not _NOT_A_PERSON.search(name) and not _AGENCY.search(name)


def _without_weekday(name: str) -> str:
    """ "Malcolm Owen Monday" (a byline run into its date line) → "Malcolm Owen"."""
    return _TRAILING_WEEKDAY.sub("", name)


def _split_conjunction(part: str) -> list[str]:
    """ "Ana Lima e João Silva" is two people; "José Volta e Pinto" is one (a one-word side)."""
    pieces = _CONJUNCTIONS.split(part)
    return pieces if all(len(piece.split()) >= 2 for piece in pieces) else [part]


def split_byline(byline: str) -> list[str]:
    """The parts of one byline string ("By Jane Doe and John Roe" → two names), uncleaned."""
    text = _PREFIX.sub("", clean_spaces(byline).strip(" .:-–—"))
    parts = [piece for part in _SEPARATORS.split(text) for piece in _split_conjunction(part)]
    return [part.strip(" .:-–—") for part in parts if part.strip(" .:-–—")]


def clean_authors(
    bylines: list[str], site_names: list[str] | None = None, *, min_words: int = 1
) -> list[str]:
    """Person names from raw byline values, in order, without duplicates.

    ``site_names`` (the site's name, its host name) are not people even when they sign a story.
    ``min_words`` 2 suits weak sources (a byline found by its class), where one word is more
    often a place or a user name than a person.
    """
    site_words = _site_words(site_names or [])
    names: list[str] = []
    seen: set[str] = set()
    for byline in bylines:
        if _URL_OR_HANDLE.search(byline.strip()):
            continue  # a profile link, not a name
        for part in split_byline(byline):
            name = _titled(_without_weekday(_PREFIX.sub("", part)))
            if len(name.split()) < min_words or name.casefold() in seen:
                continue
            if _is_person(name, site_words):
                seen.add(name.casefold())
                names.append(name)
    return names
