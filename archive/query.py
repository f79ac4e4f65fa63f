"""Morgue's query language, parsed into a small tree that knows nothing about the index.

Words, "phrases", AND / OR / NOT / -word / +word, parentheses, field prefixes (``title:``,
``person:``, ``country:``, ``source:``, ``author:``, ``organization:``), wildcards (``elect*``),
fuzzy words (``obamma~`` or ``obamma~2``) and dates (``date:2023``, ``date:2023-01``,
``date:2023-01-15..2023-02-10``, ``date:[2023-01-15 TO 2023-02-10]``, open ends ``date:..2023``).

The parser is our own rather than Whoosh's so that every construct is checked and bounded here:
a mistake raises :class:`QuerySyntax` with a message for the user, and the caller falls back to
the plain words (:func:`plain_words`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from archive.errors import QuerySyntax

# Field prefixes the user may write, mapped to the field they search.
FIELD_NAMES = {
    "title": "title",
    "person": "person",
    "persons": "person",
    "country": "country",
    "countries": "country",
    "source": "source",
    "author": "author",
    "organization": "organization",
    "organisation": "organization",
    "org": "organization",
}
MAX_CLAUSES = 40
# Wildcards and fuzzy words each stand for many indexed words, so they are bounded here, before
# the index is touched. Measured at 100,000 articles: ``c*`` (1,400 words) ran past the 2 s
# search limit while ``con*`` took 0.4 s; ``a~2`` matched 191 words; every ``*`` is a ``.*`` that
# can backtrack over a long indexed word.
MIN_WILDCARD_PREFIX = 3
MAX_WILDCARD_STARS = 1
MAX_FUZZY_DISTANCE = 2
# Letters a fuzzy word needs for each distance (the rule of thumb of Lucene-based engines:
# short words have too many neighbours to be worth a fuzzy search).
FUZZY_MIN_LETTERS = {1: 3, 2: 6}
MAX_EXPANDING_WORDS = 2  # wildcards and fuzzy words in one query


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None  # None: the article's text fields


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    field: str | None = None


@dataclass(frozen=True)
class Wildcard:
    pattern: str  # lower case, with * and ?
    field: str | None = None


@dataclass(frozen=True)
class Fuzzy:
    text: str
    distance: int
    field: str | None = None


@dataclass(frozen=True)
class DateRange:
    start: date | None
    end: date | None  # inclusive


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Word | Phrase | Wildcard | Fuzzy | DateRange | And | Or | Not

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<quote>"[^"]*"(?:~\d+)?)
      | (?P<unclosed>"[^"]*$)
      | (?P<lparen>\()
      | (?P<rparen>\))
      | (?P<bracket>\[[^\]]*\])
      | (?P<word>[^\s()"\[\]]+)
    )""",
    re.VERBOSE,
)
_OPERATORS = {"AND", "OR", "NOT", "&&", "||"}
_WORD_CHARS = re.compile(r"\w+(?:['’.]\w+)*")


def parse(text: str) -> Node | None:
    """The tree for ``text``; None when it holds nothing to search (list everything)."""
    tokens = _tokenize(text)
    if not tokens:
        return None
    parser = _Parser(tokens)
    node = parser.parse_or()
    if parser.pos < len(tokens):
        raise QuerySyntax(f"Unexpected {tokens[parser.pos][1]!r} in the query.")
    if len(_leaves(node)) > MAX_CLAUSES:
        raise QuerySyntax(f"The query has more than {MAX_CLAUSES} parts.")
    if expanding_words(node) > MAX_EXPANDING_WORDS:
        raise QuerySyntax(
            f"A query can hold at most {MAX_EXPANDING_WORDS} wildcard or fuzzy words (* ? ~)."
        )
    return node


def plain_words(text: str) -> Node | None:
    """The fallback reading of a query: its words, all required, without any syntax."""
    words = [w for w in _WORD_CHARS.findall(text) if w not in _OPERATORS][:MAX_CLAUSES]
    if not words:
        return None
    if len(words) == 1:
        return Word(words[0])
    return And(tuple(Word(w) for w in words))


