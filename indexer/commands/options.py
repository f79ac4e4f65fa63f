"""Options shared by several indexer commands."""

from __future__ import annotations

from pathlib import Path

import click

import config


def data_dir_option(command):
    """The ``--data-dir DIR`` option every archive command takes after its name."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=lambda: config.DATA_DIR,
        show_default="$MORGUE_DATA_DIR or ./data",
        help="The archive's data folder.",
    )(command)
