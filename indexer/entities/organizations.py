"""Organisations: acronyms and capitalised names ending in an organisation word.

One organisation is one facet value: "Nato" and "NATO" are one (acronyms are written in
capitals); an acronym is its long name when it is the initials of a name in the same article, or
when the article introduces it in parentheses ("the Atlantic Ports Alliance (APA)"). The major
international organisations, named either way in different articles, always take one form
("UN" → "United Nations").
"""

from __future__ import annotations

from collections import Counter

import regex

from indexer.entities.gazetteer import gazetteer
from indexer.entities.lexicon import ORG_HEADS, STOPWORDS, first_names, word_set
from indexer.entities.runs import Run

# Capitalised abbreviations that are not organisations.
_NOT_ORGS = word_set(
    """TV OK AM PM CEO CFO GDP ID PR IT AI DJ MP MEP PhD US UK USA UAE NB RIP FAQ DNA HIV GB MB
    KB TB PC PS VR AR EV SUV LED USB HD IPO USD EUR GBP JPY AUD CAD NOTOC
    AIDS COVID II III IV VI VII VIII IX XI XII BC AD UTC GMT EST PST BST CET DC"""
)

# The form a well-known organisation takes in the facet, whichever way an article names it.
WELL_KNOWN = {
    "UN": "United Nations",
    "U.N.": "United Nations",
    "EU": "European Union",
    "E.U.": "European Union",
    "Nato": "NATO",
    "North Atlantic Treaty Organization": "NATO",
    "North Atlantic Treaty Organisation": "NATO",
    "World Health Organisation": "World Health Organization",
    "WHO": "World Health Organization",
    "IMF": "International Monetary Fund",
    "WTO": "World Trade Organization",
    "World Trade Organisation": "World Trade Organization",
    "IAEA": "International Atomic Energy Agency",
    "Unesco": "UNESCO",
    "Unicef": "UNICEF",
    "Opec": "OPEC",
    "Asean": "ASEAN",
    "Ecowas": "ECOWAS",
    "Economic Community of West African States": "ECOWAS",
}
# "the Atlantic Ports Alliance (APA)": an acronym introduced right after its name.
_INTRODUCED = regex.compile(r"[ \t]*\((\p{Lu}{2,8})\)")


def find_organizations(
    runs: list[Run], text: str, person_spans: list[tuple[int, int]], lowercase: set[str]
) -> list[str]:
    """Organisation names, the most mentioned first.

    A name continues over "of" into the next run ("Department of Agriculture", "University of
    Helsinki"). A word in capitals that the text also writes in lower case, or that is a place
    or a first name in capitals ("FALLS", "MADRID"), is a shouted word, not an acronym.
    """
    counts: Counter[str] = Counter()
    introduced: dict[str, str] = {}
    places = gazetteer()
    person_starts = {start for start, _end in person_spans}
    for index, run in enumerate(runs):
        if run.start in person_starts or run.dateline or _continues(runs, index - 1, text):
            continue  # a dateline ("GHENT — …") names a place
        texts = list(run.texts)
        while texts and texts[0].lower() in STOPWORDS:
            texts = texts[1:]
        if not texts:
            continue
        following = _before_person(runs[index + 1], person_starts) if index + 1 < len(runs) else ""
        if following and _continues(runs, index, text):
            name = f"{' '.join(texts)} {_joiner(runs, index, text)} {following}"
        else:
            name = _org_name(texts, text, places)
        if name and " " not in name and _shouted(name, places, lowercase):
            continue
        if name:
            counts[name] += 1
            acronym = _INTRODUCED.match(text, run.end)
            if acronym and " " in name:
                introduced[acronym.group(1)] = name
    return _merge_acronyms(counts, introduced)


def _before_person(run: Run, person_starts: set[int]) -> str:
    """The words of ``run`` before a person's name ("Texas Arlington" of "University of Texas
    Arlington Amneh Jafari")."""
    words = []
    for word in run.words:
        if word.start in person_starts:
            break
        words.append(word.text)
    return " ".join(words)


def _joiner(runs: list[Run], index: int, text: str) -> str:
    return " ".join(text[runs[index].end : runs[index + 1].start].split())


def _continues(runs: list[Run], index: int, text: str) -> bool:
    """The run at ``index`` ends in an organisation word followed by "of" and another run."""
    if index < 0 or index + 1 >= len(runs):
        return False
    return (
        runs[index].texts[-1].lower() in ORG_HEADS
        and _joiner(runs, index, text) in _OF
        and not runs[index].possessive
        and runs[index + 1].texts[0].lower() not in STOPWORDS  # "Commission on Tuesday"
    )


_OF = frozenset({"of", "of the", "for", "for the", "on"})


def _org_name(texts: list[str], text: str, places: dict) -> str | None:
    if " ".join(texts) in WELL_KNOWN:
        return " ".join(texts)
    if texts[-1].lower() in ORG_HEADS and len(texts) > 1 and " ".join(texts) not in places:
        return " ".join(texts)
    if len(texts) == 1:
        word = texts[0].split("-")[0]
        if _acronym(word, text) and word not in places and word.upper() not in _NOT_ORGS:
            return word.upper()
    return None


def _shouted(word: str, places: dict, lowercase: set[str]) -> bool:
    bare = word.lower()
    return bare in lowercase or word.title() in places or bare in first_names()


def _acronym(word: str, text: str) -> bool:
    """All capitals ("NATO"), or a capitalised form whose capitals also appear ("Nato")."""
    if 2 <= len(word) <= 6 and word.isalpha():
        return word.isupper() or (word[0].isupper() and f" {word.upper()}" in text)
    return False


def _merge_acronyms(counts: Counter[str], introduced: dict[str, str]) -> list[str]:
    long_names = {_initials(name): name for name in counts if " " in name} | introduced
    merged: Counter[str] = Counter()
    for name, n in counts.items():
        name = long_names.get(name, name)
        merged[WELL_KNOWN.get(name, name)] += n
    return [name for name, _n in merged.most_common()]


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in STOPWORDS).upper()
