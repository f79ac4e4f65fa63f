"""Whether a text is written in English, told by its function words.

The entity rules read English capitalisation; German capitalises every noun ("Sämtliche Daten",
"Vereinbaren Sie") and other languages start names with their own articles ("En México"). Pages
do not always declare their language, or declare it wrongly (a German page marked "en"), so the
text itself is asked: the commonest short words of English against those of the languages the
archive's pages were seen in, counted over the text's opening.
"""

from __future__ import annotations

from collections import Counter

from indexer.entities.lexicon import word_set

_ENGLISH = word_set("the and of to in is that for it was on with as are by this be from at have")
# German, Romanian, Spanish, French, Italian, Portuguese, Dutch. Words English also uses ("die",
# "a", "de", "la", "en", "un", "con") are left out.
_OTHER = word_set(
    """der und das ist nicht mit sie den eine auch sich für auf dem des im wir
    și în care este pentru din cu pe fost
    los las del que por para una es y
    les et est dans pour une du qui pas sur avec
    il della che per sono gli delle
    não uma com os dos
    het een niet zijn voor van"""
)
# Below this many function words a text says too little to be judged (a caption, a headline).
_MIN_FUNCTION_WORDS = 20
# Its opening tells a text's language as well as the whole does, at a fraction of the cost.
_SAMPLE_CHARS = 5000


def written_in_english(text: str) -> bool:
    """False only when another language's function words outnumber English ones."""
    counts = Counter(text[:_SAMPLE_CHARS].lower().split())
    english = sum(counts[word] for word in _ENGLISH)
    other = sum(counts[word] for word in _OTHER)
    return english + other < _MIN_FUNCTION_WORDS or english >= other
