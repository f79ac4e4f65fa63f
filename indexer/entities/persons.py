"""Persons: names in capitalised runs, with titles cut and short mentions resolved.

A run is a person when, after cutting everything up to its last title word ("Nato Secretary
General Jens Stoltenberg" → "Jens Stoltenberg"), it has two to five name words and

* starts with a known first name (one that is an everyday English word, as "Star", only beside
  a family name or a cue), or
* follows a title or role ("writer Aner Shalev") or has one in apposition ("K.C. Maurer, chief
  financial officer"), or is the speaker of a quotation ("…, said Barack Obama"), or its
  surname also stands alone elsewhere in the text ("… Lukaku scored"), or
* has the shape of a romanised East Asian name ("Kim Jong-un", "Hui Chi-fung"), or
* is two words mid-sentence, the last a family name of the lists, neither an everyday word
  ("Zinedine Zidane").

No name word may be one the text also writes in lower case (an ordinary word, not a name;
a listed family name after a first name is spared), nor end a name of an organisation, place,
event or work. A single word is a person only after an honorific ("Mr Stoltenberg"), or as a
first or family name of the name lists that speaks ("…, Rebecca said", "said Connolly"),
stands beside a person noun ("his wife, Kimberly") or the speaker ("Rebecca and I") or leads a
government ("the Trump administration"), and only when no fuller name of the same article ends
or starts with it. Shorter mentions ("Stoltenberg", "Recep Erdogan" beside "Recep Tayyip
Erdogan") fold into the fullest form.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex

from indexer.entities.gazetteer import all_city_names, city_names, gazetteer
from indexer.entities.lexicon import (
    HONORIFICS,
    ORG_HEADS,
    PARTICLES,
    PLACE_HEADS,
    STOPWORDS,
    STORMS,
    THING_HEADS,
    english_words,
    first_names,
    last_names,
    nickname_of,
    title_words,
    word_set,
)
from indexer.entities.runs import Run

# Words that make the run before or after them the speaker of a quotation.
SPEECH_VERBS = word_set(
    """said says told tells added adds explained explains wrote writes argued argues noted notes
    stated states asked asks replied replies claimed claims announced announces insisted
    insists warned warns recalled recalls testified admitted denied believes believed
    thinks thought who whose scored vowed resigned apologised apologized pleaded"""
)
_SPEECH_BEFORE = word_set("said says told according by with interviews interviewed met meets")
# "Kim Jong-un", "Hui Chi-fung", "Hwang Hee-Chan": a short family name then a hyphenated given name.
_EAST_ASIAN = regex.compile(r"\p{Lu}\p{Ll}{1,4} \p{Lu}\p{Ll}{1,5}-\p{L}\p{Ll}{1,5}")
# "R-Texas", "D-Calif.": a US politician's party and state, not a name.
_PARTY_STATE = regex.compile(r"[RDI]-\p{Lu}[\p{L}.]*")
# A capital inside a word, except after name prefixes ("McConnell", "DeSantis", "MacArthur").
_CAMEL = regex.compile(r"(?<!^(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|O))(?<=\p{Ll})\p{Lu}")
_ACRONYM_PLURAL = regex.compile(r"\p{Lu}{2,}s")
# Ends of hyphenated adjectives, unlike East Asian given names ("Chi-fung").
_ADJECTIVE_TAILS = ("ed", "born", "style", "made", "wide", "free", "like", "winner")
_AGE = regex.compile(r",\s?\d{1,3},")
_INITIAL = regex.compile(r"(?:\p{Lu}\.)+|\p{Lu}")
_MAX_NAME_WORDS = 5
_SUFFIXES = word_set("jr sr ii iii iv")
_COMPASS = word_set("north south east west northern southern eastern western central")
# Given names that are also the Arabic article ("Al Gore" but "Al Jazeera", "Al Qaeda").
_ARTICLE_NAMES = word_set("al el")
_NOT_NAME_ENDS = ORG_HEADS | PLACE_HEADS | THING_HEADS | STOPWORDS


@dataclass(frozen=True)
class Mention:
    """A run taken as a person: the name words, and whether they make a full name."""

    run: Run
    parts: tuple[str, ...]
    full: bool
    given_only: bool = False  # a single word without honorific ("Rebecca said")


def find_mentions(runs: list[Run], lowercase: set[str]) -> list[Mention]:
    """Every run that names a person, with titles and role words cut."""
    alone = {
        run.texts[0]
        for run in runs
        if len(run.texts) == 1 and (not run.sentence_start or run.after in SPEECH_VERBS)
    }
    alone |= _honorific_surnames(runs) | _east_asian_family_names(runs)
    companies = {" ".join(run.texts) for run in runs if _company(run)}
    storms = _storm_names(runs)
    listed = _listed_persons(runs)
    mentions = []
    for run in runs:
        texts = run.texts
        if " ".join(texts) in companies or (run.lower_before and run.before in _WORK_NOUNS):
            continue
        suffix = texts[-1:] if len(texts) > 2 and _is_suffix(texts[-1]) else []
        # Checked without "Jr.", named with it.
        parts, titled, honorific = _strip_titles(
            texts[: len(texts) - len(suffix)], run.before, run.sentence_start
        )
        if parts and parts[-1] in storms and not (len(parts) > 1 and _known_given_name(parts[0])):
            continue  # "T C Phailin" or "Katrina" after "Cyclone Phailin"; not "Steve Harvey"
        if len(parts) > 2 and _known_given_name(parts[0]) and _trailing_role(parts[-1]):
            parts = parts[:-1]  # "Luke Combs Producer"
        if not parts or len(parts) > _MAX_NAME_WORDS:
            continue
        family = _family_names_of(parts, run, titled)
        if not _plausible(parts, lowercase - family, titled, family):
            continue
        if len(parts) > 2 and _EAST_ASIAN.fullmatch(" ".join(parts[-2:])):
            parts = parts[-2:]  # "Pan-democrat Lam Cheuk-ting"
        if len(parts) > 2 and parts[0] in city_names() and _not_a_given_name(parts[0], parts[1]):
            parts = parts[1:]  # "Washington Chris Gregoire"; not "George W. Bush"
        if len(parts) >= 2:
            if _is_full_name(parts, run, titled, alone, lowercase):
                mentions.append(Mention(run, tuple(parts + suffix), True))
        elif honorific and parts[0][0].isupper() and parts[0].lower() not in lowercase:
            mentions.append(Mention(run, tuple(parts), False))
        elif _single_name_word(parts[0], run, lowercase) and (
            run in listed or _lone_name(parts[0], run, lowercase)
        ):
            mentions.append(Mention(run, tuple(parts), False, given_only=True))
    return mentions


# Nouns that make the name after them a work or a product ("the 1969 film Easy Rider", "her
# graphic novel Angel Catbird", "the browser Mozilla Firefox").
_WORK_NOUNS = word_set(
    """film movie novel book album song single play opera musical series sitcom documentary
    painting sculpture poem game app browser magazine newspaper brand model ship vessel"""
)
# Nouns that make the name beside them a business, never a person ("the terminal operator,
# Atlântico Terminais"; "Minera Cordillera Sur, a company owned by …"). Nouns that may also name
# a person's trade ("producer", "manufacturer") are left out.
_COMPANY_NOUNS = word_set(
    """company companies firm operator carrier subsidiary conglomerate startup start-up
    consortium insurer lender brand chain"""
)
# Other bodies, named right after the noun in lower case ("the localist group Civic Passion",
# "the religious schools Santo Spirito"); not "New People Party's Michael Tien".
_BODY_NOUNS = word_set(
    """group groups party parties movement band charity school schools church churches
    hospital club association organisation organization"""
)
_COMPANY_APPOSITION = regex.compile(
    r",\s+(?:a|an|the)\s+(?:[\p{L}-]+\s+){0,3}?(\p{Ll}[\p{L}-]*)(?=\s+(?:of|owned|based|that|"
    r"which|in|with|whose|founded|run|controlled)\b|[,.;])"
)


def _company(run: Run) -> bool:
    """A name beside a business noun: after "operator," or followed by ", a company …", or
    right after the noun of another body ("the group Civic Passion")."""
    named = run.before in _COMPANY_NOUNS or (run.lower_before and run.before in _BODY_NOUNS)
    if named and _title_word(run.texts[0]) not in title_words():
        return True  # but "company CEO Andy Vesey"
    apposition = _COMPANY_APPOSITION.match(run.followed_by)
    return apposition is not None and apposition.group(1) in _COMPANY_NOUNS


def _honorific_surnames(runs: list[Run]) -> set[str]:
    """Surnames after an honorific ("Mr Fathy"): the full name ending in one is a person."""
    out = set()
    for run in runs:
        if len(run.texts) == 2 and _title_word(run.texts[0]) in HONORIFICS:
            out.add(run.texts[1])
        elif len(run.texts) == 1 and _title_word(run.before) in HONORIFICS:
            out.add(run.texts[0])
    return out


def _east_asian_family_names(runs: list[Run]) -> set[str]:
    """Family names of romanised East Asian names ("Leung" of "Leung Kwok-hung"), which also
    end names with an English given name ("Baggio Leung", "Starry Lee"); not "Abu" of "Abu
    Abdul-Rahman", whose second part is capitalised."""
    return {
        run.texts[-2]
        for run in runs
        if len(run.texts) > 1
        and _EAST_ASIAN.fullmatch(" ".join(run.texts[-2:]))
        and run.texts[-1].partition("-")[2][:1].islower()
        and run.texts[-2].lower() not in PARTICLES
    }


