"""The arrays of one index segment, read once: segments never change after their commit."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

from archive.index.schema import FACET_GROUPS, GROUPS_SEPARATOR, VALUES_SEPARATOR


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


@dataclass
class SegmentArrays:
    """The arrays of one index segment; segments never change, so these are read once."""

    size: int
    day: np.ndarray
    ts: np.ndarray
    ids: list[str]
    values: dict[str, tuple[list[str], np.ndarray, np.ndarray]]  # facet -> labels, docs, value ids
    lengths: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def read(cls, reader) -> SegmentArrays:
        size = reader.doc_count_all()
        numbers: list[dict[str, int]] = [{} for _ in FACET_GROUPS]
        docs: list[list[int]] = [[] for _ in FACET_GROUPS]
        values: list[list[int]] = [[] for _ in FACET_GROUPS]
        for docnum, record in enumerate(reader.column_reader("facets")):
            if not record:
                continue
            for group, text in enumerate(record.decode("utf-8").split(GROUPS_SEPARATOR)):
                if text:
                    number = numbers[group]
                    for value in text.split(VALUES_SEPARATOR):
                        docs[group].append(docnum)
                        values[group].append(number.setdefault(value, len(number)))
        arrays = {
            name: (
                list(numbers[g]),
                np.array(docs[g], dtype=np.int64),
                np.array(values[g], dtype=np.int32),
            )
            for g, name in enumerate(FACET_GROUPS)
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
            # the lengths column is not in the schema, so go to the codec
            raw = np.frombuffer(length_codes(reader._perdoc, f"_{name}_len"), dtype=np.uint8)
            codes = np.zeros(self.size, dtype=np.uint8)
            codes[: len(raw)] = raw[: self.size]
            self.lengths[name] = _LENGTH_OF_BYTE[codes]
        return self.lengths[name]


def length_codes(perdoc, column: str) -> bytes:
    """The one-byte length codes of a lengths column per document, up to its last one written
    (b"" when there is no such column)."""
    if not perdoc.has_column(column):
        return b""
    creader = perdoc.column_reader(column, LENGTHS_COLUMN)
    return creader._dbfile.get(creader._basepos, creader._count)


LENGTH_OF_CODE = [byte_to_length(i) for i in range(256)]
_LENGTH_OF_BYTE = np.array(LENGTH_OF_CODE, dtype=np.float32)
