"""The Whoosh index of articles: the schema, writing, and the primitives search is built from.

This is the only module that imports ``whoosh``. Whoosh stores and analyses the articles (English
stemming, accent folding, positions for phrases, stored fields, the term lexicon); matching,
scoring and facet counting run over numpy arrays built from its posting lists and columns (see
:class:`Snapshot`), because Whoosh's Python-level collectors and facets are too slow at 100,000
articles (its block-quality optimisation also hangs on some queries, so it is never used here).
"""

from __future__ import annotations

import json
import math
import pickle
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pycountry
from whoosh import columns, fields, index, writing
from whoosh.analysis import STOP_WORDS, CharsetFilter, Filter, LowercaseFilter, RegexTokenizer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map
from whoosh.util.numeric import byte_to_length

import config
from archive import dedup
from archive.article import Article
from archive.errors import MorgueError, NotFound
from archive.facets import FacetColumn
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
    expanding_words,
)
from archive.results import FACETS, Hit, Results, SearchQuery
from archive.search import SearchTimeout, run_search
from archive.snippets import snippet

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
# The wildcards and fuzzy words of one query expand to at most this many terms together (the
# most frequent), each after looking at most at this many candidates (see also the bounds in
# archive.query): at 100,000 articles each term costs about 4 ms over the four text fields.
MAX_EXPANSIONS = 32
MAX_EXPANSION_SCAN = 20000
_VALUES = "\x1f"
_GROUPS = "\x1e"
# Fuzzy words and "did you mean" keep the first letters: comparing against every word that
# shares only the first letter took over 100 ms at 100,000 articles.
NEAR_PREFIX = 2
_BM25_K1 = 1.2
_BM25_B = 0.75


@lru_cache(maxsize=200_000)
def _normalise(word: str) -> str | None:
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
            word = _normalise(token.text)
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


def _stemming_analyzer():
    return RegexTokenizer() | _EnglishWords()


def _folding_analyzer():
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
    return _GROUPS.join(_VALUES.join(group) for group in groups).encode("utf-8")


_FACET_GROUPS = (*FACETS, "story")


def build_schema() -> fields.Schema:
    stem = _stemming_analyzer()
    fold = _folding_analyzer()
    text_fields = {
        name: fields.TEXT(analyzer=stem, field_boost=boost) for name, boost in TEXT_FIELDS.items()
    }
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        **text_fields,
        author=fields.TEXT(analyzer=fold),
        person_text=fields.TEXT(analyzer=fold),
        organization_text=fields.TEXT(analyzer=fold),
        source_text=fields.TEXT(analyzer=fold),
        # Unstemmed words of headlines and names: the vocabulary for "did you mean".
        spell=fields.TEXT(analyzer=fold, phrase=False),
        # Facet values and story, read in bulk per segment into numpy arrays (see _SegmentData).
        facets=fields.COLUMN(columns.VarBytesColumn()),
        # Publication day as YYYYMMDD in the article's own time zone (0: undated) and instant.
        day=fields.COLUMN(columns.NumericColumn("i", default=0)),
        ts=fields.COLUMN(columns.NumericColumn("q", default=0)),
        article=fields.STORED(),
    )


def _document(article: Article, story: str | None) -> dict:
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


def _article(stored: dict) -> Article:
    return Article.from_dict(json.loads(stored["article"]))


