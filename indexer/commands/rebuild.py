"""`python -m indexer rebuild`: re-create the index from the stored originals."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from archive import datadir, open_index
from archive.aliases import AliasTable
from archive.index import ArticleIndex
from archive.store import OriginalStore
from indexer.commands.options import archive_dir_option
from indexer.commands.progress import OutcomeBar, echo_summary
from indexer.ingest import ingest, stored_inputs


def empty_index(data_dir: Path) -> ArticleIndex:
    """An empty index: the current one cleared, or a new one when it cannot even be opened."""
    try:
        index = open_index(data_dir)
        index.clear()
        return index
    except Exception:  # noqa: BLE001 - a damaged index is what rebuild exists to repair
        shutil.rmtree(datadir.index_dir(data_dir), ignore_errors=True)
        return open_index(data_dir)


@click.command()
@archive_dir_option
def rebuild(data_dir: Path) -> None:
    """Clear the index and re-index every article from the stored originals.

    Use it after the index folder was deleted or damaged, or after an upgrade of the parsers.
    Removed articles stay removed; of several versions of one article the last added wins.
    """
    store = OriginalStore(data_dir)
    total = sum(store.counts()[status] for status in ("indexed", "pending"))
    with AliasTable(datadir.aliases_path(data_dir)) as aliases:
        aliases.forget_mentions()  # first: a locked name table stops the rebuild before it clears
    index = empty_index(data_dir)
    with OutcomeBar(total, "article") as bar:
        counts = ingest(stored_inputs(store), data_dir, index, on_outcome=bar, skip_committed=False)
    store.close()
    click.echo(f"Re-indexed {counts['added'] + counts['updated']} articles from {total} originals.")
    if counts["failed"]:
        echo_summary(counts)
        sys.exit(1)
