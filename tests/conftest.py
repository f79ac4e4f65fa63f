"""Shared fixtures: where the real corpus lives."""

from __future__ import annotations

from pathlib import Path

import pytest

import config


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared real-data corpus (../shared/corpus, or $MORGUE_CORPUS_DIR)."""
    if not config.CORPUS_DIR.is_dir():
        pytest.fail(f"The test corpus is missing at {config.CORPUS_DIR} (set MORGUE_CORPUS_DIR).")
    return config.CORPUS_DIR


@pytest.fixture(scope="session")
def seed_path(corpus_dir: Path) -> Path:
    return corpus_dir / "seed" / "000_b674c38d9c199353.txt"
