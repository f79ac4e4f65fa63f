"""Finding the input files a user names: files as given, directories walked recursively."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

# What `add` and `parse` pick up when walking a directory (a file named directly is always tried).
ARTICLE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".txt", ".xhtml")


def is_article_file(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(suffix) for suffix in ARTICLE_SUFFIXES) and not name.startswith(".")


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield each named file, and the article files under each named directory in sorted order.

    A path that does not exist is yielded as it is, so that the caller reports it as unreadable
    alongside the other failures instead of stopping.
    """
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and is_article_file(p))
        else:
            yield path
