"""Page shapes the HTML parser must read right: table layouts, standfirsts, the article head."""

from __future__ import annotations

from pathlib import Path

from bench.extraction import large_page
from indexer.parsers import parse_file, parse_html

SAMPLES = Path(__file__).resolve().parent.parent / "archive" / "samples"
STORY = "".join(
    f"<p>The council met on Monday evening and voted by nine to four to rebuild the old harbour "
    f"bridge before the winter storms, the mayor's office said in statement number {n}.</p>"
    for n in range(5)
)


def test_table_layout_page_without_metadata():
    page = f"""<html><head><title>The Evening Star :: Bridge to be rebuilt</title></head>
      <body><table width="960"><tr><td colspan="2" class="menu"><a href="/">Home</a> |
        <a href="/world/">World</a> | <a href="/letters/">Letters</a></td></tr>
      <tr><td class="leftcol"><p><b>Sections</b></p><p><a href="/a/">Arts</a><br>
        <a href="/b/">Books</a></p><p><b>Poll</b><br>Do you cycle to work?
        <a href="/poll?v=1">Yes</a> / <a href="/poll?v=0">No</a></p></td>
      <td class="main"><h1>Bridge to be rebuilt</h1>
        <p><i>The council chose repair over demolition after a long public debate.</i></p>
        {STORY}
        <p><font size="1">Printer-friendly version | <a href="/mail">E-mail this story</a> |
          <a href="/letters/">Write to the editor</a></font></p></td></tr>
      <tr><td colspan="2"><table><tr><td>Rainfall</td><td>12 mm</td></tr></table></td></tr>
      </table></body></html>"""
    article = parse_html(page)
    assert article.standfirst == (
        "The council chose repair over demolition after a long public debate."
    )
    assert len(article.body) == 5
    assert all(p.startswith("The council met on Monday") for p in article.body)


def test_table_layout_demo_page():
    article = parse_file(SAMPLES / "2022-06-morning-lantern-istanbul-earthquake-drill.html")
    assert article.body[0].startswith("ISTANBUL — At exactly ten o'clock")
    assert article.body[-1].endswith('"I am not sure the adults do."')
    assert len(article.body) == 6
    assert article.standfirst.startswith("Two million pupils practised")
    assert article.authors == ["Zeynep Arslan"]
    assert article.published is not None and article.published.date().isoformat() == "2022-06-02"


def test_standfirst_element_under_the_headline():
    for markup in (
        '<p class="standfirst">{}</p>',
        '<h2 class="lead">{}</h2>',
        '<p class="article__chapo">{}</p>',
        '<p itemprop="description">{}</p>',
    ):
        standfirst = "Repair work will start in March and take two years, the council said."
        page = f"""<html><head><meta name="description" content="{standfirst}"></head><body>
          <article><h1>Bridge to be rebuilt</h1>{markup.format(standfirst)}
          <div class="byline">By Jane Doe</div><div class="text">{STORY}</div></article>
          </body></html>"""
        article = parse_html(page)
        assert article.standfirst == standfirst, markup
        assert article.body[0].startswith("The council met on Monday"), markup


def test_lead_paragraph_inside_the_story_stays_in_the_body():
    lead = "<p class='intro'>The old harbour bridge will be rebuilt, the council decided.</p>"
    bold = "<p><strong>Repairs start in March, the mayor said on Monday night.</strong></p>"
    for first in (lead, bold):
        page = f"<html><body><h1>Bridge</h1><div class='byline'>By Jane Doe</div>" \
               f"<div class='text'>{first}{STORY}</div></body></html>"  # fmt: skip
        article = parse_html(page)
        assert article.standfirst is None
        assert len(article.body) == 6


def test_demo_standfirsts():
    expected = {
        "2019-05-harbour-courier-porto-dock-strike.html": "Container traffic at Leixões",
        "2020-03-northern-dispatch-tromso-fjord-ice.html": "Measurements from a research",
        "2021-01-correio-do-atlantico-cheias-porto-ribeira.html": "O Douro subiu",
        "2022-10-le-veilleur-marseille-taxe-carbone-maritime.html": "Le projet de la Commission",
    }
    for name, start in expected.items():
        article = parse_file(SAMPLES / name)
        assert article.standfirst and article.standfirst.startswith(start), name
        assert not any(p.startswith(start) for p in article.body), name


def test_headline_section_label_and_byline_stay_out_of_the_body():
    page = f"""<html><body><header><ul class="menu"><li><a href="/">Home</a></li></ul></header>
      <article><span class="section-label">Local news</span><a href="/local">Porto</a>
      <h1>Bridge to be rebuilt</h1>
      <p class="signature">Par Jeanne Dupont (correspondante)</p><p class="date">Publié le
        <time datetime="2022-10-05">5 octobre 2022</time></p>{STORY}</article></body></html>"""
    article = parse_html(page)
    assert len(article.body) == 5
    assert all(p.startswith("The council met on Monday") for p in article.body)


