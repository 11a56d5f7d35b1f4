"""A map that speaks (issue 28), in offline Chromium, in the app, the screening pack and the audience site,
English and Korean: a polite live region says in words what a choice shows (geo.story.speech), the legs
are stops for the keyboard (Tab reaches them, arrow keys move between them, Enter chooses one), focus is
visible, and a skip link leads past the map. Read through Playwright's accessibility (ARIA) snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from geo.data import load_dataset
from geo.export.site import translators_for, write_site
from geo.story.i18n import strings, translate_dataset
from geo.story.legs import leg_titles
from geo.story.speech import speech
from harness.browser import map_frame, offline_context, screenshot, wait_settled, watch_console
from tests.browser.test_accessibility import BLOCKING, axe_path, run_axe  # noqa: F401 (axe_path: a fixture)
from tests.browser.test_basemap_browser import chapter_of
from tests.browser.test_pack_browser import go, open_pack, packs  # noqa: F401 (packs: a fixture)
from tests.browser.test_route_map_story import open_map

pytestmark = pytest.mark.browser

LANGS = ["en", "ko"]
LIVE = ".leaflet-container .rs-live[role=status]"


def said(lang: str) -> dict[str, str]:
    tr = strings(lang)
    return speech(translate_dataset(load_dataset(), tr), tr)


def titles(lang: str) -> dict[str, str]:
    return leg_titles(translate_dataset(load_dataset(), strings(lang)))


def focused_leg(where) -> str:
    return where.evaluate(
        """() => { const el = document.activeElement;
                   const c = el && el.classList ? [...el.classList].find(c => c.startsWith('seg-')) : null;
                   return c ? c.slice(4) : ''; }"""
    )


def focus_ring(where) -> str:
    return where.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("speaking-site") / "site"
    write_site(load_dataset(), out, translators_for(LANGS))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_the_pack_says_each_chapters_leg_and_its_legs_take_the_keyboard(browser, packs, lang):  # noqa: F811
    context, page = open_pack(browser, packs[lang])
    go(page, chapter_of("mekong-crossing", lang))
    wait_settled(page, "mekong-crossing")
    expect(page.locator(LIVE)).to_have_text(said(lang)["mekong-crossing"])
    snapshot = page.locator(".leaflet-container").aria_snapshot()
    assert f'button "{titles(lang)["nk-to-china"]}"' in snapshot, snapshot[:400]
    assert said(lang)["mekong-crossing"][:40] in snapshot
    # The first Tab is the skip link; following it lands on the chapter.
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#slide-panel")).to_be_focused()
    # A leg with focus: the arrows go through the legs, not to the next slide.
    page.locator("path.route-segment.seg-nk-to-china").focus()
    slide = page.evaluate("() => packShow.state.index")
    page.keyboard.press("ArrowRight")
    assert focused_leg(page) == "china-changbai"
    assert page.evaluate("() => packShow.state.index") == slide
    page.keyboard.press("End")
    assert focused_leg(page) == "flight-seoul"
    assert focus_ring(page) == "solid", "a focused leg shows a ring"
    assert page.requested == []
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_site_is_used_by_keyboard_alone_and_says_what_it_shows(browser, site, lang):
    context, watch = offline_context(browser, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    watch_console(page, watch)
    page.goto((site / ("ko/index.html" if lang == "ko" else "index.html")).as_uri())
    wait_settled(page, None)
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    for _ in range(30):  # Tab on from the skip link until a leg of the map has the focus
        page.keyboard.press("Tab")
        if focused_leg(page):
            break
    assert focused_leg(page) == "nk-to-china", "the first leg is the map's first keyboard stop"
    assert focus_ring(page) == "solid"
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    assert focused_leg(page) == "mekong-crossing"
    page.keyboard.press("Enter")
    shown = page.locator("#story .panel:not([hidden]) .panel-title")
    expect(shown).to_have_text(titles(lang)["mekong-crossing"])
    wait_settled(page, "mekong-crossing")
    expect(page.locator(LIVE)).to_have_text(said(lang)["mekong-crossing"])
    screenshot(page, f"speaks-site-{lang}")
    assert watch.external == []
    assert watch.console_errors == []
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_app_map_takes_the_keyboard_and_says_the_chosen_leg(browser, app_server, lang):
    address = "/?lang=ko" if lang == "ko" else "/"
    context, page = open_map(browser, app_server.url, 1366, 768, address)
    skip = page.locator("a.skip-link")
    expect(skip).to_have_attribute("href", "#route-as-text")
    expect(page.locator("#route-as-text")).to_have_count(1)
    frame = map_frame(page)
    frame.locator("path.route-segment.seg-nk-to-china").focus()
    page.keyboard.press("ArrowRight")
    assert focused_leg(frame) == "china-changbai"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=titles(lang)["china-changbai"])).to_be_visible(timeout=15_000)
    wait_settled(frame, "china-changbai")
    expect(frame.locator(LIVE)).to_have_text(said(lang)["china-changbai"])
    snapshot = frame.locator("#map_div").aria_snapshot()
    assert f'button "{titles(lang)["laos-jungle"]}"' in snapshot
    assert page.watch.external == []
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_pack_with_its_speaking_map_has_no_serious_axe_violation(browser, packs, axe_path, lang):  # noqa: F811
    context, page = open_pack(browser, packs[lang])
    go(page, chapter_of("laos-jungle", lang))
    wait_settled(page, "laos-jungle")
    violations = [v for v in run_axe(page, axe_path) if v["impact"] in BLOCKING]
    assert violations == [], violations
    context.close()
