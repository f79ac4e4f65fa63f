"""Two `add` runs at once wait for each other; a reader keeps searching while `add` writes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import config
from archive import ArticleIndex, SearchQuery

PAGES_PER_WRITER = 10


def start_add(folder: Path, data_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "MORGUE_INGEST_BATCH_SIZE": "3", "MORGUE_INGEST_WORKERS": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "indexer", "add", str(folder), "--data-dir", str(data_dir)],
        cwd=config.REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_writers_and_a_reader_share_one_archive(tmp_path: Path) -> None:
    pages = sorted((config.CORPUS_DIR / "article-extraction-benchmark" / "html").glob("*.gz"))
    folders = [tmp_path / "first", tmp_path / "second"]
    for n, folder in enumerate(folders):
        folder.mkdir()
        for path in pages[n * PAGES_PER_WRITER : (n + 1) * PAGES_PER_WRITER]:
            shutil.copy(path, folder / path.name)
    data_dir = tmp_path / "data"
    reader = ArticleIndex(data_dir / "index")  # opened first, as a web process would be

    writers = [start_add(folder, data_dir) for folder in folders]
    seen = [reader.search(SearchQuery()).total]
    while any(w.poll() is None for w in writers):
        seen.append(reader.search(SearchQuery()).total)  # never fails, never goes backwards
    results = [w.communicate() for w in writers]

    for writer, (out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err
        assert "failed" not in out
    assert seen == sorted(seen)
    final = reader.search(SearchQuery(per_page=50))
    assert final.total == reader.count() == len(reader.ids())
    added = sum(int(out.split()[1].rstrip(".,")) for out, _ in results)
    assert final.total == added
    with sqlite3.connect(data_dir / "manifest.sqlite") as manifest:
        statuses = dict(manifest.execute("SELECT status, COUNT(*) FROM originals GROUP BY 1"))
    assert statuses == {"indexed": 2 * PAGES_PER_WRITER}
