"""Reading input: size limits, gzip, and turning bytes into text.

Everything here guards the parsers against what users really drop in: files too large to be an
article, gzip bombs, truncated downloads, binary files renamed .html, and pages in an old
Windows or Latin encoding that say nothing about it.
"""

from __future__ import annotations

import codecs
import re
import zlib
from pathlib import Path

from charset_normalizer import from_bytes

import config
from archive.errors import UnreadableFile
from indexer.files import size_text

GZIP_MAGIC = b"\x1f\x8b"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# <meta charset="x">, <meta http-equiv="Content-Type" content="text/html; charset=x">,
# <?xml version="1.0" encoding="x"?>
_DECLARED_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)"
    rb"|<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)",
    re.IGNORECASE,
)

# Browsers read these labels as windows-1252, and so do we (the WHATWG encoding standard).
_AS_CP1252 = {"latin_1", "iso8859-1", "ascii", "us-ascii", "cp1252", "windows-1252"}

# Characters that never appear in text: C0 controls other than tab, newlines and form feed.
# Counted as bytes of the UTF-8 form, where each is one byte that no other character uses:
# bytes.translate deletes all other bytes three times as fast as a regex finds the controls.
_CONTROL = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_MAX_CONTROL_SHARE = 0.01
_CHECKED_CHARS = 65536


def _too_large(size: int) -> UnreadableFile:
    return UnreadableFile(
        f"too large: more than {size_text(config.MAX_INPUT_BYTES)} "
        f"(limit set by MORGUE_MAX_INPUT_BYTES; {size_text(size)} seen)"
    )


def read_file(path: Path) -> bytes:
    """The raw bytes of ``path``, refused before reading when the file is larger than the limit."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UnreadableFile("not a regular file")
        if size > config.MAX_INPUT_BYTES:
            raise _too_large(size)
        return path.read_bytes()
    except FileNotFoundError:
        missing = "a link to a missing file" if path.is_symlink() else "no such file"
        raise UnreadableFile(missing) from None
    except PermissionError:
        raise UnreadableFile("permission denied") from None
    except IsADirectoryError:
        raise UnreadableFile("is a directory") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror or exc})") from None


def gunzip(data: bytes, limit: int | None = None) -> bytes:
    """Decompress gzip ``data``; refuse output over ``limit`` bytes (gzip bomb) or a cut file."""
    limit = config.MAX_INPUT_BYTES if limit is None else limit
    if not data.startswith(GZIP_MAGIC):
        raise UnreadableFile("named .gz but not gzip data")
    out = bytearray()
    rest = data
    try:
        while rest:
            stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += stream.decompress(rest, limit + 1 - len(out))
            if len(out) > limit:
                raise _too_large(len(out)) from None
            if not stream.eof:
                raise UnreadableFile("truncated gzip file: the compressed data ends early")
            # Concatenated gzip members are legal; anything else after the first is padding.
            rest = stream.unused_data
            if not rest.startswith(GZIP_MAGIC):
                break
    except zlib.error as exc:
        raise UnreadableFile(f"broken gzip data ({exc})") from None
    return bytes(out)


def _codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def declared_charset(data: bytes) -> str | None:
    """The codec named in the first 4 KB of an HTML page (meta charset or XML declaration)."""
    match = _DECLARED_CHARSET.search(data[:4096])
    if not match:
        return None
    return _codec((match.group(1) or match.group(2)).decode("ascii"))


def _check_text(text: str) -> str:
    head = text[:_CHECKED_CHARS]
    controls = len(head.encode("utf-8", "surrogatepass").translate(None, _NOT_CONTROL))
    if controls > _MAX_CONTROL_SHARE * len(head):
        raise UnreadableFile("binary data, not text")
    return text


def decode(data: bytes, *, html: bool = False) -> str:
    """Bytes to text: byte-order mark, then the declared charset (HTML), then UTF-8, then detection.

    Binary data raises :class:`UnreadableFile`. Detection only runs for undeclared non-UTF-8
    input.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _check_text(data.decode(codec, errors="replace"))
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary data, not text")
    if html:
        codec = declared_charset(data)
        if codec == "cp1252" and _is_utf8(data):
            codec = "utf-8"  # saved as UTF-8 by a tool that left the old Latin-1 label in
        if codec:
            try:
                return _check_text(data.decode(codec))
            except UnicodeDecodeError:
                pass  # the page lies about its charset; fall through to UTF-8 and detection
    try:
        return _check_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return _check_text(data.decode(detect_codec(data), errors="replace"))


def _is_utf8(data: bytes) -> bool:
    """Valid UTF-8 with some non-ASCII: almost never Latin-1 text by accident."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_codec(data: bytes) -> str:
    """Guess the codec of undeclared non-UTF-8 bytes.

    Detection alone often takes Western text for windows-1250 (``café où`` becomes ``café oů``),
    so windows-1252 wins whenever it is one of the plausible readings.
    """
    matches = list(from_bytes(data[:262144]))
    if not matches:
        raise UnreadableFile("binary data, not text (no character encoding fits)")
    if any("cp1252" in match.could_be_from_charset for match in matches):
        return "cp1252"
    return _codec(matches[0].encoding) or "cp1252"
