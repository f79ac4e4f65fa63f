"""The layout of the data folder in one place, so that no module guesses another's file names.

```
<data_dir>/
  index/            the Whoosh index (rebuildable from the originals at any time)
  originals/        every ingested original, gzip-compressed, named by the sha256 of its bytes
  manifest.sqlite   where each original came from, when, and whether it is in the index
  feeds.sqlite      ETag / Last-Modified per feed and the entries already seen
  aliases.sqlite    archive-wide canonical names of persons and organisations
  saved.sqlite      saved searches
  secret_key        signs the web front end's sessions and forms (when none is configured)
```
"""

from __future__ import annotations

from pathlib import Path

from archive.errors import MorgueError


def index_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "index"


def originals_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "originals"


def manifest_path(data_dir: Path) -> Path:
    return Path(data_dir) / "manifest.sqlite"


def feeds_path(data_dir: Path) -> Path:
    return Path(data_dir) / "feeds.sqlite"


def aliases_path(data_dir: Path) -> Path:
    return Path(data_dir) / "aliases.sqlite"


def saved_path(data_dir: Path) -> Path:
    return Path(data_dir) / "saved.sqlite"


def secret_key_path(data_dir: Path) -> Path:
    return Path(data_dir) / "secret_key"


def create(data_dir: Path) -> Path:
    """Make the data folder (and its parents) if new; MorgueError with the reason if it cannot
    be made ("/proc/x", a path under a file, no permission)."""
    try:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or exc
        raise MorgueError(f"Cannot create the data folder {data_dir}: {reason}") from None
    return Path(data_dir)
