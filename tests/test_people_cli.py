"""`python -m indexer people` on a real alias table in a temporary data folder."""

from __future__ import annotations

import json
from pathlib import Path

from archive import datadir
from archive.aliases import AliasTable


def _seed(data_dir: Path) -> None:
    with AliasTable(datadir.aliases_path(data_dir)) as table:
        for name in ("Recep Erdogan", "Recep Tayyip Erdoğan", "Erdoğan", "Jens Stoltenberg"):
            table.canonical_person(name)


def test_help_of_each_command(run_indexer) -> None:
    for args in (
        ["people", "--help"],
        ["people", "list", "--help"],
        ["people", "merge", "--help"],
        ["people", "split", "--help"],
    ):
        code, out, _err = run_indexer(*args)
        assert code == 0 and "Usage:" in out


def test_list_merge_split(run_indexer, tmp_path: Path) -> None:
    _seed(tmp_path)
    code, out, _ = run_indexer("people", "list", "--data-dir", tmp_path, "--json")
    assert code == 0
    entries = [json.loads(line) for line in out.splitlines()]
    erdogan = next(e for e in entries if e["canonical"] == "Recep Tayyip Erdoğan")
    assert sorted(erdogan["aliases"]) == ["Erdoğan", "Recep Erdogan", "Recep Tayyip Erdoğan"]

    code, out, _ = run_indexer("people", "split", "--data-dir", tmp_path, "Erdoğan")
    assert code == 0 and "own name" in out
    code, out, _ = run_indexer("people", "list", "--data-dir", tmp_path, "--search", "erdogan")
    assert code == 0 and out.splitlines()[0].startswith("Recep Tayyip Erdoğan")
    assert any(line.startswith("Erdoğan [") for line in out.splitlines())

    code, out, _ = run_indexer(
        "people", "merge", "--data-dir", tmp_path, "Erdoğan", "Recep Tayyip Erdoğan"
    )
    assert code == 0 and "Recep Tayyip Erdoğan" in out
    with AliasTable(datadir.aliases_path(tmp_path)) as table:
        assert table.canonical_person("Erdoğan") == "Recep Tayyip Erdoğan"


def test_unknown_name_is_one_line_error(run_indexer, tmp_path: Path) -> None:
    _seed(tmp_path)
    code, _out, err = run_indexer("people", "split", "--data-dir", tmp_path, "Nobody Known")
    assert code == 1
    assert err.strip().count("\n") == 0 and "Nobody Known" in err


def test_list_on_an_empty_folder_creates_nothing(run_indexer, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    code, out, _ = run_indexer("people", "list", "--data-dir", missing)
    assert code == 0 and "No names." in out
    assert not missing.exists()


def test_organisations_are_listed_separately(run_indexer, tmp_path: Path) -> None:
    with AliasTable(datadir.aliases_path(tmp_path)) as table:
        table.canonical_org("NATO")
        table.canonical_org("Nato")
    code, out, _ = run_indexer("people", "list", "--data-dir", tmp_path, "--kind", "org")
    assert code == 0 and out.startswith("NATO [2]") and "Nato" in out
    code, out, _ = run_indexer("people", "list", "--data-dir", tmp_path)
    assert "NATO" not in out


def test_a_merge_renames_the_articles_already_indexed(
    run_indexer, seed_path: Path, tmp_path: Path
) -> None:
    code, _, err = run_indexer("add", str(seed_path), "--data-dir", tmp_path)
    assert code == 0, err

    code, out, _ = run_indexer(
        "people", "merge", "--data-dir", tmp_path, "Recep Erdogan", "Recep Tayyip Erdoğan"
    )
    assert code == 0 and "Recep Tayyip Erdoğan" in out and "Renamed in 1 indexed article." in out

    code, out, _ = run_indexer("search", "", "--json", "--data-dir", tmp_path)
    persons = [value["value"] for value in json.loads(out)["facets"]["persons"]]
    assert "Recep Tayyip Erdoğan" in persons and "Recep Erdogan" not in persons
    assert "Jens Stoltenberg" in persons


def test_a_rebuild_counts_each_article_once(run_indexer, seed_path: Path, tmp_path: Path) -> None:
    code, _, err = run_indexer("add", str(seed_path), "--data-dir", tmp_path)
    assert code == 0, err

    def mentions() -> dict[str, int]:
        code, out, _ = run_indexer("people", "list", "--data-dir", tmp_path, "--json")
        assert code == 0
        entries = [json.loads(line) for line in out.splitlines()]
        return {entry["canonical"]: entry["mentions"] for entry in entries}

    before = mentions()
    assert before["Jens Stoltenberg"] >= 1
    for _ in range(2):
        code, _, err = run_indexer("rebuild", "--data-dir", tmp_path)
        assert code == 0, err
        assert mentions() == before
