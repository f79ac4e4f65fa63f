"""The `python -m indexer` command group.

Each command lives in its own module under ``indexer/commands`` and is registered here. Commands
raise :class:`archive.MorgueError` for expected failures; :func:`main` turns any failure into one
line on stderr and an exit code, never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

import click

from archive.errors import MorgueError
from indexer.files import one_line

# Each command's module, imported only when that command runs: the parsers and the entity
# rules take a third of a second to import, which `search`, `stats` or `remove` never need.
COMMANDS = ("parse", "people", "add", "feed", "rebuild", "remove", "search", "stats")


class LazyCommands(click.Group):
    """A command group that imports ``indexer.commands.<name>`` when ``<name>`` is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        return getattr(importlib.import_module(f"indexer.commands.{cmd_name}"), cmd_name)


@click.group(cls=LazyCommands, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Morgue indexer: parse news articles and add them to the archive."""


def main() -> None:
    """Run the CLI; expected errors become one line and exit code 1, usage errors exit 2."""
    try:
        cli.main(standalone_mode=False, prog_name="python -m indexer")
    except click.exceptions.Abort:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except MorgueError as exc:
        click.echo(one_line(f"Error: {exc}"), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last guard: a user never sees a traceback
        if os.environ.get("MORGUE_DEBUG"):
            traceback.print_exc()
        click.echo(
            one_line(f"Unexpected error: {exc!r} (set MORGUE_DEBUG=1 to see details)"), err=True
        )
        sys.exit(1)
