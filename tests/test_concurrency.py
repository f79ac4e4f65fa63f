"""Processes that open a missing index at the same moment all get the same, working index.

A web server's first request and an ``add`` started with it both find no index and create one;
Whoosh's creation deletes every table of contents it finds, so before creation took the index's
write lock one of them failed (FileNotFoundError in 2 of 20 rounds of six processes) or could
delete the other's. The web server under load during a 5,000-article ``add`` is measured by
bench/concurrency.py.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from archive import Article, ArticleIndex

PROCESSES = 6
ROUNDS = 15


def open_and_add(folder: str, number: int, barrier, answers) -> None:
    barrier.wait()
    try:
        index = ArticleIndex(Path(folder))
        index.upsert([Article(id=f"a{number}", title="Harbour talks", body=["Harbour talks."])])
        answers.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
        answers.put(repr(exc))


def test_processes_creating_the_index_at_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    for round_ in range(ROUNDS):
        folder = tmp_path / str(round_)
        barrier, answers = context.Barrier(PROCESSES), context.Queue()
        processes = [
            context.Process(target=open_and_add, args=(str(folder), n, barrier, answers))
            for n in range(PROCESSES)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=120)
        assert [answers.get(timeout=10) for _ in processes] == ["ok"] * PROCESSES
        assert ArticleIndex(folder).ids() == {f"a{n}" for n in range(PROCESSES)}
