"""The Whoosh index of articles: the only package that imports ``whoosh``.

Whoosh stores and analyses the articles (stemming, accent folding, positions for phrases, stored
fields, the term lexicon); matching, scoring and facet counting run over numpy arrays built from
its posting lists and columns (:mod:`archive.index.snapshot`), because Whoosh's Python-level
collectors and facets are too slow at 100,000 articles (its block-quality optimisation also
hangs on some queries, so it is never used here).

Modules: ``schema`` (fields, analysers, article <-> document), ``folder`` (open, write, hand out
snapshots), ``segments`` (per-segment arrays), ``postings`` (posting lists from disk blocks, and
their cache), ``snapshot`` (one generation as arrays: hits, siblings, similar articles) and
``matching`` (a query tree into a document mask and scores).
"""

from archive.index.files import read_segments_in_place
from archive.index.folder import ArticleIndex

# Every index's table of contents pickles its schema, analysers included, by module path: indexes
# written before the package was split name the word filter ``archive.index._EnglishWords``.
from archive.index.schema import _EnglishWords  # noqa: F401
from archive.index.snapshot import Snapshot

read_segments_in_place()

__all__ = ["ArticleIndex", "Snapshot"]
