"""`python -m indexer remove ID...`: take articles out of the archive's index."""

from __future__ import annotations

from pathlib import Path

import click

from archive import open_index
from archive.errors import NotFound
from archive.store import OriginalStore
from indexer.commands.options import archive_dir_option


@click.command()
@click.argument("article_ids", metavar="ID...", nargs=-1, required=True)
@archive_dir_option
def remove(article_ids: tuple[str, ...], data_dir: Path) -> None:
    """Remove articles from the index by id (as shown by `search`).

    The originals are kept but left out of `rebuild`; adding the page again brings it back.
    """
    index = open_index(data_dir)
    store = OriginalStore(data_dir)
    missing = []
    for article_id in article_ids:
        in_index = index.remove(article_id)
        in_store = store.mark_removed(article_id)
        if in_index or in_store:
            click.echo(f"Removed {article_id}")
        else:
            missing.append(article_id)
    store.close()
    if missing:
        raise NotFound(f"no article with id {', '.join(missing)}")
