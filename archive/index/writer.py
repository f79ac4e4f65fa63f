"""How the index is written: Whoosh's segment writer made faster, and a commit shared by two
processes (the second one writes its segment in :mod:`archive.index.helper`)."""

from __future__ import annotations

import heapq
import pickle
import zlib
from array import array
from itertools import groupby
from operator import itemgetter, sub

from whoosh import index, writing
from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
    W3TermInfo,
)
from whoosh.reading import SegmentReader
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util import fib
from whoosh.util.numeric import length_to_byte

from archive.index.helper import SegmentHelper
from archive.index.segments import LENGTH_OF_CODE, length_codes

# The part of a commit's documents the helper process writes: more than half, because the writing
# process also finds the syndicated copies of the whole batch and deletes replaced versions
# (10,000 articles in commits of 1,000: 18.6 s of CPU in each process).
HELPER_SHARE = 0.62
# Postings blocks pickled shorter than this are written uncompressed (see _PostingsWriter).
COMPRESS_FROM_BYTES = 128
_COMPRESSION = W3Codec()._compression  # Whoosh's zlib level for posting blocks
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
        self.fieldwriter._codec = _WRITING_CODEC  # the segment keeps (and pickles) Whoosh's own

    def delete_by_terms(self, fieldname: str, texts: list[str]) -> None:
        """Whoosh's ``delete_by_term`` for each of ``texts``: a term lookup per segment and text,
        where Whoosh set up a query matcher in every segment for each (a build's
        commits, with dozens of segments, spent a second on it)."""
        for leaf, offset in self.searcher().reader().leaf_readers():
            for text in texts:
                if (fieldname, text) in leaf:
                    for docnum in leaf.postings(fieldname, text).all_ids():
                        self.delete_document(offset + docnum)

    def commit_with(self, helper: SegmentHelper | None) -> None:
        """Commit as Whoosh's ``commit()`` does (small segments merged), with the helper's
        segment (documents before this writer's) in the same table of contents.

        The helper's segment is fetched after this writer has merged and flushed its own, so
        that the two processes work at the same time.
        """
        self._check_state()
        # With a helper a commit adds two segments: merged by a rule that counts them as one.
        final = self._merge_segments(_merge_small_commits if helper else None, None, None)
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

    def _all_postings(self):
        """The new segment's postings, sorted as Whoosh's pool sorts them: the pool's (added
        documents) and those of the merged segments."""
        merged = [
            _live_postings(reader, startdoc, docmap) for reader, startdoc, docmap in self._merged
        ]
        return (
            heapq.merge(self.pool.iter_postings(), *merged) if merged else self.pool.iter_postings()
        )

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
        _add_postings(self.fieldwriter, self.schema, lengths, self._all_postings())
        self.fieldwriter.close()
        lengths.close()
        self._close_merged()


def _live_postings(reader: SegmentReader, startdoc: int, docmap):
    """The postings of a segment's live documents, numbered as in the new segment (``docmap``,
    or from ``startdoc``), sorted as Whoosh's pool sorts them: by field name, term, document.

    Whoosh's ``iter_postings`` looks every term up again in the segment's hash table and steps
    through its postings one call at a time; here each field's terms are read in file order
    with their postings' places, and the postings a block at a time.
    """
    terms = reader._terms
    postfile = terms._postfile
    codec = terms._codec
    deleted = reader.deleted_docs_set
    schema = reader.schema
    for fieldname in sorted(name for name in terms._fieldmap if name in schema):
        format_ = schema[fieldname].format
        for (name, btext), terminfo in terms.items_from(fieldname, b""):
            if name != fieldname:
                break
            for docnum, weight, value in _term_postings(codec, postfile, terminfo, format_):
                if docnum not in deleted:
                    newdoc = startdoc + docnum if docmap is None else docmap[docnum]
                    yield fieldname, btext, newdoc, weight, value


def _term_postings(codec, postfile, terminfo, format_):
    """(document, weight, value) of one term's postings, a block at a time."""
    matcher = codec.postings_reader(postfile, terminfo, format_)
    if not isinstance(matcher, W3LeafMatcher):  # postings inlined in the term's entry
        while matcher.is_active():
            yield matcher.id(), matcher.weight(), matcher.value()
            matcher.next()
        return
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        matcher._read_values()
        yield from zip(matcher._ids, matcher._weights, matcher._values, strict=True)
        matcher._next_block()


