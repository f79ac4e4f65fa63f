"""How the index is written: Whoosh's segment writer made faster, and a commit shared by two
processes (the second one writes its segment in :mod:`archive.index.helper`)."""

from __future__ import annotations

import heapq
import pickle
import struct
import zlib
from array import array
from collections.abc import Iterator
from itertools import accumulate, groupby
from operator import itemgetter, sub
from typing import NamedTuple

from whoosh import index, writing
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.reading import SegmentReader
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util import fib
from whoosh.util.numeric import length_to_byte

from archive.index.helper import SegmentHelper
from archive.index.postings import Block, extent_blocks
from archive.index.segments import LENGTH_OF_CODE, length_codes

# The part of a commit's documents the helper process writes: more than half, because the writing
# process also finds the syndicated copies of the whole batch (10,000 articles in commits of
# 1,000: 18.6 s of CPU in each process). A commit that merges splits its merge in two halves.
HELPER_SHARE = 0.62
# Postings blocks pickled shorter than this are written uncompressed (see _TermWriter).
COMPRESS_FROM_BYTES = 128
_CODEC = W3Codec()  # Whoosh's: its block size and zlib level
_COMPRESSION = _CODEC._compression
_TERM_INFO = W3TermInfo._struct


class Writer(writing.SegmentWriter):
    """Whoosh's segment writer, reading field lengths in bulk while it writes postings, and
    committing segments written by a helper process along with its own.

    For every posting Whoosh looks up its document's field length (for the term's length bounds)
    through a column reader, one file read per posting: a tenth of the indexing time. Here each
    field's lengths are read once per segment; the values written are the same.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._merged: list = []  # (segment reader, first new document number, docmap)

    def delete_by_terms(self, fieldname: str, texts: list[str]) -> None:
        """Whoosh's ``delete_by_term`` for each of ``texts``: a term lookup per segment and text,
        where Whoosh set up a query matcher in every segment for each (a build's
        commits, with dozens of segments, spent a second on it)."""
        for leaf, offset in self.searcher().reader().leaf_readers():
            for text in texts:
                if (fieldname, text) in leaf:
                    for docnum in leaf.postings(fieldname, text).all_ids():
                        self.delete_document(offset + docnum)

    def merge_plan(self, segments_per_commit: int) -> list:
        """The segments this commit should merge, by the bound of Whoosh's MERGE_SMALL: the
        smallest ones, up to the first whose number outgrows a Fibonacci bound on their size.
        A commit with a helper writes two segments, so the rule counts ``segments_per_commit``
        as one (counted alone, it merged most of a 10,000-article build once more)."""
        ordered = sorted(self.segments, key=lambda segment: segment.doc_count_all())
        total = 0
        for i, segment in enumerate(ordered):
            total += segment.doc_count_all()
            commits = i // segments_per_commit
            if commits > 3 and total < fib(commits + 5):
                return ordered[: i + 1]
        return []

    def commit_with(self, helper: SegmentHelper | None, merging: list) -> None:
        """Commit with ``merging`` merged into this writer's segment and the helper's segment
        (its documents and its share of the merge) in the same table of contents.

        The helper's segment is fetched after this writer has merged and flushed its own, so
        that the two processes work at the same time.
        """
        self._check_state()
        gone = {segment.segment_id() for segment in merging}
        if helper:
            gone.update(segment.segment_id() for segment in helper.merging)
        for segment in merging:
            reader = SegmentReader(self.storage, self.schema, segment)
            self.add_reader(reader)
            reader.close()
        final = [segment for segment in self.segments if segment.segment_id() not in gone]
        own = [self._finalize_segment()] if self._added else []
        if not own:
            self._close_segment()
        shared = [helper.segment()] if helper else []
        self._commit_toc(final + shared + own)
        self._finish()

    def add_postings_to_pool(self, reader, startdoc: int, docmap) -> None:
        """Whoosh's, except that a merged segment's postings are not copied into the pool: they
        are read when the segment is written (:meth:`_flush_segment`).

        Whoosh's pool spills to sorted runs on disk past its memory limit, which a merge of
        17,000 articles passed five times over: the runs' pickling and merging in Python made
        that merge take longer than writing the articles afresh.
        """
        if not isinstance(reader, SegmentReader):
            super().add_postings_to_pool(reader, startdoc, docmap)
            return
        # The caller closes its reader after this: the postings are read through another.
        kept = SegmentReader(self.storage, self.schema, reader.segment())
        self._merged.append((kept, startdoc, docmap))

    def _all_terms(self):
        """The new segment's terms in order, each with its postings: the pool's (added
        documents) and those of the merged segments, which come after them."""
        merged = [
            _segment_terms(reader, startdoc, docmap) for reader, startdoc, docmap in self._merged
        ]
        pool = _pool_terms(self.pool.iter_postings())
        if not merged:
            return pool
        return _joined_terms(heapq.merge(pool, *merged, key=_TERM_KEY))

    def _close_merged(self) -> None:
        for reader, _, _ in self._merged:
            reader.close()
        self._merged = []

    def cancel(self) -> None:
        self._close_merged()
        super().cancel()

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = _FieldLengths(self.per_document_reader())
        _add_terms(self.fieldwriter, self.schema, lengths, self._all_terms())
        self.fieldwriter.close()
        lengths.close()
        self._close_merged()


_TERM_KEY = itemgetter(0, 1)


class _TermPostings(NamedTuple):
    """A term of a field with its postings, sorted by document."""

    fieldname: str
    btext: bytes
    docnums: list[int]
    weights: list[float]
    values: list


def _pool_terms(postings) -> Iterator[_TermPostings]:
    """The terms of the added documents: Whoosh's pool gives their postings one at a time,
    sorted by field name, term and document."""
    for (fieldname, btext), rows in groupby(postings, _TERM_KEY):
        _, _, docnums, weights, values = zip(*rows, strict=True)
        if docnums[0] == -1:  # Whoosh's mark of a spelling word: none in this schema
            kept = [i for i, docnum in enumerate(docnums) if docnum != -1]
            if not kept:
                continue
            docnums, weights, values = (
                [seq[i] for i in kept] for seq in (docnums, weights, values)
            )
        yield _TermPostings(fieldname, btext, list(docnums), list(weights), list(values))


def _segment_terms(reader: SegmentReader, startdoc: int, docmap) -> Iterator[_TermPostings]:
    """The terms of a merged segment in order, each with the postings of its live documents
    numbered as in the new segment (``docmap``, or from ``startdoc``).

    The terms table is read in one piece and each term's blocks decoded whole. Whoosh's
    ``iter_postings`` looked every term up again and gave its postings one call at a time,
    and a merge took longer than writing its articles afresh.
    """
    # Whoosh's private parts, as in archive.index.postings: whoosh-reloaded is pinned (2.7.5).
    terms = reader._terms
    table = terms._tindex
    postfile = terms._postfile
    schema = reader.schema
    records = table.dbfile.get(table.startofdata, table.endofdata - table.startofdata)
    for fieldname in sorted(name for name in terms._fieldmap if name in schema):
        fixed_size = schema[fieldname].format.fixed_value_size()
        prefix = pack_ushort(terms._fieldmap[fieldname])
        for btext, offset, length in _field_records(table, records, prefix):
            docnums, weights, values = [], [], []
            for block in extent_blocks(postfile, offset, length):
                _decode_block(block, fixed_size, docnums, weights, values)
            if docmap is None:
                docnums = [startdoc + docnum for docnum in docnums]
            else:  # the segment has deletions: its live documents only, renumbered
                kept = [i for i, docnum in enumerate(docnums) if docnum in docmap]
                if not kept:
                    continue
                weights = [weights[i] for i in kept]
                values = [values[i] for i in kept]
                docnums = [docmap[docnums[i]] for i in kept]
            yield _TermPostings(fieldname, btext, docnums, weights, values)


_RECORD = struct.Struct("!ii")  # a record's key and value lengths in Whoosh's hash tables
_EXTENT = struct.Struct("!qi")  # where a term's postings are, after its W3TermInfo numbers


def _field_records(table, records: bytes, prefix: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(term, postings offset, postings length) of a field's terms, in order, from the terms
    table's records (read whole as ``records``; keys are the field's number and the term)."""
    position = table.closest_key_pos(prefix)
    if position is None:
        return
    position -= table.startofdata
    end = len(records)
    while position < end:
        key_length, value_length = _RECORD.unpack_from(records, position)
        key_at = position + _RECORD.size
        if records[key_at : key_at + 2] != prefix:
            return
        value_at = key_at + key_length
        if records[value_at]:  # Whoosh's default never inlines (inlinelimit=1)
            raise ValueError("Postings inlined in the terms file.")
        offset, length = _EXTENT.unpack_from(records, value_at + _TERM_INFO.size)
        yield records[key_at + 2 : value_at], offset, length
        position = value_at + value_length


