"""Options shared by several indexer commands."""

from __future__ import annotations

from pathlib import Path

import click

import config
from archive import datadir


def _data_dir(callback=None):
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=lambda: config.DATA_DIR,
        show_default="$MORGUE_DATA_DIR or ./data",
        help="The archive's data folder.",
        callback=callback,
    )


def _must_hold_an_archive(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """Commands that read an archive refuse a folder without one, instead of creating an empty
    archive there (a mistyped --data-dir would otherwise answer "0 articles")."""
    held = (datadir.manifest_path(value), datadir.index_dir(value), datadir.aliases_path(value))
    if not any(path.exists() for path in held):
        raise click.BadParameter(
            f"no archive in {value} (add articles first: python -m indexer add PATH"
            f" --data-dir {value})",
            ctx=ctx,
            param=param,
        )
    return value


def data_dir_option(command):
    """The ``--data-dir DIR`` option of the commands that add to an archive (created if new)."""
    return _data_dir()(command)


def archive_dir_option(command):
    """The ``--data-dir DIR`` option of the commands that read an existing archive."""
    return _data_dir(_must_hold_an_archive)(command)
