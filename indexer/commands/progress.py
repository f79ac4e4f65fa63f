"""Progress and outcome reporting shared by the commands that ingest (add, feed, rebuild).

The progress bar is drawn only when stderr is a terminal, so logs and pipes get plain lines. One
line per failed input goes to stderr (above the bar); the summary goes to stdout.
"""

from __future__ import annotations

import sys
from collections import Counter

import click
from tqdm import tqdm

from indexer.files import one_line
from indexer.ingest import Outcome


def warn(message: str) -> None:
    """One line on stderr that does not break a progress bar (control characters of file names,
    addresses and feed titles escaped)."""
    tqdm.write(one_line(message), file=sys.stderr)


class OutcomeBar:
    """Advances a progress bar for each outcome and reports each failure on its own line."""

    def __init__(self, total: int | None, unit: str):
        self.bar = tqdm(
            total=total,
            unit=unit,
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
            dynamic_ncols=True,
            leave=False,
        )

    def __call__(self, outcome: Outcome) -> None:
        self.bar.update(1)
        if outcome.status == "failed":
            warn(f"{outcome.input.origin}: {outcome.message}")

    def __enter__(self) -> OutcomeBar:
        return self

    def __exit__(self, *exc_info) -> None:
        self.bar.close()


def summary(counts: Counter) -> str:
    """ "Added 3, updated 1, unchanged 5, failed 1." (zero counts left out)."""
    parts = [
        f"{status} {counts[status]}"
        for status in ("added", "updated", "unchanged", "failed")
        if counts[status]
    ]
    return (", ".join(parts) or "nothing to do").capitalize() + "."


def echo_summary(counts: Counter) -> None:
    click.echo(summary(counts))
