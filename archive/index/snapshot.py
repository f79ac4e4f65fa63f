"""One generation of the index as arrays: what :mod:`archive.search` computes over."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

import config
from archive.article import Article
from archive.errors import NotFound
from archive.facets import FacetColumn
from archive.index.matching import MAX_EXPANSIONS, NEAR_PREFIX, Matcher
from archive.index.postings import (
    PostingCache,
    Postings,
    block_ids_and_values,
    positions_decoder,
    segment_postings,
    term_blocks,
)
from archive.index.schema import (
    TEXT_FIELDS,
    folding_analyzer,
    normalise,
    stemming_analyzer,
    stored_article,
)
from archive.index.segments import SegmentArrays
from archive.query import Node, expanding_words
from archive.results import FACETS, Hit, SearchQuery
from archive.search import run_search
from archive.snippets import snippet


class Snapshot:
    """One generation of the index as arrays: what :mod:`archive.search` computes over.

    Document numbers are Whoosh's global ones for this generation. ``live`` masks out deleted
    documents; ``story`` gives syndicated copies one shared number (others their own).
    """

    def __init__(
        self,
        searcher,
        cache: dict[str, SegmentArrays],
        postings: PostingCache,
        reopen: Callable[[], object],
    ) -> None:
        self.postings = postings
        self._reopen = reopen
        self._local = threading.local()
        self._local.searcher = searcher
        self._opened = [searcher]
        self._opened_lock = threading.Lock()
        reader = searcher.reader()
        self.generation = reader.generation()
        self.segment_keys: set[str] = set()
        self.parts: list[tuple[SegmentArrays, int, str]] = []
        leaves = []
        for leaf, offset in reader.leaf_readers():
            if leaf.segment() is None:  # an empty index
                continue
            key = f"{leaf.segment().segment_id()}:{leaf.doc_count_all()}"
            if key not in cache:
                cache[key] = SegmentArrays.read(leaf)
            self.segment_keys.add(key)
            self.parts.append((cache[key], offset, key))
            leaves.append(leaf)
        self._local.leaves = leaves
        self.size = sum(part.size for part, _, _ in self.parts)
        self.live = np.ones(self.size, dtype=bool)
        for (_, offset, _), leaf in zip(self.parts, leaves, strict=True):
            if leaf.has_deletions():
                deleted = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
                self.live[deleted + offset] = False
        self.doc_count = int(self.live.sum())
        self.day = self._concat(lambda part: part.day, np.int32)
        self.ts = self._concat(lambda part: part.ts, np.int64)
        self.docnums = {
            article_id: offset + local
            for part, offset, _ in self.parts
            for local, article_id in enumerate(part.ids)
            if self.live[offset + local]
        }
        self.story = self._stories()
        self.columns = {name: self._facet(name) for name in FACETS}
        self.columns.update(self._date_columns())
        self._lengths: dict[str, np.ndarray] = {}
        # Facet counts of the whole archive (no words, no filters), set by archive.search.
        self.unfiltered_facets: tuple[dict, int] | None = None

    # Whoosh readers seek and read shared file objects, so threads reading one reader at once
    # garble each other's reads (UnpicklingError, wrong stored fields): each thread reads this
    # generation through its own searcher over the same segments; the arrays are shared.

    @property
    def searcher(self):
        """This thread's Whoosh searcher of this generation."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._reopen()
            with self._opened_lock:
                self._opened.append(searcher)
            self._local.searcher = searcher
        return searcher

    def _leaves(self) -> list:
        """This thread's segment readers, in the order of :attr:`parts`."""
        leaves = getattr(self._local, "leaves", None)
        if leaves is None:
            readers = self.searcher.reader().leaf_readers()
            leaves = [leaf for leaf, _ in readers if leaf.segment() is not None]
            self._local.leaves = leaves
        return leaves

    def close(self) -> None:
        """Close the files of every thread's searcher (when no search uses them any more)."""
        with self._opened_lock:
            for searcher in self._opened:
                searcher.close()
            self._opened.clear()

    def _concat(self, get, dtype) -> np.ndarray:
        arrays = [get(part) for part, _, _ in self.parts]
        return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype=dtype)

    def _merged(self, name: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """A facet's (labels, docs, value ids) over all segments, with one numbering of labels."""
        labels: list[str] = []
        number: dict[str, int] = {}
        docs, values = [], []
        for part, offset, _ in self.parts:
            seg_labels, seg_docs, seg_values = part.values[name]
            table = np.array(
                [number.setdefault(label, len(number)) for label in seg_labels], dtype=np.int32
            )
            docs.append(seg_docs + offset)
            values.append(table[seg_values] if len(seg_labels) else seg_values)
        labels = list(number)
        if not docs:
            return labels, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
        return labels, np.concatenate(docs), np.concatenate(values)

    def _stories(self) -> np.ndarray:
        """Copies share the number of their story; the first copy (the root) has no story value."""
        story = np.arange(self.size, dtype=np.int64)
        roots, docs, values = self._merged("story")
        if roots:
            story[docs] = self.size + values
            for number, root in enumerate(roots):
                root_doc = self.docnums.get(root)
                if root_doc is not None:
                    story[root_doc] = self.size + number
        return story

    def _facet(self, name: str) -> FacetColumn:
        labels, docs, values = self._merged(name)
        return FacetColumn.build(labels, docs, values, self.story)

    def _date_columns(self) -> dict[str, FacetColumn]:
        dated = np.flatnonzero(self.day > 0)
        undated = np.flatnonzero(self.day == 0)
        out = {}
        for name, divisor, fmt in (("years", 10000, "{:04d}"), ("months", 100, None)):
            keys, inverse = np.unique(self.day[dated] // divisor, return_inverse=True)
            labels = [
                fmt.format(k) if fmt else f"{k // 100:04d}-{k % 100:02d}" for k in keys.tolist()
            ]
            out[name] = FacetColumn.build(labels, dated, inverse.astype(np.int32), self.story)
        out["undated"] = FacetColumn.build(
            ["undated"], undated, np.zeros(len(undated), np.int32), self.story
        )
        return out

    # Matching and scoring

    def lengths(self, name: str) -> np.ndarray:
        if name not in self._lengths:
            lengths = [
                part.field_lengths(leaf, name)
                for (part, _, _), leaf in zip(self.parts, self._leaves(), strict=True)
            ]
            self._lengths[name] = (
                np.concatenate(lengths).astype(np.float32) if lengths else np.zeros(0, np.float32)
            )
        return self._lengths[name]

    def term_docs(self, name: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Global document numbers and frequencies of one term."""
        ids, weights = [], []
        for (_, offset, key), leaf in zip(self.parts, self._leaves(), strict=True):
            # A segment's deletions only grow, so its live count names its deletion state:
            # postings cached before a removal must not list the removed documents after it.
            cache_key = (f"{key}:{leaf.doc_count()}", name, term)
            found = self.postings.get(cache_key)
            if found is None:
                found = self._segment_postings(leaf, offset, name, term)
                self.postings.put(cache_key, found)
            if len(found[0]):
                ids.append(found[0] + offset)
                weights.append(found[1])
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(ids), np.concatenate(weights)

    def _segment_postings(self, leaf, offset: int, name: str, term: str) -> Postings:
        """One segment's postings of a term, without its deleted documents."""
        ids, weights = segment_postings(leaf, name, term)
        if not leaf.has_deletions() or not len(ids):
            return ids, weights
        keep = self.live[ids + offset]
        return ids[keep], weights[keep]

    def positions(self, name: str, term: str, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Word positions of one term in the given (sorted, global) documents, as two arrays of
        the same length: the document of each position, and the position."""
        found: list[np.ndarray] = []
        values: list[bytes] = []
        for (part, offset, _), leaf in zip(self.parts, self._leaves(), strict=True):
            local = docs[(docs >= offset) & (docs < offset + part.size)] - offset
            if not len(local):
                continue
            for block in term_blocks(leaf, name, term):
                # Skip blocks holding none of the documents without decoding them.
                first = np.searchsorted(local, block.last_id, side="right")
                if first:
                    # Every candidate has the term, so those up to the block's last id are in it.
                    ids, value = block_ids_and_values(block)
                    wanted = local[:first]
                    values.extend(map(value, np.searchsorted(ids, wanted).tolist()))
                    found.append(wanted + offset)
                    local = local[first:]
                    if not len(local):
                        break
        if not values:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        counts, positions = positions_decoder(self.searcher.schema[name].format)(values)
        return np.repeat(np.concatenate(found), counts), positions

    def match(self, node: Node, deadline: float) -> Match:
        """Which documents match a query tree, with BM25 scores (title weighted highest)."""
        matcher = Matcher(self, deadline, MAX_EXPANSIONS // max(1, expanding_words(node)))
        result = matcher.evaluate(node, negated=False)
        if result is None:
            matcher.notes.append("The query has only very common words, which are not indexed.")
            result = (np.zeros(self.size, dtype=bool), np.zeros(self.size, dtype=np.float32))
        mask, scores = result
        return Match(mask & self.live, scores, matcher.notes, matcher.highlight_terms)

    def correct(self, word: str) -> str | None:
        """A likely intended word for one that occurs in no article, or None."""
        folded = [t.text for t in folding_analyzer()(word)]
        if len(folded) != 1 or len(folded[0]) <= NEAR_PREFIX:  # "a": every word near it
            return None
        stems = [t.text for t in stemming_analyzer()(word)]
        reader = self.searcher.reader()
        if any(reader.doc_frequency(name, stem) for name in TEXT_FIELDS for stem in stems):
            return None
        suggestions = self.searcher.corrector("spell").suggest(
            folded[0], limit=1, maxdist=2, prefix=NEAR_PREFIX
        )
        return suggestions[0] if suggestions else None

    # Hits

    def hits(self, docnums: list[int], scores: np.ndarray | None, terms: set[str]) -> list[Hit]:
        out = []
        for docnum in docnums:
            stored = self.searcher.stored_fields(docnum)
            article = stored_article(stored)
            score = float(scores[docnum]) if scores is not None else None
            out.append(_hit(article, _snippet(article, terms), score))
        return out

    def ids(self) -> set[str]:
        return set(self.docnums)

    def _docnum(self, article_id: str) -> int:
        docnum = self.docnums.get(article_id)
        if docnum is None:
            raise NotFound(f"No article with id {article_id!r}.")
        return docnum

    def siblings(self, article_id: str) -> list[Hit]:
        docnum = self._docnum(article_id)
        members = np.flatnonzero((self.story == self.story[docnum]) & self.live)
        members = [int(d) for d in members if d != docnum]
        members.sort(key=lambda d: self.ts[d])
        return self.hits(members, None, set())

    def more_like_this(self, article_id: str, limit: int = 5) -> list[Hit]:
        docnum = self._docnum(article_id)
        article = stored_article(self.searcher.stored_fields(docnum))
        text = "\n".join([article.title, *article.body])
        keys = self.searcher.key_terms_from_text("body", text, numterms=12)
        if not keys:
            return []
        matcher = Matcher(self, time.monotonic() + config.SEARCH_TIME_LIMIT_SECONDS)
        mask = np.zeros(self.size, dtype=bool)
        scores = np.zeros(self.size, dtype=np.float32)
        for term, _ in keys:
            term_mask, term_scores = matcher.term_in_fields(term, ("title", "body"))
            mask |= term_mask
            scores += term_scores
        mask &= self.live & (self.story != self.story[docnum])
        candidates = np.flatnonzero(mask)
        best = candidates[np.argsort(-scores[candidates], kind="stable")[:limit]]
        return self.hits([int(d) for d in best], scores, set())

    def stats(self) -> dict:
        everything = run_search(self, SearchQuery(per_page=1))
        dated = self.ts[(self.day > 0) & self.live]
        copies = np.bincount(self.story[self.live]) if self.size else np.zeros(0)
        return {
            "articles": self.doc_count,
            "undated": everything.undated,
            "earliest": _utc(dated.min()) if len(dated) else None,
            "latest": _utc(dated.max()) if len(dated) else None,
            "stories_with_copies": int(np.count_nonzero(copies > 1)),
            "top": {
                name: [(v.value, v.count) for v in values[:10]]
                for name, values in everything.facets.items()
                if name != "months"
            },
        }


def _utc(timestamp: int) -> str:
    return datetime.fromtimestamp(int(timestamp), tz=UTC).isoformat()


@dataclass
class Match:
    mask: np.ndarray
    scores: np.ndarray
    notes: list[str]
    highlight_terms: set[str]


def _snippet(article: Article, terms: set[str]) -> str:
    texts = ["\n".join(article.body), article.standfirst or "", *(c.text for c in article.captions)]
    return snippet(texts, terms, normalise)


def _hit(article: Article, snippet: str, score: float | None) -> Hit:
    return Hit(
        id=article.id,
        title=article.title,
        url=article.url,
        source=article.source,
        published=article.published,
        persons=list(article.persons),
        countries=list(article.countries),
        snippet=snippet,
        standfirst=article.standfirst,
        authors=list(article.authors),
        score=score,
    )
