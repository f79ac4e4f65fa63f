"""A CPU-time limit on parsing one page, shared by `add`/`feed`/`rebuild` and `parse`.

A page of 200,000 tags or one 3 MB word keeps the extraction libraries busy for minutes; the
limit turns such a page into one failure line instead of a hung run. CPU time, not wall time, so
that a busy machine does not make good pages fail.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import config
from archive.errors import MorgueError


class _TooSlow(BaseException):
    """Raised by the timer in a parse that ran too long. A BaseException, so that the
    extraction libraries' own ``except Exception`` cannot swallow it."""


@contextmanager
def parse_time_limit() -> Iterator[None]:
    """Stop the block after ``config.PARSE_TIME_LIMIT_SECONDS`` of CPU time (0: no limit) with
    a :class:`MorgueError` that says so. Only the main thread gets signals, so in another
    thread the block runs unlimited."""
    seconds = config.PARSE_TIME_LIMIT_SECONDS
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGVTALRM, expire)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    except _TooSlow:
        raise MorgueError(
            f"not parsed within {seconds:g} s of CPU time"
            " (limit set by MORGUE_PARSE_TIME_LIMIT_SECONDS); a page built to be slow?"
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