def _family_names_of(parts: list[str], run: Run, titled: bool) -> set[str]:
    """A surname that is also an ordinary word ("Mike Brown", "Chuck Close", "Rick Santorum"),
    after a known first name and on the family name list or beside a title or quotation; a
    function word only beside a title or quotation ("councillor Wilson Or", "by James To")."""
    if len(parts) != 2 or not _known_given_name(parts[0]):
        return set()
    family = parts[-1].lower()
    cue = titled or _speaker(run)
    if family in STOPWORDS:
        ordinary_given = parts[0].lower() in english_words()
        dated = run.followed_by[:1].isdigit()  # "St. Louis August 30"
        return {family} if cue and not (ordinary_given or dated or run.sentence_start) else set()
    return {family} if family in last_names() or cue else set()


def _storm_names(runs: list[Run]) -> set[str]:
    """Names a storm carries in the article ("Cyclone Phailin", "Hurricane Maria")."""
    return {
        texts[index + 1]
        for texts in (run.texts for run in runs)
        for index in range(len(texts) - 1)
        if texts[index].lower() in STORMS
    }


def _trailing_role(word: str) -> bool:
    """A role word after a name ("Producer", "Directors") that is no family name ("King")."""
    bare = _title_word(word)
    return bare.removesuffix("s") in title_words() and bare not in last_names()


