"""`python -m indexer parse` on good and bad input, run as a user runs it (a subprocess)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import config

ARTICLE = (
    "The city council voted on Monday to rebuild the old bridge over the river, ending years of "
    "debate. The work will start in spring and cost about 12 million euros, the mayor said. "
)


def run_parse(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "indexer", "parse", *args],
        capture_output=True,
        text=True,
        cwd=config.REPO_ROOT,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_bad_inputs_fail_one_by_one_and_the_others_are_printed(tmp_path, seed_path, corpus_dir):
    page = next((corpus_dir / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    good = tmp_path / "good.html.gz"
    good.write_bytes(page.read_bytes())
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "binary.html").write_bytes(bytes(range(256)) * 64)
    (tmp_path / "huge.html").write_bytes(b"<p>" + b"x" * (30 * 1024 * 1024) + b"</p>")
    (tmp_path / "truncated.html.gz").write_bytes(page.read_bytes()[:2000])
    links = "".join(f'<li><a href="/s/{i}">Story {i} of the day</a></li>' for i in range(50))
    (tmp_path / "links.html").write_text(f"<html><body><ul>{links}</ul></body></html>")
    broken = f"<html><body><div><h1>Bridge vote<p>{ARTICLE * 3}<p><b>{ARTICLE}<i>unclosed"
    (tmp_path / "broken.html").write_text(broken)
    latin = f"<html><body><h1>Brücke</h1><p>{'Die Bürger äußerten sich über die Brücke. ' * 12}"
    (tmp_path / "latin1.html").write_bytes(latin.encode("latin-1"))
    french = f"<html><body><h1>Pont</h1><p>{'Le maire a dit: “On reconstruit l’été.” ' * 12}"
    (tmp_path / "cp1252.html").write_bytes(french.encode("cp1252"))

    result = run_parse("--json", str(tmp_path), str(seed_path), str(tmp_path / "missing.html"))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    errors = dict(line.split(": ", 1) for line in result.stderr.strip().splitlines())
    by_name = {key.rsplit("/", 1)[-1]: message for key, message in errors.items()}
    assert set(by_name) == {
        "empty.html", "binary.html", "huge.html", "truncated.html.gz", "links.html", "missing.html"
    }  # fmt: skip
    assert "empty" in by_name["empty.html"]
    assert "binary" in by_name["binary.html"]
    assert "too large" in by_name["huge.html"]
    assert "truncated gzip" in by_name["truncated.html.gz"]
    assert "no article" in by_name["links.html"]
    assert "no such file" in by_name["missing.html"]

    records = {json.loads(line)["path"].rsplit("/", 1)[-1]: json.loads(line)
               for line in result.stdout.splitlines()}  # fmt: skip
    assert set(records) == {
        "good.html.gz", "broken.html", "latin1.html", "cp1252.html", seed_path.name
    }  # fmt: skip
    keys = ["path", "id", "url", "source", "title", "standfirst", "authors", "published",
            "section", "language", "body", "captions", "persons", "countries",
            "organizations"]  # fmt: skip
    assert all(list(record) == keys for record in records.values())
    assert "The city council voted on Monday" in records["broken.html"]["body"]
    assert "Die Bürger äußerten sich über die Brücke." in records["latin1.html"]["body"]
    assert 'Le maire a dit: "On reconstruit l\'été."' in records["cp1252.html"]["body"]
    seed = records[seed_path.name]
    assert seed["captions"][1] == {"text": seed["captions"][1]["text"],
                                   "credit": "Francisco Seco / AP Photo"}  # fmt: skip
    assert "\n\n" in seed["body"] and seed["published"] is None


def test_readable_output_and_exit_code_zero(seed_path):
    result = run_parse(str(seed_path))
    assert result.returncode == 0, result.stderr
    assert "Title:      Jens Stoltenberg: Nato stands with Turkey" in result.stdout
    assert "Standfirst: Nato representatives met on Friday" in result.stdout
    assert "Caption: " in result.stdout and "[AP Photo/Francisco Seco]" in result.stdout


def test_wrong_usage_exits_2():
    result = run_parse()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Usage" in result.stderr or "Missing argument" in result.stderr


def test_gzip_html_read_directly(tmp_path):
    path = tmp_path / "story.html.gz"
    path.write_bytes(gzip.compress(f"<html><body><h1>Bridge</h1><p>{ARTICLE * 3}</p>".encode()))
    result = run_parse("--json", str(path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["title"] == "Bridge"


def test_a_page_built_to_be_slow_is_stopped_and_the_others_are_printed(tmp_path, seed_path):
    """`parse` has the same CPU-time limit per page as `add`: one line for the slow page."""
    slow = tmp_path / "slow.html"
    # 200,000 one-line paragraphs: over a minute of CPU without the limit (the seed: 0.03 s).
    slow.write_text("<html><body><h1>Lines</h1>" + "<p>Short line.</p>" * 200_000)
    result = run_parse(str(slow), str(seed_path), env={"MORGUE_PARSE_TIME_LIMIT_SECONDS": "1"})
    assert result.returncode == 1
    assert result.stderr == f"{slow}: not parsed within 1 s of CPU time" + (
        " (limit set by MORGUE_PARSE_TIME_LIMIT_SECONDS); a page built to be slow?\n"
    )
    assert "Jens Stoltenberg" in result.stdout


def test_a_folder_without_articles_and_a_data_folder_that_cannot_be_made(tmp_path, seed_path):
    """One line and exit code 1 each: `parse` and `add` of an empty folder, `add` into a data
    folder under a file (no traceback, no 'unexpected error')."""
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_parse(str(empty))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: No article files found (.html,")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    added = subprocess.run(
        [sys.executable, "-m", "indexer", "add", str(seed_path), "--data-dir", str(blocker / "d")],
        capture_output=True,
        text=True,
        cwd=config.REPO_ROOT,
        timeout=300,
    )
    assert added.returncode == 1
    assert (
        added.stderr == f"Error: Cannot create the data folder {blocker / 'd'}: Not a directory\n"
    )
