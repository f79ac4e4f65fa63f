"""Organisations: acronyms and capitalised names ending in an organisation word.

"Nato" and "NATO" are one organisation (acronyms are written in capitals); "UN" and "United
Nations" are one when the acronym is the initials of a name in the same article.
"""

from __future__ import annotations

from collections import Counter

from indexer.entities.gazetteer import gazetteer
from indexer.entities.lexicon import ORG_HEADS, STOPWORDS, first_names, word_set
from indexer.entities.runs import Run

# Capitalised abbreviations that are not organisations.
_NOT_ORGS = word_set(
    """TV OK AM PM CEO CFO GDP ID PR IT AI DJ MP MEP PhD US UK USA UAE NB RIP FAQ DNA HIV GB MB
    KB TB PC PS VR AR EV SUV LED USB HD IPO USD EUR GBP JPY AUD CAD NOTOC
    AIDS COVID II III IV VI VII VIII IX XI XII BC AD UTC GMT EST PST BST CET DC"""
)


def find_organizations(
    runs: list[Run], text: str, person_spans: list[tuple[int, int]], lowercase: set[str]
) -> list[str]:
    """Organisation names, the most mentioned first.

    A name continues over "of" into the next run ("Department of Agriculture", "University of
    Helsinki"). A word in capitals that the text also writes in lower case, or that is a place
    or a first name in capitals ("FALLS", "MADRID"), is a shouted word, not an acronym.
    """
    counts: Counter[str] = Counter()
    places = gazetteer()
    person_starts = {start for start, _end in person_spans}
    for index, run in enumerate(runs):
        if run.start in person_starts or _continues(runs, index - 1, text):
            continue
        texts = list(run.texts)
        while texts and texts[0].lower() in STOPWORDS:
            texts = texts[1:]
        if not texts:
            continue
        if _continues(runs, index, text):
            following = " ".join(runs[index + 1].texts)
            name = f"{' '.join(texts)} {_joiner(runs, index, text)} {following}"
        else:
            name = _org_name(texts, text, places)
        if name and " " not in name and _shouted(name, places, lowercase):
            continue
        if name:
            counts[name] += 1
    return _merge_acronyms(counts)


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
    )


_OF = frozenset({"of", "of the", "for", "for the", "on"})


def _org_name(texts: list[str], text: str, places: dict) -> str | None:
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


def _merge_acronyms(counts: Counter[str]) -> list[str]:
    long_names = {_initials(name): name for name in counts if " " in name}
    merged: Counter[str] = Counter()
    for name, n in counts.items():
        merged[long_names.get(name, name)] += n
    return [name for name, _n in merged.most_common()]


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in STOPWORDS).upper()
