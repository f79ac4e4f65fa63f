"""Archive-wide canonical names, so that one person is one facet value.

The rule: two person names are the same person when their first and last words agree once
accents, case, dots and hyphens are folded; middle names are optional ("Recep Erdogan", "Recep
Tayyip Erdogan" and "Recep Tayyip Erdoğan" are one; so are "Bashar al-Assad" and "Bashar Al
Assad"), but different middle initials make namesakes ("George W. Bush", "George H. W.
Bush"). A lone surname ("Erdoğan") joins the one group with that surname, seen before or
after it, and stays apart when there are several. The canonical form of a group is its
most complete name (most words, diacritics kept, acronyms in capitals), then the most
frequent.
Organisations are one when their folded names agree ("NATO", "Nato").

When the rule is wrong, an editor merges or splits by hand (``python -m indexer people``);
a manual decision is never undone by the rule. Changes apply to articles indexed afterwards
(``python -m indexer rebuild`` re-applies them to the whole archive).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import config
from archive.article import Article
from archive.errors import MorgueError, NotFound
from archive.results import SearchQuery
from archive.sqlitedb import connect, write_transaction

if TYPE_CHECKING:
    from archive.index import ArticleIndex

PERSON = "person"
ORG = "org"
KINDS = (PERSON, ORG)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS aliases (
    kind TEXT NOT NULL,
    alias TEXT NOT NULL,
    group_key TEXT NOT NULL,
    mentions INTEGER NOT NULL DEFAULT 0,
    pinned_to TEXT,
    PRIMARY KEY (kind, alias)
);
CREATE INDEX IF NOT EXISTS aliases_group ON aliases (kind, group_key);
"""
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# A chain of merges longer than this is a loop made by hand; it stops there.
_MAX_PIN_DEPTH = 20


@dataclass
class Entry:
    """One canonical name with every alias that maps to it."""

    kind: str
    canonical: str
    aliases: list[str]
    mentions: int


@lru_cache(maxsize=65_536)  # names recur: every name of a group is folded at every mention
def fold(name: str) -> str:
    """Lower case without accents, dots, hyphens or extra spaces: "al-Assad" → "al assad"."""
    bare = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in bare if not unicodedata.combining(ch))
    for mark in ".-\u2010\u00a0":
        bare = bare.replace(mark, " ")
    return " ".join(bare.lower().split())


def _person_words(name: str) -> list[str]:
    """The folded words of a person's name, a generational suffix such as "Jr." left out."""
    words = fold(name).split()
    if len(words) > 2 and words[-1] in _SUFFIXES:
        words = words[:-1]
    return words


def group_key(kind: str, name: str) -> str:
    """The rule's key: first and last folded word for persons (a generational suffix such as
    "Jr." left out), the folded name otherwise."""
    if kind == PERSON and len(words := _person_words(name)) > 1:
        return f"{words[0]} {words[-1]}"
    return fold(name)


def middle_initials(name: str) -> str:
    """A person's middle initials ("h w" of "George H. W. Bush"), or "" when the middle is
    absent or written out ("Recep Tayyip Erdoğan")."""
    middle = _person_words(name)[1:-1]
    return " ".join(middle) if middle and all(len(word) == 1 for word in middle) else ""


