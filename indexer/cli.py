"""The `python -m indexer` command group.

Each command lives in its own module under ``indexer/commands`` and is registered here. Commands
raise :class:`archive.MorgueError` for expected failures; :func:`main` turns any failure into one
line on stderr and an exit code, never a traceback.
"""

from __future__ import annotations

import os
import sys
import traceback

import click

from archive.errors import MorgueError
from indexer.commands.add import add
from indexer.commands.feed import feed
from indexer.commands.parse import parse
from indexer.commands.people import people
from indexer.commands.rebuild import rebuild
from indexer.commands.remove import remove
from indexer.commands.search import search
from indexer.commands.stats import stats
from indexer.files import one_line


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Morgue indexer: parse news articles and add them to the archive."""


cli.add_command(parse)
cli.add_command(people)
cli.add_command(add)
cli.add_command(feed)
cli.add_command(rebuild)
cli.add_command(remove)
cli.add_command(search)
cli.add_command(stats)


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