class ArticleIndex:
    """The archive's index in ``index_dir``: opened, or created when missing."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.index_dir.mkdir(parents=True, exist_ok=True)
        if index.exists_in(str(self.index_dir)):
            self._ix = index.open_dir(str(self.index_dir))
        else:
            self._ix = self._create()
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._retired: Snapshot | None = None
        self._segments: dict[str, _SegmentData] = {}

    def _create(self) -> index.FileIndex:
        """Create the index; if another process created it meanwhile, open theirs."""
        try:
            return index.create_in(str(self.index_dir), build_schema())
        except Exception:  # noqa: BLE001 - a concurrent creation: open what it made
            if index.exists_in(str(self.index_dir)):
                return index.open_dir(str(self.index_dir))
            raise

    # Writing

    def _writer(self) -> writing.SegmentWriter:
        """A writer; waits for another process's writer instead of failing."""
        try:
            return self._ix.writer(
                timeout=config.INDEX_LOCK_TIMEOUT_SECONDS, delay=0.2, limitmb=128
            )
        except index.LockError:
            raise MorgueError(
                f"Another process kept the index locked for"
                f" {config.INDEX_LOCK_TIMEOUT_SECONDS:.0f} s;"
                " try again when it has finished."
            ) from None

    def _copies(self) -> dedup.CopyFinder:
        return dedup.CopyFinder(self.index_dir / "copies.sqlite")

    def upsert(self, articles: list[Article]) -> None:
        """Add or replace articles (same id replaces) in one commit, linking syndicated copies."""
        latest = {a.id: a for a in articles}
        if not latest:
            return
        writer = self._writer()
        copies = self._copies()
        try:
            for article in latest.values():
                story = copies.link(article.id, dedup.signature(article.body))
                writer.update_document(**_document(article, story))
            writer.commit()
        except BaseException:
            writer.cancel()
            copies.close(commit=False)
            raise
        copies.close(commit=True)

    def remove(self, article_id: str) -> bool:
        writer = self._writer()
        copies = self._copies()
        try:
            removed = writer.delete_by_term("id", article_id)
            copies.forget(article_id)
            writer.commit()
        except BaseException:
            writer.cancel()
            copies.close(commit=False)
            raise
        copies.close(commit=True)
        return removed > 0

    def clear(self) -> None:
        """Empty the index (before a rebuild from the originals)."""
        writer = self._writer()
        copies = self._copies()
        copies.clear()
        writer.commit(mergetype=writing.CLEAR)
        copies.close(commit=True)

    # Reading

    def snapshot(self) -> Snapshot:
        """The index as of its latest commit, with per-segment arrays reused across commits."""
        with self._lock:
            current = self._snapshot
            if current is not None and current.generation == self._ix.latest_generation():
                return current
            searcher = self._ix.searcher()
            fresh = Snapshot(searcher, self._segments)
            self._segments = {
                key: seg for key, seg in self._segments.items() if key in fresh.segment_keys
            }
            # The snapshot before the current one may still serve a search in another thread;
            # the one before that is done: close its files.
            if self._retired is not None:
                self._retired.searcher.close()
            self._retired, self._snapshot = current, fresh
            return fresh

    def get(self, article_id: str) -> Article | None:
        stored = self.snapshot().searcher.document(id=article_id)
        return _article(stored) if stored else None

    def ids(self) -> set[str]:
        return self.snapshot().ids()

    def count(self) -> int:
        return self.snapshot().searcher.doc_count()

    def search(self, search_query: SearchQuery, *, facets: bool = True) -> Results:
        """Run a search; ``facets=False`` skips the facet counts (a feed needs only the hits)."""
        return run_search(self.snapshot(), search_query, facets=facets)

    def more_like_this(self, article_id: str, limit: int = 5) -> list[Hit]:
        return self.snapshot().more_like_this(article_id, limit)

    def siblings(self, article_id: str) -> list[Hit]:
        return self.snapshot().siblings(article_id)

    def stats(self) -> dict:
        snap = self.snapshot()
        size = sum(p.stat().st_size for p in self.index_dir.iterdir() if p.is_file())
        return {**snap.stats(), "index_bytes": size, "segments": len(snap.segment_keys)}

    def close(self) -> None:
        with self._lock:
            for snap in (self._snapshot, self._retired):
                if snap is not None:
                    snap.searcher.close()
            self._snapshot = self._retired = None


def _column(segment_reader, name: str, typecode: str, count: int) -> np.ndarray:
    """A numeric column of one segment as an array (read in one piece when possible)."""
    reader = segment_reader.column_reader(name, translate=False)
    dtype = np.dtype(typecode).newbyteorder(">")
    raw = getattr(reader, "_dbfile", None)
    if raw is not None and hasattr(reader, "_basepos"):
        stored = min(reader._count, count)
        values = np.frombuffer(raw.get(reader._basepos, stored * dtype.itemsize), dtype=dtype)
        out = np.zeros(count, dtype=np.dtype(typecode))
        out[:stored] = values
        return out
    return np.array(list(reader), dtype=np.dtype(typecode))


