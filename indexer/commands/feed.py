"""`python -m indexer feed URL_OR_FILE...`: add the new entries of RSS / Atom feeds."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from archive import datadir, open_index
from indexer.commands.options import data_dir_option
from indexer.commands.progress import OutcomeBar, echo_summary, warn
from indexer.feeds import FeedState, iter_runs
from indexer.files import one_line
from indexer.ingest import Outcome, ingest


@click.command()
@click.argument("targets", metavar="URL_OR_FILE...", nargs=-1, required=True)
@data_dir_option
def feed(targets: tuple[str, ...], data_dir: Path) -> None:
    """Add the new entries of RSS or Atom feeds (addresses or saved files).

    An entry's full text is used when the feed carries it; otherwise its linked page is fetched.
    Each feed's ETag / Last-Modified and the entries already added are remembered in the data
    folder, so running it again only adds what is new. A feed or entry that cannot be read is
    reported on stderr and the others go on; the exit code is 1 if any failed.
    """
    state = FeedState(datadir.create(data_dir))
    problems = 0

    def problem(message: str) -> None:
        nonlocal problems
        problems += 1
        warn(message)

    runs = list(iter_runs(list(targets), state, problem))
    owner = {}  # id(input) -> (run, entry id): which feed entry each outcome belongs to
    for run in runs:
        for message in run.problems:
            problem(message)
        for entry, item in run.inputs.items():
            owner[id(item)] = (run, entry)
        new = "not modified" if run.not_modified else f"{len(run.inputs)} new entries"
        click.echo(one_line(f"{run.title or run.feed}: {new}"))

    done: dict[str, list[str]] = {run.feed: [] for run in runs}
    failed_feeds: set[str] = set()

    def settle(outcome: Outcome) -> None:
        run, entry = owner[id(outcome.input)]
        if outcome.status == "failed":
            failed_feeds.add(run.feed)
        else:
            done[run.feed].append(entry)

    inputs = [item for run in runs for item in run.inputs.values()]
    counts: Counter = Counter()
    if inputs:
        with OutcomeBar(len(inputs), "entry") as bar:
            counts = ingest(
                inputs,
                data_dir,
                open_index(data_dir),
                on_outcome=lambda outcome: (bar(outcome), settle(outcome)),
            )
    for run in runs:
        state.mark_seen(run.feed, done[run.feed])
        # Validators are saved only when every entry made it in, else the next run would get
        # "304 Not Modified" and never retry the entries that failed.
        if not run.problems and run.feed not in failed_feeds:
            state.save(run.feed, run.title, *run.validators)
    state.close()
    echo_summary(counts)
    if problems or counts["failed"]:
        sys.exit(1)