def _add_postings(fieldwriter, schema, lengths: _FieldLengths, postings) -> None:
    """Whoosh's ``FieldWriter.add_postings``: the sorted postings of a segment written field by
    field and term by term, in the same bytes.

    Whoosh makes four method calls per posting and a dozen per term; most terms of a segment
    have a few postings, so a term of one block (up to 128 postings, nearly all of them) is
    written here in one piece by :meth:`_TermWriter.write`, and only longer ones posting by posting.
    """
    for fieldname, rows in groupby(postings, itemgetter(0)):
        fieldobj = schema[fieldname]
        fieldwriter.start_field(fieldname, fieldobj)
        term = _TermWriter(fieldwriter, fieldobj.format, lengths.codes(fieldname))
        for btext, term_rows in groupby(rows, itemgetter(1)):
            _, _, docnums, weights, values = zip(*term_rows, strict=True)
            if docnums[0] == -1:  # Whoosh's mark of a spelling word: none in this schema
                kept = [i for i, docnum in enumerate(docnums) if docnum != -1]
                if not kept:
                    continue
                docnums, weights, values = (
                    [seq[i] for i in kept] for seq in (docnums, weights, values)
                )
            term.write(btext, docnums, weights, values)
        fieldwriter.finish_field()


class _TermWriter:
    """Writes the terms of one field, each with its postings (sorted document numbers)."""

    def __init__(self, fieldwriter, format_, codes: bytes) -> None:
        self._fieldwriter = fieldwriter
        self._postfile = fieldwriter._postfile
        self._terms = fieldwriter._tindex
        self._key_prefix = pack_ushort(fieldwriter._fieldid)
        self._blocklimit = fieldwriter._postwriter._blocklimit
        self._values_size = format_.fixed_value_size()
        self._codes = codes

    def _lengths(self, docnums) -> list[int]:
        codes = self._codes
        count = len(codes)
        return [LENGTH_OF_CODE[codes[d]] if d < count else 0 for d in docnums]

    def write(self, btext: bytes, docnums, weights, values) -> None:
        lengths = self._lengths(docnums)
        if len(docnums) > self._blocklimit:
            fieldwriter = self._fieldwriter
            fieldwriter.start_term(btext)
            add = fieldwriter._postwriter.add_posting
            for docnum, weight, value, length in zip(
                docnums, weights, values, lengths, strict=True
            ):
                add(docnum, weight, b"" if value is None else value, length)
            fieldwriter.finish_term()
            return
        self._terms.add(
            self._key_prefix + btext, self._write_block(docnums, weights, values, lengths)
        )

    def _write_block(self, docnums, weights, values, lengths) -> bytes:
        """The postings of a term as its only block, as W3PostingsWriter writes it; returns the
        term's info (W3TermInfo.to_bytes)."""
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
        min_length = min(counted) if counted else None
        max_length = max(counted) if counted else 0
        info = pickle.dumps(
            (
                len(docnums),
                docnums[-1],
                max_weight,
                compression,
                length_to_byte(min_length),
                length_to_byte(max_length),
            ),
            2,
        )
        size = len(info) + len(data)
        offset = self._postfile.tell()
        self._postfile.write(WHOOSH3_HEADER_MAGIC + pack_int(-size) + info + data)
        return (
            _TERM_INFO.pack(
                False,
                0 + sum(stored),
                len(docnums),
                0 if min_length is None else length_to_byte(min_length),
                length_to_byte(max_length),
                max_weight,
                docnums[0],
                docnums[-1],
            )
            + pack_long(offset)
            + pack_int(len(WHOOSH3_HEADER_MAGIC) + 4 + size)
        )


class _PostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer, leaving small blocks uncompressed, with fewer checks.

    Most words of a segment have a posting or two, and Whoosh compressed every block: a zlib
    stream set up for each tiny pickle, which it barely shortens, was a tenth of the indexing
    time. A block states whether it is compressed, so the readers take both.
    """

    def add_posting(self, id_: int, weight: float, vbytes: bytes, length: int | None = None):
        """Whoosh's, without its type assertions (the writer's own postings are well typed)."""
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = pickle.dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 2)
        compression = self._compression if len(data) >= COMPRESS_FROM_BYTES else 0
        if compression:
            data = zlib.compress(data, compression)
        ids = self._ids
        info = pickle.dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                compression,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        length = len(info) + len(data)
        self._postfile.write_int(-length if last else length)  # negative: the last block
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()


class _WritingCodec(W3Codec):
    def postings_writer(self, dbfile, byteids: bool = False) -> _PostingsWriter:
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


_WRITING_CODEC = _WritingCodec()


def _merge_small_commits(writer: writing.SegmentWriter, segments: list) -> list:
    """Whoosh's MERGE_SMALL policy, counting segments two to a commit.

    Whoosh merges the smallest segments once their number outgrows a Fibonacci bound on their
    size; a commit with a helper writes two segments, so the rule counted twice as many and
    merged most of a 10,000-article build once more, in the writing process alone.
    """
    ordered = sorted(segments, key=lambda segment: segment.doc_count_all())
    total = 0
    for i, segment in enumerate(ordered):
        total += segment.doc_count_all()
        commits = i // 2
        if commits > 3 and total < fib(commits + 5):
            for small in ordered[: i + 1]:
                reader = SegmentReader(writer.storage, writer.schema, small)
                writer.add_reader(reader)
                reader.close()
            return ordered[i + 1 :]
    return segments


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
