"""The plain-text parser on the seed article and on made-up copies."""

from __future__ import annotations

import gzip
import json
import textwrap
from pathlib import Path

import pytest

from archive.errors import NotAnArticle
from indexer.parsers import parse_file, parse_text
from indexer.parsers.captions import split_credit


@pytest.fixture(scope="module")
def seed(seed_path):
    return parse_file(seed_path)


def test_seed_headline_and_standfirst(seed):
    assert seed.title == (
        "Jens Stoltenberg: Nato stands with Turkey, condemns Russian and Syrian escalation"
    )
    assert seed.standfirst.startswith("Nato representatives met on Friday to discuss the alliance")
    assert seed.standfirst.endswith("more than 30 Turkish troops in Syria")


def test_seed_captions_have_their_credits(seed):
    assert [c.credit for c in seed.captions] == [
        "AP Photo/Francisco Seco",
        "Francisco Seco / AP Photo",
    ]
    assert seed.captions[0].text.startswith("NATO Secretary-General Jens Stoltenberg adjusts")
    assert seed.captions[1].text.endswith("requests that it resume work.")
    assert all("Francisco Seco" not in c.text for c in seed.captions)


def test_seed_body_is_every_paragraph_and_nothing_else(seed_path, seed):
    raw = seed_path.read_text(encoding="utf-8")
    paragraphs = [p for p in raw.split("\n\n") if p.strip()]
    # headline, standfirst, notice and the caption block are not body
    expected = len(paragraphs) - 4
    assert len(seed.body) == expected == 20
    body = "\n".join(seed.body)
    assert "Powered by automated translation" not in body
    assert "AP Photo" not in body and "adjusts his glasses" not in body
    assert seed.body[0].startswith("Nato has said it stands in solidarity with Turkey")
    assert seed.body[-1].endswith('close to 4 million refugees," he said.')


def test_seed_spaces_and_quotes_are_normalised(seed):
    text = seed.text
    assert "\xa0" not in text and "’" not in text and "“" not in text and "”" not in text
    assert "Recep Erdogan" in text
    assert "the alliance's reaction" in seed.standfirst


def test_hard_wrapped_paragraphs_are_joined():
    paragraph = "The council met on Monday and voted to rebuild the old bridge. " * 6
    wrapped = "\n".join(textwrap.wrap(paragraph, width=72))
    article = parse_text(f"A headline\n\nA standfirst.\n\n{wrapped}\n\nEnd of the story here.")
    assert article.body == [paragraph.strip(), "End of the story here."]


def test_headline_only_is_not_an_article():
    with pytest.raises(NotAnArticle):
        parse_text("Just a headline\n\n\n")
    with pytest.raises(NotAnArticle):
        parse_text("   \n  ")


@pytest.mark.parametrize(
    ("caption", "text", "credit"),
    [
        ("Troops in Idlib on Friday. (AP Photo/Francisco Seco)", "Troops in Idlib on Friday.",
         "AP Photo/Francisco Seco"),
        ("A meeting in Brussels. Francisco Seco / AP Photo", "A meeting in Brussels.",
         "Francisco Seco / AP Photo"),
        ("Police at the scene. AFP via Getty Images", "Police at the scene.",
         "AFP via Getty Images"),
        ("The logo in New York.Reuters", "The logo in New York.", "Reuters"),
        ("Protesters on Monday. Photo: Jane Doe", "Protesters on Monday.", "Jane Doe"),
        ("The river at dawn. Image: Jane Doe", "The river at dawn.", "Jane Doe"),
        ("The river at dawn. Credit: Jane Doe/Getty Images", "The river at dawn.",
         "Jane Doe/Getty Images"),
        ("The river at dawn. © Jane Doe", "The river at dawn.", "Jane Doe"),
        ("A photo released by Reuters", "A photo released by Reuters", None),
        ("He said it was over. Mr Smith", "He said it was over. Mr Smith", None),
    ],
)  # fmt: skip
def test_credit_styles(caption, text, credit):
    result = split_credit(caption)
    assert (result.text, result.credit) == (text, credit)


def test_byline_becomes_authors():
    body = "The council met on Monday and voted to rebuild the old bridge over the river. " * 3
    head = "Bridge to be rebuilt\n\nA vote ends years of debate.\n\nBy Jane Doe and John Roe"
    text = f"{head}\n\n{body}"
    article = parse_text(text)
    assert article.authors == ["Jane Doe", "John Roe"]
    assert article.standfirst == "A vote ends years of debate."
    assert article.body == [body.strip()]


def test_single_line_breaks_between_long_paragraphs():
    first = (
        "The council met on Monday and voted to rebuild the old bridge over the river, ending "
        "years of debate."
    )
    second = (
        "Work will start in the spring and should take two years, the mayor told reporters "
        "after the vote."
    )
    article = parse_text(f"Bridge to be rebuilt\nA vote ends years of debate.\n{first}\n{second}\n")
    assert article.title == "Bridge to be rebuilt"
    assert article.standfirst == "A vote ends years of debate."
    assert article.body == [first, second]


def test_a_story_on_one_line_ending_in_photo_credits_stays_the_body(corpus_dir):
    """Wikinews texts written on one line, ending in a gallery of credited photos: the line is
    the story, not a caption (it was refused as "no article text")."""
    with gzip.open(corpus_dir / "wikinews-tosca" / "wikinews_en_2004_2018.jsonl.gz", "rt") as f:
        rows = [row for row in map(json.loads, f) if "Photograph by" in row["text"]]
    one_line = [row for row in rows if "\n" not in row["text"].strip()]
    assert one_line
    for row in one_line:
        article = parse_text(f"{row['title']}\n\n{row['text'].strip()}\n")
        assert article.body[0].startswith(" ".join(row["text"].split()[:5])), row["title"]


def test_a_copy_saved_without_an_extension_is_read_by_its_content(seed_path, tmp_path) -> None:
    """Plain text saved as ``story`` (no extension) reads as text, not as one HTML paragraph;
    a web page saved the same way still reads as HTML."""
    html_page = sorted((Path(__file__).parent.parent / "archive" / "samples").glob("*.html"))[0]
    cases = ((seed_path, tmp_path / "story"), (html_page, tmp_path / "page"))
    for original, bare in cases:
        bare.write_bytes(original.read_bytes())
        assert parse_file(bare) == parse_file(original), original.name
    assert len(parse_file(tmp_path / "story").captions) == 2