def _not_a_given_name(word: str, following: str) -> bool:
    return word.lower() not in first_names() or following.lower() in first_names()


def _is_suffix(word: str) -> bool:
    return word.rstrip(".").lower() in _SUFFIXES


def surname(parts: tuple[str, ...]) -> str:
    """The last name word, a generational suffix left out ("King" of "Martin Luther King Jr.")."""
    return parts[-2] if len(parts) > 2 and _is_suffix(parts[-1]) else parts[-1]


def _lone_name(word: str, run: Run, lowercase: set[str]) -> bool:
    """A single word (one that passed :func:`_single_name_word`) that names a person without
    an honorific: a first or family name of the name lists as a speaker ("…, Rebecca said",
    "said Connolly"), in apposition to a person noun ("his wife, Kimberly", "the woman Eva"),
    or before the government it leads ("the Trump administration", "the Monti government")."""
    given = word.lower() in first_names()
    family = word.lower() in last_names()
    if given and not run.sentence_start and _speaker(run):
        return True
    if not (given or family):
        return _leads_government(word, run, family)
    if run.before in _PERSON_NOUNS:
        return not run.sentence_start
    if _WITH_ME.match(run.followed_by):
        return True  # "Rebecca and I put it together"
    quoted = run.after in _SAID or (run.before in _SAID and not run.sentence_start)
    return (quoted and run.before not in _PREPOSITIONS) or _leads_government(word, run, family)


# "the ancient gods, such as Zeus, Hera and Athena", "writers including Austen and Twain".
_LIST_OPENER = regex.compile(r"\b(\p{Ll}+),?\s+(?:such\s+as|including|like|namely)\s+$")
_LIST_WORDS = word_set("as including like namely")
_LIST_SEPARATOR = regex.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)$")
# Plural nouns of persons that open such lists; "players" and "figures" are left out ("financial
# players like Fortress", "figures such as GDP").
_PERSON_GROUPS = word_set(
    """gods goddesses deities heroes heroines characters saints prophets writers authors poets
    novelists playwrights philosophers thinkers artists painters sculptors composers singers
    musicians rappers actors actresses comedians directors politicians leaders presidents
    dictators kings queens emperors scientists inventors athletes footballers"""
)


