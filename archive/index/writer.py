"""How the index is written: Whoosh's segment writer made faster, and a commit shared by two
processes (the second one writes its segment in :mod:`archive.index.helper`)."""

from __future__ import annotations

import pickle
import zlib

from whoosh import index, writing
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3PostingsWriter
from whoosh.reading import SegmentReader
from whoosh.util import fib
from whoosh.util.numeric import length_to_byte

from archive.index.helper import SegmentHelper
from archive.index.segments import LENGTH_OF_CODE, length_codes

# The part of a commit's documents the helper process writes: more than half, because the writing
# process also links syndicated copies, builds the documents and deletes replaced versions
# (10,000 articles, halves: 34.6 s of CPU in the writing process, 22.4 s in the helper).
HELPER_SHARE = 0.62
# Postings blocks pickled shorter than this are written uncompressed (see _PostingsWriter).
COMPRESS_FROM_BYTES = 128


class Writer(writing.SegmentWriter):
    """Whoosh's segment writer, reading field lengths in bulk while it writes postings, and
    committing segments written by a helper process along with its own.

    For every posting Whoosh looks up its document's field length (for the term's length bounds)
    through a column reader, one file read per posting: a tenth of the indexing time. Here each
    field's lengths are read once per segment; the values written are the same.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fieldwriter._codec = _WRITING_CODEC  # the segment keeps (and pickles) Whoosh's own

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

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = _FieldLengths(self.per_document_reader())
        _add_postings(self.fieldwriter, self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        lengths.close()


def _add_postings(fieldwriter, schema, lengths: _FieldLengths, postings) -> None:
    """Whoosh's ``FieldWriter.add_postings``: the sorted postings of a segment written field by
    field and term by term, with the same calls to the field writer per field and term, but a
    posting handed straight to the postings writer (three calls and an order check fewer per
    posting, which the pool's sort already guarantees)."""
    field = text = None
    add = codes = None
    for fieldname, btext, docnum, weight, value in postings:
        if fieldname != field:
            if text is not None:
                fieldwriter.finish_term()
            if field is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            field, text = fieldname, None
            add = fieldwriter._postwriter.add_posting
            codes = lengths.codes(fieldname)
        if docnum == -1:  # Whoosh's mark of a spelling word: none in this schema
            continue
        if btext != text:
            if text is not None:
                fieldwriter.finish_term()
            fieldwriter.start_term(btext)
            text = btext
        length = LENGTH_OF_CODE[codes[docnum]] if docnum < len(codes) else 0
        add(docnum, weight, b"" if value is None else value, length)
    if text is not None:
        fieldwriter.finish_term()
    if field is not None:
        fieldwriter.finish_field()


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
