"""Near-duplicate detection for syndicated copies: MinHash over word shingles, with LSH bands.

The same wire story published by several sites differs in boilerplate, headline and a sentence or
two, so exact hashes miss it. The Jaccard similarity of the sets of 4-word shingles of two bodies
is estimated by MinHash signatures; signatures are cut into bands, and two articles sharing any
band become candidates that are then checked against :data:`SIMILARITY_THRESHOLD`.

Hand-written over numpy instead of ``datasketch``: the whole method is twenty lines here, and
datasketch would pull in scipy for nothing we use. Hashes come from ``hashlib`` so signatures are
stable across processes and Python versions (they are stored in the index).
"""

from __future__ import annotations

import hashlib
import re

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
_RNG = np.random.default_rng(20240611)
_A = _RNG.integers(1, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_B = _RNG.integers(0, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_WORDS = re.compile(r"\w+")


def signature(body: list[str]) -> np.ndarray | None:
    """The MinHash signature of a body (uint64 array), or None when the body is too short."""
    words = _WORDS.findall(" ".join(body).lower())
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    if len(shingles) < MIN_SHINGLES:
        return None
    hashes = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little")
            for s in shingles
        ),
        dtype=np.uint64,
        count=len(shingles),
    )
    # (a*h + b) mod p for every permutation and shingle; h, a, b < 2**32 so nothing overflows.
    permuted = (np.outer(hashes, _A) + _B) % _MERSENNE
    return permuted.min(axis=0)


def band_keys(sig: np.ndarray) -> list[str]:
    """One key per band: two signatures sharing a key are candidate copies."""
    rows = sig.reshape(BANDS, ROWS_PER_BAND)
    return [
        f"{i}-{hashlib.blake2b(row.tobytes(), digest_size=8).hexdigest()}"
        for i, row in enumerate(rows)
    ]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)
