"""Article ids in URLs: ids are often URLs themselves (``https://…/story?id=5``).

The id goes into the path as it is, with only the characters that would end or bend a path
(``?``, ``#``, ``%``, spaces…) percent-encoded, so ``/articles/https://example.org/a/b`` stays
readable. Routes using it must not merge slashes (``https://`` has two).
"""

from __future__ import annotations

from urllib.parse import quote

from werkzeug.routing import BaseConverter

# Characters left as they are in a path segment (RFC 3986 pchar plus "/").
_SAFE = "/:@!$&'()*+,;=-._~"


class ArticleIdConverter(BaseConverter):
    regex = ".+"
    weight = 200
    part_isolating = False

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return quote(value, safe=_SAFE)