def _listed_persons(runs: list[Run]) -> set[Run]:
    """Runs in a list that a plural person noun opens ("the ancient gods, such as Zeus, Hera,
    Poseidon and Athena"): every item of it names a person."""
    out: set[Run] = set()
    previous: Run | None = None
    for run in runs:
        opener = run.before in _LIST_WORDS and _LIST_OPENER.search(run.preceded_by)
        if opener and opener.group(1) in _PERSON_GROUPS:
            out.add(run)
        elif previous in out:
            separator = _LIST_SEPARATOR.search(run.preceded_by)
            if separator is not None and run.start - len(separator.group()) == previous.end:
                out.add(run)
        previous = run
    return out


def _single_name_word(word: str, run: Run, lowercase: set[str]) -> bool:
    """A single word that may be a name: capitalised, not an acronym, a place, a word the text
    also writes in lower case or one that ends names of organisations."""
    return (
        len(run.texts) == 1
        and len(word) > 2
        and word[0].isupper()
        and not word.isupper()
        and word.lower() not in lowercase
        and word.lower() not in _NOT_NAME_ENDS
        and word not in gazetteer()
        and word not in city_names()
        and not _CAMEL.search(word)
    )


# Nouns a person's name stands in apposition to ("his wife, Kimberly", "the man Adam").
_PERSON_NOUNS = word_set(
    "man woman boy girl child baby daughter son wife husband brother sister friend mother father"
)
_WITH_ME = regex.compile(r"and (?:I|me)\b")
# Speech verbs only: "who" or "with" beside a single word name companies as often as persons.
_SAID = word_set("said says told added explained asked replied recalled wrote argued insisted")
# "officials in Florence said": the word before the verb is then a place.
_PREPOSITIONS = word_set("in at from of to on for near")


def _leads_government(word: str, run: Run, family: bool) -> bool:
    """ "the Trump administration"; "the Monti government" only for a family name of the lists
    ("the Punjab government", "the Conservative government" are not persons)."""
    if run.before != "the" or (word in all_city_names() and not family):
        return False
    return run.after == "administration" or (run.after == "government" and family)


def _is_full_name(
    parts: list[str], run: Run, titled: bool, alone: set[str], lowercase: set[str]
) -> bool:
    given = next((p for p in parts if not _INITIAL.fullmatch(p)), "")
    if _family_name_first(parts):
        given = parts[1]  # "Nguyen Van Hung"
    cue = titled or _speaker(run) or parts[-1] in alone or _role_apposition(run)
    if _known_given_name(given):
        # A first name that is also an ordinary word here ("Winter") needs a cue, and one that
        # is an everyday English word ("Star Wars", "Little Women") a cue or a family name.
        if given.lower() in english_words() and not cue:
            return parts[-1].lower() in last_names()
        return given.lower() not in lowercase or cue
    if _EAST_ASIAN.fullmatch(" ".join(parts[-2:])):
        return True
    if titled or _speaker(run) or _role_apposition(run):
        return True
    # A product is named after its maker, which also stands alone ("Google Stadia", then
    # "Google" and "Stadia"); a person's name ends in a family name ("LeBron James").
    if parts[-1] in alone and (parts[0] not in alone or _listed_name(parts[-1])):
        return True
    return (
        len(parts) == 2
        and not run.sentence_start
        and parts[-1].lower() in last_names()
        and parts[-1].lower() not in first_names()
        and not any(_everyday_word(part) for part in parts)
        and parts[0].lower() not in last_names()
        and parts[0].lower() not in PARTICLES
        and parts[0] not in alone
    )


def _everyday_word(word: str) -> bool:
    """An everyday English word or its plural ("Arts", "Downs")."""
    bare = word.lower()
    return bare in english_words() or bare.removesuffix("s") in english_words()


def _listed_name(word: str) -> bool:
    return word.lower() in last_names() or word.lower() in first_names()


def _known_given_name(word: str) -> bool:
    """A first name of the name lists, or a compound of them ("Pierre-Hugues", "Jean-Luc")."""
    return all(part.lower() in first_names() for part in word.split("-"))


def _family_name_first(parts: list[str]) -> bool:
    """Family name, middle name, given name, as Vietnamese names are written ("Tran Van Hung"):
    a known family name, then two known given names, the last of them no family name."""
    return (
        len(parts) == 3
        and parts[0].lower() in last_names()
        and parts[0].lower() not in first_names()
        and parts[1].lower() in first_names()
        and parts[2].lower() in first_names()
        and parts[2].lower() not in last_names()
    )


