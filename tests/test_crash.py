"""Writers in trouble: one killed with SIGKILL mid-batch, then `add` again (nothing lost, nothing
doubled); two at once on one archive while a reader searches (they wait for each other)."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import config
from archive import ArticleIndex, SearchQuery, open_index

PAGES = 48
BATCH = 6
PAGES_PER_WRITER = 10


def start_add(folder: Path, data_dir: Path, **settings: str) -> subprocess.Popen:
    """`python -m indexer add` in its own process group (so its workers die with it), with
    ``MORGUE_<NAME>`` settings (batches of BATCH unless told otherwise)."""
    env = {**os.environ, "MORGUE_INGEST_BATCH_SIZE": str(BATCH)}
    env |= {f"MORGUE_{name.upper()}": value for name, value in settings.items()}
    return subprocess.Popen(
        [sys.executable, "-m", "indexer", "add", str(folder), "--data-dir", str(data_dir)],
        cwd=config.REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def statuses(data_dir: Path) -> dict[str, int]:
    """Manifest rows per status, read the way any other process would (it may not exist yet)."""
    try:
        with sqlite3.connect(data_dir / "manifest.sqlite", timeout=5) as conn:
            return dict(conn.execute("SELECT status, COUNT(*) FROM originals GROUP BY 1"))
    except sqlite3.OperationalError:
        return {}


def kill_when(process: subprocess.Popen, data_dir: Path, ready) -> dict[str, int]:
    """SIGKILL the whole command as soon as ``ready(statuses)`` holds; returns what it saw."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        seen = statuses(data_dir)
        if ready(seen):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return seen
        assert process.poll() is None, f"add finished before it could be killed: {seen}"
        time.sleep(0.005)
    raise AssertionError("add made no progress within 300 s")


def finish_add(folder: Path, data_dir: Path) -> str:
    process = start_add(folder, data_dir)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return out.strip()


def test_killed_writer_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    source = config.CORPUS_DIR / "article-extraction-benchmark" / "html"
    for path in sorted(source.glob("*.html.gz"))[:PAGES]:
        shutil.copy(path, folder / path.name)

    reference = tmp_path / "reference"
    finish_add(folder, reference)
    expected = open_index(reference).ids()
    assert expected

    data_dir = tmp_path / "data"
    # First kill: inside a commit (rows recorded as pending, index commit under way).
    first = kill_when(start_add(folder, data_dir), data_dir, lambda s: s.get("pending", 0) > 0)
    # Second kill: after more batches were committed, at whatever point the work is then.
    committed = first.get("indexed", 0)
    kill_when(
        start_add(folder, data_dir),
        data_dir,
        lambda s: s.get("indexed", 0) >= committed + 2 * BATCH,
    )
    before_last_run = statuses(data_dir).get("indexed", 0)
    assert 0 < before_last_run < len(expected)

    summary = finish_add(folder, data_dir)
    # Committed work was not redone: every page committed before is now "unchanged".
    unchanged = re.search(r"[Uu]nchanged (\d+)", summary)
    assert unchanged and int(unchanged.group(1)) >= before_last_run, summary

    index = open_index(data_dir)
    assert index.ids() == expected  # nothing lost
    assert index.count() == len(expected)  # nothing doubled
    assert statuses(data_dir) == statuses(reference)
    for blob in (data_dir / "originals").rglob("*.gz"):  # no half-written original
        assert hashlib.sha256(gzip.decompress(blob.read_bytes())).hexdigest() == blob.name[:-3]


def test_two_writers_and_a_reader_share_one_archive(tmp_path: Path) -> None:
    pages = sorted((config.CORPUS_DIR / "article-extraction-benchmark" / "html").glob("*.gz"))
    folders = [tmp_path / "first", tmp_path / "second"]
    for n, folder in enumerate(folders):
        folder.mkdir()
        for path in pages[n * PAGES_PER_WRITER : (n + 1) * PAGES_PER_WRITER]:
            shutil.copy(path, folder / path.name)
    data_dir = tmp_path / "data"
    reader = ArticleIndex(data_dir / "index")  # opened first, as a web process would be

    writers = [start_add(f, data_dir, ingest_batch_size="3", ingest_workers="1") for f in folders]
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
    assert statuses(data_dir) == {"indexed": 2 * PAGES_PER_WRITER}
