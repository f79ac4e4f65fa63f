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

# Counting looks only at the matched documents' own entries when under 1/SPARSE_BELOW of the
# documents match (most searches), and over every entry otherwise.
SPARSE_BELOW = 8


@dataclass
class FacetColumn:
    """Entries ``(docs[i], values[i])`` sorted by (story, value, doc); value v is ``labels[v]``."""

    labels: list[str]
    docs: np.ndarray  # int64 document numbers
    values: np.ndarray  # int32 indexes into labels
    groups: np.ndarray  # int64: entries of one story with one value share a group number
    size: int  # number of documents in the index
    rank: np.ndarray  # alphabetical rank of each label, to break ties in :meth:`top`
    index: dict[str, int]  # label -> value number
    by_doc: np.ndarray  # entry numbers in document order ...
    doc_start: np.ndarray  # ... where document d's entries start among them (d + 1: end)
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
        new_group = np.ones(len(docs), dtype=bool)
        if len(docs) > 1:
            new_group[1:] = (stories[1:] != stories[:-1]) | (values[1:] != values[:-1])
        groups = np.cumsum(new_group, dtype=np.int64)
        rank = np.empty(len(labels), dtype=np.int64)
        rank[np.argsort(np.array(labels, dtype=object), kind="stable")] = np.arange(len(labels))
        index = {label: i for i, label in enumerate(labels)}
        by_doc = np.argsort(docs, kind="stable")
        doc_start = np.searchsorted(docs[by_doc], np.arange(len(story) + 1))
        group_value = np.zeros(len(docs) + 1 if not len(groups) else groups[-1] + 1, np.int32)
        group_value[groups] = values
        by_value = np.argsort(values, kind="stable")
        value_start = np.searchsorted(values[by_value], np.arange(len(labels) + 1))
        return cls(
            labels,
            docs,
            values,
            groups,
            len(story),
            rank,
            index,
            by_doc,
            doc_start,
            group_value,
            by_value,
            value_start,
        )

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many stories among the documents in ``mask`` carry each value."""
        matched = np.flatnonzero(mask)
        if len(matched) * SPARSE_BELOW < self.size:
            return self._counts_of(matched)
        picked = np.flatnonzero(mask[self.docs])
        if not len(picked):
            return np.zeros(len(self.labels), dtype=np.int64)
        groups = self.groups[picked]
        first = np.ones(len(picked), dtype=bool)
        first[1:] = groups[1:] != groups[:-1]
        return np.bincount(self.values[picked[first]], minlength=len(self.labels))

    def _counts_of(self, matched: np.ndarray) -> np.ndarray:
        """:meth:`counts` for a few documents: only their own entries are looked at."""
        starts = self.doc_start[matched]
        lengths = self.doc_start[matched + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(len(self.labels), dtype=np.int64)
        # Entry numbers of every matched document, run after run.
        runs = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        entries = self.by_doc[runs + np.arange(total)]
        seen = np.zeros(len(self.group_value), dtype=bool)
        seen[self.groups[entries]] = True
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
        nonzero = np.flatnonzero(counts)
        ranked = nonzero[np.lexsort((self.rank[nonzero], -counts[nonzero]))][:limit]
        out = [(self.labels[v], int(counts[v])) for v in ranked]
        shown = {label for label, _ in out}
        for label in keep:
            if label not in shown:
                value = self.index.get(label)
                out.append((label, int(counts[value]) if value is not None else 0))
        return out