def _strip_titles(
    texts: list[str], before: str, sentence_start: bool
) -> tuple[list[str], bool, bool]:
    """Cut stopwords, places, a sentence's first adverb and everything up to the last title word.

    Returns the name words, whether a title or role precedes them and whether that is an
    honorific that may stand before a surname alone.
    """
    titles = title_words()
    places = gazetteer()
    honorific = _title_word(before) in HONORIFICS
    role = before if before in titles else before.removesuffix("s")  # "photographers Ansel Adams"
    titled = honorific or (role in titles and role not in STOPWORDS)
    last_title = -1
    for index, word in enumerate(texts[:-1]):  # a title word at the end is a surname ("Baker")
        bare = _title_word(word)
        if (
            bare in titles
            or bare.removesuffix("s") in titles  # "Suspects Mancao"
            or any(p in titles for p in bare.split("-")[1:])
        ):
            last_title = index
    if last_title >= 0:
        honorific = any(p in HONORIFICS for p in _title_word(texts[last_title]).split("-"))
        titled = True
        texts = texts[last_title + 1 :]
    first = texts[0] if texts else ""
    after_place = False
    while texts and (
        texts[0].lower() in STOPWORDS
        or texts[0].lower() in _COMPASS
        or texts[0] in places
        or (after_place and texts[0] in city_names())  # "Texas Arlington Amneh Jafari"
        or (sentence_start and texts[0] == first and _adverb(first))  # not "Rosaly Lopes"
        or _leading_modifier(texts[0])
    ):
        if _given_name_first(texts):
            break
        after_place = texts[0] in places
        texts = texts[1:]
    # A misspelt or unknown role word before a known first name ("Presidnet Recep Erdogan"),
    # not a family name written first ("Nguyen Van Hung", "Tran Thi Lan").
    for index in range(1, len(texts) - 1):
        if (
            texts[index].lower() in first_names()
            and not _name_like(texts[:index])
            and not _family_name_first(texts[index - 1 :])
        ):
            prefix = " ".join(texts[: index + 1])
            place = prefix in city_names() or prefix in places  # "New York Islanders"
            texts = texts[index + 1 if place else index :]
            break
    return texts, titled, honorific


def _given_name_first(texts: list[str]) -> bool:
    """A place name that is also a first name, before a surname ("Jordan Henderson"), not
    before another name ("Washington Chris Gregoire", "Arlington Amneh Jafari") nor before a
    plural that is no family name, as teams are named ("Cleveland Browns")."""
    return (
        len(texts) == 2
        and texts[0].lower() in first_names()
        and texts[1] not in gazetteer()
        and texts[1].lower() not in STOPWORDS
        and not _INITIAL.fullmatch(texts[1])
        and not (texts[1].endswith("s") and texts[1].lower() not in last_names())
    )


def _adverb(word: str) -> bool:
    """ "Currently", "Getting" at a sentence start; not "Emily", "Kelly" or "Irving"."""
    return len(word) > 4 and word.endswith(("ly", "ing")) and word.lower() not in first_names()


def _compound_adjective(word: str) -> bool:
    """ "NBA-leading", "Kremlin-backed", "US-made": a modifier, never part of a name."""
    _head, _, tail = word.partition("-")
    ending = tail.endswith(_ADJECTIVE_TAILS) or (len(tail) > 5 and tail.endswith("ing"))
    return tail[:1].islower() and ending  # but "Lam Cheuk-ting", "Yau Wai-ching"


def _leading_modifier(word: str) -> bool:
    """A compound adjective, or a compound of English words, before a name: "Day-by-day
    Schiff", "Next-generation Nissan Sentra" (but "Moon Jae-in" ends in one)."""
    _head, _, tail = word.partition("-")
    return _compound_adjective(word) or (
        tail[:1].islower() and ("-" in tail or tail in english_words())
    )


def _title_word(word: str) -> str:
    return word.lower().rstrip(".")


def _name_like(words: list[str]) -> bool:
    return all(
        w.lower() in first_names() or w.lower() in PARTICLES or _INITIAL.fullmatch(w) for w in words
    )


