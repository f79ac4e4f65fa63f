"""`python -m indexer stats [--json]`: what the archive holds."""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive import open_index
from archive.store import OriginalStore
from indexer.commands.options import archive_dir_option
from indexer.files import size_text

# How many values of each facet the readable output lists.
TOP_VALUES_SHOWN = 5


def archive_stats(data_dir: Path) -> dict:
    """The index's own figures plus the store of originals."""
    stats = open_index(data_dir).stats()
    store = OriginalStore(data_dir)
    stats["originals"] = store.counts()
    stats["originals_bytes"] = store.disk_bytes()
    store.close()
    return stats


def render(stats: dict) -> str:
    """The figures as readable lines."""
    originals = stats["originals"]
    copied = stats["stories_with_copies"]
    lines = [
        f"Articles:           {stats['articles']} ({stats['undated']} undated,"
        f" {copied} {'story' if copied == 1 else 'stories'} with syndicated copies)",
        "Dates:              "
        + (f"{stats['earliest'][:10]} to {stats['latest'][:10]}" if stats["earliest"] else "none"),
        f"Index:              {size_text(stats['index_bytes'])} in {stats['segments']}"
        f" {'segment' if stats['segments'] == 1 else 'segments'}",
        "Originals:          "
        + ", ".join(f"{n} {status}" for status, n in originals.items())
        + f" ({size_text(stats['originals_bytes'])} compressed)",
    ]
    for name, values in stats["top"].items():
        if values:
            shown = ", ".join(f"{value} ({count})" for value, count in values[:TOP_VALUES_SHOWN])
            lines.append(f"{'Top ' + name + ':':<20}{shown}")
    return "\n".join(lines)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@archive_dir_option
def stats(as_json: bool, data_dir: Path) -> None:
    """Show counts, the date range, the top facet values and the sizes on disk."""
    figures = archive_stats(data_dir)
    click.echo(json.dumps(figures, ensure_ascii=False, indent=2) if as_json else render(figures))