class AliasTable:
    """The alias table in ``<data_dir>/aliases.sqlite``."""

    def __init__(self, db_path: Path) -> None:
        self.path = Path(db_path)
        self._conn = connect(self.path)
        self._conn.executescript(_SCHEMA)
        # canonical forms replaced by another since the last take_renamed(), by kind
        self._renamed: dict[str, set[str]] = {kind: set() for kind in KINDS}

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> AliasTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # The rule ---------------------------------------------------------------------------------

    def canonical_person(self, name: str) -> str:
        """The canonical form of a person's name, recording the name as seen once more."""
        return self._canonical(PERSON, name)

    def canonical_org(self, name: str) -> str:
        """The canonical form of an organisation's name, recording it as seen once more."""
        return self._canonical(ORG, name)

    def forget_mentions(self) -> None:
        """Every name's count back to zero, its group and pins kept: a rebuild records the
        names of every stored article again, and would count each of them twice. (A rebuild
        stopped midway leaves lower counts until the next; they only break ties between
        equally full names.)"""
        with self.recording():
            self._conn.execute("UPDATE aliases SET mentions = 0")

    @contextmanager
    def recording(self) -> Iterator[None]:
        """One transaction for the names of many articles: each transaction ends with a disk
        sync, and one per article was most of the time an ``add`` spent on names. An ingest
        keeps it open through its index commit, so another run waits for it as long as for the
        index's lock, and is told so in the same words when that is too long."""
        wait = config.INDEX_LOCK_TIMEOUT_SECONDS
        begun = False
        try:
            with write_transaction(self._conn, wait_seconds=wait):
                begun = True
                yield
        except sqlite3.OperationalError:
            if begun:
                raise
            raise MorgueError(
                f"Another process kept the archive locked for {wait:.0f} s;"
                " try again when it has finished."
            ) from None

    def canonical_names(self, kind: str, names: list[str]) -> list[str]:
        """Canonical forms of several names in one transaction, duplicates dropped."""
        out: list[str] = []
        with nullcontext() if self._conn.in_transaction else write_transaction(self._conn):
            for name in names:
                canonical = self._record(kind, " ".join(name.split()))
                if canonical not in out:
                    out.append(canonical)
        return out

    def _canonical(self, kind: str, name: str) -> str:
        return self.canonical_names(kind, [name])[0]

    def take_renamed(self) -> dict[str, set[str]]:
        """The canonical forms that recording names replaced since the last call, by kind
        (a fuller or more often seen form took over the group): articles indexed earlier with
        them must be re-indexed, or one person would be two facet values."""
        renamed, self._renamed = self._renamed, {kind: set() for kind in KINDS}
        return renamed

    def _record(self, kind: str, name: str) -> str:
        row = self._row(kind, name)
        key = row["group_key"] if row is not None else self._key_for_new(kind, name)
        before = self._best_of_group(kind, key)
        if row is not None:
            self._conn.execute(
                "UPDATE aliases SET mentions = mentions + 1 WHERE kind = ? AND alias = ?",
                (kind, name),
            )
        else:
            self._insert(kind, name, key, mentions=1)
            self._adopt_lone_surname(kind, key)
        after = self._best_of_group(kind, key)
        if before is not None and before != after:
            self._renamed[kind].add(before)
        if row is None or row["pinned_to"] is None:
            return after or name  # what resolve() gives a name the rule groups
        return self.resolve(kind, name)

    def _adopt_lone_surname(self, kind: str, key: str) -> None:
        """A surname seen alone before any full name ("Erdoğan") joins the first group that
        ends in it, while that group is the only one."""
        if kind != PERSON or " " not in key:
            return
        surname = key.rsplit(" ", 1)[1]
        groups = self._conn.execute(
            "SELECT COUNT(DISTINCT group_key) FROM aliases WHERE kind = ? AND group_key LIKE ?",
            (kind, f"% {surname}"),
        ).fetchone()[0]
        if groups == 1:
            if (lone := self._best_of_group(kind, surname)) is not None:
                self._renamed[kind].add(lone)
            self._conn.execute(
                "UPDATE aliases SET group_key = ? WHERE kind = ? AND group_key = ?"
                " AND pinned_to IS NULL",
                (key, kind, surname),
            )

    def _insert(self, kind: str, name: str, key: str, mentions: int = 0) -> None:
        self._conn.execute(
            "INSERT INTO aliases (kind, alias, group_key, mentions) VALUES (?, ?, ?, ?)",
            (kind, name, key, mentions),
        )

    def _key_for_new(self, kind: str, name: str) -> str:
        """A lone surname joins the only group ending in it; a name whose middle initials
        differ from those of a name in its group is a namesake ("George H. W. Bush" beside
        "George W. Bush") with a group of its own; otherwise the rule's key."""
        key = group_key(kind, name)
        if kind == PERSON and " " not in key:
            groups = {
                row["group_key"]
                for row in self._conn.execute(
                    "SELECT group_key FROM aliases WHERE kind = ? AND group_key LIKE ?",
                    (kind, f"% {key}"),
                )
            }
            if len(groups) == 1:
                return groups.pop()
        elif kind == PERSON and (initials := middle_initials(name)):
            first, last = key.split(" ")
            namesake_key = f"{first} {initials} {last}"
            members = self._conn.execute(
                "SELECT alias FROM aliases WHERE kind = ? AND group_key IN (?, ?)",
                (kind, key, namesake_key),
            ).fetchall()
            others = {middle_initials(row["alias"]) for row in members} - {"", initials}
            if others or self._best_of_group(kind, namesake_key) is not None:
                return namesake_key
        return key

    def resolve(self, kind: str, name: str) -> str:
        """The canonical form of a known name: a manual decision first, else the rule."""
        for _ in range(_MAX_PIN_DEPTH):
            row = self._row(kind, name)
            if row is None:
                return name
            if row["pinned_to"] is None:
                return self._best_of_group(kind, row["group_key"]) or name
            if row["pinned_to"] == name:
                return name
            name = row["pinned_to"]
        return name

    def _best_of_group(self, kind: str, key: str) -> str | None:
        rows = self._conn.execute(
            "SELECT alias, mentions FROM aliases WHERE kind = ? AND group_key = ?"
            " AND pinned_to IS NULL",
            (kind, key),
        ).fetchall()
        if not rows:
            return None
        return max(rows, key=lambda r: _completeness(r["alias"], r["mentions"]))["alias"]

    def _row(self, kind: str, name: str) -> sqlite3.Row | None:
        return self._conn.execute(
            "SELECT * FROM aliases WHERE kind = ? AND alias = ?", (kind, name)
        ).fetchone()

    # Editing by hand --------------------------------------------------------------------------

    def entries(self, kind: str = PERSON, contains: str | None = None) -> list[Entry]:
        """Every canonical name with its aliases, most mentioned first."""
        grouped: dict[str, Entry] = {}
        rows = self._conn.execute(
            "SELECT alias, mentions FROM aliases WHERE kind = ? ORDER BY alias", (kind,)
        ).fetchall()
        for row in rows:
            canonical = self.resolve(kind, row["alias"])
            entry = grouped.setdefault(canonical, Entry(kind, canonical, [], 0))
            entry.aliases.append(row["alias"])
            entry.mentions += row["mentions"]
        found = list(grouped.values())
        if contains:
            needle = fold(contains)
            found = [e for e in found if any(needle in fold(a) for a in e.aliases)]
        return sorted(found, key=lambda e: (-e.mentions, e.canonical))

    def merge(self, alias: str, into: str, kind: str = PERSON) -> str:
        """Make ``alias`` (with the names the rule groups under it) a name of ``into``.

        Returns the canonical name they now share.
        """
        alias, into = " ".join(alias.split()), " ".join(into.split())
        with write_transaction(self._conn):
            source = self._existing(kind, alias)
            if self._row(kind, into) is None:
                self._insert(kind, into, group_key(kind, into))
            # Pin to the name ``into`` resolves to now, so that pins never form a loop.
            target = self.resolve(kind, into)
            self._conn.execute(
                "UPDATE aliases SET pinned_to = ? WHERE kind = ? AND alias != ? AND (alias = ?"
                " OR (group_key = ? AND pinned_to IS NULL))",
                (target, kind, target, alias, source["group_key"]),
            )
            return self.resolve(kind, target)

    def split(self, alias: str, kind: str = PERSON) -> None:
        """Make ``alias`` a name of its own; the rest of its group keeps its canonical."""
        alias = " ".join(alias.split())
        with write_transaction(self._conn):
            self._existing(kind, alias)
            self._conn.execute(
                "UPDATE aliases SET pinned_to = ? WHERE kind = ? AND alias = ?",
                (alias, kind, alias),
            )

    def _existing(self, kind: str, alias: str) -> sqlite3.Row:
        row = self._row(kind, alias)
        if row is None:
            raise NotFound(f"No {kind} name {alias!r} in the alias table.")
        return row


