"""Countries: ISO 3166-1 alpha-2 codes from names, demonyms, places and metonyms.

Every capitalised run is matched against the gazetteer, longest form first. A match does not
count when it is part of a person's name ("Jordan Henderson", later just "Jordan"), of an
organisation's name ("Biman Bangladesh Airlines", "Agence France-Presse"; state bodies such as
the "U.S. Department of Agriculture" do count) or of another name ("New South Wales", "Chinese
New Year"), nor when a demonym is a language ("translated into German"). "Georgia" is the US
state in an article that otherwise names the United States and nothing Georgian.
"""

from __future__ import annotations

from collections import Counter

from indexer.entities.gazetteer import Place, gazetteer
from indexer.entities.lexicon import ORG_HEADS, STATE_ORG_HEADS, STOPWORDS, title_words, word_set
from indexer.entities.runs import Run

_MAX_PLACE_WORDS = 4
_NOWHERE = Place("", "none")
# Evidence of the country Georgia, as opposed to the US state.
_GEORGIAN = frozenset({"Georgian", "Georgians", "Tbilisi", "Caucasus", "Abkhazia", "Batumi"})


def find_countries(runs: list[Run], text: str, person_words: set[str]) -> list[str]:
    """Country codes, the most mentioned first."""
    places = gazetteer()
    counts: Counter[str] = Counter()
    seen_words: set[str] = set()
    georgia = 0
    for run in runs:
        shouted = " ".join(run.texts).title()
        if run.dateline and run.texts[0].isupper() and places.get(shouted, _NOWHERE).code:
            counts[places[shouted].code] += 1  # "TROMSØ — …"
            continue
        for start, end, surface in _matches(run.texts, places):
            seen_words.add(surface)
            if not places[surface].code or _excluded(run, start, end, surface, text, person_words):
                continue
            if surface == "Georgia":
                georgia += 1
                continue
            counts[places[surface].code] += 1
    if georgia:
        us_context = counts["US"] and not seen_words & _GEORGIAN
        counts["US" if us_context else "GE"] += georgia
    return [code for code, _n in counts.most_common()]


def _matches(texts: list[str], places: dict[str, Place]) -> list[tuple[int, int, str]]:
    """Greedy longest matches of gazetteer forms inside one run."""
    out = []
    i = 0
    while i < len(texts):
        for size in range(min(_MAX_PLACE_WORDS, len(texts) - i), 0, -1):
            surface = " ".join(texts[i : i + size])
            if surface in places:
                out.append((i, i + size, surface))
                i += size
                break
        else:
            # "Russian-backed", "pro-Beijing": a place joined to a lower-case word.
            head, _, tail = texts[i].partition("-")
            if tail and head in places and tail[:1].islower():
                out.append((i, i + 1, head))
            elif head.lower() in _PREFIXES and tail in places:
                out.append((i, i + 1, tail))
            i += 1
    return out


def _excluded(
    run: Run, start: int, end: int, surface: str, text: str, person_words: set[str]
) -> bool:
    """True when the match names something other than the country here."""
    texts = run.texts
    place = gazetteer()[surface]
    if any(word in person_words for word in texts[start:end]):
        return True  # "Jordan Henderson", then "Jordan said"
    if any(_inside_longer_name(word) for word in texts[:start]):
        return True  # "Eureka Springs", "Baileys Irish Cream"
    if place.kind == "demonym" and (_language(run) or _modifies_a_name(texts, end)):
        return True  # "into German"; "Chinese New Year", "Turkish Airlines"
    last = run.words[end - 1]
    if text[last.end : last.end + 1] == "$":
        return True  # "US$"
    head = texts[-1].lower()
    if (end < len(texts) or start > 0) and head in ORG_HEADS and head not in STATE_ORG_HEADS:
        return True  # "Biman Bangladesh Airlines"; not "U.S. Department of Agriculture"
    if place.kind == "city" and end < len(texts) and head in _NAME_TAILS:
        return True  # "Washington Post", "New York Times"
    if end < len(texts) and head in _NATURAL_FEATURES:
        return True  # "South China Sea": a sea, not the country
    hyphenated = texts[end - 1]
    if (
        hyphenated.startswith(surface + "-")
        and hyphenated[len(surface) + 1 : len(surface) + 2].isupper()
    ):
        return True  # "Agence France-Presse"
    return place.kind == "city" and _common_word(surface, run, text)


def _modifies_a_name(texts: list[str], end: int) -> bool:
    """A demonym before another capitalised word that is no title ("Turkish President")."""
    if end >= len(texts):
        return False
    following = texts[end].lower()
    return following not in title_words() and following not in STATE_ORG_HEADS


# Prefixes that leave the place they are joined to a place ("pro-Beijing", "anti-American").
_PREFIXES = word_set("pro anti non ex post pre")

# Words before a place name that leave it a place ("northern Syria", "US-led").
_PLACE_MODIFIERS = word_set(
    """north south east west northern southern eastern western central northeast northwest
    southeast southwest northeastern northwestern southeastern southwestern greater upper lower
    former occupied"""
)


def _inside_longer_name(previous: str) -> bool:
    """The word before a match in the same run makes it part of another name."""
    word = previous.lower()
    return not (
        word in _PLACE_MODIFIERS
        or word in STOPWORDS
        or word in title_words()
        or previous in gazetteer()
    )


# Words before a language name ("in German", "speaks Russian").
_LANGUAGE_CUES = word_set("in into like speak speaks spoke speaking learn learning translated")


def _language(run: Run) -> bool:
    """A lone demonym after a language cue and before no noun is a language."""
    return (
        len(run.texts) == 1
        and run.before in _LANGUAGE_CUES
        and (not run.followed_by[:1].isalpha() or run.after in ("and", "or"))
    )


# Natural features named after a country are not that country.
_NATURAL_FEATURES = word_set("sea ocean gulf strait straits river desert mountains peninsula")

# Words that end names of things other than places ("Washington Post", "New York Times").
_NAME_TAILS = word_set("post times daily express mail herald airlines saint-germain")


def _common_word(surface: str, run: Run, text: str) -> bool:
    """A city name that is also an ordinary word ("Mobile", "Reading") at a sentence start."""
    return run.sentence_start and len(run.texts) == 1 and f" {surface.lower()} " in text
