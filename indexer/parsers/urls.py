"""URLs from pages, which may be malformed: split them without ever raising.

``urllib.parse`` raises ``ValueError`` on some strings a page can hold (``http://[bad``), and
one broken ``<link rel=canonical>`` must not make a page unreadable.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urljoin, urlsplit

_EMPTY = SplitResult("", "", "", "", "")


def split_url(url: str | None) -> SplitResult:
    """The parts of ``url``; all empty when it is missing or malformed."""
    try:
        return urlsplit(url or "")
    except ValueError:
        return _EMPTY


def host_of(url: str | None) -> str:
    """The lower-case host name of ``url``, or "" (``hostname`` itself may raise)."""
    try:
        return split_url(url).hostname or ""
    except ValueError:
        return ""


def absolute_url(base: str | None, href: str) -> str | None:
    """``href`` resolved against ``base``, or None when either is malformed."""
    try:
        return urljoin(base or "", href.strip())
    except ValueError:
        return None