def _completeness(name: str, mentions: int) -> tuple[int, int, int, int]:
    """Most words (a hyphen parts words as a space does: "Okafor-Bello" is two), then
    diacritics kept ("Erdoğan" over "Erdogan"), then capitals ("NATO" over "Nato"), then the
    most mentions."""
    capitals = sum(ch.isupper() for ch in name)
    return len(fold(name).split()), int(fold(name) != name.lower()), capitals, mentions


def current_names(article: Article, table: AliasTable) -> Article:
    """A copy of ``article`` whose canonical names are those of their groups now (nothing is
    recorded): for articles canonicalised before a group's canonical form changed."""

    def resolved(kind: str, names: list[str]) -> list[str]:
        return list(dict.fromkeys(table.resolve(kind, name) for name in names))

    return dataclasses.replace(
        article,
        persons=resolved(PERSON, article.persons),
        organizations=resolved(ORG, article.organizations),
    )


def canonicalize(article: Article, table: AliasTable) -> Article:
    """A copy of ``article`` with archive-wide canonical person and organisation names."""
    return dataclasses.replace(
        article,
        persons=table.canonical_names(PERSON, article.persons),
        organizations=table.canonical_names(ORG, article.organizations),
    )


def renamed_articles(
    index: ArticleIndex, table: AliasTable, names: dict[str, set[str]]
) -> dict[str, Article]:
    """The indexed articles carrying any of ``names`` (canonical forms replaced since they were
    indexed, by alias kind), each once by id, with the table's canonical names of now: to be
    re-indexed, or one person would be two facet values."""
    found: dict[str, Article] = {}
    for facet, kind in (("persons", PERSON), ("organizations", ORG)):
        for name in sorted(names[kind]):
            query = SearchQuery(include={facet: (name,)}, sort="newest", per_page=100)
            while True:
                results = index.search(query, facets=False)
                for hit in results.hits:
                    if hit.id not in found and (article := index.get(hit.id)) is not None:
                        found[hit.id] = current_names(article, table)
                if query.page * query.per_page >= results.total:
                    break
                query = dataclasses.replace(query, page=query.page + 1)
    return found
