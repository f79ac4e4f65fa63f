"""Every Morgue setting in one place.

Each setting has a sensible default and can be overridden by an environment variable named
``MORGUE_<NAME>``. Read settings through this module (``config.DATA_DIR``…) so that tests and
command-line flags can change them in one place.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"MORGUE_{name}", default)


def _env_int(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"Setting MORGUE_{name} must be a whole number, not {raw!r}.") from None


def _env_float(name: str, default: float) -> float:
    raw = _env(name, str(default))
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"Setting MORGUE_{name} must be a number, not {raw!r}.") from None


# Where the archive lives: index, originals, saved searches, alias table.
DATA_DIR = Path(_env("DATA_DIR", "data"))

# Real test and benchmark data, shared beside the repository (never copied into it).
CORPUS_DIR = Path(_env("CORPUS_DIR", str(REPO_ROOT.parent / "shared" / "corpus")))


def _user_cache_dir() -> Path | None:
    """$XDG_CACHE_HOME/morgue, else ~/.cache/morgue; None (no cache) for a user without a home,
    rather than a guessable folder in /tmp that another user could fill first."""
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "morgue"
    try:
        return Path.home() / ".cache" / "morgue"
    except RuntimeError:  # no HOME and no entry in the password database
        return None


# Lexicons derived from installed packages (first names, city names...), kept between runs:
# building them costs every command that reads articles over a second. Safe to delete. The
# files are pickles, loaded as code is: the folder must be writable by its user alone.
_cache = _env("CACHE_DIR", "")
CACHE_DIR: Path | None = Path(_cache) if _cache else _user_cache_dir()

# Demo articles shipped with Morgue, indexed on first run.
SAMPLES_DIR = Path(_env("SAMPLES_DIR", str(REPO_ROOT / "archive" / "samples")))

# Input limits: a file or fetched page larger than this (after decompression) is refused.
MAX_INPUT_BYTES = _env_int("MAX_INPUT_BYTES", 25 * 1024 * 1024)

# Ingest: parsing processes (0 = one per core) and articles per index commit (a crash loses at
# most one batch of work, which the next run redoes; bigger batches write the index cheaper:
# 15 ms per article at 200, 12 at 500, 10 at 1000, measured on 2,172 articles).
INGEST_WORKERS = _env_int("INGEST_WORKERS", 0)
INGEST_BATCH_SIZE = _env_int("INGEST_BATCH_SIZE", 500)
# A smaller batch, from this many articles, is committed at once when the index writer is idle,
# so that writing overlaps parsing instead of waiting for a full batch (smaller ones cost more:
# each commit re-indexes the articles whose canonical names it changed).
INGEST_MIN_BATCH = _env_int("INGEST_MIN_BATCH", 150)
# A page whose parsing takes longer than this is refused (pages built to be slow exist).
PARSE_TIME_LIMIT_SECONDS = _env_float("PARSE_TIME_LIMIT_SECONDS", 20.0)

# Fetching feeds and linked pages.
FETCH_TIMEOUT_SECONDS = _env_float("FETCH_TIMEOUT_SECONDS", 15.0)
FETCH_MAX_BYTES = _env_int("FETCH_MAX_BYTES", 10 * 1024 * 1024)
USER_AGENT = _env("USER_AGENT", "Morgue/0.1 (news archive indexer; +https://example.org/morgue)")

# Search.
SEARCH_TIME_LIMIT_SECONDS = _env_float("SEARCH_TIME_LIMIT_SECONDS", 2.0)
MAX_QUERY_LENGTH = _env_int("MAX_QUERY_LENGTH", 500)
RESULTS_PER_PAGE = _env_int("RESULTS_PER_PAGE", 10)
# Facets: values listed per facet in one answer (the selected ones are listed besides), and values
# one search may select or exclude per facet. With both bounded, the memory a request takes for
# facets depends on the index (arrays the size of one facet's entries), never on the request.
FACET_VALUES_LIMIT = _env_int("FACET_VALUES_LIMIT", 100)
MAX_FACET_SELECTIONS = _env_int("MAX_FACET_SELECTIONS", 50)
# Decoded posting lists kept per process (popular words, a query's pages and facet clicks): each
# segment's list of a word is read from disk once while it stays among the most recently used.
POSTINGS_CACHE_MB = _env_int("POSTINGS_CACHE_MB", 128)
# How long a writer waits for another process's writer to finish before giving up.
INDEX_LOCK_TIMEOUT_SECONDS = _env_float("INDEX_LOCK_TIMEOUT_SECONDS", 600.0)
# A commit of at least this many articles has most of them written by a second process (0: never).
INDEX_HELPER_MIN_BATCH = _env_int("INDEX_HELPER_MIN_BATCH", 200)

# Web server.
HOST = _env("HOST", "127.0.0.1")
PORT = _env_int("PORT", 8000)
# Signs CSRF tokens; generated per data folder when not set (see web/).
SECRET_KEY = _env("SECRET_KEY", "")
# Lets an operator delete any saved search; empty means no admin token is accepted.
ADMIN_TOKEN = _env("ADMIN_TOKEN", "")
