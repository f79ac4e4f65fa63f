"""Shared fixtures: where the real corpus lives, and the lexicon cache of a test run."""

from __future__ import annotations

from pathlib import Path

import pytest

import config

# The web tests' fixtures, registered here so that they are loaded (and their asserts rewritten)
# before any test module imports them.
pytest_plugins = ["web_fixtures"]


@pytest.fixture(scope="session", autouse=True)
def own_cache_dir(tmp_path_factory: pytest.TempPathFactory):
    """Lexicons kept for this test run only (the commands the tests start as processes too),
    never read from or written into the user's own cache."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config, "CACHE_DIR", folder)
        patch.setenv("MORGUE_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared real-data corpus (../shared/corpus, or $MORGUE_CORPUS_DIR)."""
    if not config.CORPUS_DIR.is_dir():
        pytest.fail(f"The test corpus is missing at {config.CORPUS_DIR} (set MORGUE_CORPUS_DIR).")
    return config.CORPUS_DIR


@pytest.fixture(scope="session")
def seed_path(corpus_dir: Path) -> Path:
    return corpus_dir / "seed" / "000_b674c38d9c199353.txt"


@pytest.fixture
def run_indexer(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """Run `python -m indexer ARGS...` in this process; returns (exit code, stdout, stderr).

    It goes through ``indexer.cli.main``, so error handling and exit codes are the real ones.
    """
    from indexer.cli import main

    def run(*args: object) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.argv", ["python -m indexer", *map(str, args)])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run