def _decode_block(block: Block, fixed_size: int | None, docnums, weights, values) -> None:
    """Append a block's documents, weights and values (as Whoosh's matcher reads them)."""
    deltas, block_weights, block_values = pickle.loads(block.pickled())
    docnums.extend(accumulate(deltas))
    count = len(deltas)
    if block_weights is None:
        weights.extend([1.0] * count)
    elif isinstance(block_weights, float):
        weights.extend([block_weights] * count)
    else:
        weights.extend(block_weights)
    if fixed_size is None or fixed_size < 0:
        if len(block_values) != count:
            raise ValueError("A postings block with values missing: the index needs a rebuild.")
        values.extend(block_values)
    elif fixed_size == 0:
        values.extend([None] * count)
    else:
        values.extend(
            block_values[i : i + fixed_size] for i in range(0, count * fixed_size, fixed_size)
        )


def _joined_terms(terms) -> Iterator[_TermPostings]:
    """Terms from several sources, sorted, with the postings of a term in several joined in
    document order (the sources' documents are disjoint ranges)."""
    for (fieldname, btext), parts in groupby(terms, _TERM_KEY):
        parts = list(parts)
        if len(parts) == 1:
            yield parts[0]
            continue
        parts.sort(key=lambda part: part.docnums[0])
        yield _TermPostings(
            fieldname,
            btext,
            [docnum for part in parts for docnum in part.docnums],
            [weight for part in parts for weight in part.weights],
            [value for part in parts for value in part.values],
        )


