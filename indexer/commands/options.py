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
    if not (datadir.manifest_path(value).exists() or datadir.index_dir(value).is_dir()):
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
