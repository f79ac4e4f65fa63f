"""`python -m indexer add PATH... [--source NAME] [--date DATE]`: add articles to the archive."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from archive import datadir, open_index
from indexer.commands.options import data_dir_option
from indexer.commands.progress import OutcomeBar, echo_summary
from indexer.files import article_files
from indexer.ingest import Input, ingest


def parse_date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--date`` as an ISO 8601 string with a timezone (UTC when none is given)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2024-03-05") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--source", help="Publisher to record for every article (instead of the page's).")
@click.option(
    "--date",
    "date_",
    callback=parse_date_option,
    help="Publication date to record for every article added (YYYY-MM-DD or ISO 8601).",
)
@data_dir_option
def add(paths: tuple[Path, ...], source: str | None, date_: str | None, data_dir: Path) -> None:
    """Add news articles (.html, .htm, .html.gz, .txt) to the archive.

    Directories are walked recursively. Each original is kept in the data folder; adding the same
    article again updates it instead of duplicating it, and an interrupted run picks up where it
    stopped. A file that cannot be added is reported on stderr and the others go on; the exit code
    is 1 if any failed.
    """
    files = article_files(paths)
    overrides = {key: value for key, value in (("source", source), ("date", date_)) if value}
    index = open_index(datadir.create(data_dir))
    with OutcomeBar(len(files), "page") as bar:
        counts = ingest(
            (Input.from_path(path, overrides) for path in files), data_dir, index, on_outcome=bar
        )
    echo_summary(counts)
    if counts["failed"]:
        sys.exit(1)
