"""A real browser (Debian's chromium, driven by Playwright) on the app served as each worker
process of ``python -m web`` serves it (waitress; every connection ends after its response).

Search, narrow by a person, exclude a country, save the search, open its feed; screenshots of the
search and article pages go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web_fixtures import serving

import config
from web import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = config.REPO_ROOT / "test-artifacts"


@pytest.fixture
def base_url(tmp_path: Path, run_indexer) -> Iterator[str]:
    """The demo articles indexed with the real CLI, served by waitress on a free local port."""
    data_dir = tmp_path / "data"
    code, _, err = run_indexer("add", "--data-dir", data_dir, config.SAMPLES_DIR)
    assert code == 0, err
    with serving(create_app({"DATA_DIR": data_dir})) as server:
        yield f"http://127.0.0.1:{server.effective_port}"


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does).")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def total(page: Page) -> int:
    return int(page.locator("[data-total]").inner_text().replace(",", ""))


def test_search_facets_save_and_feed(base_url: str, browser: Browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(base_url + "/")
    page.get_by_label("Search the archive").fill("port")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"q=port"))
    before = total(page)
    assert before >= 3
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    # A person who appears in some but not all of the hits: clicking narrows the search.
    people = page.locator("#facet-persons > .facet-values .fv-toggle")
    counts = [int(c.replace(",", "")) for c in people.locator(".fv-count").all_inner_texts()]
    pick = next(i for i, count in enumerate(counts) if count < before)
    name = people.nth(pick).locator(".fv-label").inner_text()
    people.nth(pick).click()
    page.wait_for_url(re.compile(r"person="))
    narrowed = total(page)
    # Facets count a syndicated story once; the total counts every copy.
    assert counts[pick] <= narrowed < before
    expect(page.locator(".chips")).to_contain_text(name)

    # Exclude a country by keyboard: the "not" link is reachable and works with Enter.
    first_country = page.locator("#facet-countries .fv").first
    country = first_country.locator(".fv-label").inner_text()
    first_country.locator(".fv-not").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"not_country="))
    assert total(page) <= narrowed
    expect(page.locator(".chip-not")).to_contain_text(country)
    for hit_countries in page.locator(".hit .entities").all_inner_texts():
        assert country not in hit_countries
    page.screenshot(path=str(ARTIFACTS / "search-filtered.png"), full_page=True)

    # Save the search and open its feed.
    page.get_by_label("Save this search as").fill("Port people")
    page.get_by_role("button", name="Save search").click()
    page.wait_for_url(re.compile(r"/saved$"))
    expect(page.locator("table.saved")).to_contain_text("Port people")
    page.screenshot(path=str(ARTIFACTS / "saved.png"), full_page=True)
    feed_href = page.locator("table.saved a.rss").first.get_attribute("href")
    response = page.request.get(base_url + feed_href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.body())
    assert feed.bozo == 0
    assert feed.feed.title == "Morgue: Port people"
    assert len(feed.entries) == total_after_exclusion(page, base_url, feed_href)

    # A bar of the date chart narrows the search to its year.
    page.goto(base_url + "/search?q=port")
    page.locator(".chart svg a").first.click()
    page.wait_for_url(re.compile(r"from=\d{4}-01-01&to=\d{4}-12-31"))
    expect(page.locator(".chart figcaption")).to_contain_text("per month")

    # The article page of the first hit.
    page.goto(base_url + "/search?q=customs")
    page.locator(".hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    expect(page.locator("article h1")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)


# Text on the search page whose contrast with its background must reach WCAG AA (4.5:1).
CONTRAST_CHECKED = [
    ".hit h3 a",
    ".meta",
    ".source",
    ".snippet",
    ".snippet mark",
    ".tag",
    ".fv-label",
    ".fv-count",
    ".fv-not",
    ".facet h2",
    ".chip",
    ".chip-kind",
    ".seg",
    ".seg.is-current",
    ".took",
    ".chart figcaption",
    "button",
    ".syntax summary",
    ".top nav a",
]
# The colours of an element's text and of the nearest ancestor with an opaque background.
COLOURS_JS = """
(el) => {
  const text = getComputedStyle(el).color;
  let node = el;
  while (node) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg && !bg.endsWith(", 0)") && bg !== "transparent") return [text, bg];
    node = node.parentElement;
  }
  return [text, "rgb(255, 255, 255)"];
}
"""


def luminance(css: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", css)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_contrast_meets_wcag_aa(base_url: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(base_url + "/search?q=port&not_country=NG&person=Wanjiru+Kamau")
    for selector in CONTRAST_CHECKED:
        elements = page.locator(selector).all()[:3]
        assert elements, f"nothing matches {selector}"
        for element in elements:
            foreground, background = element.evaluate(COLOURS_JS)
            ratio = contrast(foreground, background)
            assert ratio >= 4.5, f"{selector}: {foreground} on {background} is {ratio:.2f}:1"


def total_after_exclusion(page: Page, base_url: str, feed_href: str) -> int:
    """How many articles the saved search finds, read from the search page it links to."""
    link = page.locator("table.saved th a").first.get_attribute("href")
    page.goto(base_url + link)
    return total(page)
