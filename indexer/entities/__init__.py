"""Entity extraction: persons, countries and organisations of an article.

Pure functions over the article's text (headline, standfirst, body and caption text; never the
caption credits, which name photographers, not subjects). See docs/entities.md for the method
and its measured accuracy.
"""

from __future__ import annotations

import dataclasses

from archive.article import Article
from indexer.entities.countries import find_countries
from indexer.entities.language import written_in_english
from indexer.entities.lexicon import nickname_of
from indexer.entities.organizations import find_organizations
from indexer.entities.persons import find_mentions, resolve_persons
from indexer.entities.runs import capitalised_runs, lowercase_words, words


@dataclasses.dataclass(frozen=True)
class Entities:
    persons: list[str]
    countries: list[str]
    organizations: list[str]


def entities_of_text(text: str) -> Entities:
    """Persons (most mentioned first), ISO country codes and organisations in ``text``."""
    text = text.replace("\u00a0", " ")
    tokens = words(text)
    runs = capitalised_runs(text, tokens)
    lowercase = lowercase_words(tokens)
    mentions = find_mentions(runs, lowercase)
    persons = resolve_persons(mentions, runs)
    person_words = {word for name in persons for word in name.split()}
    spans = [(m.run.words[-len(m.parts)].start, m.run.end) for m in mentions]
    countries = find_countries(runs, text, person_words)
    organizations = find_organizations(runs, text, spans, lowercase)
    return Entities(persons, countries, organizations)


def _title_case(title: str) -> bool:
    longer = [w for w in title.split()[1:] if len(w) > 3 and w[0].isalpha()]
    return len(longer) >= 3 and sum(w[0].isupper() for w in longer) >= 0.8 * len(longer)


def extract_entities(article: Article) -> Article:
    """A copy of ``article`` with persons, countries and organisations filled in.

    The rules know English only; an article in another language (declared, or told by its
    function words) gets empty lists rather than its capitalised nouns. A headline in Title
    Case is left out: every word is capitalised there, so capitals say nothing about names
    ("Royal Self-Indicting Arrogance"), and what it names the body repeats. The article's own
    authors are left out of its persons, as photographers are: a byline names who wrote, not
    whom it is about.
    """
    text = article.text
    declared_other = article.language and not article.language.lower().startswith("en")
    if declared_other or not written_in_english(text):
        return dataclasses.replace(article, persons=[], countries=[], organizations=[])
    if article.title and _title_case(article.title):
        text = text[len(article.title) :]
    found = entities_of_text(text)
    bylines = {author.casefold() for author in article.authors}
    return dataclasses.replace(
        article,
        persons=[name for name in found.persons if name.casefold() not in bylines],
        countries=found.countries,
        organizations=found.organizations,
    )


def load_lexicons() -> None:
    """Load the gazetteer and name lists now (over a second of CPU) rather than inside the first
    article's parse: before forking, so that the workers share one copy, and before a parse's
    CPU-time limit starts, so that the loading does not count against the first page."""
    # A person, a place and a body, so that every lexicon the rules consult is loaded.
    text = "Anna Smith, the mayor of Paris, said Smith met Acme Corp. in France."
    extract_entities(Article(id="warm-up", title="Lexicons", body=[text]))
    nickname_of("Bill", "William")  # the nickname list, consulted only when names differ
