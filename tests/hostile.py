"""Generators of hostile input for the robustness tests: every file is made by the test that
uses it (in a temporary folder), from real pages and a fixed seed; nothing binary is committed."""

from __future__ import annotations

import gzip
import html
import random
import struct
import zlib
from collections.abc import Iterator

_MIB = 1 << 20


def _raw_deflate_zeros(mebibytes: int) -> bytes:
    """A raw deflate stream of ``mebibytes`` MiB of zero bytes, built without compressing them
    all: after a full flush every MiB of zeros compresses to the same ~1 KB."""
    chunk = bytes(_MIB)
    piece = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = piece.compress(chunk) + piece.flush(zlib.Z_FULL_FLUSH)
    return block * mebibytes + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def gzip_member_of_zeros(mebibytes: int) -> bytes:
    """One valid gzip member (right CRC and size) holding ``mebibytes`` MiB of zero bytes."""
    crc = 0
    chunk = bytes(_MIB)
    for _ in range(mebibytes):
        crc = zlib.crc32(chunk, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (mebibytes * _MIB) & 0xFFFFFFFF)
    return header + _raw_deflate_zeros(mebibytes) + trailer


def gzip_bomb(gibibytes: int = 4) -> bytes:
    """A valid .gz file of a few MB that expands to ``gibibytes`` GiB (64 MiB gzip members one
    after the other, as RFC 1952 allows)."""
    return gzip_member_of_zeros(64) * (gibibytes * 16)


def page(title: str, paragraphs: list[str], *, head: str = "", charset: str = "utf-8") -> str:
    """A small, well-formed news page (text already escaped by the caller where it must be)."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>{title}</title>{head}"
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )


_PROSE = (
    "the council voted on tuesday to approve a new harbour plan after months of debate among"
    " residents fishermen and port officials who said the project would bring jobs but also"
    " traffic noise and higher rents to the old town where families have lived for generations"
)
_WORDS = _PROSE.split()


def sentences(rng: random.Random, count: int) -> list[str]:
    """Plausible news sentences (enough text for an article)."""
    out = []
    for _ in range(count):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(14, 28))]
        out.append(" ".join(words).capitalize() + ".")
    return out


def article_page(rng: random.Random, number: int, *, title: str | None = None) -> str:
    """A plain good article page, distinct per ``number``."""
    paragraphs = [" ".join(sentences(rng, 3)) for _ in range(6)]
    paragraphs[0] = f"Report number {number}. " + paragraphs[0]
    return page(html.escape(title or f"Harbour plan approved, report {number}"), paragraphs)


def truncations(data: bytes, rng: random.Random, count: int) -> Iterator[bytes]:
    """``data`` cut at random places (inside tags, inside multi-byte characters, anywhere)."""
    for _ in range(count):
        yield data[: rng.randint(0, len(data) - 1)]


def mutations(data: bytes, rng: random.Random, count: int) -> Iterator[bytes]:
    """Malformed HTML: ``data`` with spans deleted, duplicated, or stray markup thrown in."""
    junk = [
        b"<",
        b">",
        b"</div>",
        b"<div",
        b"<p <p <p",
        b"<!--",
        b"-->",
        b"<![CDATA[",
        b"&#",
        b"<script>",
        b"</html>",
        b"<html><body>",
        b"\"'",
        b"<table><tr><td>",
        b"&amp;&",
        b"\x00",
    ]
    for _ in range(count):
        out = bytearray(data)
        for _ in range(rng.randint(3, 30)):
            at = rng.randrange(len(out))
            action = rng.random()
            if action < 0.4:
                del out[at : at + rng.randint(1, 400)]
            elif action < 0.7:
                out[at:at] = rng.choice(junk)
            else:
                span = bytes(out[at : at + rng.randint(1, 400)])
                out[at:at] = span * rng.randint(2, 5)
        yield bytes(out)


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, 6, mtime=0)
