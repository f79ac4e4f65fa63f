"""The archive commands end to end: a real data folder, real corpus pages, the real CLI."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

import config
from archive import open_index
from archive.aliases import PERSON, group_key
from indexer.files import size_text
from indexer.parsers import parse_bytes

PAGES = 8  # benchmark pages per test archive: enough for facets, quick on a loaded machine


@pytest.fixture(scope="module")
def page_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Real news pages (kept .html.gz as shipped) that parse into articles with canonical URLs."""
    source = config.CORPUS_DIR / "article-extraction-benchmark" / "html"
    folder = tmp_path_factory.mktemp("pages")
    chosen = []
    for path in sorted(source.glob("*.html.gz")):
        article = parse_bytes(path.read_bytes(), name=path.name)
        if article.id.startswith("http") and len(article.body) >= 3:
            chosen.append(shutil.copy(path, folder / path.name))
        if len(chosen) == PAGES:
            break
    return [Path(p) for p in chosen]


@pytest.fixture
def pages_dir(page_files: list[Path], tmp_path: Path) -> Path:
    """A folder of pages in subfolders (add walks directories) plus the seed article as text."""
    folder = tmp_path / "in"
    for n, path in enumerate(page_files):
        target = folder / f"part{n % 2}" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    shutil.copy(config.CORPUS_DIR / "seed" / "000_b674c38d9c199353.txt", folder / "seed.txt")
    return folder


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def search_json(run_indexer, data_dir: Path, *args: str) -> dict:
    code, out, err = run_indexer(
        "search", *args, "--json", "--per-page", "100", "--data-dir", data_dir
    )
    assert code == 0, err
    return json.loads(out)


def test_add_then_re_add_adds_nothing_twice(run_indexer, pages_dir: Path, data_dir: Path) -> None:
    code, out, err = run_indexer("add", pages_dir, "--data-dir", data_dir)
    assert (code, err) == (0, "")
    assert out.strip() == f"Added {PAGES + 1}."
    first = search_json(run_indexer, data_dir, "")
    assert first["total"] == PAGES + 1

    code, out, err = run_indexer("add", pages_dir, "--data-dir", data_dir)
    assert (code, err, out.strip()) == (0, "", f"Unchanged {PAGES + 1}.")
    again = search_json(run_indexer, data_dir, "")
    assert again["total"] == PAGES + 1
    assert sorted(h["id"] for h in again["hits"]) == sorted(h["id"] for h in first["hits"])
    index = open_index(data_dir)
    assert index.count() == len(index.ids()) == PAGES + 1


def test_the_same_page_from_two_files_is_one_article(
    run_indexer, page_files: list[Path], tmp_path: Path, data_dir: Path
) -> None:
    folder = tmp_path / "twice"
    folder.mkdir()
    page = gzip.decompress(page_files[0].read_bytes())
    (folder / "a.html").write_bytes(page)
    (folder / "b.html").write_bytes(page + b"\n<!-- saved again -->\n")
    code, out, _ = run_indexer("add", folder, "--data-dir", data_dir)
    assert code == 0
    assert out.strip() == "Added 1, updated 1."
    assert open_index(data_dir).count() == 1
    code, out, _ = run_indexer("add", folder, "--data-dir", data_dir)
    assert (code, out.strip()) == (0, "Unchanged 2.")  # no flip-flop between the two versions


def test_re_adding_a_changed_page_updates_it(
    run_indexer, page_files: list[Path], tmp_path: Path, data_dir: Path
) -> None:
    original = gzip.decompress(page_files[0].read_bytes())
    article = parse_bytes(original, name="page.html")
    words = re.findall(r"[A-Za-z]{6,}", " ".join(article.body))
    word = max((w for w in words if w.lower() not in article.id.lower()), key=len)
    changed = original.replace(word.encode(), b"Quixotically")
    assert changed != original
    (tmp_path / "page.html").write_bytes(original)
    (tmp_path / "page-v2.html").write_bytes(changed)

    assert run_indexer("add", tmp_path / "page.html", "--data-dir", data_dir)[0] == 0
    code, out, _ = run_indexer("add", tmp_path / "page-v2.html", "--data-dir", data_dir)
    assert (code, out.strip()) == (0, "Updated 1.")

    found = search_json(run_indexer, data_dir, "Quixotically")
    assert [hit["id"] for hit in found["hits"]] == [article.id]
    assert search_json(run_indexer, data_dir, "")["total"] == 1

    # The last added version is the one a rebuild restores.
    assert run_indexer("rebuild", "--data-dir", data_dir)[0] == 0
    assert [h["id"] for h in search_json(run_indexer, data_dir, "Quixotically")["hits"]] == [
        article.id
    ]


