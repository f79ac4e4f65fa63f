"""Finding the input files a user names (files as given, directories walked recursively), and
naming them (and sizes) in one-line reports."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from archive.errors import MorgueError, NotAnArticle

# What `add` and `parse` pick up when walking a directory (a file named directly is always tried).
ARTICLE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".txt", ".xhtml")


def is_article_file(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(suffix) for suffix in ARTICLE_SUFFIXES) and not name.startswith(".")


def article_files(paths: Iterable[Path]) -> list[Path]:
    """:func:`iter_input_files` as a list; NotAnArticle when the paths name no file at all
    (an empty folder, or one without articles), which `add` and `parse` report alike."""
    files = list(iter_input_files(paths))
    if not files:
        raise NotAnArticle(f"No article files found ({', '.join(ARTICLE_SUFFIXES)}).")
    return files


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield each named file, and the article files under each named directory in sorted order.

    A path that does not exist is yielded as it is, so that the caller reports it as unreadable
    alongside the other failures instead of stopping; so is anything under a directory with an
    article's name that is not a regular file (a pipe, a dangling link, a link loop), which would
    otherwise be left out without a word. Links to directories are not followed.
    """
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if is_article_file(p) and not p.is_dir())
        else:
            yield path


# C0 and C1 control characters, line and paragraph separators, and the lone surrogates that
# stand for undecodable bytes in a file name.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def one_line(text: str) -> str:
    """``text`` with control characters escaped as ``\\n``, ``\\x1b``…: a newline in a file
    name must not split its failure line in two, nor an escape sequence rewrite the terminal."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def failure_text(exc: Exception) -> str:
    """What one page's failure line says: our own message as it is, anything else marked as
    unexpected and cut short (a library's message can run to pages)."""
    if isinstance(exc, MorgueError):
        return str(exc)
    return f"unexpected error: {exc!r}"[:300]


def size_text(n: int) -> str:
    """A byte count for people: "10 MB", "1.95 KB", "1000 KB", "512 bytes"."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value >= 100 else f"{value:.3g} {unit}"
    return f"{n} bytes"
