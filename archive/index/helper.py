"""A second process writing part of a commit's documents into a segment of its own.

Whoosh writes a segment in one process, and its posting codec is half of the indexing time, so a
big commit uses one core. The writing process forks a helper for the first part of the
documents; the helper writes them as a finished segment (no lock, no table of contents) and
hands the segment back; the writer commits it with its own in one table of contents. A crash
anywhere before that write leaves the old generation; the helper's files, referenced by no table
of contents, are deleted by the next commit.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable

from whoosh import index, writing

from archive.errors import MorgueError


class SegmentHelper:
    """A forked process writing ``docs`` into a new segment of ``ix`` with ``make_writer``.

    ``lock`` is the writing process's index lock: the helper closes its inherited copy, so that
    the lock ends with the writing process even if that is killed while the helper works.
    """

    def __init__(
        self,
        ix: index.FileIndex,
        docs: list[dict],
        make_writer: Callable[[index.FileIndex], writing.SegmentWriter],
        lock,
    ) -> None:
        context = multiprocessing.get_context("fork")  # the documents are shared, not pickled
        self._answers, answer = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_write_segment, args=(ix, docs, make_writer, lock.fd, answer), daemon=True
        )
        self._process.start()
        answer.close()

    def segment(self):
        """The helper's finished segment (waits for it)."""
        try:
            kind, value = self._answers.recv()
        except EOFError:
            kind, value = "error", f"exit code {self._process.exitcode}"
        finally:
            self._answers.close()
            self._process.join()
        if kind == "error":
            raise MorgueError(f"The process writing part of the batch failed: {value}")
        return value

    def cancel(self) -> None:
        """Stop the helper (its files are left for the next commit to delete)."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._answers.close()


def _write_segment(ix, docs: list[dict], make_writer, lock_fd: int, answer) -> None:
    try:
        os.close(lock_fd)
        writer = make_writer(ix)
        for doc in docs:
            writer.add_document(**doc)
        # The segment is finished but not committed: the writing process's table of contents
        # takes it, and that process removes the shared temporary folder when it ends.
        answer.send(("segment", writer._finalize_segment()))
    except BaseException as exc:  # noqa: BLE001 - reported to the writing process, which raises
        answer.send(("error", repr(exc)[:300]))
    finally:
        answer.close()