def test_remove_takes_an_article_out_for_good(run_indexer, pages_dir: Path, data_dir: Path) -> None:
    run_indexer("add", pages_dir, "--data-dir", data_dir)
    victim = search_json(run_indexer, data_dir, "")["hits"][0]["id"]

    code, out, _ = run_indexer("remove", victim, "--data-dir", data_dir)
    assert (code, out.strip()) == (0, f"Removed {victim}")
    remaining = search_json(run_indexer, data_dir, "")
    assert remaining["total"] == PAGES
    assert victim not in {hit["id"] for hit in remaining["hits"]}

    run_indexer("rebuild", "--data-dir", data_dir)
    assert victim not in {h["id"] for h in search_json(run_indexer, data_dir, "")["hits"]}

    code, out, _ = run_indexer("add", pages_dir, "--data-dir", data_dir)  # adding it brings it back
    assert (code, out.strip()) == (0, f"Added 1, unchanged {PAGES}.")
    assert victim in {h["id"] for h in search_json(run_indexer, data_dir, "")["hits"]}

    code, _, err = run_indexer(
        "remove", "https://example.org/no-such-story", "--data-dir", data_dir
    )
    assert code == 1
    assert err.strip() == "Error: no article with id https://example.org/no-such-story"


@pytest.mark.parametrize("damage", ["delete", "corrupt"])
def test_rebuild_restores_a_lost_index(
    run_indexer, pages_dir: Path, data_dir: Path, damage: str
) -> None:
    run_indexer("add", pages_dir, "--data-dir", data_dir)
    before = search_json(run_indexer, data_dir, "")
    index_dir = data_dir / "index"
    if damage == "delete":
        shutil.rmtree(index_dir)
    else:
        for path in index_dir.iterdir():
            if path.is_file():
                path.write_bytes(b"\x00garbage" * 10)

    code, out, err = run_indexer("rebuild", "--data-dir", data_dir)
    assert code == 0, err
    assert out.strip() == f"Re-indexed {PAGES + 1} articles from {PAGES + 1} originals."
    after = search_json(run_indexer, data_dir, "")
    assert after["total"] == before["total"] == PAGES + 1
    assert after["hits"] == before["hits"]
    assert after["facets"] == before["facets"]


def test_add_after_the_index_was_deleted_indexes_again(
    run_indexer, pages_dir: Path, data_dir: Path
) -> None:
    run_indexer("add", pages_dir, "--data-dir", data_dir)
    shutil.rmtree(data_dir / "index")
    code, out, _ = run_indexer("add", pages_dir, "--data-dir", data_dir)
    assert code == 0
    assert search_json(run_indexer, data_dir, "")["total"] == PAGES + 1


def test_source_and_date_overrides(run_indexer, seed_path: Path, data_dir: Path) -> None:
    code, _, err = run_indexer(
        "add", seed_path, "--source", "Wire Copy", "--date", "2020-02-29", "--data-dir", data_dir
    )
    assert code == 0, err
    found = search_json(run_indexer, data_dir, "", "--source", "Wire Copy")
    [hit] = found["hits"]
    assert hit["source"] == "Wire Copy"
    assert hit["published"].startswith("2020-02-29")
    assert search_json(run_indexer, data_dir, "", "--from", "2020-03-01")["total"] == 0

    code, _, err = run_indexer("add", seed_path, "--date", "last tuesday", "--data-dir", data_dir)
    assert code == 2
    assert "not a date" in err


