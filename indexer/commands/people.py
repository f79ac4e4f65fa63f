"""`python -m indexer people list|merge|split`: fix the archive's canonical names by hand.

The alias table groups names by a rule (same first and last name, middle names optional;
accents ignored). When the rule is wrong, merge two names or split one off. Decisions apply to
articles indexed afterwards; `python -m indexer rebuild` applies them to the whole archive.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive import datadir
from archive.aliases import KINDS, PERSON, AliasTable
from indexer.commands.options import data_dir_option

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
@data_dir_option
@_KIND_OPTION
@click.argument("alias")
@click.argument("into")
def merge(data_dir: Path, kind: str, alias: str, into: str) -> None:
    """Make ALIAS another name of INTO.

    For example: python -m indexer people merge "Erdoğan" "Recep Tayyip Erdoğan"
    """
    with _table(data_dir) as table:
        canonical = table.merge(alias, into, kind)
    click.echo(f"{alias} → {canonical}")


@people.command()
@data_dir_option
@_KIND_OPTION
@click.argument("alias")
def split(data_dir: Path, kind: str, alias: str) -> None:
    """Make ALIAS a name of its own, out of the group the rule put it in."""
    with _table(data_dir) as table:
        table.split(alias, kind)
    click.echo(f"{alias} is now its own name.")