def _postings(matcher) -> tuple[np.ndarray, np.ndarray]:
    """All (document, frequency) of a posting list; whole blocks at a time for on-disk postings."""
    if not isinstance(matcher, W3LeafMatcher):
        ids: list[int] = []
        weights: list[float] = []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)
    id_blocks, weight_blocks = [], []
    while matcher.is_active():
        block = _block_ids_and_weights(matcher)
        id_blocks.append(block[0])
        weight_blocks.append(block[1])
        matcher._next_block()
    if not id_blocks:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)


# In the pinned whoosh-reloaded 2.7.5 codec each block of up to 128 postings is a zlib-compressed
# pickle (protocol 2) of (delta-coded ids, weights, values). The values are the word positions,
# one pickled bytes object per posting, and unpickling them was over 90% of a search's time: the
# ids and weights come first, so only they are decompressed and unpickled here.
_PICKLE_START = b"\x80\x02("  # protocol 2, then the mark of the ids tuple
_IDS_END = b"tq\x00"  # end of the ids tuple, memoised as the pickle's first object
_TUPLE2_STOP = b"\x86."


def _block_ids_and_weights(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    """The document numbers and frequencies of the matcher's current block."""
    count = matcher._blocklength
    data = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
    head = _ids_and_weights(data, bool(matcher._compression), count, matcher._maxid)
    if head is None:  # a block of under 4 postings (pickled differently), or not understood
        matcher._read_data()
        head = matcher._data[:2]
    deltas, weights = head
    ids = np.cumsum(np.array(deltas, dtype=np.int64))
    if weights is None:
        return ids, np.ones(len(ids), dtype=np.float32)
    if isinstance(weights, float):
        return ids, np.full(len(ids), weights, dtype=np.float32)
    return ids, np.array(weights, dtype=np.float32)


def _block_ids_and_values(matcher: W3LeafMatcher):
    """The document numbers of the matcher's current block and a getter of the i-th value.

    Unpickling a block makes a bytes object per posting through a call of ``_codecs.encode``;
    a phrase needs the values of a few postings per block, so they are sliced out of the pickle
    where its layout is the one the codec writes, and unpickled only otherwise.
    """
    count = matcher._blocklength
    data = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
    if matcher._compression:
        data = zlib.decompress(data)
    head = _ids_and_weights(data, False, count, matcher._maxid)
    values = _values(data, count) if head is not None else None
    if values is None:
        matcher._read_data()
        deltas, _, pickled = matcher._data
        return np.cumsum(np.array(deltas, dtype=np.int64)), pickled.__getitem__
    return np.cumsum(np.array(head[0], dtype=np.int64)), values


_FIRST_VALUE = b"c_codecs\nencode\nq"


def _values(data: bytes, count: int):
    """A getter of the i-th posting's value in a block's pickle, or None when the layout differs.

    A value is pickled as ``_codecs.encode(<text>, "latin1")``: the first calls the function by
    name and memoises it, the others fetch it from the memo (``h`` and its number), then the text
    is ``X``, a 4-byte length and UTF-8. Splitting at that fetch gives one piece per later value;
    any other count means the bytes also occurred inside a text, and the pickle is used instead.
    """
    at = data.find(_FIRST_VALUE)
    x = at + len(_FIRST_VALUE) + 1
    if at < 0 or data[x : x + 1] != b"X":
        return None
    pieces = data[x + 1 :].split(b"h" + data[x - 1 : x] + b"X")
    if len(pieces) != count:
        return None

    def value(i: int) -> bytes:
        piece = pieces[i]
        size = int.from_bytes(piece[:4], "little")
        if size + 4 > len(piece):
            raise ValueError("Unexpected layout of a postings block.")
        return piece[4 : 4 + size].decode("utf-8").encode("latin-1")

    return value


def _ids_and_weights(data: bytes, compressed: bool, count: int, last_id: int):
    """(deltas, weights) unpickled from the front of a block, or None when unsure.

    The end of the ids is found by its byte pattern; a candidate counts only if it gives exactly
    ``count`` deltas adding up to the block's last id (kept in the block's header), so a pattern
    that happens to occur inside a number is never taken for the end.
    """
    if count < 4:
        return None
    ids_max = len(_PICKLE_START) + 5 * count  # each id is one opcode and at most 4 bytes
    if compressed:
        data = zlib.decompressobj().decompress(data, ids_max + 3 + 9 * count + 2)
    if not data.startswith(_PICKLE_START):
        return None
    start = len(_PICKLE_START) + 2 * count
    while (end := data.find(_IDS_END, start, ids_max + len(_IDS_END))) >= 0:
        start = end + 1
        weights_at = end + len(_IDS_END)
        kind = data[weights_at : weights_at + 1]
        size = {b"N": 1, b"G": 9, b"(": 2 + 9 * count}.get(kind)
        if size is None:
            continue
        try:
            deltas, weights = pickle.loads(data[: weights_at + size] + _TUPLE2_STOP)
        except (pickle.UnpicklingError, ValueError, TypeError, EOFError, IndexError):
            continue
        if len(deltas) == count and sum(deltas) == last_id:
            if isinstance(weights, tuple) and len(weights) != count:
                return None
            return deltas, weights
    return None


@dataclass
class _SegmentData:
    """The arrays of one index segment; segments never change, so these are read once."""

    size: int
    day: np.ndarray
    ts: np.ndarray
    ids: list[str]
    values: dict[str, tuple[list[str], np.ndarray, np.ndarray]]  # facet -> labels, docs, value ids
    lengths: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def read(cls, reader) -> _SegmentData:
        size = reader.doc_count_all()
        numbers: list[dict[str, int]] = [{} for _ in _FACET_GROUPS]
        docs: list[list[int]] = [[] for _ in _FACET_GROUPS]
        values: list[list[int]] = [[] for _ in _FACET_GROUPS]
        for docnum, record in enumerate(reader.column_reader("facets")):
            if not record:
                continue
            for group, text in enumerate(record.decode("utf-8").split(_GROUPS)):
                if text:
                    number = numbers[group]
                    for value in text.split(_VALUES):
                        docs[group].append(docnum)
                        values[group].append(number.setdefault(value, len(number)))
        arrays = {
            name: (
                list(numbers[g]),
                np.array(docs[g], dtype=np.int64),
                np.array(values[g], dtype=np.int32),
            )
            for g, name in enumerate(_FACET_GROUPS)
        }
        return cls(
            size,
            _column(reader, "day", "i4", size),
            _column(reader, "ts", "i8", size),
            list(reader.column_reader("id")),
            arrays,
        )

    def field_lengths(self, reader, name: str) -> np.ndarray:
        if name not in self.lengths:
            perdoc = reader._perdoc  # the lengths column is not in the schema, so go to the codec
            lenfield = f"_{name}_L"
            if perdoc.has_column(lenfield):
                creader = perdoc.column_reader(lenfield, LENGTHS_COLUMN)
                raw = np.frombuffer(
                    creader._dbfile.get(creader._basepos, creader._count), dtype=np.uint8
                )
                codes = np.zeros(self.size, dtype=np.uint8)
                codes[: len(raw)] = raw[: self.size]
            else:
                codes = np.zeros(self.size, dtype=np.uint8)
            self.lengths[name] = _LENGTH_OF_BYTE[codes]
        return self.lengths[name]


_LENGTH_OF_BYTE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)


