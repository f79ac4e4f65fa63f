"""The archive-wide alias table on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

import config
from archive.aliases import ORG, AliasTable, canonicalize
from archive.article import Article
from archive.errors import MorgueError, NotFound


@pytest.fixture
def table(tmp_path: Path):
    with AliasTable(tmp_path / "aliases.sqlite") as aliases:
        yield aliases


def test_erdogan_forms_become_one_name(table: AliasTable) -> None:
    names = ["Recep Erdogan", "Recep Tayyip Erdoğan", "Erdoğan", "Recep Erdogan"]
    for name in names:
        table.canonical_person(name)
    assert {table.canonical_person(name) for name in names} == {"Recep Tayyip Erdoğan"}
    assert table.canonical_person("Recep\u00a0Erdogan") == "Recep Tayyip Erdoğan"


def test_surname_seen_first_and_particles(table: AliasTable) -> None:
    assert table.canonical_person("Erdoğan") == "Erdoğan"
    assert table.canonical_person("Recep Tayyip Erdoğan") == "Recep Tayyip Erdoğan"
    assert table.canonical_person("Erdoğan") == "Recep Tayyip Erdoğan"
    table.canonical_person("Martin Luther King Jr.")
    assert table.canonical_person("Martin King") == "Martin Luther King Jr."
    table.canonical_person("Bashar al-Assad")
    assert table.canonical_person("Bashar Al Assad") == table.canonical_person("Bashar Assad")


def test_different_first_names_stay_apart(table: AliasTable) -> None:
    assert table.canonical_person("George W. Bush") == "George W. Bush"
    assert table.canonical_person("Jeb Bush") == "Jeb Bush"
    # A lone surname shared by two groups is not guessed.
    assert table.canonical_person("Bush") == "Bush"


def test_organisations_fold_case(table: AliasTable) -> None:
    assert table.canonical_org("NATO") == "NATO"
    table.canonical_org("Nato")
    assert table.canonical_org("Nato") == table.canonical_org("NATO")
    assert table.canonical_org("State Department") == "State Department"


def test_canonicalize_article_and_persistence(tmp_path: Path) -> None:
    path = tmp_path / "aliases.sqlite"
    with AliasTable(path) as first:
        first.canonical_person("Recep Tayyip Erdoğan")
    article = Article(
        id="a",
        title="t",
        body=["b"],
        persons=["Recep Erdogan", "Jens Stoltenberg"],
        organizations=["Nato"],
    )
    with AliasTable(path) as again:
        result = canonicalize(article, again)
    assert result.persons == ["Recep Tayyip Erdoğan", "Jens Stoltenberg"]
    assert article.persons == ["Recep Erdogan", "Jens Stoltenberg"]
    assert result.organizations == ["Nato"]


def test_merge_and_split_override_the_rule(table: AliasTable) -> None:
    table.canonical_person("Recep Tayyip Erdoğan")
    table.canonical_person("Recep Erdogan")
    table.split("Recep Erdogan")
    assert table.canonical_person("Recep Erdogan") == "Recep Erdogan"
    assert table.canonical_person("Recep Tayyip Erdoğan") == "Recep Tayyip Erdoğan"
    table.merge("Recep Erdogan", "Recep Tayyip Erdoğan")
    assert table.canonical_person("Recep Erdogan") == "Recep Tayyip Erdoğan"
    entries = table.entries(contains="erdogan")
    assert [e.canonical for e in entries] == ["Recep Tayyip Erdoğan"]
    assert sorted(entries[0].aliases) == ["Recep Erdogan", "Recep Tayyip Erdoğan"]


def test_merge_never_makes_a_loop(table: AliasTable) -> None:
    for name in ("Ann Lee", "Ann B. Lee", "Lee"):
        table.canonical_person(name)
    table.merge("Ann B. Lee", "Lee")
    table.merge("Lee", "Ann B. Lee")
    assert table.canonical_person("Lee") == table.canonical_person("Ann Lee")


def test_unknown_alias_is_not_found(table: AliasTable) -> None:
    with pytest.raises(NotFound):
        table.split("Nobody Known")
    with pytest.raises(NotFound):
        table.merge("Nobody Known", "Someone", kind=ORG)


def test_namesakes_with_different_middle_initials_stay_apart(table: AliasTable) -> None:
    """Same first and last names, different middle initials: two people, whichever comes
    first; a name without middle initials, or with the middle written out, joins the first."""
    assert table.canonical_person("George W. Bush") == "George W. Bush"
    assert table.canonical_person("George H. W. Bush") == "George H. W. Bush"
    assert table.canonical_person("George H.W. Bush") == "George H. W. Bush"
    assert table.canonical_person("George W Bush") == "George W. Bush"
    assert table.canonical_person("George Bush") == "George W. Bush"
    assert table.canonical_person("George H. W. Bush") == "George H. W. Bush"
    # A lone surname shared by two groups is not guessed.
    assert table.canonical_person("Bush") == "Bush"
    # One middle initial among names without one joins them, as middle names always did.
    table.canonical_person("Roy Disney")
    assert table.canonical_person("Roy O. Disney") == "Roy O. Disney"
    assert table.canonical_person("Roy Disney") == "Roy O. Disney"
    assert table.canonical_person("Roy E. Disney") == "Roy E. Disney"
    assert table.canonical_person("Roy O. Disney") == "Roy O. Disney"


def test_a_second_writer_waits_for_the_names_and_is_told_when_too_long(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ingest holds the names' transaction through its index commit; another run waits as
    for the index's lock, then gets one clear line, not "database is locked"."""
    monkeypatch.setattr(config, "INDEX_LOCK_TIMEOUT_SECONDS", 0.3)
    first, second = AliasTable(tmp_path / "a.sqlite"), AliasTable(tmp_path / "a.sqlite")
    with first.recording():
        first.canonical_person("Wanjiru Kamau")
        with pytest.raises(MorgueError, match="locked for 0 s"), second.recording():
            pass
    with second.recording():  # free again
        assert second.canonical_person("Kamau") == "Wanjiru Kamau"
    first.close()
    second.close()
