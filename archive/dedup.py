"""Near-duplicate detection for syndicated copies: MinHash over word shingles, with LSH bands.

The same wire story published by several sites differs in boilerplate, headline and a sentence or
two, so exact hashes miss it. The Jaccard similarity of the sets of 4-word shingles of two bodies
is estimated by MinHash signatures; signatures are cut into bands, and two articles sharing any
band become candidates that are then checked against :data:`SIMILARITY_THRESHOLD`.

Hand-written over numpy instead of ``datasketch``: the whole method is twenty lines here, and
datasketch would pull in scipy for nothing we use. Hashes come from ``zlib.crc32`` and
``hashlib`` (not Python's salted ``hash``), so signatures stay comparable across processes.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import zlib
from pathlib import Path

import numpy as np

SHINGLE_WORDS = 4
BANDS = 20
ROWS_PER_BAND = 3
NUM_PERM = BANDS * ROWS_PER_BAND
# Estimated Jaccard similarity above which two bodies are copies of one story. With 20 bands of
# 3 rows a pair at 0.5 becomes a candidate 93% of the time, a pair at 0.2 only 15%.
SIMILARITY_THRESHOLD = 0.6
# Bodies with fewer shingles than this are too short to call copies on text alone.
MIN_SHINGLES = 8

_MERSENNE = np.uint64((1 << 61) - 1)
_SHIFT = np.uint64(61)
_RNG = np.random.default_rng(20240611)
_A = _RNG.integers(1, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_B = _RNG.integers(0, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_MIX = np.uint64(1_000_003)
_WORDS = re.compile(r"\w+")


def signature(body: list[str]) -> np.ndarray | None:
    """The MinHash signature of a body (uint64 array), or None when the body is too short."""
    words = _WORDS.findall(" ".join(body).lower())
    if len(words) < SHINGLE_WORDS + MIN_SHINGLES - 1:
        return None
    # Hash each word once, then combine neighbours into 32-bit shingle hashes (vectorised).
    hashes = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    count = len(words) - SHINGLE_WORDS + 1
    combined = hashes[:count].copy()
    for offset in range(1, SHINGLE_WORDS):
        combined *= _MIX  # wraps around: a hash
        combined += hashes[offset : offset + count]
    shingles = np.unique((combined >> np.uint64(32)) ^ (combined & np.uint64(0xFFFFFFFF)))
    if len(shingles) < MIN_SHINGLES:
        return None
    # (a*h + b) mod p for every permutation and shingle; h, a, b < 2**32 so nothing overflows.
    permuted = np.outer(shingles, _A)
    permuted += _B
    return _mod_mersenne(permuted).min(axis=0)


def _mod_mersenne(x: np.ndarray) -> np.ndarray:
    """``x % _MERSENNE`` by shifts and masks (``x`` is overwritten): 2**61 = 1 modulo the
    prime, and numpy's 64-bit division was a third of a signature's time."""
    reduced = x & _MERSENNE
    x >>= _SHIFT
    reduced += x
    reduced[reduced >= _MERSENNE] -= _MERSENNE
    return reduced


def band_keys(sig: np.ndarray) -> list[int]:
    """One key per band (a signed 64-bit number): signatures sharing a key are candidate copies."""
    rows = sig.reshape(BANDS, ROWS_PER_BAND)
    return [
        int.from_bytes(
            hashlib.blake2b(bytes([i]) + row.tobytes(), digest_size=8).digest(),
            "little",
            signed=True,
        )
        for i, row in enumerate(rows)
    ]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


class CopyFinder:
    """The signatures and bands of indexed articles, in a SQLite file beside the index.

    Kept outside Whoosh because twenty band terms per article doubled the index's term count
    and halved indexing speed, while SQLite looks a band up through a B-tree in microseconds.
    Changes become visible with :meth:`commit`, which the index calls after its own commit.
    """

    CANDIDATES = 5

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, timeout=60)
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS copies (article_id TEXT PRIMARY KEY, story TEXT, sig BLOB);
            CREATE TABLE IF NOT EXISTS bands (band INTEGER, article_id TEXT);
            CREATE INDEX IF NOT EXISTS bands_by_band ON bands (band);
            CREATE INDEX IF NOT EXISTS bands_by_article ON bands (article_id);
            """
        )

    def link(self, article_id: str, sig: np.ndarray | None) -> str | None:
        """Record an article; the story (id of its first copy) it belongs to, or None if alone."""
        self.forget(article_id)
        if sig is None:
            return None
        bands = band_keys(sig)
        story = self._story(article_id, sig, bands)
        self._db.execute(
            "INSERT INTO copies VALUES (?, ?, ?)", (article_id, story or article_id, to_bytes(sig))
        )
        self._db.executemany("INSERT INTO bands VALUES (?, ?)", [(b, article_id) for b in bands])
        return story

    def _story(self, article_id: str, sig: np.ndarray, bands: list[int]) -> str | None:
        marks = ",".join("?" * len(bands))
        rows = self._db.execute(
            f"SELECT c.article_id, c.story, c.sig FROM copies c JOIN"
            f" (SELECT article_id, count(*) AS shared FROM bands WHERE band IN ({marks})"
            f"  GROUP BY article_id ORDER BY shared DESC LIMIT ?) b USING (article_id)"
            f" ORDER BY b.shared DESC",
            (*bands, self.CANDIDATES),
        )
        for other_id, story, other_sig in rows:
            if other_id == article_id or story == article_id:
                continue
            if similarity(sig, from_bytes(other_sig)) >= SIMILARITY_THRESHOLD:
                return story
        return None

    def forget(self, article_id: str) -> None:
        self._db.execute("DELETE FROM copies WHERE article_id = ?", (article_id,))
        self._db.execute("DELETE FROM bands WHERE article_id = ?", (article_id,))

    def clear(self) -> None:
        self._db.execute("DELETE FROM copies")
        self._db.execute("DELETE FROM bands")

    def close(self, *, commit: bool) -> None:
        if commit:
            self._db.commit()
        else:
            self._db.rollback()
        self._db.close()