class Snapshot:
    """One generation of the index as arrays: what :mod:`archive.search` computes over.

    Document numbers are Whoosh's global ones for this generation. ``live`` masks out deleted
    documents; ``story`` gives syndicated copies one shared number (others their own).
    """

    def __init__(self, searcher, cache: dict[str, _SegmentData]) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        self.generation = reader.generation()
        self.leaves = reader.leaf_readers()
        self.segment_keys: set[str] = set()
        self.parts: list[tuple[_SegmentData, int, object]] = []
        for leaf, offset in self.leaves:
            if leaf.segment() is None:  # an empty index
                continue
            key = f"{leaf.segment().segment_id()}:{leaf.doc_count_all()}"
            if key not in cache:
                cache[key] = _SegmentData.read(leaf)
            self.segment_keys.add(key)
            self.parts.append((cache[key], offset, leaf))
        self.size = sum(part.size for part, _, _ in self.parts)
        self.live = np.ones(self.size, dtype=bool)
        for _, offset, leaf in self.parts:
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
            self._lengths[name] = self._concat(
                lambda part, name=name: part.field_lengths(self._leaf_of(part), name), np.float32
            )
        return self._lengths[name]

    def _leaf_of(self, part: _SegmentData):
        return next(leaf for p, _, leaf in self.parts if p is part)

    def term_docs(self, name: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Global document numbers and frequencies of one term."""
        ids, weights = [], []
        for _, offset, leaf in self.parts:
            if (name, term) in leaf:
                seg_ids, seg_weights = _postings(leaf.postings(name, term))
                ids.append(seg_ids + offset)
                weights.append(seg_weights)
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(ids), np.concatenate(weights)

    def positions(self, name: str, term: str, docs: np.ndarray) -> dict[int, list[int]]:
        """Word positions of one term in the given (sorted, global) documents."""
        out: dict[int, list[int]] = {}
        for part, offset, leaf in self.parts:
            local = docs[(docs >= offset) & (docs < offset + part.size)] - offset
            if not len(local) or (name, term) not in leaf:
                continue
            matcher = leaf.postings(name, term)
            if not isinstance(matcher, W3LeafMatcher):
                wanted = set(local.tolist())
                while matcher.is_active():
                    if matcher.id() in wanted:
                        out[matcher.id() + offset] = matcher.value_as("positions")
                    matcher.next()
                continue
            decode = matcher.format.decode_positions
            while matcher.is_active():
                # Skip blocks holding none of the documents without decoding them.
                first = np.searchsorted(local, matcher.block_max_id(), side="right")
                if first:
                    # Every candidate has the term, so those up to the block's last id are in it.
                    ids, values = _block_ids_and_values(matcher)
                    for i in np.searchsorted(ids, local[:first]).tolist():
                        out[int(ids[i]) + offset] = decode(values(i))
                    local = local[first:]
                    if not len(local):
                        break
                matcher._next_block()
        return out

    def match(self, node: Node, deadline: float) -> _Match:
        """Which documents match a query tree, with BM25 scores (title weighted highest)."""
        matcher = _Matcher(self, deadline, MAX_EXPANSIONS // max(1, expanding_words(node)))
        result = matcher.evaluate(node, negated=False)
        if result is None:
            matcher.notes.append("The query has only very common words, which are not indexed.")
            result = (np.zeros(self.size, dtype=bool), np.zeros(self.size, dtype=np.float32))
        mask, scores = result
        return _Match(mask & self.live, scores, matcher.notes, matcher.highlight_terms)

    def correct(self, word: str) -> str | None:
        """A likely intended word for one that occurs in no article, or None."""
        folded = [t.text for t in _folding_analyzer()(word)]
        if len(folded) != 1 or len(folded[0]) <= NEAR_PREFIX:  # "a": every word near it
            return None
        stems = [t.text for t in _stemming_analyzer()(word)]
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
            article = _article(stored)
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
        article = _article(self.searcher.stored_fields(docnum))
        text = "\n".join([article.title, *article.body])
        keys = self.searcher.key_terms_from_text("body", text, numterms=12)
        if not keys:
            return []
        matcher = _Matcher(self, time.monotonic() + config.SEARCH_TIME_LIMIT_SECONDS)
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
class _Match:
    mask: np.ndarray
    scores: np.ndarray
    notes: list[str]
    highlight_terms: set[str]


class _Matcher:
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
        if len(candidates):
            positions = [self.snap.positions(name, term, candidates) for term in terms]
            self._check_time()
            found = [d for d in candidates.tolist() if _in_a_row([p.get(d, ()) for p in positions])]
            mask[found] = True
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
                stem = _normalise(whole)
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


def _in_a_row(positions: list[list[int]]) -> bool:
    """Whether some position p of the first term has p+1 for the second, p+2 for the third..."""
    starts = set(positions[0])
    for k, later in enumerate(positions[1:], 1):
        starts &= {p - k for p in later}
        if not starts:
            return False
    return bool(starts)


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


def _snippet(article: Article, terms: set[str]) -> str:
    texts = ["\n".join(article.body), article.standfirst or "", *(c.text for c in article.captions)]
    return snippet(texts, terms, _normalise)


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
