"""A query tree evaluated into a document mask and BM25 scores, one term at a time."""

from __future__ import annotations

import math
import re
import time
from typing import TYPE_CHECKING

import numpy as np
import pycountry
from whoosh.support.charset import accent_map

from archive.index.schema import PREFIX_FIELDS, TEXT_FIELDS, normalise
from archive.query import (
    And,
    DateRange,
    Fuzzy,
    Node,
    Not,
    Or,
    Phrase,
    Wildcard,
    Word,
)
from archive.search import SearchTimeout

if TYPE_CHECKING:
    from archive.index.snapshot import Snapshot

# The wildcards and fuzzy words of one query expand to at most this many terms together (the
# most frequent), each after looking at most at this many candidates (see also the bounds in
# archive.query): at 100,000 articles each term costs about 4 ms over the four text fields.
MAX_EXPANSIONS = 32
MAX_EXPANSION_SCAN = 20000
# Fuzzy words and "did you mean" keep the first letters: comparing against every word that
# shares only the first letter took over 100 ms at 100,000 articles.
NEAR_PREFIX = 2
_BM25_K1 = 1.2
_BM25_B = 0.75
# A phrase's (document, position) pairs are numbers: the document in the bits above these.
_POSITION_BITS = 32


class Matcher:
    """Evaluates a query tree into a (document mask, score array) pair, one term at a time."""

    def __init__(self, snap: Snapshot, deadline: float, expansions: int = MAX_EXPANSIONS) -> None:
        self.snap = snap
        self.deadline = deadline
        self.expansions = expansions  # terms per wildcard or fuzzy word
        self.reader = snap.searcher.reader()
        self.notes: list[str] = []
        self.highlight_terms: set[str] = set()

    def _check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise SearchTimeout(
                "The search took too long and was stopped; try more specific words."
            )

    def _empty(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.snap.size, dtype=bool), np.zeros(self.snap.size, dtype=np.float32)

    def evaluate(self, node: Node, negated: bool) -> tuple[np.ndarray, np.ndarray] | None:
        """None means "no constraint" (e.g. a word that is only a stop word)."""
        self._check_time()
        if isinstance(node, And):
            return self._and(node, negated)
        if isinstance(node, Or):
            parts = [p for p in (self.evaluate(c, negated) for c in node.children) if p is not None]
            if not parts:
                return None
            mask, scores = self._empty()
            for part_mask, part_scores in parts:
                mask |= part_mask
                scores += part_scores
            return mask, scores
        if isinstance(node, Not):
            inner = self.evaluate(node.child, not negated)
            if inner is None:
                return None
            return ~inner[0], np.zeros(self.snap.size, dtype=np.float32)
        if isinstance(node, DateRange):
            day = self.snap.day
            mask = day > 0
            if node.start:
                mask &= day >= int(node.start.strftime("%Y%m%d"))
            if node.end:
                mask &= day <= int(node.end.strftime("%Y%m%d"))
            return mask, np.zeros(self.snap.size, dtype=np.float32)
        return self._leaf(node, negated)

    def _and(self, node: And, negated: bool) -> tuple[np.ndarray, np.ndarray] | None:
        parts = [p for p in (self.evaluate(c, negated) for c in node.children) if p is not None]
        if not parts:
            return None
        mask = np.ones(self.snap.size, dtype=bool)
        scores = np.zeros(self.snap.size, dtype=np.float32)
        for part_mask, part_scores in parts:
            mask &= part_mask
            scores += part_scores
        scores[~mask] = 0
        return mask, scores

    def _fields(self, prefix: str | None) -> tuple[str, ...]:
        return tuple(TEXT_FIELDS) if prefix is None else (PREFIX_FIELDS[prefix],)

    def _leaf(self, node: Node, negated: bool) -> tuple[np.ndarray, np.ndarray] | None:
        if node.field == "country":
            words = (
                node.words
                if isinstance(node, Phrase)
                else (getattr(node, "text", None) or node.pattern,)
            )
            return self._country(" ".join(words))
        mask, scores = self._empty()
        constrained = False
        for name in self._fields(node.field):
            if isinstance(node, Word | Phrase):
                words = node.words if isinstance(node, Phrase) else (node.text,)
                terms = self._analyse(name, " ".join(words))
                if not terms:
                    continue
                part = (
                    self._phrase(name, terms)
                    if len(terms) > 1
                    else self.term_in_fields(terms[0], (name,))
                )
            else:
                terms = self._expand(name, node)
                part = self._any_term(name, terms)
            constrained = True
            if not negated and name in TEXT_FIELDS:
                self.highlight_terms.update(terms)
            mask |= part[0]
            scores += part[1]
        return (mask, scores) if constrained else None

    def _analyse(self, name: str, text: str) -> list[str]:
        analyzer = self.snap.searcher.schema[name].analyzer
        return [token.text for token in analyzer(text)]

    def term_in_fields(self, term: str, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """BM25 of one analysed term summed over fields, each weighted by its boost."""
        self._check_time()
        mask, scores = self._empty()
        n = max(self.snap.doc_count, 1)
        for name in names:
            ids, freqs = self.snap.term_docs(name, term)
            if not len(ids):
                continue
            df = len(ids)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            avg = max(self.reader.field_length(name) / n, 1.0)
            lengths = self.snap.lengths(name)[ids]
            norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * lengths / avg)
            boost = TEXT_FIELDS.get(name, 1.0)
            mask[ids] = True
            scores[ids] += boost * idf * freqs * (_BM25_K1 + 1) / (freqs + norm)
        return mask, scores

    def _phrase(self, name: str, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Documents with all the terms, then only those checked for the terms in a row."""
        mask = np.ones(self.snap.size, dtype=bool)
        scores = np.zeros(self.snap.size, dtype=np.float32)
        for term in terms:
            term_mask, term_scores = self.term_in_fields(term, (name,))
            mask &= term_mask
            scores += term_scores
        candidates = np.flatnonzero(mask & self.snap.live)
        mask[:] = False
        # Each term's (document, position - its place in the phrase) pairs, as one number each:
        # the phrase starts where all terms have the same pair.
        starts = None
        for k, term in enumerate(terms):
            if not len(candidates):
                break
            docs, positions = self.snap.positions(name, term, candidates)
            self._check_time()
            keep = positions >= k
            pairs = (docs[keep] << _POSITION_BITS) | (positions[keep] - k)
            starts = np.unique(pairs) if starts is None else np.intersect1d(starts, pairs)
            candidates = np.unique(starts >> _POSITION_BITS)
        mask[candidates] = True
        scores[~mask] = 0
        return mask, scores

    def _expand(self, name: str, node: Wildcard | Fuzzy) -> list[str]:
        """The indexed terms a wildcard or fuzzy word stands for: the most frequent, bounded.

        Frequencies come with the scan (a lookup per term costs a read of every segment), and
        the time limit is checked while scanning: ``p*`` must be answered or refused in time.
        """
        if isinstance(node, Wildcard):
            pattern = node.pattern.lower().translate(accent_map)
            prefix = pattern[
                : min(i for i in (pattern.find("*"), pattern.find("?"), len(pattern)) if i >= 0)
            ]
            regex = _wildcard_regex(pattern)
            frequency: dict[str, int] = {}
            for scanned, (btext, info) in enumerate(self.reader.iter_prefix(name, prefix)):
                if scanned >= MAX_EXPANSION_SCAN:
                    self.notes.append(
                        f"{node.pattern} matches too many words; only some were searched."
                    )
                    break
                if scanned % 256 == 0:
                    self._check_time()
                text = btext.decode("utf-8")
                if regex.fullmatch(text):
                    frequency[text] = info.doc_frequency()
            candidates = list(frequency)
        else:
            candidates = self._near(name, node)
        if len(candidates) > self.expansions:
            label = node.pattern if isinstance(node, Wildcard) else f"{node.text}~"
            self.notes.append(
                f"{label} matches {len(candidates)} words;"
                f" searched the {self.expansions} most common."
            )
            if isinstance(node, Fuzzy):
                frequency = {term: self._doc_frequency(name, term) for term in candidates}
            candidates.sort(key=lambda term: -frequency[term])
            candidates = candidates[: self.expansions]
        return candidates

    def _doc_frequency(self, name: str, term: str) -> int:
        self._check_time()
        return self.reader.doc_frequency(name, term)

    def _near(self, name: str, node: Fuzzy) -> list[str]:
        """Terms within the edit distance; in stemmed fields also the stems of whole words near
        it in the headline vocabulary ("presidnet~" is far from the stem "presid")."""
        word = node.text.lower().translate(accent_map)
        stems = self._analyse(name, node.text) or [word]
        near = set(self.reader.terms_within(name, stems[0], node.distance, prefix=NEAR_PREFIX))
        if name in TEXT_FIELDS:
            for whole in self.reader.terms_within("spell", word, node.distance, prefix=NEAR_PREFIX):
                stem = normalise(whole)
                if stem and (name, stem) in self.reader:
                    near.add(stem)
        return sorted(near)

    def _any_term(self, name: str, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        mask, scores = self._empty()
        for term in terms:
            term_mask, term_scores = self.term_in_fields(term, (name,))
            mask |= term_mask
            scores = np.maximum(scores, term_scores)
        return mask, scores

    def _country(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        code = _country_code(text)
        mask, scores = self._empty()
        if code:
            mask |= self.snap.columns["countries"].having((code,))
        else:
            self.notes.append(f"{text!r} is not a country name or code.")
        return mask, scores


def _country_code(text: str) -> str | None:
    text = text.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def _wildcard_regex(pattern: str) -> re.Pattern:
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    )
