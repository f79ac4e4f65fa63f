"""A second process writing part of a commit's documents, and half of the segments the commit
merges, into a segment of its own.

Whoosh writes a segment in one process, and its posting codec is half of the indexing time, so a
big commit uses one core. The writing process forks a helper for the first part of the articles
as soon as the commit starts; the helper builds and writes their documents as a finished segment
(no lock, no table of contents) and hands the segment back; the writer commits it with its own in
one table of contents. A crash anywhere before that write leaves the old generation; the
helper's files, referenced by no table of contents, are deleted by the next commit.

An article's document needs what only the writing process can find in order (the story of
syndicated copies, from the copies table), so that part is streamed to the helper in small
pieces: the helper starts writing after the first piece, not after the whole batch was linked.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

from whoosh import index, writing
from whoosh.reading import SegmentReader

from archive.errors import MorgueError


class SegmentHelper:
    """A forked process writing ``make_document(item, extra)`` for each of ``items`` into a new
    segment of ``ix`` with ``make_writer``; the ``extra`` of each item comes through
    :meth:`send`, in the items' order.

    ``merging``: existing segments the helper merges into its segment after the items (their
    deletions as the writing process made them before the fork).

    ``lock`` is the writing process's index lock: the helper closes its inherited copy, so that
    the lock ends with the writing process even if that is killed while the helper works.
    """

    def __init__(
        self,
        ix: index.FileIndex,
        items: list,
        make_document: Callable[[Any, Any], dict],
        make_writer: Callable[[index.FileIndex], writing.SegmentWriter],
        lock,
        merging: Sequence = (),
    ) -> None:
        self.merging = list(merging)
        context = multiprocessing.get_context("fork")  # the items are shared, not pickled
        self._answers, answer = context.Pipe(duplex=False)
        inbox, self._outbox = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_write_segment,
            args=(ix, items, make_document, make_writer, self.merging),
            kwargs={"lock_fd": lock.fd, "inbox": (inbox, self._outbox), "answer": answer},
            daemon=True,
        )
        self._process.start()
        answer.close()
        inbox.close()

    def send(self, extras: list) -> None:
        """The extras of the next ``len(extras)`` items. A helper that stopped early tells why
        through :meth:`segment`, not through the broken pipe."""
        try:
            self._outbox.send(extras)
        except (BrokenPipeError, ConnectionResetError):
            self.segment()  # raises with the helper's own reason
            raise

    def segment(self):
        """The helper's finished segment (waits for it)."""
        try:
            kind, value = self._answers.recv()
        except EOFError:
            kind, value = "error", f"exit code {self._process.exitcode}"
        finally:
            self._close()
        if kind == "error":
            raise MorgueError(f"The process writing part of the batch failed: {value}")
        return value

    def cancel(self) -> None:
        """Stop the helper (its files are left for the next commit to delete)."""
        if self._process.is_alive():
            self._process.kill()
        self._close()

    def _close(self) -> None:
        self._outbox.close()
        self._answers.close()
        self._process.join()


def _write_segment(
    ix, items: list, make_document, make_writer, merging: list, *, lock_fd, inbox, answer
):
    inbox, sending_end = inbox
    parent = os.getppid()
    try:
        os.close(lock_fd)
        sending_end.close()  # so that the inbox ends (EOFError) if the writing process dies
        writer = make_writer(ix)
        done = 0
        while done < len(items):
            extras = inbox.recv()
            for item, extra in zip(items[done : done + len(extras)], extras, strict=True):
                writer.add_document(**make_document(item, extra))
            done += len(extras)
        for segment in merging:
            if os.getppid() != parent:  # the writing process was killed: nobody will commit
                return
            reader = SegmentReader(ix.storage, ix.schema, segment)
            writer.add_reader(reader)
            reader.close()
        # The segment is finished but not committed: the writing process's table of contents
        # takes it, and that process removes the shared temporary folder when it ends.
        answer.send(("segment", writer._finalize_segment()))
    except EOFError:
        pass  # the writing process ended (killed) before sending everything: nothing to give
    except BaseException as exc:  # noqa: BLE001 - reported to the writing process, which raises
        answer.send(("error", repr(exc)[:300]))
    finally:
        answer.close()
