"""Posting lists read straight from Whoosh's on-disk blocks, and a bounded cache of them.

Whoosh's matchers walk postings one at a time in Python; here a posting list becomes two numpy
arrays (documents, frequencies) a block of up to 128 postings at a time. Segments never change,
so a decoded list stays valid as long as its segment exists, and popular words are kept.
"""

from __future__ import annotations

import io
import pickle
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from itertools import chain
from typing import NamedTuple

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.formats import Positions
from whoosh.reading import TermNotFound

Postings = tuple[np.ndarray, np.ndarray]
NO_POSTINGS: Postings = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
_BLOCK_SIZE = struct.Struct("!i")  # a block's length, as Whoosh's StructFile.read_int reads it


class Block(NamedTuple):
    """One block of a posting list: up to 128 postings, its data still encoded."""

    count: int
    last_id: int
    compressed: bool
    data: bytes

    def pickled(self) -> bytes:
        """The block's pickle of (delta-coded ids, weights, values), decompressed."""
        return zlib.decompress(self.data) if self.compressed else self.data


def term_blocks(leaf, name: str, term: str) -> Iterator[Block]:
    """The blocks of a term's posting list in one segment (deleted documents included).

    The posting list is read from the postings file in one piece and its block headers parsed
    here. Whoosh's route (a reader's checks, a matcher, a seek and a read of every block's
    header through a file object) cost as much as decoding the blocks, and at 100,000 articles
    a word is looked up in each text field of 10 to 35 segments.
    """
    if name not in leaf.schema:
        return
    terms = leaf._terms
    try:
        info = terms.term_info(name, leaf._text_to_bytes(name, term))
    except TermNotFound:
        return
    if info.is_inlined():  # Whoosh's default never inlines (inlinelimit=1)
        raise ValueError(f"Postings inlined in the terms file: {name}:{term!r}.")
    offset, length = info.extent()
    if isinstance(length, tuple):  # Whoosh reads it back as struct.unpack's 1-tuple
        (length,) = length
    yield from extent_blocks(terms._postfile, offset, length)


def extent_blocks(postfile, offset: int, length: int) -> Iterator[Block]:
    """The blocks of the posting list at ``offset`` in ``postfile``, read in one piece."""
    data = postfile.get(offset, length)
    if not data.startswith(WHOOSH3_HEADER_MAGIC):
        raise ValueError(f"Unexpected postings header at byte {offset}.")
    stream = io.BytesIO(data)
    position = len(WHOOSH3_HEADER_MAGIC)
    while position < len(data):
        (size,) = _BLOCK_SIZE.unpack_from(data, position)
        end = position + _BLOCK_SIZE.size + abs(size)  # a negative size marks the last block
        stream.seek(position + _BLOCK_SIZE.size)
        count, last_id, _, compression, _, _ = pickle.load(stream)  # the block's header
        yield Block(count, last_id, bool(compression), data[stream.tell() : end])
        if size < 0:
            return
        position = end


def segment_postings(leaf, name: str, term: str) -> Postings:
    """All (document, frequency) of a term in one segment, its deleted documents included."""
    blocks = [_block_postings(block) for block in term_blocks(leaf, name, term)]
    if not blocks:
        return NO_POSTINGS
    return np.concatenate([ids for ids, _ in blocks]), np.concatenate([w for _, w in blocks])


# In the pinned whoosh-reloaded 2.7.5 codec each block of up to 128 postings is a zlib-compressed
# pickle (protocol 2) of (delta-coded ids, weights, values). The values are the word positions,
# one pickled bytes object per posting, and unpickling them was over 90% of a search's time: the
# ids and weights come first, so only they are decompressed and unpickled here.
_PICKLE_START = b"\x80\x02("  # protocol 2, then the mark of the ids tuple
_IDS_END = b"tq\x00"  # end of the ids tuple, memoised as the pickle's first object
_TUPLE2_STOP = b"\x86."