def _plausible(parts: list[str], lowercase: set[str], titled: bool, family: set[str]) -> bool:
    """Rejects names of organisations, places, events and runs made of ordinary words; a
    ``family`` name after a known first name may be an ordinary word ("Mike Brown") or a
    function word ("Wilson Or")."""
    places = gazetteer()
    joined = " ".join(parts)
    last = parts[-1].rstrip(".").split("-")[-1]  # "France-Presse"; not "Jae-in"
    head = (last if last[:1].isupper() else parts[-1].rstrip(".")).lower()
    spared = head in family and head in STOPWORDS
    if (head in _NOT_NAME_ENDS and not spared) or joined in places or joined in city_names():
        return False  # "… Airlines", "Agence France-Presse", "Santa Clara"
    if len(parts) > 1 and joined in all_city_names():
        return False  # "Beni Suef", "Ben Tre"
    if parts[0].lower() in _ARTICLE_NAMES and parts[-1].lower() not in last_names():
        return False  # "Al Jazeera"; but "Al Gore"
    if len(parts) > 1 and _INITIAL.fullmatch(parts[-1].rstrip(".")):
        return False  # "Washington D.C."
    if parts[-1] in places and parts[0].lower() not in first_names() and not titled:
        return False  # "Southern Indiana"; but "Valeska Paris"
    head, _, tail = parts[-1].partition("-")
    if _compound_adjective(parts[-1]) or (tail[:1].islower() and head.lower() in _NOT_NAME_ENDS):
        return False  # "Booker Prize-winner", "New York-listed", "South Dakota-sized"
    if _EAST_ASIAN.fullmatch(" ".join(parts)):
        return True  # "Park Joo-ho": a family name may be an English word
    if _PARTY_STATE.fullmatch(parts[-1]) or (
        parts[0].lower() in _NOT_NAME_ENDS and parts[0].lower() not in first_names()
    ):
        return False  # "Cyclone Phailin", "R-Texas"; but "Bill Clinton"
    if parts[-1].lower() in title_words() and parts[0].lower() not in first_names():
        return False  # "Department Spokesperson"; but "James Baker"
    first_place = places.get(parts[0])
    if (
        first_place is not None
        and first_place.kind in ("state", "city")
        and all(p in places or p in city_names() for p in parts)
    ):
        return False  # "Texas Austin"
    if _place_adjective(parts[-1]):
        return False  # "West African", "Southeast Asian"
    for index, part in enumerate(parts):
        if _CAMEL.search(part) or _ACRONYM_PLURAL.fullmatch(part):
            return False  # "MattBevin" (a handle), "NoemSouth" (joined text), "SUVs"
        place = places.get(part)
        country_word = place is not None and place.kind in ("country", "demonym")
        if country_word and (index or not _given_name_first(parts)):
            return False
        if part.isupper() and len(part) > 1 and "." not in part:
            return False  # an acronym
        if index and part.lower() in lowercase and part not in PARTICLES:
            return False  # an ordinary word ("Breakfast Cereal"), but "Vincent van Gogh"
    return True


def _place_adjective(word: str) -> bool:
    """An adjective of a place or region ("African", "European", "Canadian", "Italian"), which
    ends a phrase, never a name."""
    if not word.endswith("an") or len(word) < 5:
        return False
    places = gazetteer()
    stems = (word[:-1], word[:-2], word[:-3], word[:-3] + "a", word[:-3] + "y")
    return any(stem in places for stem in stems)


# ", chief financial officer at …", ", a spokeswoman for …": a role in apposition after a name.
_APPOSITION = regex.compile(
    r",\s+(?:(?:a|an|the|its|his|her|their)\s+)?((?:\p{Ll}[\p{L}-]*\s+){0,2}\p{Ll}[\p{L}-]*)"
)


# "the head of NATO, Hoop Scheffer": a role, then the name in apposition.
_ROLE_BEFORE = regex.compile(
    r"\b(?i:the|a|an|its|his|her|their)\s+((?:\p{Ll}[\p{L}-]*\s+){0,2}\p{Ll}[\p{L}-]*)"
    r"(?:\s+(?:of|at|for)\s+(?:the\s+)?[\p{L}.-]+)?,\s*$"
)


def _role_apposition(run: Run) -> bool:
    """A role in apposition: "K.C. Maurer, chief financial officer", "the head of NATO, Hoop
    Scheffer"."""
    after = _APPOSITION.match(run.followed_by)
    if after is not None and any(_role(w) for w in after.group(1).split()):
        return True
    before = _ROLE_BEFORE.search(run.preceded_by)
    return before is not None and _role(before.group(1).split()[-1])


