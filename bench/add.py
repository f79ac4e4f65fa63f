"""End-to-end `python -m indexer add` of real news pages: pages per second and peak memory.

The 181 pages of the extraction benchmark are copied ``--copies`` times into a temporary folder
(as shipped, ``.html.gz``); copy k > 0 gets ``?copy=k`` appended to its canonical address, so it is
a distinct article rather than an update. The command runs as a user would run it (a fresh
process, all cores), then once more on the same folder, where every page is already committed.
Peak memory is the largest sum of proportional set sizes (PSS) over the command and its worker
processes: what they take together, pages the forked workers share counted once.
"CPU-bound pages/s" is what the CPU time per page allows on all cores of this machine when
nothing else runs on them (the wall-clock rate is lower when other processes share the cores).
The name and place lexicons come from ``config.CACHE_DIR`` when an earlier run kept them there
(as after a user's first command); the first line says which.

    .venv/bin/python bench/add.py [--copies 3] [--workers N]
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import resource
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


def tree_memory(pid: int) -> int:
    """Memory of a process and all its descendants: the sum of their proportional set sizes
    (pages shared by the forked workers counted once, not once per process)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += int(re.search(r"Pss:\s+(\d+) kB", rollup).group(1)) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total


def run_add(folder: Path, data_dir: Path, workers: int | None) -> tuple[float, float, int, str]:
    """Seconds, CPU seconds (the command and its workers), peak memory of the process tree,
    and the command's summary line."""
    env = dict(os.environ)
    if workers:
        env["MORGUE_INGEST_WORKERS"] = str(workers)
    cpu_before = _children_cpu()
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
            peak = max(peak, tree_memory(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    failures = len(err.strip().splitlines()) if err.strip() else 0
    return seconds, _children_cpu() - cpu_before, peak, f"{out.strip()} ({failures} failed)"


def _children_cpu() -> float:
    """CPU seconds of finished child processes, their own waited-for children included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=3, help="copies of the 181 pages")
    parser.add_argument("--workers", type=int, default=None, help="parsing processes")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    cache = config.CACHE_DIR
    lexicons_kept = cache is not None and any(cache.glob("indexer.entities.*.pickle"))
    with tempfile.TemporaryDirectory(prefix="morgue-bench-add-") as tmp:
        folder, data_dir = Path(tmp) / "pages", Path(tmp) / "data"
        folder.mkdir()
        pages = make_pages(folder, args.copies)
        rows = []
        for label in ("first add", "re-add (all committed)"):
            seconds, cpu, peak, summary = run_add(folder, data_dir, args.workers)
            rows.append((label, seconds, cpu, peak, summary))

    cores = os.cpu_count() or 1
    print(f"bench/add.py: {pages} pages, {cores} cores, workers={args.workers or 'all'},")
    print(f"load average before the runs {load_before:.1f} (other processes share the cores)")
    print(f"lexicons {'kept from an earlier run' if lexicons_kept else 'built by the first add'}")
    print(
        f"{'run':<24}{'pages':>6}{'seconds':>9}{'pages/s':>9}{'CPU ms/page':>13}"
        f"{'CPU-bound pages/s':>19}{'peak MB':>9}  summary"
    )
    for label, seconds, cpu, peak, summary in rows:
        rates = f"{pages / seconds:>9.1f}{cpu / pages * 1000:>13.1f}{cores * pages / cpu:>19.1f}"
        print(f"{label:<24}{pages:>6}{seconds:>9.1f}{rates}{peak / 2**20:>9.0f}  {summary}")


if __name__ == "__main__":
    main()
