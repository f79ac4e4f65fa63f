"""`python -m indexer search QUERY [filters] [--json]`: search the archive from the shell."""

from __future__ import annotations

import html
import json
import re
import sys
from datetime import datetime
from pathlib import Path

import click

import config
from archive import search as search_archive
from archive.results import FACETS, SORTS, Results, SearchQuery
from indexer.commands.options import archive_dir_option

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
_TAG = re.compile(r"<[^>]+>")
# How many values of each facet the readable output shows.
FACET_VALUES_SHOWN = 5


def snippet_text(snippet: str, *, emphasise: bool) -> str:
    """A highlighted HTML snippet as terminal text (matches in bold on a terminal)."""
    if emphasise:
        snippet = _MARK.sub(lambda m: click.style(m.group(1), bold=True), snippet)
    return " ".join(html.unescape(_TAG.sub("", snippet)).split())


def render(results: Results, *, emphasise: bool) -> str:
    """Hits, then the top facet values, as readable lines."""
    lines = []
    if results.notice:
        lines.append(f"Note: {results.notice}")
    if results.suggestion:
        lines.append(f"Did you mean: {results.suggestion}")
    page = results.query.page
    first = (page - 1) * results.query.per_page + 1
    lines.append(f"{results.total} articles" + (f" (page {page})" if page > 1 else ""))
    for number, hit in enumerate(results.hits, start=first):
        when = hit.published.date().isoformat() if hit.published else "undated"
        byline = " · ".join(part for part in (hit.source, when) if part)
        lines += ["", f"{number}. {hit.title}", f"   {byline}", f"   {hit.url or hit.id}"]
        if hit.snippet:
            lines.append(f"   {snippet_text(hit.snippet, emphasise=emphasise)}")
    facet_lines = [
        f"{name.capitalize()}: "
        + ", ".join(f"{v.value} ({v.count})" for v in values[:FACET_VALUES_SHOWN])
        for name, values in results.facets.items()
        if values
    ]
    if facet_lines:
        lines += ["", *facet_lines]
    return "\n".join(lines)


def _day(ctx: click.Context, param: click.Parameter, value: datetime | None):
    return value.date() if value else None


_DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command()
@click.argument("words", metavar="[QUERY]", nargs=-1)
@click.option("--person", multiple=True, help="Only articles naming this person (repeat: any).")
@click.option("--country", multiple=True, help="Only articles about this country code (e.g. FR).")
@click.option("--org", multiple=True, help="Only articles naming this organisation.")
@click.option("--source", multiple=True, help="Only articles from this publisher.")
@click.option(
    "--from",
    "date_from",
    type=_DAY,
    callback=_day,
    metavar="YYYY-MM-DD",
    help="Published on or after.",
)
@click.option(
    "--to",
    "date_to",
    type=_DAY,
    callback=_day,
    metavar="YYYY-MM-DD",
    help="Published on or before.",
)
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    help="Order of the hits [default: relevance; newest for an empty query].",
)
@click.option(
    "--page", type=click.IntRange(min=1), default=1, show_default=True, help="Page of hits."
)
@click.option(
    "--per-page",
    type=click.IntRange(1, 100),
    default=config.RESULTS_PER_PAGE,
    show_default=True,
    help="Hits per page.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as one JSON object.")
@archive_dir_option
def search(
    words: tuple[str, ...],
    person: tuple[str, ...],
    country: tuple[str, ...],
    org: tuple[str, ...],
    source: tuple[str, ...],
    date_from,
    date_to,
    sort: str | None,
    page: int,
    per_page: int,
    as_json: bool,
    data_dir: Path,
) -> None:
    """Search the archive: words, "phrases", AND/OR/NOT, field:value, dates.

    An empty query lists every article, newest first. Values of one filter are OR-ed
    (--person A --person B), different filters AND-ed.
    """
    text = " ".join(words).strip()
    include = dict(
        zip(FACETS, (person, tuple(c.upper() for c in country), org, source), strict=True)
    )
    query = SearchQuery(
        text=text,
        include={name: values for name, values in include.items() if values},
        date_from=date_from,
        date_to=date_to,
        sort=sort or ("relevance" if text else "newest"),
        page=page,
        per_page=per_page,
    )
    results = search_archive(data_dir, query)
    if as_json:
        click.echo(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render(results, emphasise=sys.stdout.isatty()))
