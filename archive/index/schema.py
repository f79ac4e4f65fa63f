"""The index's schema and how an Article becomes a Whoosh document and back.

Whoosh stores and analyses the articles: English stemming, accent folding, positions for phrases,
stored fields, the term lexicon, and columns read in bulk per segment (facets, dates).
"""

from __future__ import annotations

import json
import pickle
import re
from collections import defaultdict
from functools import lru_cache

from whoosh import columns, fields, formats
from whoosh.analysis import STOP_WORDS, CharsetFilter, Filter, LowercaseFilter, RegexTokenizer
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map
from whoosh.system import pack_uint

from archive.article import Article
from archive.results import FACETS

# Text fields searched by unprefixed words, with their weight: title above standfirst above body
# and captions.
TEXT_FIELDS = {"title": 3.0, "standfirst": 2.0, "body": 1.0, "captions": 0.8}
# Query prefixes (archive.query.FIELD_NAMES) -> indexed field.
PREFIX_FIELDS = {
    "title": "title",
    "person": "person_text",
    "organization": "organization_text",
    "source": "source_text",
    "author": "author",
}
# Separators of the facet column: values within a group, and groups.
VALUES_SEPARATOR = "\x1f"
GROUPS_SEPARATOR = "\x1e"
# The groups of the facet column, in order: the facets, then the story of syndicated copies.
FACET_GROUPS = (*FACETS, "story")


@lru_cache(maxsize=200_000)
def normalise(word: str) -> str | None:
    """Lower case, accents folded, stemmed; None for a stop word."""
    folded = word.lower().translate(accent_map)
    if len(folded) < 2 or folded in STOP_WORDS:
        return None
    return stem(folded)


class _EnglishWords(Filter):
    """Lower case, accent folding, stop words and English stemming in one memoised step.

    Whoosh's four filters chained do the same in four generator layers per token, which was most
    of the indexing time. Positions are renumbered over removed stop words, as StopFilter does.
    """

    def __call__(self, tokens):
        pos = None
        for token in tokens:
            word = normalise(token.text)
            if word is not None:
                if token.positions:
                    pos = token.pos if pos is None else pos + 1
                    token.pos = pos
                token.text = word
                token.stopped = False
                yield token
            elif not token.removestops:
                token.text = token.text.lower().translate(accent_map)
                token.stopped = True
                yield token


# RegexTokenizer's default expression, without its capture group (the same matches).
_WORD = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*")


class StemmedPositions(formats.Positions):
    """Whoosh's Positions format for the text fields, finding their words in one loop.

    Whoosh passes a Token object per word through the analyzer's generator layers and then groups
    them by word: a fifth of the indexing time. The words, positions and weights here are those
    of :func:`stemming_analyzer` (stop words dropped, positions renumbered over them).
    """

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        positions: defaultdict[str, list[int]] = defaultdict(list)
        pos = None
        for index, text in enumerate(_WORD.findall(value)):
            word = normalise(text)
            if word is not None:
                pos = index if pos is None else pos + 1
                positions[word].append(pos)
        encode = self.encode
        boost = self.field_boost
        for word, found in positions.items():
            if len(found) == 1:  # most words of an article: their value is one of few
                yield word, 1, boost, _ONE_POSITION + _single_position(found[0])
            else:
                yield word, len(found), len(found) * boost, encode(found)


# Whoosh's Positions.encode of one position: the count, then the pickled list. The two are
# joined per posting: a cached value shared between postings would be pickled once per block
# and then referenced, which changes the block's bytes.
_ONE_POSITION = pack_uint(1)


@lru_cache(maxsize=100_000)
def _single_position(pos: int) -> bytes:
    return pickle.dumps([pos], 2)


def stemming_analyzer():
    """Words of the text fields: stemmed, stop words dropped."""
    return RegexTokenizer() | _EnglishWords()


def folding_analyzer():
    """Words of names and the spelling vocabulary: lower case, accents folded, not stemmed."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def _facet_record(article: Article, story: str | None) -> bytes:
    """Persons, countries, organisations, source and story of an article, in one column value."""
    groups = [
        article.persons,
        [c.upper() for c in article.countries],
        article.organizations,
        [article.source] if article.source else [],
        [story] if story else [],
    ]
    return GROUPS_SEPARATOR.join(VALUES_SEPARATOR.join(group) for group in groups).encode("utf-8")


def build_schema() -> fields.Schema:
    """The fields of an indexed article; changing them needs a rebuild of existing indexes."""
    stem = stemming_analyzer()
    fold = folding_analyzer()
    text_fields = {}
    for name, boost in TEXT_FIELDS.items():
        field = fields.TEXT(analyzer=stem, field_boost=boost)
        field.format = StemmedPositions(field_boost=boost)
        text_fields[name] = field
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        **text_fields,
        author=fields.TEXT(analyzer=fold),
        person_text=fields.TEXT(analyzer=fold),
        organization_text=fields.TEXT(analyzer=fold),
        source_text=fields.TEXT(analyzer=fold),
        # Unstemmed words of headlines and names: the vocabulary for "did you mean".
        spell=fields.TEXT(analyzer=fold, phrase=False),
        # Facet values and story, read in bulk per segment into numpy arrays (index.segments).
        facets=fields.COLUMN(columns.VarBytesColumn()),
        # Publication day as YYYYMMDD in the article's own time zone (0: undated) and instant.
        day=fields.COLUMN(columns.NumericColumn("i", default=0)),
        ts=fields.COLUMN(columns.NumericColumn("q", default=0)),
        article=fields.STORED(),
    )


def document(article: Article, story: str | None) -> dict:
    """The Whoosh document of an article; ``story`` links a syndicated copy to its first copy."""
    published = article.published
    doc = {
        "id": article.id,
        "title": article.title,
        "standfirst": article.standfirst or "",
        "body": "\n".join(article.body),
        "captions": "\n".join(c.text for c in article.captions),
        "author": " ; ".join(article.authors),
        "person_text": " ; ".join(article.persons),
        "organization_text": " ; ".join(article.organizations),
        "source_text": article.source or "",
        "spell": " ".join(
            [article.title, article.standfirst or "", *article.persons, *article.organizations]
        ),
        "facets": _facet_record(article, story),
        "day": int(published.strftime("%Y%m%d")) if published else 0,
        "ts": int(published.timestamp()) if published else 0,
        "article": json.dumps(article.to_dict(), ensure_ascii=False),
    }
    return doc


def stored_article(stored: dict) -> Article:
    """The Article kept in a document's stored fields."""
    return Article.from_dict(json.loads(stored["article"]))
