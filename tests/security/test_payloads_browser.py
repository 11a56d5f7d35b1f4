"""The planted payloads (``payloads.py``) in a real, offline Chromium: the app and the exported pack.

Route Map (a leg chosen, its popup opened by a click on the leg), Presenter and
Sources, and the screening pack from ``file://``, in English and Korean. Every
request that is not to this machine is aborted and recorded (an image from a
payload would be one). Nothing may open a dialog (``alert(1)``), set
``window.__pwned``, or leave an ``<img src="x">`` in any frame; the planted text
must be visible, as written, where the field is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from geo import cli, paths
from geo.story.i18n import strings
from harness.browser import (
    MAP_FRAME,
    click_leg,
    map_frame,
    offline_context,
    screenshot,
    wait_settled,
    wait_until_idle,
)
from harness.server import AppServer, start_app, stop_app
from tests.security.payloads import MARKER, PIECES, Planted, plant
from tests.security.streamlit_markdown import shown

pytestmark = pytest.mark.browser
LEG = "laos-jungle"


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Planted:
    return plant(tmp_path_factory.mktemp("planted-browser") / "data")


@pytest.fixture(scope="module")
def planted_server(planted: Planted) -> Iterator[AppServer]:
    server = start_app(planted.data_dir)
    yield server
    stop_app(server)


class Watched:
    """A page in an offline context, and everything hostile it did."""

    def __init__(self, chromium, **context_args) -> None:
        self.context, self.watch = offline_context(
            chromium, viewport={"width": 1366, "height": 900}, **context_args
        )
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def assert_nothing_ran(self, where: str) -> None:
        self.page.wait_for_timeout(500)
        assert self.dialogs == [], f"{where}: a dialog opened"
        assert self.errors == [], f"{where}: {self.errors}"
        assert self.watch.external == [], f"{where}: asked the internet for {self.watch.external}"
        for frame in self.page.frames:
            assert frame.evaluate("typeof window.__pwned") == "undefined", f"{where}: a script ran"
            assert frame.locator('img[src="x"]').count() == 0, f"{where}: an <img> from data"
            assert frame.locator('a[href*="example.com"], a[href^="mailto:"]').count() == 0, (
                f"{where}: a link"
            )
            assert frame.locator('img[alt="Streamlit logo"]').count() == 0, (
                f"{where}: :streamlit: became an image"
            )
            assert "😄" not in (frame.locator("body").text_content() or ""), (
                f"{where}: :smile: became an emoji"
            )
        main = self.page.locator('[data-testid="stMain"] span[role="img"][aria-label="map icon"]')
        assert main.count() == 0, f"{where}: :material/map: became an icon"


def text_of(locator) -> str:
    return shown(locator.text_content() or "")


def leg_title(planted: Planted, lang: str) -> str:
    tr = strings(lang, planted.data_dir / "i18n")
    return tr.get(f"route.{LEG}.title") or planted.fields[(paths.ROUTE, LEG, "title")]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_route_map_with_a_leg_and_its_popup(browser, planted, planted_server, lang):
    tr = strings(lang, planted.data_dir / "i18n")
    watched = Watched(browser)
    page = watched.page
    page.goto(f"{planted_server.url}/?lang={lang}&segment={LEG}", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.route-segment").first).to_be_attached(timeout=60_000)
    title = leg_title(planted, lang)
    expect(page.get_by_role("heading", level=3).first).to_be_visible(timeout=30_000)
    assert text_of(page.get_by_role("heading", level=1).first) == shown(tr("route_map.title"))
    assert shown(page.title()) == shown(tr("app.page_title")), "the tab's title, as written"
    headings = [text_of(h) for h in page.get_by_role("heading", level=3).all()]
    assert shown(f"6. {title}") in headings, "the chosen leg's title, as written"
    nav = [
        text_of(a)
        for a in page.locator('[data-testid="stTopNavLink"] [data-testid="stMarkdownContainer"]').all()
    ]
    assert shown(tr("nav.sources")) in nav, f"a navigation title, as written: {nav}"
    # The popup, opened by a click on the leg.
    page.locator(MAP_FRAME).evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
    wait_settled(map_frame(page), LEG)  # the deep link's flight is over: the click lands on the leg
    click_leg(page, LEG)
    popup = frame.locator(".route-popup")
    expect(popup).to_be_visible(timeout=15_000)
    assert text_of(popup.locator("h4")) == shown(title)
    summary = tr.get(f"route.{LEG}.summary") or planted.fields[(paths.ROUTE, LEG, "summary")]
    assert text_of(popup.locator("p").first) == shown(summary)
    # The layer switcher lists the translated layer name as text (Leaflet inserts names as HTML).
    overlays = frame.locator(".leaflet-control-layers-overlays")
    expect(overlays).to_have_count(1)
    assert shown(tr("map.places_layer")) in text_of(overlays)
    # No data grid (its own "Download as CSV" would write cells as a spreadsheet reads them);
    # the page's download button, written by ``csv_bytes``, is there instead.
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(0)
    assert page.get_by_role("button", name=re.compile("Download as CSV")).count() == 0
    expect(page.locator('[data-testid="stDownloadButton"]')).to_have_count(1)
    screenshot(page, f"planted-route-map-{lang}", whole_page=True)
    watched.assert_nothing_ran(f"route map ({lang})")
    watched.context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_presenter_and_sources(browser, planted, planted_server, lang):
    tr = strings(lang, planted.data_dir / "i18n")
    watched = Watched(browser)
    page = watched.page
    page.goto(f"{planted_server.url}/presenter?lang={lang}&chapter=2", wait_until="domcontentloaded")
    expect(page.locator(MAP_FRAME)).to_be_attached(timeout=60_000)
    chapter = (
        tr.get("tour.out-of-north-korea.title") or planted.fields[(paths.TOUR, "out-of-north-korea", "title")]
    )
    expect(page.get_by_role("heading", level=1)).to_have_count(1, timeout=30_000)
    wait_until_idle(page)
    assert text_of(page.get_by_role("heading", level=1)) == shown(chapter)
    watched.assert_nothing_ran(f"presenter ({lang})")
    page.goto(f"{planted_server.url}/sources?lang={lang}", wait_until="domcontentloaded")
    outlet = planted.fields[(paths.SOURCES, "cbn", "outlet")]
    expect(page.get_by_role("heading", level=2).first).to_be_visible(timeout=30_000)
    wait_until_idle(page)
    # Each source is a card headed by its outlet (the ledger's headings can come before the cards').
    page.wait_for_function(
        r"""(want) => [...document.querySelectorAll('h3')].some(h =>
               h.textContent.replace(/\u2060/g, '').replace(/\0/g, '\ufffd').replace(/\s+/g, ' ').trim()
               === want)""",
        arg=shown(outlet),
        timeout=30_000,
    )
    headings = [text_of(h) for h in page.get_by_role("heading", level=3).all()]
    assert shown(outlet) in headings
    note = planted.fields[(paths.SOURCES, "cbn", "note")]
    assert shown(note) in text_of(page.locator('[data-testid="stMain"]')), "a source's note, as written"
    assert PIECES["markdown"] in text_of(page.locator('[data-testid="stMain"]'))
    screenshot(page, f"planted-sources-{lang}", whole_page=True)
    watched.assert_nothing_ran(f"sources ({lang})")
    watched.context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_exported_pack_from_file(browser, planted, tmp_path, lang):
    out = tmp_path / f"pack-{lang}.html"
    assert cli.main(["export", "--out", str(out), "--lang", lang, "--data", str(planted.data_dir)]) == 0
    tr = strings(lang, planted.data_dir / "i18n")
    watched = Watched(browser)
    page = watched.page
    page.goto(out.as_uri())
    expect(page.locator("path.route-segment").first).to_be_attached(timeout=30_000)
    assert shown(page.title()) == shown(tr("pack.title"))
    assert text_of(page.locator("#next")) == shown(tr("pack.next"))
    # Step through the show as a clicker would: every chapter's title and text (a long one over two
    # steps) as written. The slides' map has no popups; its legs' titles are in their tooltips' data.
    titles, texts = [], []
    for _ in range(40):
        titles.append(text_of(page.locator("#slide-title")))
        texts.append(text_of(page.locator("#slide-text")))
        page.keyboard.press("ArrowRight")  # the pack changes slides at once, in the key's handler
    chapters = [r for (f, r, field) in planted.fields if (f, field) == (paths.TOUR, "title")]
    for chapter in chapters:
        title = tr.get(f"tour.{chapter}.title") or planted.fields[(paths.TOUR, chapter, "title")]
        assert shown(title) in titles, f"chapter {chapter}'s title, as written"
        text = tr.get(f"tour.{chapter}.text") or planted.fields[(paths.TOUR, chapter, "text")]
        marker = MARKER.search(text).group(0)
        assert any(marker in t for t in texts), f"chapter {chapter}'s text, to its end"
    whole = " ".join(texts)
    assert PIECES["markdown"] in whole, "Markdown shown as written"
    screenshot(page, f"planted-pack-{lang}")
    watched.assert_nothing_ran(f"pack ({lang})")
    watched.context.close()