def test_demo_bodies_start_with_the_story():
    for name, start in (
        ("2021-01-correio-do-atlantico-cheias-porto-ribeira.html", "PORTO — As águas"),
        ("2022-10-le-veilleur-marseille-taxe-carbone-maritime.html", "MARSEILLE — À quelques"),
    ):
        article = parse_file(SAMPLES / name)
        assert article.body[0].startswith(start), (name, article.body[:3])
        assert not any(p == article.title or p == article.section for p in article.body), name


def test_caption_credits_are_the_names_alone():
    figures = [
        ("Dockers at the gate. <span class='credit'>(Photo: Ana Reis/The Courier)</span>",
         "Ana Reis/The Courier"),
        ("Fishermen mend nets. <span class='credit'>PHOTO: Supplied</span>", "Supplied"),
        ("A rider waits. <small class='photo-credit'>© Daily News/Asha Rao</small>",
         "Daily News/Asha Rao"),
        ("Un navire quitte le port. — Photo\u00a0: Julie Ferrand / Le Journal",
         "Julie Ferrand / Le Journal"),
        ("O cais coberto pelas águas. <em>Fotografia: Miguel Teixeira/Jornal</em>",
         "Miguel Teixeira/Jornal"),
        ("Die Brücke im Nebel. Foto: Jan Weber", "Jan Weber"),
    ]  # fmt: skip
    shown = "".join(f"<figure><img src='{n}.jpg'><figcaption>{c}</figcaption></figure>"
                    for n, (c, _) in enumerate(figures))  # fmt: skip
    page = f"<html><body><h1>Bridge</h1><article>{shown}{STORY}</article></body></html>"
    article = parse_html(page)
    assert [c.credit for c in article.captions] == [credit for _, credit in figures]
    assert all(c.text and c.text.endswith(".") for c in article.captions)


def test_a_json_ld_caption_shown_on_the_page_is_kept_once():
    ld = ('{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge",'
          ' "image": {"@type": "ImageObject", "url": "a.jpg", "caption": "The quay under water.",'
          ' "creditText": "Fotografia: Rui Sá/Jornal"}}')  # fmt: skip
    page = f"""<html><head><script type="application/ld+json">{ld}</script></head><body>
      <h1>Bridge</h1><article><figure><img src="a.jpg"><figcaption>The quay  under water.
      <em>Fotografia: Rui Sá/Jornal</em></figcaption></figure>{STORY}</article></body></html>"""
    article = parse_html(page)
    assert [(c.text, c.credit) for c in article.captions] == [
        ("The quay under water.", "Rui Sá/Jornal")
    ]
    demo = parse_file(SAMPLES / "2021-01-correio-do-atlantico-cheias-porto-ribeira.html")
    assert len(demo.captions) == 1


def test_very_large_pages_keep_their_story():
    for megabytes in (3, 20):
        article = parse_html(large_page(megabytes))
        assert article.title == "Bridge to be rebuilt"
        assert len(article.body) == 12, megabytes
        assert article.body[0].startswith("The council met on Monday")
        assert not any("reply" in p for p in article.body)


def test_huge_live_blog_is_read_without_the_extractors():
    entries = "".join(
        f"<div class='entry'><h3>Update {n}</h3><p>Crews worked through the night on the harbour "
        f"bridge, and the mayor said the works were on schedule, update number {n}.</p></div>"
        for n in range(15000)
    )
    page = f"<html><body><nav><a href='/'>Home</a></nav><article><h1>Live: bridge works</h1>" \
           f"{entries}</article></body></html>"  # fmt: skip
    article = parse_html(page)
    assert article.body[:2] == [
        "Update 0",
        "Crews worked through the night on the harbour bridge, and the mayor said the works "
        "were on schedule, update number 0.",
    ]
    assert len(article.body) > 1000


def test_a_photo_caption_in_the_story_is_a_caption_even_when_linked():
    page = f"""<html><body><h1>Bridge</h1><article>{STORY}
      <figure><img src="a.jpg"><figcaption><a href="https://maps.example/quay">The old quay at
        dawn</a></figcaption></figure>
      <figure><video src="v.mp4"></video><figcaption><a href="/live">Watch live</a></figcaption>
      </figure></article>
      <aside><figure><img src="b.jpg"><figcaption>Council approves the harbour budget
        </figcaption></figure></aside></body></html>"""
    article = parse_html(page)
    assert [c.text for c in article.captions] == ["The old quay at dawn"]
    assert not any("budget" in p or "Watch live" in p for p in article.body)