def expanding_words(node: Node) -> int:
    """How many wildcards and fuzzy words a tree holds (each stands for many indexed words)."""
    return sum(isinstance(leaf, Wildcard | Fuzzy) for leaf in _leaves(node))


def query_words(node: Node | None) -> list[str]:
    """The positive free-text words of a query, in order (for "did you mean")."""
    if node is None or isinstance(node, Not | DateRange):
        return []
    if isinstance(node, Word):
        return [node.text] if node.field is None else []
    if isinstance(node, Phrase):
        return list(node.words) if node.field is None else []
    if isinstance(node, And | Or):
        return [w for child in node.children for w in query_words(child)]
    return []


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise QuerySyntax(f"Unexpected {text[pos:].lstrip()[0]!r} in the query.")
        pos = match.end()
        kind = match.lastgroup or "word"
        value = match.group(kind)
        if kind == "unclosed":
            raise QuerySyntax("A quotation mark is not closed.")
        # "field:" directly followed by a phrase or a bracketed range belongs to the field.
        if (
            tokens
            and tokens[-1][0] == "word"
            and tokens[-1][1].endswith(":")
            and kind
            in (
                "quote",
                "bracket",
            )
            and text[match.start(kind) - 1] == ":"
        ):
            tokens[-1] = ("field", tokens[-1][1][:-1] + "\x00" + value)
            continue
        tokens.append((kind, value))
    return tokens


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary (AND? unary)*; unary := NOT unary."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _is_op(self, name: str) -> bool:
        token = self._peek()
        if token is None or token[0] != "word":
            return False
        value = token[1]
        return value == name or (name, value) in (("AND", "&&"), ("OR", "||"))

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self._is_op("OR"):
            self.pos += 1
            if self._peek() is None or self._peek()[0] == "rparen":
                raise QuerySyntax("OR needs something after it.")
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_unary()]
        while True:
            token = self._peek()
            if token is None or token[0] == "rparen" or self._is_op("OR"):
                break
            if self._is_op("AND"):
                self.pos += 1
                if self._peek() is None or self._peek()[0] == "rparen" or self._is_op("OR"):
                    raise QuerySyntax("AND needs something after it.")
            children.append(self.parse_unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self) -> Node:
        token = self._peek()
        if token is None:
            raise QuerySyntax("The query ends too early.")
        if self._is_op("NOT"):
            self.pos += 1
            if self._peek() is None or self._peek()[0] == "rparen":
                raise QuerySyntax("NOT needs something after it.")
            return Not(self.parse_unary())
        if self._is_op("AND") or self._is_op("OR"):
            raise QuerySyntax(f"{token[1]} needs something before it.")
        kind, value = token
        if kind == "word" and len(value) > 1 and value[0] in "-+":
            self.tokens[self.pos] = (kind, value[1:])
            inner = self.parse_unary()
            return Not(inner) if value[0] == "-" else inner
        return self.parse_primary()

    def parse_primary(self) -> Node:
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if kind == "lparen":
            if self._peek() is None or self._peek()[0] == "rparen":
                raise QuerySyntax("Empty or unclosed parenthesis.")
            node = self.parse_or()
            if self._peek() is None or self._peek()[0] != "rparen":
                raise QuerySyntax("A parenthesis is not closed.")
            self.pos += 1
            return node
        if kind == "rparen":
            raise QuerySyntax("A closing parenthesis has no opening one.")
        if kind == "quote":
            return _phrase(value, None)
        if kind == "bracket":
            raise QuerySyntax("A [range] needs a field, as in date:[2020-01-01 TO 2020-12-31].")
        if kind == "field":
            name, _, rest = value.partition("\x00")
            return _fielded(name, rest)
        name, colon, rest = value.partition(":")
        if colon and (name.lower() in FIELD_NAMES or name.lower() == "date"):
            if not rest:
                raise QuerySyntax(f"{name}: needs a value after it.")
            return _fielded(name, rest)
        return _term(value, None)