def _add_terms(fieldwriter, schema, lengths: _FieldLengths, terms) -> None:
    """Whoosh's ``FieldWriter.add_postings``: the sorted terms of a segment written field by
    field, in the same bytes.

    Whoosh makes four method calls per posting and a dozen per term; here a term's postings are
    written a block (up to 128 postings) at a time by :meth:`_TermWriter.write`.
    """
    for fieldname, field_terms in groupby(terms, itemgetter(0)):
        fieldobj = schema[fieldname]
        fieldwriter.start_field(fieldname, fieldobj)
        writer = _TermWriter(fieldwriter, fieldobj.format, lengths.codes(fieldname))
        for term in field_terms:
            writer.write(term.btext, term.docnums, term.weights, term.values)
        fieldwriter.finish_field()


class _TermWriter:
    """Writes the terms of one field, each with its postings (sorted document numbers), as
    Whoosh's W3FieldWriter and W3PostingsWriter write them, except that small blocks are left
    uncompressed.

    Most words of a segment have a posting or two, and Whoosh compressed every block: a zlib
    stream set up for each tiny pickle, which it barely shortens, was a tenth of the indexing
    time. A block states whether it is compressed, so the readers take both.
    """

    def __init__(self, fieldwriter, format_, codes: bytes) -> None:
        self._postfile = fieldwriter._postfile
        self._terms = fieldwriter._tindex
        self._key_prefix = pack_ushort(fieldwriter._fieldid)
        self._blocklimit = _CODEC._blocklimit
        self._values_size = format_.fixed_value_size()
        self._codes = codes

    def _lengths(self, docnums) -> list[int]:
        codes = self._codes
        count = len(codes)
        return [LENGTH_OF_CODE[codes[d]] if d < count else 0 for d in docnums]

    def write(self, btext: bytes, docnums, weights, values) -> None:
        """The term's postings in blocks, and its info (W3TermInfo.to_bytes) in the terms table."""
        lengths = self._lengths(docnums)
        offset = self._postfile.tell()
        self._postfile.write(WHOOSH3_HEADER_MAGIC)
        count = len(docnums)
        limit = self._blocklimit
        blocks = [
            self._write_block(
                docnums[start : start + limit],
                weights[start : start + limit],
                values[start : start + limit],
                lengths[start : start + limit],
                last=start + limit >= count,
            )
            for start in range(0, count, limit)
        ]
        total_weight = 0
        for block in blocks:  # added up in order, as Whoosh's term info does
            total_weight += block.weight
        shortest = [block.min_length for block in blocks if block.min_length is not None]
        info = _TERM_INFO.pack(
            False,
            total_weight,
            count,
            length_to_byte(min(shortest)) if shortest else 0,
            length_to_byte(max(block.max_length for block in blocks)),
            max(block.max_weight for block in blocks),
            docnums[0],
            docnums[-1],
        )
        size = self._postfile.tell() - offset
        self._terms.add(self._key_prefix + btext, info + pack_long(offset) + pack_int(size))

    def _write_block(self, docnums, weights, values, lengths, last: bool) -> _BlockStats:
        """One block of postings, as W3PostingsWriter writes it."""
        stored = array("f", weights)  # the weights as the block keeps them (4-byte floats)
        first = stored[0]
        if stored.count(first) == len(stored):
            mini_weights = None if first == 1.0 else first
        else:
            mini_weights = tuple(stored)
        if self._values_size is None or self._values_size < 0:
            mini_values = tuple(v for v in values if v)
        elif self._values_size == 0:
            mini_values = None
        else:
            mini_values = b"".join(v for v in values if v)
        deltas = tuple(map(sub, docnums, (0, *docnums[:-1])))
        data = pickle.dumps((deltas, mini_weights, mini_values), 2)
        compression = _COMPRESSION if len(data) >= COMPRESS_FROM_BYTES else 0
        if compression:
            data = zlib.compress(data, compression)
        max_weight = max(weights)
        if not max_weight > 0:
            max_weight = 0
        counted = [length for length in lengths if length]
        stats = _BlockStats(
            sum(stored),
            max_weight,
            min(counted) if counted else None,
            max(counted) if counted else 0,
        )
        info = pickle.dumps(
            (
                len(docnums),
                docnums[-1],
                max_weight,
                compression,
                length_to_byte(stats.min_length),
                length_to_byte(stats.max_length),
            ),
            2,
        )
        size = len(info) + len(data)
        self._postfile.write(pack_int(-size if last else size) + info + data)
        return stats


class _BlockStats(NamedTuple):
    """What a term's info sums up of each of its blocks."""

    weight: float  # the block's weights added up, as stored (4-byte floats)
    max_weight: float
    min_length: int | None  # of the documents' field lengths; None when none is known
    max_length: int


def helper_writer(ix: index.FileIndex) -> Writer:
    """A writer for a helper process: the writing process holds the lock."""
    return Writer(ix, _lk=False, limitmb=128)


class _FieldLengths:
    """The per-document field lengths of a new segment, each field's read in one piece."""

    def __init__(self, perdoc) -> None:
        self._perdoc = perdoc
        self._codes: dict[str, bytes] = {}

    def codes(self, fieldname: str) -> bytes:
        """A byte per document: its length in the field, coded (a missing one is length 0,
        which the postings writer skips as Whoosh's does)."""
        codes = self._codes.get(fieldname)
        if codes is None:
            codes = self._codes[fieldname] = length_codes(self._perdoc, f"_{fieldname}_len")
        return codes

    def close(self) -> None:
        self._perdoc.close()
