"""`python -m indexer people list|merge|split`: fix the archive's canonical names by hand.

The alias table groups names by a rule (same first and last name, middle names optional;
accents ignored). When the rule is wrong, merge two names or split one off. A merge renames the
articles already indexed at once; a split applies to articles indexed afterwards, and
`python -m indexer rebuild` applies it to the whole archive (the index keeps canonical names
only, so which articles wrote the split-off name is known from the originals alone).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive import datadir, open_index
from archive.aliases import KINDS, PERSON, AliasTable, renamed_articles
from indexer.commands.options import archive_dir_option, data_dir_option

_KIND_OPTION = click.option(
    "--kind",
    type=click.Choice(KINDS),
    default=PERSON,
    show_default=True,
    help="Persons or organisations.",
)


def _table(data_dir: Path) -> AliasTable:
    return AliasTable(datadir.aliases_path(data_dir))


@click.group()
def people() -> None:
    """List, merge and split the canonical names of persons and organisations."""


@people.command("list")
@data_dir_option
@_KIND_OPTION
@click.option("--search", "contains", help="Only names containing this text (accents ignored).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per canonical name.")
def list_names(data_dir: Path, kind: str, contains: str | None, as_json: bool) -> None:
    """Every canonical name with its aliases, most mentioned first."""
    entries = []
    if datadir.aliases_path(data_dir).exists():  # listing never creates a data folder
        with _table(data_dir) as table:
            entries = table.entries(kind, contains)
    for entry in entries:
        if as_json:
            record = {"canonical": entry.canonical, "aliases": entry.aliases}
            click.echo(json.dumps({**record, "mentions": entry.mentions}, ensure_ascii=False))
        else:
            others = [a for a in entry.aliases if a != entry.canonical]
            also = f"  (also: {'; '.join(others)})" if others else ""
            click.echo(f"{entry.canonical} [{entry.mentions}]{also}")
    if not entries and not as_json:
        click.echo("No names." if not contains else f"No names containing {contains!r}.")


@people.command()
@archive_dir_option
@_KIND_OPTION
@click.argument("alias")
@click.argument("into")
def merge(data_dir: Path, kind: str, alias: str, into: str) -> None:
    """Make ALIAS another name of INTO.

    For example: python -m indexer people merge "Erdoğan" "Recep Tayyip Erdoğan"
    """
    with _table(data_dir) as table:
        before = {table.resolve(kind, alias), table.resolve(kind, into)}
        canonical = table.merge(alias, into, kind)
        renamed = _rename_indexed(data_dir, table, kind, before - {canonical})
    click.echo(f"{alias} → {canonical}")
    if renamed:
        click.echo(f"Renamed in {renamed} indexed article{'' if renamed == 1 else 's'}.")


def _rename_indexed(data_dir: Path, table: AliasTable, kind: str, old_names: set[str]) -> int:
    """Re-index the articles that carry one of ``old_names``, with today's canonical names."""
    if not old_names or not datadir.index_dir(data_dir).is_dir():
        return 0
    index = open_index(data_dir)
    names = {each: old_names if each == kind else set() for each in KINDS}
    articles = list(renamed_articles(index, table, names).values())
    if articles:
        index.upsert(articles)
    return len(articles)


@people.command()
@archive_dir_option
@_KIND_OPTION
@click.argument("alias")
def split(data_dir: Path, kind: str, alias: str) -> None:
    """Make ALIAS a name of its own, out of the group the rule put it in."""
    with _table(data_dir) as table:
        table.split(alias, kind)
    click.echo(f"{alias} is now its own name (for articles indexed from now on; run")
    click.echo("`python -m indexer rebuild` to apply it to the articles already indexed).")