def _block_postings(block: Block) -> Postings:
    """The document numbers and frequencies of one block."""
    head = _ids_and_weights(block.data, block.compressed, block.count, block.last_id)
    if head is None:  # a block of under 4 postings (pickled differently), or not understood
        head = pickle.loads(block.pickled())[:2]
    deltas, weights = head
    ids = np.cumsum(np.array(deltas, dtype=np.int64))
    if weights is None:
        return ids, np.ones(len(ids), dtype=np.float32)
    if isinstance(weights, float):
        return ids, np.full(len(ids), weights, dtype=np.float32)
    return ids, np.array(weights, dtype=np.float32)


def block_ids_and_values(block: Block):
    """The document numbers of a block and a getter of the i-th posting's value.

    Unpickling a block makes a bytes object per posting through a call of ``_codecs.encode``;
    a phrase needs the values of a few postings per block, so they are sliced out of the pickle
    where its layout is the one the codec writes, and unpickled only otherwise.
    """
    data = block.pickled()
    head = _ids_and_weights(data, False, block.count, block.last_id)
    values = _values(data, block.count) if head is not None else None
    if values is None:
        deltas, _, pickled = pickle.loads(data)
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
        text = piece[4 : 4 + size]  # UTF-8 of the value read as Latin-1: equal when ASCII
        return text if text.isascii() else text.decode("utf-8").encode("latin-1")

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


class PostingCache:
    """Decoded posting lists by (segment, field, term), the least recently used dropped first.

    Bounded by the bytes of its arrays. Shared by the threads of a process, hence the lock.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lists: OrderedDict[tuple[str, str, str], Postings] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> Postings | None:
        with self._lock:
            found = self._lists.get(key)
            if found is not None:
                self._lists.move_to_end(key)
            return found

    def put(self, key: tuple[str, str, str], postings: Postings) -> None:
        size = postings[0].nbytes + postings[1].nbytes
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._lists:
                return
            self._lists[key] = postings
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (ids, weights) = self._lists.popitem(last=False)
                self._bytes -= ids.nbytes + weights.nbytes

    def clear(self) -> None:
        with self._lock:
            self._lists.clear()
            self._bytes = 0


def positions_decoder(fmt):
    """A decoder of postings' values in format ``fmt`` into word positions, in bulk: it takes a
    list of values and gives (the number of positions of each value, all positions in order).

    Whoosh's Positions format keeps a count and a pickled list of gaps, decoded one posting at a
    time by a Python loop; a common word in a phrase has thousands of candidate postings. For
    every format that keeps Whoosh's encoding (the text fields' StemmedPositions does), the lists
    are joined into one pickle, unpickled in one call and added up by numpy.
    """
    if getattr(type(fmt), "decode_positions", None) is not Positions.decode_positions:
        return lambda values: _flattened([fmt.decode_positions(value) for value in values])

    def decode(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
        # Each value's gaps are a whole pickle: the joined ones, less their stops, unpickle as
        # the items of one tuple.
        joined = [_TUPLE_START, *map(_gaps_pickle, values), _TUPLE_STOP]
        counts, gaps = _flattened(pickle.loads(b"".join(joined)))
        if not len(gaps):
            return counts, gaps
        sums = np.cumsum(gaps)
        starts = np.cumsum(counts) - counts
        before = np.where(starts > 0, sums[starts - 1], 0)  # each list's gaps add up from 0
        return counts, sums - np.repeat(before, counts)

    return decode


def _gaps_pickle(value: bytes) -> bytes:
    return value[_COUNT_SIZE:-1] if value.endswith(b".") else value[_COUNT_SIZE:]


def _flattened(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    return counts, flat


_COUNT_SIZE = 4  # the uint before Positions' pickled gaps
_TUPLE_START = b"\x80\x02("  # protocol 2, then the mark of a tuple
_TUPLE_STOP = b"t."