def _fielded(name: str, value: str) -> Node:
    key = name.lower()
    if key == "date":
        return _date_range(value)
    if key not in FIELD_NAMES:
        raise QuerySyntax(f"Unknown field {name}:.")
    field = FIELD_NAMES[key]
    if value.startswith('"'):
        return _phrase(value, field)
    if value.startswith("["):
        raise QuerySyntax(f"Only date: takes a [range], not {name}:.")
    return _term(value, field)


def _phrase(value: str, field: str | None) -> Node:
    body = value[1 : value.rindex('"')]
    words = tuple(_WORD_CHARS.findall(body))
    if not words:
        raise QuerySyntax("An empty phrase.")
    if len(words) == 1:
        return Word(words[0], field)
    return Phrase(words, field)


def _term(value: str, field: str | None) -> Node:
    if "~" in value:
        text, _, dist = value.partition("~")
        if not text or (dist and not dist.isdigit()):
            raise QuerySyntax(f"Write a fuzzy word as word~ or word~2, not {value!r}.")
        distance = int(dist) if dist else 1
        if not 1 <= distance <= MAX_FUZZY_DISTANCE:
            raise QuerySyntax(f"Fuzzy distance must be 1 or {MAX_FUZZY_DISTANCE}.")
        if len(text) < FUZZY_MIN_LETTERS[distance]:
            raise QuerySyntax(
                f"A fuzzy word needs {FUZZY_MIN_LETTERS[distance]} letters or more for ~{distance}"
                f" ({FUZZY_MIN_LETTERS[1]} for ~1), not {text!r}."
            )
        return Fuzzy(text.lower(), distance, field)
    if "*" in value or "?" in value:
        first = min(i for i in (value.find("*"), value.find("?")) if i >= 0)
        if first < MIN_WILDCARD_PREFIX:
            raise QuerySyntax(
                f"A wildcard needs at least {MIN_WILDCARD_PREFIX} letters before * or ?"
                f" (as in elect*), not {value!r}."
            )
        if value.count("*") > MAX_WILDCARD_STARS:
            raise QuerySyntax(f"A wildcard can hold only one *, not {value!r}.")
        return Wildcard(value.lower(), field)
    words = _WORD_CHARS.findall(value)
    if not words:
        raise QuerySyntax(f"Nothing to search for in {value!r}.")
    if len(words) == 1:
        return Word(words[0], field)
    return Phrase(tuple(words), field)


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _date_range(value: str) -> DateRange:
    if value.startswith("["):
        inner = value[1:-1].strip()
        parts = re.split(r"\s+(?:TO|to)\s+", inner)
        if len(parts) != 2:
            raise QuerySyntax("Write a date range as date:[2020-01-01 TO 2020-12-31].")
        low, high = parts
    elif ".." in value:
        low, high = value.split("..", 1)
    else:
        low = high = value
    start = _date_bound(low, end=False) if low.strip() not in ("", "*") else None
    end = _date_bound(high, end=True) if high.strip() not in ("", "*") else None
    if start and end and start > end:
        raise QuerySyntax("The date range ends before it starts.")
    return DateRange(start, end)


def _date_bound(text: str, *, end: bool) -> date:
    match = _DATE.match(text.strip())
    if not match:
        raise QuerySyntax(f"{text!r} is not a date (use 2023, 2023-01 or 2023-01-15).")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (12 if end else 1)
    try:
        if match.group(3):
            return date(year, month, int(match.group(3)))
        day = calendar.monthrange(year, month)[1] if end else 1
        return date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        raise QuerySyntax(f"{text!r} is not a valid date.") from None


def _leaves(node: Node) -> list[Node]:
    """The words, phrases, wildcards, fuzzy words and dates of a tree."""
    if isinstance(node, And | Or):
        return [leaf for child in node.children for leaf in _leaves(child)]
    if isinstance(node, Not):
        return _leaves(node.child)
    return [node]
