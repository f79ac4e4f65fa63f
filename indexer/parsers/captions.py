"""Photo captions: finding them in a page or a text, and splitting the credit off.

Captions are the text a journalist least wants mixed into an article body and most wants to
search ("who photographed the summit?"), so they are taken out of the page before the body is
extracted and kept as ``Caption(text, credit)``. Credits come in many styles::

    ... in Brussels. (AP Photo/Francisco Seco)      ... resume work. Francisco Seco / AP Photo
    ... in New York. Photo: Jane Doe                 ... outside the court.Reuters
    ... on Monday. AFP via Getty Images              ... on the river. © Jane Doe
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from archive.article import Caption
from indexer.parsers.text_norm import clean_spaces, same_text

# Agencies and picture libraries whose bare name is a credit.
_AGENCY = (
    r"(?i:AP(?:\s+Photo)?|(?:The\s+)?Associated\s+Press|Reuters|AFP|Getty(?:\s+Images)?|"
    r"EPA(?:-EFE)?|EFE|PA(?:\s+(?:Images|Wire|Media|Archive))?|Shutterstock|Alamy|Bloomberg|"
    r"Xinhua|Anadolu(?:\s+Agency)?|TASS|Sputnik|NurPhoto|SOPA\s+Images|ZUMA(?:\s+(?:Press|Wire))?|"
    r"REX(?:/Shutterstock)?|Rex\s+Features|WireImage|FilmMagic|iStock(?:photo)?|Corbis|UPI|dpa|"
    r"Kyodo|Yonhap|AAP|ANP|ANSA|NASA|Wikimedia\s+Commons|Flickr|Unsplash|Pexels|Handout|Pool|"
    r"Xinhua\s+News\s+Agency|Photothek|Imago|Sipa(?:\s+USA)?|Redux|Polaris)"
)
_KEYWORD = (
    r"(?:Photo(?:graph)?s?|Pictures?|Pics?|Images?|Illustrations?|Credits?|Fotos?|Source|"
    r"Video|Screenshot|Photo\s+credit|Image\s+credit|Picture\s+credit)"
)
_NAME = r"[\w.'’&-]+(?:\s+[\w.'’&-]+){0,4}"

# A whole credit: "AP Photo/Francisco Seco", "Francisco Seco / AP Photo", "AFP via Getty Images",
# "Photo: Jane Doe", "Photo by Jane Doe", "Courtesy of X", "© X", "Jane Doe/The New York Times".
_CREDIT = re.compile(
    rf"""^(?:
        (?:{_NAME}\s*/\s*)?{_AGENCY}(?:\s*(?:/|via|for)\s*{_NAME})?
      | {_KEYWORD}\s*(?:by|[:：|])\s*.{{2,120}}
      | (?:Image\s+|Photo\s+)?[Cc]ourtesy(?:\s+of)?\s+.{{2,120}}
      | (?:©|\(c\)|Copyright\b)\s*.{{2,120}}
      | [A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){{0,3}}\s*/\s*[A-Z][\w.'’&-]*(?:\s+[\w.'’&-]+){{0,4}}
    )$""",
    re.VERBOSE,
)
# Where a trailing credit can start: after a sentence end (even without a space, as when a
# caption and its credit sit in two inline elements), a dash or a bar.
_CREDIT_START = re.compile(r"(?:[.!?\"”’]\s*|\s+[|–—-]\s+|\s*\|\s*)(?=\S)")
_CREDIT_PREFIX = re.compile(rf"^(?:{_KEYWORD}(?:\s+credit)?\s*(?:[:：|]|by\b)|[Cc]redit\s*:)\s*")
_MAX_CREDIT_WORDS = 12


def clean_credit(credit: str) -> str:
    """A credit without its wrapping: "(Photo: Jane Doe)" → "Jane Doe"."""
    credit = clean_spaces(credit).strip(" ()[]|–—-")
    return _CREDIT_PREFIX.sub("", credit).strip(" ()[]|–—-") or credit


def _is_credit(candidate: str) -> bool:
    candidate = candidate.strip()
    return (
        bool(candidate)
        and len(candidate.split()) <= _MAX_CREDIT_WORDS
        and not candidate.endswith((".", "?", "!"))
        and bool(_CREDIT.match(candidate))
    )


def _trailing_credit(text: str) -> tuple[str, str] | None:
    """Split ``text`` into (caption, credit) when it ends with a recognised credit."""
    if text.endswith(")"):
        opening = text.rfind("(")
        if opening >= 0 and _is_credit(text[opening + 1 : -1]):
            return text[:opening].rstrip(), text[opening + 1 : -1]
    # The longest tail that is a credit, from the earliest boundary on; else the whole text.
    for match in _CREDIT_START.finditer(text):
        tail = text[match.end() :]
        if len(tail.split()) <= _MAX_CREDIT_WORDS and _is_credit(tail):
            return text[: match.end()].rstrip(" |–—-"), tail
    return ("", text) if _is_credit(text) else None


def split_credit(text: str) -> Caption:
    """The caption ``text`` with a trailing (or leading) credit split off, if it has one."""
    text = clean_spaces(text)
    found = _trailing_credit(text)
    if found and found[0]:
        return Caption(text=found[0], credit=clean_credit(found[1]))
    if found:  # the whole text is a credit
        return Caption(text="", credit=clean_credit(found[1]))
    return Caption(text=text)


def caption_line(line: str) -> Caption | None:
    """A line of plain text as a caption, when it ends in a credit (the text parser's test)."""
    caption = split_credit(line)
    if caption.credit and len(caption.text.split()) >= 3:
        return caption
    return None


# --- captions in HTML -------------------------------------------------------------------------

_CAPTION_XPATH = (
    "//figcaption | //*[contains(@class,'caption') or contains(@class,'Caption')]"
    "[not(self::table or self::caption or self::body or self::html or self::img)]"
)
_CREDIT_CLASS = re.compile(
    r"credit|copyright|photographer|image-source|photo-source|attribution", re.IGNORECASE
)
_CREDIT_XPATH = (
    ".//*[contains(@class,'credit') or contains(@class,'Credit') or contains(@class,'copyright')"
    " or contains(@class,'photographer') or contains(@class,'attribution')]"
)
# A "caption" element holding this much text is a layout wrapper, not a caption.
_MAX_CAPTION_CHARS = 1500


def _text_of(element: HtmlElement, skip: list[HtmlElement]) -> str:
    """The text of ``element`` without the text inside ``skip`` (its credit elements)."""
    skipped = {id(e) for e in skip}
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if id(node) in skipped:
            return
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return clean_spaces(" ".join(parts))


def _outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    chosen = {id(e) for e in elements}
    return [e for e in elements if not any(id(a) in chosen for a in e.iterancestors())]


def _credit_elements(caption: HtmlElement) -> list[HtmlElement]:
    """Credit elements inside the caption, or beside it in the same <figure>."""
    inside = caption.xpath(_CREDIT_XPATH)
    if inside:
        return inside
    figure = caption.getparent()
    if figure is not None and figure.tag == "figure":
        return [e for e in figure.xpath(_CREDIT_XPATH) if caption not in e.iterancestors()]
    return []


def _caption_from_element(element: HtmlElement) -> Caption | None:
    credits = _credit_elements(element)
    text = _text_of(element, credits)
    credit = clean_credit(" ".join(clean_spaces(c.text_content()) for c in credits))
    if credit:
        caption = split_credit(text)  # a second credit in the text itself is still split off
        caption = Caption(text=caption.text, credit=credit)
    else:
        caption = split_credit(text)
    if not caption.text and not caption.credit:
        return None
    for credit_element in credits:
        if credit_element.getparent() is not None:
            credit_element.drop_tree()
    return caption


def _is_caption_element(element: HtmlElement) -> bool:
    if element.tag != "figcaption":
        classes = element.get("class", "").lower().split()
        if not any("caption" in c for c in classes):
            return False
    text = element.text_content()
    return 0 < len(text.strip()) <= _MAX_CAPTION_CHARS


def extract_captions(tree: HtmlElement, extra: list[str] | None = None) -> list[Caption]:
    """Every caption in the page, removed from ``tree`` so that the body never repeats them.

    ``extra`` are captions known from elsewhere (JSON-LD image captions); each is split and added
    unless the page already showed it.
    """
    found: list[Caption] = []
    candidates = [e for e in tree.xpath(_CAPTION_XPATH) if _is_caption_element(e)]
    for element in _outermost(candidates):
        caption = _caption_from_element(element)
        if element.getparent() is not None:
            element.drop_tree()
        if caption and not any(_same_caption(caption, seen) for seen in found):
            found.append(caption)
    for text in extra or []:
        caption = split_credit(text)
        if caption.text and not any(_same_caption(caption, seen) for seen in found):
            found.append(caption)
    return [c for c in found if c.text or c.credit]


def _same_caption(a: Caption, b: Caption) -> bool:
    return same_text(a.text, b.text) or (not a.text and a.credit == b.credit)
