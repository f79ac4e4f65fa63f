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

from lxml.etree import iterwalk
from lxml.html import HtmlElement

from archive.article import Caption
from indexer.parsers.text_norm import clean_paragraph, clean_spaces, same_text, words

# Agencies and picture libraries whose bare name is a credit.
_AGENCY = (
    r"(?i:AP(?:\s+Photo)?|(?:The\s+)?Associated\s+Press|Reuters|AFP|Getty(?:\s+Images)?|"
    r"EPA(?:-EFE)?|EFE|PA(?:\s+(?:Images|Wire|Media|Archive))?|Shutterstock|Alamy|Bloomberg|"
    r"Xinhua|Anadolu(?:\s+Agency)?|TASS|Sputnik|NurPhoto|SOPA\s+Images|ZUMA(?:\s+(?:Press|Wire))?|"
    r"REX(?:/Shutterstock)?|Rex\s+Features|WireImage|FilmMagic|iStock(?:photo)?|Corbis|UPI|dpa|"
    r"Kyodo|Yonhap|AAP|ANP|ANSA|NASA|Wikimedia\s+Commons|Flickr|Unsplash|Pexels|Handout|Pool|"
    r"Xinhua\s+News\s+Agency|Photothek|Imago|Sipa(?:\s+USA)?|Redux|Polaris)"
)
# Labels before a credit, in any case ("Photo:", "PHOTO:", "Fotografia:", "Crédit :").
_KEYWORD = (
    r"(?i:Photo(?:graph)?s?|Pictures?|Pics?|Images?|Illustrations?|Credits?|Fotos?|Source|"
    r"Video|Screenshot|Photo\s+credit|Image\s+credit|Picture\s+credit|Fotografias?|"
    r"Fotograf[íi]as?|Photographies?|Imagem|Imagen|Bild|Cr[ée]dits?|Cr[ée]ditos?)"
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
      | (?:Submitted|File|Contributed|Handout|Staff)\s+(?:photo|image|picture)s?
      | [A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){{0,3}}\s*/\s*[A-Z][\w.'’&-]*(?:\s+[\w.'’&-]+){{0,4}}
    )$""",
    re.VERBOSE,
)
# Where a trailing credit can start: after a sentence end (even without a space, as when a
# caption and its credit sit in two inline elements), a dash or a bar.
# The dash may follow a sentence end: "in Marseille. — Photo : X".
_CREDIT_START = re.compile(r"(?:[.!?\"”’]\s*|\s+[|–—-]\s+|(?<=\s)[|–—]\s+|\s*\|\s*)(?=\S)")
# What a credit drops, so that every credit is the name(s) alone.
_CREDIT_PREFIX = re.compile(
    rf"^(?:{_KEYWORD}(?:\s+credit)?\s*(?:[:：|]|by\b)|[Cc]redit\s*(?::|\.\.\.|…)"
    rf"|(?:©|\(c\)|Copyright\b)(?:\s*©)?)\s*"
)
_MAX_CREDIT_WORDS = 12


def clean_credit(credit: str) -> str:
    """A credit without its wrapping: "(Photo: Jane Doe)" → "Jane Doe"."""
    credit = clean_spaces(credit).strip(" ()[]|–—-")
    return _CREDIT_PREFIX.sub("", credit).strip(" ()[]|–—-") or credit


def _looks_like_names(credit: str) -> bool:
    """Credits are names: half their words or more have a capital ("iFixit", "AFP via Getty")."""
    names = [w for w in re.split(r"[\s/|,;]+", clean_credit(credit)) if any(c.isalpha() for c in w)]
    return bool(names) and sum(w.lower() != w for w in names) * 2 >= len(names)


def _is_credit(candidate: str) -> bool:
    candidate = candidate.strip()
    return (
        bool(candidate)
        and len(candidate.split()) <= _MAX_CREDIT_WORDS
        and not candidate.endswith((".", "?", "!"))
        and bool(_CREDIT.match(candidate))
        and _looks_like_names(candidate)
    )


def _trailing_credit(text: str) -> tuple[str, str] | None:
    """Split ``text`` into (caption, credit) when it ends with a recognised credit."""
    for opener, closer in ("()", "[]"):
        opening = text.rfind(opener)
        if text.endswith(closer) and opening >= 0 and _is_credit(text[opening + 1 : -1]):
            return text[:opening].rstrip(), text[opening + 1 : -1]
    # The longest tail that is a credit, from the earliest boundary on; else the whole text.
    for match in _CREDIT_START.finditer(text):
        tail = text[match.end() :]
        if len(tail.split()) <= _MAX_CREDIT_WORDS and _is_credit(tail):
            return text[: match.end()].rstrip(" |–—-"), tail
    return ("", text) if _is_credit(text) else None


def split_credit(text: str) -> Caption:
    """The caption ``text`` with its trailing credit split off (the text is empty when the
    whole of it is a credit); spaces and quotes normalised as in the body."""
    text = clean_paragraph(text)
    found = _trailing_credit(text)
    if found:
        return Caption(text=found[0], credit=clean_credit(found[1]))
    return Caption(text=text)


# A caption is a sentence or two; a line of hundreds of words that happens to end in
# "Photograph by …" is a story written on one line (a wiki gallery at its end), not a caption.
_CAPTION_LINE_MAX_WORDS = 120


def caption_line(line: str) -> Caption | None:
    """A line of plain text as a caption, when it ends in a credit (the text parser's test)."""
    caption = split_credit(line)
    if caption.credit and 3 <= len(caption.text.split()) <= _CAPTION_LINE_MAX_WORDS:
        return caption
    return None


# --- captions in HTML -------------------------------------------------------------------------

# Class names are matched by whole token, by how the token ends: "caption",
# "article__image-caption", "caption-text" and "captionText" name a caption;
# "caption-style--default" and "f_caption_muted_videos_on" do not. XPath finds candidates
# cheaply, the patterns decide.
_CAPTION_TOKEN = re.compile(r"caption(?:[-_]*text)?$", re.IGNORECASE)
_CREDIT_TOKEN = re.compile(
    r"(?:credits?|copyright|photographer|attribution|image-source|photo-source)$", re.IGNORECASE
)
_HIDDEN_TOKEN = re.compile(r"off-?screen|visually-hidden|sr-only|screen-reader", re.IGNORECASE)
_CAPTION_HINT = "contains(@class,'aption') or contains(@class,'APTION')"
_CREDIT_HINT = (
    "contains(@class,'redit') or contains(@class,'opyright') or contains(@class,'hotographer') "
    "or contains(@class,'ttribution') or contains(@class,'ource')"
)
_HIDDEN_HINT = "contains(@class,'creen') or contains(@class,'hidden') or contains(@class,'sr-only')"
# Captions sit beside pictures; an element holding one is a wrapper, not a caption.
_MEDIA_XPATH = ".//img | .//picture | .//video | .//iframe | .//figure"
_PHOTO_XPATH = ".//img | .//picture"
_PICTURES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")
_TEASER_LINK_SHARE = 0.9
# A "caption" element holding this much text is a layout wrapper, not a caption.
_MAX_CAPTION_CHARS = 1500


def _with_class(root: HtmlElement, hint: str, token: re.Pattern) -> list[HtmlElement]:
    """The outermost descendants of ``root`` that have a class token matching ``token``."""
    found = [
        e for e in root.xpath(f".//*[{hint}]")
        if any(token.search(name) for name in e.get("class", "").split())
    ]  # fmt: skip
    return _outermost(found)


def _text_of(element: HtmlElement, skip: list[HtmlElement]) -> str:
    """The text of ``element`` without the text inside ``skip`` (its credit elements)."""
    skipped = {id(e) for e in skip}
    parts: list[str] = []
    walker = iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if event == "start":
            if id(node) in skipped:
                walker.skip_subtree()
            elif node.text and isinstance(node.tag, str):
                parts.append(node.text)
        elif node is not element and node.tail:
            parts.append(node.tail)
    return clean_spaces(" ".join(parts))


def _outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    chosen = {id(e) for e in elements}
    return [e for e in elements if not any(id(a) in chosen for a in e.iterancestors())]


def _credit_elements(caption: HtmlElement) -> list[HtmlElement]:
    """Credit elements inside the caption, or beside it in the same <figure>."""
    inside = _with_class(caption, _CREDIT_HINT, _CREDIT_TOKEN)
    if inside:
        return inside
    figure = caption.getparent()
    if figure is not None and figure.tag == "figure":
        beside = _with_class(figure, _CREDIT_HINT, _CREDIT_TOKEN)
        return [e for e in beside if caption not in e.iterancestors()]
    return []


def _caption_from_element(element: HtmlElement) -> Caption | None:
    credits = _credit_elements(element)
    skip = credits + _with_class(element, _HIDDEN_HINT, _HIDDEN_TOKEN)
    # A caption box may hold a counter ("1 of 4") or labels beside an inner caption-text element.
    inner = [
        e for e in _with_class(element, _CAPTION_HINT, _CAPTION_TOKEN)
        if not any(c in e.iterancestors() for c in credits)
    ]  # fmt: skip
    if inner:
        text = clean_spaces(" ".join(_text_of(e, skip) for e in inner))
    else:
        text = _text_of(element, skip)
    credit = clean_credit(" ".join(_text_of(c, skip[len(credits) :]) for c in credits))
    caption = split_credit(text)  # a credit in the text itself is split off too
    if credit:
        caption = Caption(text=caption.text, credit=credit)
    for credit_element in credits:
        if credit_element.getparent() is not None:
            credit_element.drop_tree()
    return caption if caption.text or caption.credit else None


def _is_teaser(element: HtmlElement, caption: Caption | None) -> bool:
    """A "caption" that names another page: in a footer, menu or aside, inside a link to a page
    (not to the full-size picture), or, beside no photo, nothing but a link and no credit.

    A photo's caption in the story stays a caption even when its words are a link (to the
    photographer, to the place shown).
    """
    for ancestor in element.iterancestors():
        if ancestor.tag in ("footer", "nav", "aside"):
            return True
        href = (ancestor.get("href") or "#").lower().split("?")[0]
        if ancestor.tag == "a" and not href.startswith("#") and not href.endswith(_PICTURES):
            return True
    if caption is None or caption.credit:
        return False
    figure = _figure_of(element)
    if figure is not None and figure.xpath(_PHOTO_XPATH):
        return False
    text = len(clean_spaces(element.text_content()))
    linked = sum(len(clean_spaces(a.text_content())) for a in element.iter("a"))
    return text > 0 and linked >= _TEASER_LINK_SHARE * text


def _figure_of(element: HtmlElement) -> HtmlElement | None:
    """The <figure> around a caption, else its parent: what a caption and its credit share."""
    return next(element.iterancestors("figure"), element.getparent())


def _is_caption_element(element: HtmlElement) -> bool:
    if element.tag != "figcaption":
        if element.tag in ("body", "html", "table", "caption", "figure", "img"):
            return False
        if not any(_CAPTION_TOKEN.search(n) for n in element.get("class", "").split()):
            return False
        if element.xpath(_MEDIA_XPATH):
            return False
    text = element.text_content()
    return 0 < len(text.strip()) <= _MAX_CAPTION_CHARS


def extract_captions(tree: HtmlElement, extra: list[str] | None = None) -> list[Caption]:
    """Every caption in the page, removed from ``tree`` so that the body never repeats them.

    ``extra`` are captions known from elsewhere (JSON-LD image captions); each is split and added
    unless the page already showed it.
    """
    found: list[Caption] = []
    last_figure = None
    candidates = [
        e for e in tree.iter()
        if e.tag == "figcaption" or "aption" in (e.get("class") or "").lower()
    ]  # fmt: skip
    for element in _outermost([e for e in candidates if _is_caption_element(e)]):
        caption = _caption_from_element(element)
        teaser = _is_teaser(element, caption)
        figure = _figure_of(element)
        if element.getparent() is not None:
            element.drop_tree()
        if teaser or caption is None:
            continue  # gone from the body all the same
        if not caption.text and found and found[-1].credit is None and figure is last_figure:
            found[-1].credit = caption.credit  # a credit line of its own, under its caption
        elif not any(_same_caption(caption, seen) for seen in found):
            found.append(caption)
            last_figure = figure
    for text in extra or []:
        caption = split_credit(text)
        if caption.text and not any(_shown(caption, seen) for seen in found):
            found.append(caption)
    return found


def _same_caption(a: Caption, b: Caption) -> bool:
    return same_text(a.text, b.text) or (not a.text and a.credit == b.credit)


def _phrase(text: str) -> str:
    return " " + " ".join(words(text)) + " "


def _shown(extra: Caption, seen: Caption) -> bool:
    """Whether a caption from metadata is one the page shows (maybe with more words around)."""
    return _same_caption(extra, seen) or _phrase(extra.text) in _phrase(
        f"{seen.text} {seen.credit or ''}"
    )
