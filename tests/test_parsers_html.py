"""The HTML parser on real pages of the article-extraction benchmark and on made-up pages."""

from __future__ import annotations

import gzip
import json

import pytest

from archive.errors import NotAnArticle
from bench.extraction import precision_recall
from indexer.parsers import parse_bytes, parse_file, parse_html
from indexer.parsers.text_norm import words

# Every 20th page of the benchmark: a spread of sites, not a hand-picked set.
SAMPLE = slice(0, None, 20)


def _phrase(text: str) -> str:
    return " " + " ".join(words(text)) + " "


@pytest.fixture(scope="module")
def benchmark_pages(corpus_dir):
    folder = corpus_dir / "article-extraction-benchmark"
    gold = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    files = sorted((folder / "html").glob("*.html.gz"))[SAMPLE]
    return [(path, gold[path.name.split(".")[0]]["articleBody"]) for path in files]


def test_benchmark_pages_parse_close_to_gold(benchmark_pages):
    scores = []
    for path, gold in benchmark_pages:
        article = parse_file(path)
        assert article.title, path.name
        assert article.id
        precision, recall = precision_recall("\n\n".join(article.body), gold)
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0)
    assert len(scores) == 10
    assert sum(scores) / len(scores) >= 0.9
    assert sorted(scores)[1] >= 0.7  # at most one page may go badly


def test_captions_are_found_and_kept_out_of_the_body(benchmark_pages, corpus_dir):
    seen = 0
    for path in sorted((corpus_dir / "article-extraction-benchmark" / "html").glob("*.gz"))[:60]:
        raw = gzip.decompress(path.read_bytes())
        if b"<figcaption" not in raw:
            continue
        article = parse_html(raw)
        body = _phrase(" ".join(article.body))
        for caption in article.captions:
            if len(words(caption.text)) >= 6:
                seen += 1
                assert _phrase(caption.text) not in body, (path.name, caption.text)
    assert seen >= 10


def test_figure_caption_with_credit_element():
    page = f"""<html><head><title>Storm hits the coast</title></head><body><article>
      <h1>Storm hits the coast</h1>
      <figure><img src="a.jpg"><figcaption>Waves break over the harbour wall on Tuesday.
        <span class="credit">Jane Doe / Reuters</span></figcaption></figure>
      {
        "<p>The storm reached the coast on Tuesday night, bringing winds of more than 100 km/h "
        "and flooding several streets near the harbour, officials said.</p>" * 6
    }
      <figure><img src="b.jpg"><figcaption>Residents clear debris. (AP Photo/John Roe)
      </figcaption></figure>
    </article></body></html>"""
    article = parse_html(page)
    assert [(c.text, c.credit) for c in article.captions] == [
        ("Waves break over the harbour wall on Tuesday.", "Jane Doe / Reuters"),
        ("Residents clear debris.", "AP Photo/John Roe"),
    ]
    assert article.title == "Storm hits the coast"
    assert all("Waves break" not in p and "debris" not in p for p in article.body)
    assert len(article.body) >= 1


def test_cp1252_page_without_declared_charset():
    text = ("Le maire a déclaré: “Nous reconstruirons l’école d’ici à l’été.” Les travaux "
            "coûteront 2 millions d’euros, selon la préfecture. ")  # fmt: skip
    page = f"<html><body><h1>École</h1><article><p>{text * 4}</p></article></body></html>"
    article = parse_bytes(page.encode("cp1252"), name="page.html")
    assert "Le maire a déclaré" in article.body[0]
    assert "d'euros, selon la préfecture" in article.body[0]


def test_list_of_links_is_not_an_article():
    links = "".join(f'<li><a href="/s/{i}">Story number {i} of the day</a></li>' for i in range(60))
    page = f"<html><body><h1>Latest news</h1><ul>{links}</ul></body></html>"
    with pytest.raises(NotAnArticle):
        parse_html(page)


def test_deeply_nested_and_unclosed_tags_keep_their_text():
    sentence = "The council met on Monday and voted to rebuild the old bridge, officials said."
    deep = "<div>" * 300 + f"<p>{sentence}</p>" * 5 + "</div>" * 300
    article = parse_html(f"<html><body><h1>Bridge</h1>{deep}</body></html>")
    assert article.body[0] == sentence
    unclosed = "".join(f"<p><b>{sentence} Vote {i}." for i in range(300))
    article = parse_html(f"<html><body><h1>Bridge</h1>{unclosed}")
    assert article.body[-1] == f"{sentence} Vote 299."


def test_teaser_figures_for_other_pages_are_not_captions():
    story = "<p>The storm reached the coast on Tuesday night, flooding several streets.</p>" * 6
    page = f"""<html><body><h1>Storm hits the coast</h1><article>{story}
      <a href="/photos/big.jpg"><figure><img src="a.jpg"><figcaption>Waves over the harbour wall.
        (AP Photo/Jane Doe)</figcaption></figure></a></article>
      <div><a href="/news/other-story"><figure><img src="b.jpg">
        <figcaption>Council approves new budget for the harbour 2 hours ago</figcaption>
      </figure></a></div></body></html>"""
    article = parse_html(page)
    assert [(c.text, c.credit) for c in article.captions] == [
        ("Waves over the harbour wall.", "AP Photo/Jane Doe")
    ]
    assert not any("budget" in p for p in article.body)


def test_json_ld_image_caption_with_credit():
    ld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": "Fire in the hills",
        "image": {"@type": "ImageObject", "url": "https://example.org/a.jpg",
                  "caption": "Smoke rises over the hills on Sunday. (AP Photo/John Roe)"},
    })  # fmt: skip
    story = "<p>A wildfire spread across the hills on Sunday, forcing hundreds to leave.</p>" * 6
    page = f"""<html><head><script type="application/ld+json">{ld}</script></head>
      <body><h1>Fire in the hills</h1><article>{story}</article></body></html>"""
    article = parse_html(page)
    assert article.title == "Fire in the hills"
    assert [(c.text, c.credit) for c in article.captions] == [
        ("Smoke rises over the hills on Sunday.", "AP Photo/John Roe")
    ]
