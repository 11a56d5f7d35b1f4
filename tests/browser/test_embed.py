"""The audience site's embed (issue 28): a partner's page on another 127.0.0.1 port pastes the snippet the
site gives. The frame grows to its content from the embed's own messages, the wheel over the map scrolls
the partner's page (no scroll trap), the map and its story work inside, and nothing is stored: no
cookie, no local storage, no service worker."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from geo.export.site import EMBED_HEIGHTS, EMBED_PLACEHOLDER, embed_snippet
from geo.story.i18n import strings
from harness.browser import offline_context, screenshot, wait_settled, watch_console
from harness.server import free_port
from tests.browser.test_audience_site import server, site_dir  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

EMBED_FRAME = 'iframe[src*="embed.html"]'
#: The embed's Leaflet map's zoom (its variable is named in the page's data).
ZOOM = "() => window[JSON.parse(document.getElementById('site-data').textContent).map].getZoom()"


@pytest.fixture(scope="module")
def partner(server, tmp_path_factory) -> Iterator[str]:  # noqa: F811
    """A partner's page, served from another port: text above and below the pasted snippet."""
    root = tmp_path_factory.mktemp("partner")
    snippet = embed_snippet(strings("en"), f"{server.url}embed.html")
    filler = "".join(f"<p>Partner paragraph {i}.</p>" for i in range(40))
    (root / "index.html").write_text(
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Partner</title></head>"
        f"<body><h1>A partner's article</h1>{filler}{snippet}{filler}</body></html>",
        encoding="utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def frame_of(page):
    return page.locator(EMBED_FRAME).element_handle().content_frame()


def test_the_site_offers_the_snippet_with_its_own_address(browser, server):  # noqa: F811
    context, _ = offline_context(browser, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(server.url + "ko/index.html")
    snippet = page.locator("#embed-snippet")
    value = snippet.input_value()
    assert f'src="{server.url}ko/embed.html"' in value, value[:200]
    assert EMBED_PLACEHOLDER not in value
    assert "escape-route-map:height" in value
    page.locator("#embed-copy").click()
    expect(page.locator("#embed-status")).to_have_text(strings("ko")("site.embed_copied"))
    context.close()


def test_a_partner_page_embeds_the_map(browser, partner, server, data):  # noqa: F811
    context, watch = offline_context(browser, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    watch_console(page, watch)
    page.goto(partner)
    iframe = page.locator(EMBED_FRAME)
    iframe.scroll_into_view_if_needed()
    frame = frame_of(page)
    wait_settled(frame, None)
    # The frame takes the embed's height (sent by postMessage), not the snippet's 720 px.
    content = frame.evaluate("() => Math.ceil(document.body.getBoundingClientRect().height)")
    page.wait_for_function(
        "([sel, h]) => Math.abs(document.querySelector(sel).getBoundingClientRect().height - h) <= 2",
        arg=[EMBED_FRAME, content],
    )
    height = iframe.bounding_box()["height"]
    assert EMBED_HEIGHTS[0] <= height <= EMBED_HEIGHTS[1]
    assert height != 720
    assert frame.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight + 1"), (
        "the frame scrolls inside itself"
    )
    # No scroll trap: the wheel over the map scrolls the partner's page and leaves the map's zoom.
    box = frame.locator(".leaflet-container.folium-map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    zoom = frame.evaluate(ZOOM)
    before = page.evaluate("() => window.scrollY")
    page.mouse.wheel(0, 400)
    page.wait_for_function("(y) => window.scrollY > y", arg=before)
    assert frame.evaluate(ZOOM) == zoom, "the wheel zoomed the map instead of scrolling the page"
    # The story works inside: Next opens the first leg.
    frame.locator("#next").click()
    expect(frame.locator("#story .panel:not([hidden]) .panel-title")).to_have_text(
        f"1. {data.route.iloc[0]['title']}"
    )
    # Nothing stored: no cookie, no local storage, no service worker; nothing fetched from outside.
    assert context.cookies() == []
    assert frame.evaluate("() => [document.cookie, localStorage.length, sessionStorage.length]") == ["", 0, 0]
    assert frame.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
    assert frame.locator("header.top, .more, footer.foot").count() == 0, "the embed is the map and its story"
    screenshot(page, "embed-partner-1366")
    assert watch.external == []
    assert watch.console_errors == []
    context.close()


def test_embed_pages_exist_in_each_language(site_dir: Path):  # noqa: F811
    for path in ("embed.html", "ko/embed.html"):
        html = (site_dir / path).read_text(encoding="utf-8")
        assert 'class="embed"' in html
        assert 'rel="manifest"' not in html
