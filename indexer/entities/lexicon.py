"""Word lists the entity rules rely on, loaded once per process.

First and family names come from Faker's person providers (about 80 locales, MIT licence): a broad,
maintained, international list, so the rules do not depend on a list written for one corpus.
Title words come from nameparser (LGPL-2.1) plus news roles it lacks. The short closed-class
lists below (function words, organisation and place heads) are English grammar, not data.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from nameparser.config import titles as nameparser_titles
from nicknames import NickNamer

from indexer.entities.kept import kept


def word_set(words: str) -> frozenset[str]:
    """A set from a whitespace-separated list, which reads better than a list of literals."""
    return frozenset(words.split())


# News roles missing from nameparser's list; they precede names like titles do.
EXTRA_TITLES = word_set(
    """secretary-general sen congressman congresswoman spokesman spokeswoman spokesperson
    chairman chairwoman chairperson emir justice striker midfielder defender goalkeeper
    councilman mp mep prosecutor analyst reporter artist rapper candidate inspector constable
    superintendent boss owner photographer pm vice-president vp head veteran politician
    lawmaker legislator incumbent newcomer athlete player wife husband son daughter brother
    sister mother father partner friend colleague student driver witness victim suspect worker
    filmmaker presenter footballer cricketer boxer official teammate interviewee songwriter"""
)

# Titles after which a single capitalised word is taken as a surname ("Mr Stoltenberg").
HONORIFICS = word_set(
    """mr mrs ms miss mx dr prof professor sir dame lord lady president senator sen rep gov
    governor mayor minister chancellor premier ambassador general gen colonel col captain capt
    lieutenant lt sgt sergeant judge justice pope king queen prince princess sheikh ayatollah
    imam rabbi bishop archbishop cardinal chairman chairwoman coach detective commissioner
    congressman congresswoman secretary-general"""
)

# Capitalised function words that start sentences but never names.
STOPWORDS = word_set(
    """a an the and or but nor so yet for of in on at to by from with without into onto over
    under after before during since until while when where why how what which who whom whose
    this that these those there here then than as if though although because unless whether
    i we you he she it they me us him her them my our your his its their mine ours yours
    is are was were be been being am do does did have has had will would shall should can could
    may might must not no yes all any some each every both either neither many much more most
    few other another such only also just even still again ever never very too now today
    yesterday tomorrow tonight monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    dear hello hi hey thanks thank please oh well meanwhile however moreover furthermore instead
    besides thus hence indeed perhaps maybe although whereas unlike amid amidst
    according following despite among between against across around about above below near
    like unlike via per within outside inside up down out off once twice one two three four
    five six seven eight nine ten"""
)

# Last words of organisation names: a run ending in one is not a person or a country mention.
ORG_HEADS = word_set(
    """agency airline airlines airways association authority bank board bureau cabinet center
    centre church club college commission committee company corporation corp council court
    department directorate embassy federation forum foundation front fund group guard inc
    institute institution league ltd llc ministry movement network news newspaper office
    organisation organization parliament party police post press presse project radio
    railways school service services society studio studios team television times tv union
    university agencies alliance army navy force forces assembly congress senate coalition
    brigade command museum hospital trust partners holdings industries motors media journal
    gazette herald tribune magazine review daily weekly channel broadcasting records chronicle
    observer telegraph examiner inquirer courier globe mirror bulletin dispatch monitor
    publishing publishers property properties realty international productions sports
    brotherhood register registry equities music
    laboratory laboratories lab labs academy conference summit prize award awards festival
    games cup championship program programme initiative campaign fc tech paper nations co
    administration cross bros brothers regiment battalion"""
)

# Weather systems are named like persons ("Cyclone Phailin", "Storm Ciara"); "Storm" is also a
# first name in the name lists, but never before a storm's name.
STORMS = word_set("cyclone hurricane typhoon storm")

# Last words of names of events, laws, works and things ("Winter Olympics", "Second Amendment").
THING_HEADS = STORMS | word_set(
    """act amendment bill code law treaty accord agreement declaration war wars olympics
    paralympics convention carnival exhibition expo show series month week day year prize cup
    trophy tournament study report survey index system gallery collection collections base
    complex shelf experience nutrition disorders soup clouds underground image photo picture
    file video wikipedia wikinews finals average industrial election elections referendum
    family democrats republicans liberals conservatives socialists rights final draft guide
    results dates remix"""
)

# Organisation heads that still point to a state ("U.S. Department of Agriculture").
STATE_ORG_HEADS = word_set(
    """department ministry embassy army navy force forces government parliament police
    cabinet senate congress assembly guard command brigade"""
)

# Last words of place and facility names ("Victoria Falls", "Martin Luther King Street").
PLACE_HEADS = word_set(
    """street st road rd avenue ave boulevard square bridge river lake mount mountain
    mountains island islands falls park hall stadium arena airport station tower palace
    castle cathedral temple mosque valley bay beach coast county province state region city
    district desert sea ocean gulf strait canal memorial building plaza jail prison arch field
    amphitheatre amphitheater pavilion theatre theater statehouse shore"""
)

# Name particles that may sit inside a name in lower case ("Patrizia d'Ettorre", "van Gogh").
PARTICLES = word_set(
    """al el ad as ash bin ibn bint abu da das de del della der di do dos du la le van von ten
    ter den zu y"""
)
# The particles that stand as words between a first name and a surname ("van Gogh", "bin
# Laden"); the others are English or German words there ("as", "do", "der") and join a name
# only after one of these ("von der Leyen", "de la Cruz", "van den Berg").
LEADING_PARTICLES = word_set("al el bin ibn bint abu da das de del della di dos du van von")


@kept
def first_names() -> frozenset[str]:
    """Lower-cased first names from every Faker person provider (Latin script only)."""
    names = _faker_names(("first_names", "first_names_male", "first_names_female"))
    return frozenset(names - STOPWORDS - title_words() - ORG_HEADS - PLACE_HEADS - STORMS)


def _faker_names(attributes: tuple[str, ...], locale_prefix: str = "") -> set[str]:
    names: set[str] = set()
    # Faker is imported here, not above: with the lexicons kept (indexer.entities.kept) a run
    # never needs it, and its import costs a tenth of a second.
    import faker.providers.person  # noqa: PLC0415

    for module_info in pkgutil.iter_modules(faker.providers.person.__path__):
        if not module_info.name.startswith(locale_prefix):
            continue
        module = importlib.import_module(f"faker.providers.person.{module_info.name}")
        provider = getattr(module, "Provider", None)
        for attr in attributes:
            value = provider.__dict__.get(attr) if provider else None
            if isinstance(value, dict):
                value = value.keys()
            if not isinstance(value, (list, tuple, set, frozenset, type({}.keys()))):
                continue
            names.update(name.lower() for name in value if len(name) > 1 and _latin(name))
    return names


@kept
def last_names() -> frozenset[str]:
    """Lower-cased family names from every Faker person provider (Latin script only)."""
    return frozenset(_faker_names(("last_names",)))


@kept
def english_words() -> frozenset[str]:
    """Everyday English words (Faker's English word list, about a thousand) that the first names
    of Faker's ``en_XX`` lists are not: "Bill", "Guy" and "Summer" stay names. The base ``en``
    list (US census names such as "Star", "Little", "Will", "May") is left out on purpose, so
    that those words stay ordinary words."""
    english_names = _faker_names(
        ("first_names", "first_names_male", "first_names_female"), locale_prefix="en_"
    )
    from faker.providers.lorem.en_US import Provider as EnglishLorem  # noqa: PLC0415 (see above)

    return frozenset(word.lower() for word in EnglishLorem.word_list) - english_names


def nickname_of(name: str, other: str) -> bool:
    """One first name is a nickname of the other ("Larry" of "Lawrence", "Bill" of "William"),
    by the hand-made English list of the nicknames package; case is ignored."""
    first, second = name.lower(), other.lower()
    nicknames = _nicknamer()
    return second in nicknames.nicknames_of(first) or first in nicknames.nicknames_of(second)


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


@cache
def title_words() -> frozenset[str]:
    """Lower-cased title and role words ("secretary", "general", "biologist", "mr")."""
    return frozenset(nameparser_titles.TITLES) | EXTRA_TITLES | HONORIFICS


_LATIN = re.compile(r"[\x00-\x7f\u00c0-\u024f]*")  # ASCII, Latin-1 to Latin Extended-B


def _latin(word: str) -> bool:
    return _LATIN.fullmatch(word) is not None
