"""Runs of capitalised words: the candidates every entity rule starts from.

English marks names with capitals, so a run of capitalised words ("Nato Secretary General Jens
Stoltenberg") is where persons, organisations and places hide. A run never crosses punctuation,
a blank line or a possessive; it may cross a single line break and a non-breaking space, because
copied text breaks lines inside names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import regex

from indexer.entities.lexicon import LEADING_PARTICLES, PARTICLES, word_set

# A word: letters, inner apostrophes, hyphens and dots ("O.J.", "d'Ettorre", "Chung-tai").
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}'’.\-]*\p{L}\.?|\p{L}\.?")
# What may separate two words of one name: spaces or a single line break.
_GAP = regex.compile(r"[ \t\u00a0\u2009\u202f]*\n?[ \t\u00a0\u2009\u202f]*")
_ABBREVIATIONS = word_set("mr mrs ms dr st jr sr gen col lt sgt rep sen gov prof rev capt maj")
# How much of the text after a run its context keeps (", 42," for an age, ", a company that"
# for a firm).
_LOOKAHEAD = 48
_SENTENCE_END = frozenset('.!?:;"“”\n')
_DATELINE_TAIL = regex.compile(r"(?:,[ \t]*\p{Lu}[\p{L}. ]{0,40}?)?[ \t]*(?:[—–]|-[ \t])")


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Run:
    """Consecutive capitalised words, with the plain words around them as context."""

    words: tuple[Word, ...]
    before: str  # the lower-cased word just before the run ("" at a sentence start)
    after: str  # the lower-cased word just after the run
    sentence_start: bool
    possessive: bool  # the last word carried "'s"
    followed_by: str  # the next few characters after the run, spaces at the start left out
    # "GHENT — …", "GUIUAN, Philippines — …": a place that opens a paragraph and is followed by
    # a dash (after an optional ", Country"); news names where a story was filed so.
    dateline: bool = False
    # The word before is in lower case and only spaces separate it from the run ("the film
    # Easy Rider"), not "Leadership Series – Beryl Stafford".
    lower_before: bool = False
    preceded_by: str = ""  # the few characters before the run ("the head of NATO, ")

    @property
    def start(self) -> int:
        return self.words[0].start

    @property
    def end(self) -> int:
        return self.words[-1].end

    @cached_property  # asked for hundreds of times per run by the person rules
    def texts(self) -> list[str]:
        return [w.text for w in self.words]


def words(text: str) -> list[Word]:
    """Every word with its offsets; a possessive "'s" and a sentence-final dot are left out."""
    out = []
    for match in _WORD.finditer(text):
        word, start, end = match.group(), match.start(), match.end()
        if word[-1] == "." and not _keeps_dot(word):
            word, end = word[:-1], end - 1
        if "'" in word or "’" in word:
            for suffix in ("'s", "’s", "'", "’"):
                if word.endswith(suffix) and len(word) > len(suffix) + 1:
                    word, end = word[: -len(suffix)], end - len(suffix)
                    break
        out.append(Word(word, start, end))
    return out


def _keeps_dot(word: str) -> bool:
    """Initials and abbreviations keep their dot ("J.", "U.S.", "Mr.")."""
    bare = word[:-1]
    return len(bare) == 1 or "." in bare or bare.lower() in _ABBREVIATIONS


def is_capitalised(word: str) -> bool:
    if word[0].isupper():
        return True
    if "-" in word:
        return _particle_prefixed(word)
    return word[1:2] in ("'", "’") and _ELIDED.match(word) is not None


# "d'Ettorre", "l'Aquila": an elided particle before a capitalised name.
_ELIDED = regex.compile(r"[dl]['’]\p{Lu}")


def _particle_prefixed(word: str) -> bool:
    """Arabic-style "al-Amr", "el-Hassan": a lower-case particle joined to a capitalised name."""
    head, _, tail = word.partition("-")
    return bool(tail) and head in PARTICLES and tail[:1].isupper()


def lowercase_words(tokens: list[Word]) -> set[str]:
    """Words the text writes in lower case: ordinary words, hardly ever names."""
    return {w.text for w in tokens if w.text[0].islower() and not is_capitalised(w.text)}


def capitalised_runs(text: str, tokens: list[Word]) -> list[Run]:
    """All maximal runs of capitalised words (name particles allowed inside) in ``tokens``,
    the :func:`words` of ``text``."""
    runs: list[Run] = []
    i = 0
    while i < len(tokens):
        if not is_capitalised(tokens[i].text):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and (
            _joined(text, tokens[j - 1], tokens[j])
            or _bracketed_given_name(text, tokens[i : j + 1])
        ):
            nxt = tokens[j].text
            if is_capitalised(nxt):
                j += 1
            elif particles := _particles_before_name(text, tokens, j):
                j += particles + 1
            else:
                break
        runs.append(_make_run(text, tokens, i, j))
        i = j
    return runs


def _particles_before_name(text: str, tokens: list[Word], j: int) -> int:
    """How many name particles (one or two: "van Gogh", "von der Leyen", "de la Cruz") start at
    ``tokens[j]`` and lead to a capitalised word; 0 when they do not."""
    for count in (1, 2):
        end = j + count
        allowed = LEADING_PARTICLES if count == 1 else PARTICLES
        if end >= len(tokens) or tokens[end - 1].text not in allowed:
            return 0
        if count > 1 and not _joined(text, tokens[end - 2], tokens[end - 1]):
            return 0
        if is_capitalised(tokens[end].text) and _joined(text, tokens[end - 1], tokens[end]):
            return count
    return 0


def _joined(text: str, left: Word, right: Word) -> bool:
    """True when only name-internal space separates two words (no punctuation, no 's)."""
    if (
        text[left.start : left.end] != left.text
        or left.text.endswith(".")
        and not _keeps_dot(left.text)
    ):
        return False
    gap = text[left.end : right.start]
    return _GAP.fullmatch(gap) is not None and "\n\n" not in gap


_CLOSE_BRACKET = regex.compile(r"[\])][ \t\u00a0]+")
_BRACKET_PAIRS = {"]": "[", ")": "("}


def _bracketed_given_name(text: str, names: list[Word]) -> bool:
    """An editor's insertion before a surname: "[Phil] Gramm", "[George W.] Bush", "(Frank)
    Vogel". Every bracketed word is a name word or an initial, never an acronym ("(WHO)")."""
    *inside, surname = names
    gap = text[inside[-1].end : surname.start]
    opening = text[inside[0].start - 1 : inside[0].start]
    return (
        _CLOSE_BRACKET.fullmatch(gap) is not None
        and _BRACKET_PAIRS[gap[0]] == opening
        and surname.text[0].isupper()
        and all((w.text[0].isupper() and not w.text.isupper()) or _initial(w.text) for w in inside)
    )


def _initial(word: str) -> bool:
    return len(word) == 2 and word[1] == "."


def _skip(text: str, position: int, chars: str, step: int) -> int:
    """The first position from ``position`` on (or back, for a step of -1) not at one of
    ``chars``; the text is never copied (slices of it made the runs quadratic in its length)."""
    while 0 <= position < len(text) and text[position] in chars:
        position += step
    return position


def _make_run(text: str, tokens: list[Word], i: int, j: int) -> Run:
    last = tokens[j - 1]
    raw_end = last.end
    rest = text[raw_end : raw_end + 3]
    possessive = rest[:2] in ("'s", "’s") or (rest[:1] in "'’" and last.text.endswith("s"))
    following_start = _skip(text, raw_end, " \t\u00a0'’s" if possessive else " \t\u00a0", 1)
    # The last character before the run that is not a space ("" at the start of the text).
    before = _skip(text, tokens[i].start - 1, " \t\u00a0", -1)
    before_char = text[before] if before >= 0 else ""
    return Run(
        words=tuple(tokens[i:j]),
        before=tokens[i - 1].text.lower() if i and _joined_loose(text, tokens[i - 1]) else "",
        after=tokens[j].text.lower() if j < len(tokens) else "",
        sentence_start=not before_char or before_char in _SENTENCE_END,
        possessive=possessive,
        followed_by=text[following_start : following_start + _LOOKAHEAD],
        preceded_by=text[max(0, tokens[i].start - _LOOKAHEAD) : tokens[i].start],
        dateline=before_char in ("", "\n")
        and _DATELINE_TAIL.match(text, raw_end, raw_end + 60) is not None,
        lower_before=i > 0
        and tokens[i - 1].text[0].islower()
        and not text[tokens[i - 1].end : tokens[i].start].strip(),
    )


def _joined_loose(text: str, word: Word) -> bool:
    """The previous word counts as context only if no sentence boundary follows it."""
    tail = text[word.end : word.end + 2]
    return not tail or tail[0] not in _SENTENCE_END
