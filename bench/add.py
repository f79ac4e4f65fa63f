"""End-to-end `python -m indexer add` of real news pages: pages per second and peak memory.

The 181 pages of the extraction benchmark are copied ``--copies`` times into a temporary folder
(as shipped, ``.html.gz``); copy k > 0 gets ``?copy=k`` appended to its canonical address, so it is
a distinct article rather than an update. The command runs as a user would run it (a fresh
process, all cores), then once more on the same folder, where every page is already committed.
Peak memory is the largest sum of resident memory over the command and its worker processes.

    .venv/bin/python bench/add.py [--copies 3] [--workers N]
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import config  # noqa: E402

PAGES = config.CORPUS_DIR / "article-extraction-benchmark" / "html"
_CANONICAL = re.compile(rb"""(<link[^>]*rel=["']canonical["'][^>]*href=["'])([^"']+)""", re.I)


def make_pages(folder: Path, copies: int) -> int:
    count = 0
    for path in sorted(PAGES.glob("*.html.gz")):
        shutil.copy(path, folder / path.name)
        count += 1
        page = gzip.decompress(path.read_bytes())
        for k in range(1, copies):
            copy = _CANONICAL.sub(lambda m, k=k: m.group(1) + m.group(2) + b"?copy=%d" % k, page)
            copy += b"\n<!-- copy %d -->\n" % k
            (folder / f"{path.name[:-8]}-{k}.html.gz").write_bytes(gzip.compress(copy, 6))
            count += 1
    return count


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total


def run_add(folder: Path, data_dir: Path, workers: int | None) -> tuple[float, int, str]:
    """Seconds, peak memory of the process tree, and the command's summary line."""
    env = dict(os.environ)
    if workers:
        env["MORGUE_INGEST_WORKERS"] = str(workers)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer", "add", str(folder), "--data-dir", str(data_dir)],
        cwd=config.REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    failures = len(err.strip().splitlines()) if err.strip() else 0
    return seconds, peak, f"{out.strip()} ({failures} failure lines)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=3, help="copies of the 181 pages")
    parser.add_argument("--workers", type=int, default=None, help="parsing processes")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="morgue-bench-add-") as tmp:
        folder, data_dir = Path(tmp) / "pages", Path(tmp) / "data"
        folder.mkdir()
        pages = make_pages(folder, args.copies)
        rows = []
        for label in ("first add", "re-add (all committed)"):
            seconds, peak, summary = run_add(folder, data_dir, args.workers)
            rows.append((label, pages, seconds, pages / seconds, peak / 2**20, summary))

    print(f"bench/add.py: {pages} pages, {os.cpu_count()} cores, workers={args.workers or 'all'}")
    print(f"{'run':<24}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'peak MB':>9}  summary")
    for label, n, seconds, rate, peak_mb, summary in rows:
        print(f"{label:<24}{n:>7}{seconds:>9.1f}{rate:>9.1f}{peak_mb:>9.0f}  {summary}")


if __name__ == "__main__":
    main()
