"""Morgue's own exceptions for expected failures.

Each carries a message written for the user; the edges (CLI, web) print it as it is, with an exit
code or an error page, never a traceback.
"""


class MorgueError(Exception):
    """Base class: an expected failure with a user-readable message."""


class UnreadableFile(MorgueError):
    """The input could not be read or decoded (missing, binary, too large, broken gzip)."""


class NotAnArticle(MorgueError):
    """The input was read but holds no article (empty, a list of links, an error page)."""


class QuerySyntax(MorgueError):
    """A search query could not be understood as written."""


class NotFound(MorgueError):
    """No article (or saved search) with the given id."""