def _role(word: str) -> bool:
    return word in title_words() and word not in STOPWORDS  # nameparser lists "his", "most"


def _speaker(run: Run) -> bool:
    """Quoted or aged: "…, said X", "X told", "X, 42, …" (news gives ages of people only)."""
    return (
        run.after in SPEECH_VERBS
        or run.before in _SPEECH_BEFORE
        or _AGE.match(run.followed_by) is not None
    )


def resolve_persons(mentions: list[Mention], runs: list[Run]) -> list[str]:
    """Distinct persons, shorter mentions folded into the fullest form, most mentioned first."""
    names: dict[str, tuple[str, ...]] = {}
    for mention in mentions:
        if mention.full:
            _add_name(names, mention.parts)
    surnames = {surname(parts): key for key, parts in names.items()}
    for key, parts in list(names.items()):
        east_asian = _EAST_ASIAN.fullmatch(" ".join(parts)) is not None
        if parts[0] in surnames and parts[0].lower() not in first_names() and not east_asian:
            del names[key]  # named after a person: "Warhol Polaroids", "Obama Foundation"
    surnames = {surname(parts): key for key, parts in names.items()}
    given = {parts[0] for parts in names.values()}
    for mention in mentions:
        if mention.given_only and (mention.parts[0] in given or mention.parts[0] in surnames):
            continue
        if not mention.full and mention.parts[-1] not in surnames:
            key = " ".join(mention.parts)
            names[key] = mention.parts
            surnames[mention.parts[-1]] = key
    counts: Counter[str] = Counter({key: 0 for key in names})
    for run in runs:
        for word in run.texts:
            if word in surnames:
                counts[surnames[word]] += 1
    return [name for name, _n in counts.most_common()]


def _words(parts: tuple[str, ...]) -> tuple[str, ...]:
    """Name words with hyphenated ones split ("Okafor-Bello" → "Okafor", "Bello")."""
    return tuple(word for part in parts for word in part.split("-"))


def _add_name(names: dict[str, tuple[str, ...]], parts: tuple[str, ...]) -> None:
    """One entry per person: "Recep Erdogan" and "Recep Tayyip Erdogan" are one, and so are
    "Valdés Ortega" (after "Dr") and "Sofía Valdés Ortega", or "Okafor Bello" and "Okafor-Bello".
    A longer form that only adds words before a name wins when it starts with a first name
    ("José Ramos Horta"), not with a left-over word ("President-elect Evo Morales")."""
    words = _words(parts)
    for key, other in list(names.items()):
        other_words = _words(other)
        shorter, longer = sorted((words, other_words), key=len)
        if words[-1] == other_words[-1] and _same_first_name(words[0], other_words[0]):
            if _namesakes(words, other_words):
                continue
            keep_longer = True
        elif len(shorter) > 1 and longer[-len(shorter) :] == shorter:
            keep_longer = longer[0].lower() in first_names()
        else:
            continue
        if (len(words) > len(other_words)) == keep_longer:
            del names[key]
            names[" ".join(parts)] = parts
        return
    names[" ".join(parts)] = parts


def _namesakes(words: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Two names told apart by their middle initials ("George H. W. Bush" and "George W.
    Bush", "Roy O. Disney" and "Roy E. Disney"): each has some, and they differ, dots aside."""
    middle, other_middle = words[1:-1], other[1:-1]
    if not (middle and other_middle):
        return False
    if not all(_INITIAL.fullmatch(word) for word in middle + other_middle):
        return False
    return "".join(middle).replace(".", "") != "".join(other_middle).replace(".", "")


def _same_first_name(first: str, other: str) -> bool:
    """Equal, a nickname of the other ("Larry" and "Lawrence" Lessig), or spelt with one vowel
    changed inside the name ("Kristin" and "Kristen" Wilkins in one story); never the last
    letter, which often tells a man from a woman ("Mario" and "Maria" Lopez are two)."""
    if first == other or nickname_of(first, other):
        return True
    if len(first) != len(other) or len(first) < 5:
        return False
    changed = [i for i, (a, b) in enumerate(zip(first, other, strict=True)) if a != b]
    return (
        len(changed) == 1
        and changed[0] < len(first) - 1
        and {first[changed[0]], other[changed[0]]} <= set("aeiouy")
    )
