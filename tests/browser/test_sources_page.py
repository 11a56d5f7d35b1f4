"""The Sources page and the numbers in context, in a real, offline Chromium, on a laptop and a phone.

Nothing may be cut at the right edge: the "At a glance" table's container must
not scroll sideways (``scrollWidth <= clientWidth``) at 1366 px or at 390 px, in
English or Korean. Every source with a web address is a link. Screenshots of the
Sources page, the Route Map's chart and its "Why do the numbers differ?" popover
land in ``test-artifacts/`` to be looked at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harness.browser import offline_context, screenshot, wait_until_idle, watch_console
from harness.server import ARTIFACTS

pytestmark = pytest.mark.browser

SIZES = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}
LANGS = ("en", "ko")


@pytest.fixture
def open_page(browser):
    """Open an app page at a viewport size, offline; yields (page, watch)."""
    contexts = []

    def opener(url: str, size: str):
        context, watch = offline_context(browser, viewport=SIZES[size], is_mobile=size == "390")
        contexts.append(context)
        page = context.new_page()
        watch_console(page, watch)
        page.goto(url, wait_until="domcontentloaded")
        expect(page.locator("h1").first).to_be_visible(timeout=30_000)
        return page, watch

    yield opener
    for context in contexts:
        context.close()


def close_up(locator, name: str) -> None:
    """A screenshot of one element, beside the whole-page ones."""
    ARTIFACTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def overflow(page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(
        "el => ({scroll: el.scrollWidth, client: el.clientWidth, right: el.getBoundingClientRect().right,"
        " viewport: document.documentElement.clientWidth})"
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
def test_sources_page_fits_and_links_every_source(open_page, app_server, data, lang: str, size: str):
    page, watch = open_page(f"{app_server.url}/sources?lang={lang}", size)
    glance = page.locator(".sources-glance")
    expect(glance).to_be_visible(timeout=30_000)
    expect(glance.locator("tbody tr")).to_have_count(len(data.sources))

    box = overflow(page, ".sources-glance")
    assert box["scroll"] <= box["client"], f"the table scrolls sideways: {box}"
    assert box["right"] <= box["viewport"] + 1, f"the table is cut at the right edge: {box}"
    table = overflow(page, ".sources-glance table")
    assert table["right"] <= box["viewport"] + 1, f"the table is wider than the screen: {table}"

    with_url = data.sources[data.sources["url"] != ""]
    links = glance.locator("a[href]")
    expect(links).to_have_count(len(with_url))
    assert sorted(links.evaluate_all("els => els.map(e => e.getAttribute('href'))")) == sorted(
        with_url["url"]
    )
    for link in links.all()[:3]:
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in (link.get_attribute("rel") or "")

    # The ledger and every source card link out too (Markdown links).
    # The page streams in from top to bottom: wait until the cards below the table have arrived.
    page.wait_for_function(
        'n => document.querySelectorAll(\'[data-testid="stMain"] a[href^="http"]\').length > n',
        arg=len(with_url),
        timeout=30_000,
    )
    if lang == "ko":
        assert glance.evaluate("el => getComputedStyle(el.querySelector('td')).wordBreak") == "keep-all"
        for selector in ('[class*="st-key-ko-text-ledger"] p', '[class*="st-key-ko-text-sources-page"] li'):
            text = page.locator(selector).first
            assert text.evaluate("el => getComputedStyle(el).wordBreak") == "keep-all", selector
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= SIZES[size]["width"], f"the page scrolls sideways ({page_width}px)"

    wait_until_idle(page)
    screenshot(page, f"sources-{lang}-{size}", whole_page=True)
    assert watch.external == [], "the page asked the internet for something"
    assert watch.console_errors == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
def test_route_map_chart_and_ledger(open_page, app_server, lang: str, size: str):
    page, watch = open_page(f"{app_server.url}/?lang={lang}", size)
    # The timeline is a static SVG image with a text alternative written from the data.
    chart = page.locator('[data-testid="stImage"]').first
    chart.scroll_into_view_if_needed(timeout=30_000)
    expect(chart.locator("img").first).to_be_visible(timeout=30_000)
    assert chart.locator("img").first.evaluate("i => i.complete && i.naturalWidth > 0"), "the chart drew"
    alt = chart.locator("img").first.get_attribute("alt") or ""
    assert "$20,000" in alt, f"the text alternative gives the cost: {alt}"
    assert "2,914" in alt, f"the text alternative gives the peak of arrivals: {alt}"
    wait_until_idle(page)
    box = overflow(page, '[data-testid="stImage"]')
    assert box["right"] <= box["viewport"] + 1, f"the chart is cut at the right edge: {box}"
    close_up(chart, f"route-chart-{lang}-{size}")

    label = "Why do the numbers differ?" if lang == "en" else "수치가 왜 다를까요?"
    button = page.get_by_role("button", name=label)
    button.scroll_into_view_if_needed()
    button.click()
    popover = page.locator('[data-testid="stPopoverBody"]')
    expect(popover).to_be_visible(timeout=15_000)
    expect(popover.locator("table").first).to_be_visible()
    assert popover.locator('a[href^="http"]').count() >= 10
    expect(popover.get_by_text("1,008").first).to_be_visible()
    pop = overflow(page, '[data-testid="stPopoverBody"]')
    assert pop["right"] <= pop["viewport"] + 1, f"the popover is cut at the right edge: {pop}"
    for table in popover.locator("table").all():
        fits = table.evaluate(
            "t => t.getBoundingClientRect().right <= document.documentElement.clientWidth + 1"
        )
        assert fits, "a ledger table is cut at the right edge"
    if size == "390":
        shape = popover.locator("table").first.evaluate(
            "t => getComputedStyle(t.querySelector('td')).display"
        )
        assert shape == "block", "on a phone each ledger row is stacked"
    if lang == "ko":
        for text in (popover.locator("td").first, popover.locator("p").first):
            assert text.evaluate("el => getComputedStyle(el).wordBreak") == "keep-all", (
                "Korean breaks in words"
            )
    close_up(popover, f"route-ledger-{lang}-{size}")
    screenshot(page, f"route-ledger-page-{lang}-{size}")
    assert watch.external == []
    assert watch.console_errors == []
