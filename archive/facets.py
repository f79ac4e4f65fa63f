"""Facet columns: which documents carry which facet values, counted over a set of matches.

Whoosh's own faceting walks every matching document in Python (half a second at 100,000
articles). Here each facet is two flat numpy arrays (document, value) read once per index
segment, so counting the values of any set of matching documents is a few vector operations,
and so is selecting the documents that carry some values (the facet filters).

Syndicated copies share a story number; a value is counted once per story, so a wire story
printed by five sites adds one to each of its persons, not five (each copy's own source still
counts, as the sources differ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Fewer gathered groups than 1/FEW_GROUPS of all are made distinct by sorting them, more by marking
# them in an array as long as all the groups.
FEW_GROUPS = 16


@dataclass
class FacetColumn:
    """Entries (a document, a value) sorted by (story, value, doc); value v is ``labels[v]``."""

    labels: list[str]
    docs: np.ndarray  # int64 document numbers of the entries
    size: int  # number of documents in the index
    rank: np.ndarray  # alphabetical rank of each label, to break ties in :meth:`top`
    index: dict[str, int]  # label -> value number
    doc_groups: np.ndarray  # the group of each entry, in document order ...
    doc_start: np.ndarray  # ... where document d's entries start among them (d + 1: end)
    doc_lengths: np.ndarray  # how many entries each document has
    single: bool  # no document has two entries: doc_groups[doc_start[d]] is d's only group
    doc_group: np.ndarray | None  # if single: each document's group (0: none)
    group_value: np.ndarray  # the value of each group (group 0 is unused)
    by_value: np.ndarray  # entry numbers in value order ...
    value_start: np.ndarray  # ... where value v's entries start among them (v + 1: end)

    @classmethod
    def build(
        cls, labels: list[str], docs: np.ndarray, values: np.ndarray, story: np.ndarray
    ) -> FacetColumn:
        docs = np.asarray(docs, dtype=np.int64)
        values = np.asarray(values, dtype=np.int32)
        stories = story[docs] if len(docs) else np.zeros(0, dtype=np.int64)
        order = np.lexsort((docs, values, stories))
        docs, values, stories = docs[order], values[order], stories[order]
        # Entries of one story with one value share a group number (from 1).
        new_group = np.ones(len(docs), dtype=bool)
        if len(docs) > 1:
            new_group[1:] = (stories[1:] != stories[:-1]) | (values[1:] != values[:-1])
        groups = np.cumsum(new_group, dtype=np.int64)
        rank = np.empty(len(labels), dtype=np.int64)
        rank[np.argsort(np.array(labels, dtype=object), kind="stable")] = np.arange(len(labels))
        by_doc = np.argsort(docs, kind="stable")
        doc_start = np.searchsorted(docs[by_doc], np.arange(len(story) + 1))
        doc_lengths = np.diff(doc_start)
        single = not len(doc_lengths) or int(doc_lengths.max()) <= 1
        doc_group = None
        if single:
            doc_group = np.zeros(len(story), dtype=np.int64)
            doc_group[docs] = groups
        group_value = np.zeros(len(docs) + 1 if not len(groups) else groups[-1] + 1, np.int32)
        group_value[groups] = values
        by_value = np.argsort(values, kind="stable")
        value_start = np.searchsorted(values[by_value], np.arange(len(labels) + 1))
        return cls(
            labels,
            docs,
            len(story),
            rank,
            {label: i for i, label in enumerate(labels)},
            groups[by_doc],
            doc_start,
            doc_lengths,
            single,
            doc_group,
            group_value,
            by_value,
            value_start,
        )

    def counts(self, matched: np.ndarray) -> np.ndarray:
        """How many stories among the ``matched`` documents (sorted numbers) carry each value.

        Only the matched documents' own entries are looked at (gathered in document order, which
        measured faster than walking every entry even when a third of the archive matches); a
        facet with at most one value per document (source, year, month) keeps each document's
        group in one array and needs no gathering. A group counts once however many of its
        documents match.
        """
        if self.single:
            groups = self.doc_group[matched]
        else:
            groups = self.doc_groups[_entries_of(self.doc_start, self.doc_lengths, matched)]
        if len(groups) * FEW_GROUPS < len(self.group_value):
            distinct = np.unique(groups)
            return np.bincount(self.group_value[distinct[distinct > 0]], minlength=len(self.labels))
        seen = np.zeros(len(self.group_value), dtype=bool)
        seen[groups] = True
        seen[0] = False
        return np.bincount(self.group_value[seen], minlength=len(self.labels))

    def having(self, labels: tuple[str, ...] | list[str]) -> np.ndarray:
        """A document mask: documents that carry any of ``labels``."""
        mask = np.zeros(self.size, dtype=bool)
        for label in labels:
            value = self.index.get(label)
            if value is not None:
                entries = self.by_value[self.value_start[value] : self.value_start[value + 1]]
                mask[self.docs[entries]] = True
        return mask

    def top(
        self, counts: np.ndarray, limit: int, keep: tuple[str, ...] = ()
    ) -> list[tuple[str, int]]:
        """Values with a count, highest first (ties by name), plus the ``keep`` values anyway."""
        candidates = np.flatnonzero(counts)
        if len(candidates) > limit:
            # Only values counted at least as often as the limit-th can be listed (with ties).
            found = counts[candidates]
            cut = np.partition(found, len(found) - limit)[len(found) - limit]
            candidates = candidates[found >= cut]
        found = counts[candidates]
        ranked = candidates[np.lexsort((self.rank[candidates], -found))][:limit]
        labels = self.labels
        found = counts[ranked].tolist()
        out = [(labels[v], c) for v, c in zip(ranked.tolist(), found, strict=True)]
        shown = {label for label, _ in out}
        for label in keep:
            if label not in shown:
                value = self.index.get(label)
                out.append((label, int(counts[value]) if value is not None else 0))
        return out


def _entries_of(start: np.ndarray, lengths: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """The positions of the given documents' entries, run after run (CSR rows gathered)."""
    starts = start[docs]
    counts = lengths[docs]
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)
