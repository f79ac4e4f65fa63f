"""Entity extraction: persons, countries and organisations of an article.

Pure functions over the article's text (headline, standfirst, body and caption text; never the
caption credits, which name photographers, not subjects). See docs/entities.md for the method
and its measured accuracy.
"""

from __future__ import annotations

import dataclasses

from archive.article import Article
from indexer.entities.countries import find_countries
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
    mentions = find_mentions(runs, lowercase_words(tokens))
    persons = resolve_persons(mentions, runs)
    person_words = {word for name in persons for word in name.split()}
    spans = [(m.run.start, m.run.end) for m in mentions]
    countries = find_countries(runs, text, person_words)
    organizations = find_organizations(runs, text, spans)
    return Entities(persons, countries, organizations)


def extract_entities(article: Article) -> Article:
    """A copy of ``article`` with persons, countries and organisations filled in."""
    found = entities_of_text(article.text)
    return dataclasses.replace(
        article,
        persons=found.persons,
        countries=found.countries,
        organizations=found.organizations,
    )