def test_bad_files_get_one_line_each_and_the_others_go_on(
    run_indexer, page_files: list[Path], tmp_path: Path, data_dir: Path
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(page_files[0], folder / "good.html.gz")
    (folder / "binary.html").write_bytes(bytes(range(256)) * 40)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00 definitely not gzip")
    missing = tmp_path / "missing.html"

    code, out, err = run_indexer("add", folder, missing, "--data-dir", data_dir)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 4
    assert "Traceback" not in err
    for name in ("binary.html", "empty.txt", "broken.html.gz", "missing.html"):
        assert sum(name in line for line in lines) == 1
    assert out.strip() == "Added 1, failed 4."
    assert open_index(data_dir).count() == 1


def test_search_json_has_total_hits_and_facets(
    run_indexer, pages_dir: Path, data_dir: Path
) -> None:
    run_indexer("add", pages_dir, "--data-dir", data_dir)
    everything = search_json(run_indexer, data_dir, "")
    assert set(everything) >= {"total", "hits", "facets"}
    assert set(everything["facets"]) >= {"persons", "countries", "organizations", "sources"}
    for values in everything["facets"].values():
        assert all(set(v) == {"value", "count"} and v["count"] > 0 for v in values)
    dates = [datetime.fromisoformat(h["published"]) for h in everything["hits"] if h["published"]]
    assert dates == sorted(dates, reverse=True)  # an empty query lists newest first

    word = max(re.findall(r"[A-Za-z]{5,}", everything["hits"][0]["title"]), key=len)
    found = search_json(run_indexer, data_dir, word)
    assert 1 <= found["total"] <= everything["total"]

    code, out, _ = run_indexer("search", word, "--data-dir", data_dir)
    assert code == 0
    assert f"{found['total']} articles" in out


def test_stats_reports_counts_and_sizes(run_indexer, pages_dir: Path, data_dir: Path) -> None:
    run_indexer("add", pages_dir, "--data-dir", data_dir)
    code, out, err = run_indexer("stats", "--json", "--data-dir", data_dir)
    assert code == 0, err
    stats = json.loads(out)
    assert stats["articles"] == PAGES + 1
    assert stats["originals"]["indexed"] == PAGES + 1
    assert stats["originals_bytes"] > 0
    assert stats["index_bytes"] > 0

    code, out, _ = run_indexer("stats", "--data-dir", data_dir)
    assert code == 0
    assert re.search(rf"Articles:\s+{PAGES + 1}\b", out)
    assert re.search(r"Index:\s+[\d.]+ [KMG]B in \d+ segments?\n", out)


def test_sizes_read_as_people_write_them() -> None:
    assert size_text(512) == "512 bytes"
    assert size_text(2000) == "1.95 KB"
    assert size_text(1000 * 1024) == "1000 KB"  # not "1e+03 KB"
    assert size_text(1023 * 1024 * 1024) == "1023 MB"
    assert size_text(10 << 20) == "10 MB"


@pytest.mark.parametrize("command", ["add", "feed", "rebuild", "remove", "stats", "search"])
def test_every_command_has_help_with_data_dir(run_indexer, command: str) -> None:
    code, out, _ = run_indexer(command, "--help")
    assert code == 0
    assert "--data-dir" in out


def test_usage_errors_exit_2(run_indexer, data_dir: Path) -> None:
    assert run_indexer("search", "x", "--page", "0", "--data-dir", data_dir)[0] == 2
    assert run_indexer("search", "x", "--sort", "sideways", "--data-dir", data_dir)[0] == 2
    assert run_indexer("add", "--data-dir", data_dir)[0] == 2
    assert run_indexer("remove", "--data-dir", data_dir)[0] == 2


def test_real_command_honours_morgue_data_dir(seed_path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "MORGUE_DATA_DIR": str(tmp_path / "from-env")}
    done = subprocess.run(
        [sys.executable, "-m", "indexer", "add", str(seed_path)],
        cwd=config.REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Added 1."
    assert (tmp_path / "from-env" / "manifest.sqlite").is_file()
    assert open_index(tmp_path / "from-env").count() == 1


def test_a_name_whose_canonical_form_changes_later_stays_one_facet_value(
    run_indexer, tmp_path: Path
) -> None:
    """Articles indexed before a fuller or more common form of a name took over its group are
    re-indexed with the new form: adding the demo articles in two steps gives the same person
    and organisation facets as adding them at once."""
    folder = config.REPO_ROOT / "archive" / "samples"
    samples = sorted(p for p in folder.iterdir() if p.name != "README.md")
    first, rest = tmp_path / "first", tmp_path / "rest"
    for n, path in enumerate(samples):
        target = (first if n < len(samples) // 3 else rest) / path.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(path, target)

    def facets(data_dir: Path) -> dict:
        found = search_json(run_indexer, data_dir, "")["facets"]
        return {name: found[name] for name in ("persons", "organizations")}

    at_once, in_steps = tmp_path / "at-once", tmp_path / "in-steps"
    for folders, data_dir in (([first, rest], at_once), ([first], in_steps), ([rest], in_steps)):
        code, _, err = run_indexer("add", *map(str, folders), "--data-dir", data_dir)
        assert code == 0, err
    assert facets(in_steps) == facets(at_once)
    persons = [value["value"] for value in facets(in_steps)["persons"]]
    assert len({group_key(PERSON, name) for name in persons}) == len(persons), persons


def test_a_damaged_database_file_ends_add_with_one_line_not_a_hang(
    seed_path: Path, data_dir: Path
) -> None:
    """The committer thread failing to open its databases used to leave `add` blocked."""
    command = [sys.executable, "-m", "indexer", "add", "--data-dir", str(data_dir)]
    first = subprocess.run([*command, str(seed_path)], cwd=config.REPO_ROOT, timeout=300)
    assert first.returncode == 0
    (data_dir / "aliases.sqlite").write_bytes(b"not a database " * 100)
    samples = config.REPO_ROOT / "archive" / "samples"
    done = subprocess.run(
        [*command, str(samples)], cwd=config.REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "not a database" in done.stderr
