"""`python -m indexer parse PATH... [--json]`: show what Morgue extracts from articles."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from archive.article import Article
from indexer.cpu_limit import parse_time_limit
from indexer.entities import extract_entities, load_lexicons
from indexer.files import article_files, failure_text, one_line
from indexer.parsers import parse_file


def article_json(path: Path, article: Article) -> dict:
    """The JSON Lines record of one parsed article (body paragraphs joined by a blank line)."""
    return {
        "path": str(path),
        "id": article.id,
        "url": article.url,
        "source": article.source,
        "title": article.title,
        "standfirst": article.standfirst,
        "authors": article.authors,
        "published": article.published.isoformat() if article.published else None,
        "section": article.section,
        "language": article.language,
        "body": "\n\n".join(article.body),
        "captions": [{"text": c.text, "credit": c.credit} for c in article.captions],
        "persons": article.persons,
        "countries": article.countries,
        "organizations": article.organizations,
    }


def article_readable(path: Path, article: Article) -> str:
    """A human-readable rendering: metadata lines, then the text."""
    lines = [f"== {path}", f"Title:      {article.title}"]
    fields = [
        ("Standfirst", article.standfirst),
        ("Source", article.source),
        ("URL", article.url),
        ("Published", article.published.isoformat() if article.published else None),
        ("Authors", ", ".join(article.authors)),
        ("Section", article.section),
        ("Language", article.language),
        ("Persons", ", ".join(article.persons)),
        ("Countries", ", ".join(article.countries)),
        ("Orgs", ", ".join(article.organizations)),
    ]
    lines += [f"{label + ':':<12}{value}" for label, value in fields if value]
    lines.append(f"Id:         {article.id}")
    lines.append("")
    lines += [paragraph + "\n" for paragraph in article.body]
    for caption in article.captions:
        credit = f"  [{caption.credit}]" if caption.credit else ""
        lines.append(f"Caption: {caption.text}{credit}")
    return "\n".join(lines).rstrip() + "\n"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article (JSON Lines).")
def parse(paths: tuple[Path, ...], as_json: bool) -> None:
    """Parse news articles (HTML, .html.gz, plain text) and print what was extracted.

    Directories are walked recursively. A file that cannot be parsed is reported on stderr and
    the others go on; the exit code is 1 if any failed.
    """
    files = article_files(paths)
    load_lexicons()
    failed = 0
    for path in files:
        try:
            with parse_time_limit():
                article = extract_entities(parse_file(path))
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop the others
            failed += 1
            click.echo(one_line(f"{path}: {failure_text(exc)}"), err=True)
            continue
        if as_json:
            click.echo(json.dumps(article_json(path, article), ensure_ascii=False))
        else:
            click.echo(article_readable(path, article))
    if failed:
        sys.exit(1)
