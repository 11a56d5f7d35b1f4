"""The Presenter page and the screening pack in a real, offline Chromium: the page as a projector shows it.

The pack's own tests are in ``test_pack_browser.py``; here the app: every chapter fits at the venues'
screen sizes in both languages, the projector theme inside the map's frame, the kit (controls that hide,
blackout, presenter view, QR code, reduced motion) and the cost chapter.
"""

from __future__ import annotations

import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from geo.data import load_dataset
from geo.export.check import only_the_file
from geo.export.pack import write_pack
from geo.story.i18n import strings, translate_dataset
from geo.story.tour import chapters
from harness.browser import (
    map_frame,
    offline_context,
    screenshot,
    wait_settled,
    wait_until_idle,
    watch_console,
)
from tests.browser import slides
from tests.program_text import program_text

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
SIZES = {"1920x1080": (1920, 1080), "1280x720": (1280, 720), "1024x768": (1024, 768)}
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def tour():
    return chapters(load_dataset(), strings("en"))


def open_presenter(browser, app_server, address: str = "chapter=1", viewport=PROJECTOR):
    context, watch = offline_context(browser, viewport=viewport)
    page = context.new_page()
    watch_console(page, watch)
    page.watch = watch
    page.goto(f"{app_server.url}/presenter?{address}", wait_until="domcontentloaded")
    expect(page.frame_locator(MAP_FRAME).locator("path.route-segment").first).to_be_attached(timeout=30_000)
    expect(page.locator("#slide-title")).to_be_visible(timeout=15_000)
    return context, page


def fitted(page) -> None:
    """Wait until the kit has fitted the chapter to this size (it refits on every redraw and resize)."""
    size = page.viewport_size
    panel = page.locator("#slide-panel")
    expect(panel).to_have_attribute("data-fitted-at", f"{size['width']}x{size['height']}")
    expect(panel).to_have_attribute("data-fits", "true")


def expect_title(page, title: str) -> None:
    """The chapter's title, once Streamlit has dropped the previous chapter's (a rerun keeps the old
    elements until the new ones are drawn, so for a moment there are two)."""
    expect(page.locator("h1#slide-title", has_text=title)).to_be_visible(timeout=15_000)
    expect(page.locator("h1#slide-title")).to_have_count(1, timeout=15_000)
    expect(page.locator("h1#slide-title")).to_have_text(title)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_arrow_keys_step_through_every_chapter_and_each_fits_at_three_screen_sizes(browser, app_server, lang):
    """Every chapter, stepped through with the keys a clicker sends, at 1920x1080, 1280x720 and 1024x768:
    nothing clipped or off screen, no program text; the map shows the chapter's leg."""
    tr = strings(lang)
    tour = chapters(translate_dataset(load_dataset(), tr), tr)
    context, page = open_presenter(browser, app_server, f"chapter=1&lang={lang}")
    frame = page.frame_locator(MAP_FRAME)
    found = []
    for chapter in tour:
        expect_title(page, chapter.title)
        expect(page.locator(".slide-progress")).to_have_text(chapter.progress)
        expect(page).to_have_url(re.compile(rf"chapter={chapter.number}\b"))
        legs = 1 if chapter.segment_id else 0
        expect(frame.locator("path.route-selected")).to_have_count(legs, timeout=10_000)
        expect(frame.locator("#map_div")).to_have_attribute("data-selected-leg", chapter.segment_id or "")
        wait_until_idle(page)
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            fitted(page)
            where = f"{lang} {size} chapter {chapter.number}"
            found += [f"{where}: {p}" for p in slides.problems(page)]
            found += [f"{where}: program text {t!r}" for t in program_text(slides.visible_text(page))]
            if chapter.number in (1, 5) and size != "1280x720":
                wait_settled(map_frame(page), chapter.segment_id)
                screenshot(page, f"presenter-{lang}-{size}-{chapter.number:02d}")
        page.set_viewport_size(PROJECTOR)
        page.keyboard.press("ArrowRight" if chapter.number % 2 else "PageDown")
    expect(page).to_have_url(re.compile(rf"chapter={len(tour)}\b"))  # no chapter past the end
    page.keyboard.press("PageUp")
    expect_title(page, tour[-2].title)
    assert found == []
    assert page.watch.external == []
    assert page.watch.console_errors == []
    context.close()


def test_projector_theme_in_the_map_frame(browser, app_server):
    context, page = open_presenter(browser, app_server)
    frame = page.frame_locator(MAP_FRAME)
    wait_settled(map_frame(page))
    sizes = frame.locator(".rs-label").evaluate_all(
        """els => els.filter(el => getComputedStyle(el).visibility === 'visible')
                   .map(el => parseFloat(getComputedStyle(el).fontSize))"""
    )
    assert len(sizes) >= 5
    assert min(sizes) >= 24, f"map labels at 1920x1080: {sizes}"
    legend = frame.locator(".route-legend, .route-legend li").evaluate_all(
        "els => els.map(el => parseFloat(getComputedStyle(el).fontSize))"
    )
    assert min(legend) >= 24, f"legend at 1920x1080: {legend}"
    for control in ("zoom", "layers", "scale", "attribution"):
        expect(frame.locator(f".leaflet-control-{control}")).to_have_count(0)
    box = page.locator(".slide-progress").bounding_box()
    assert box["x"] + box["width"] >= 1920 * 0.96, "the counter sits in the top right corner"
    assert box["y"] <= 1080 * 0.04
    frame_box = page.locator(MAP_FRAME).bounding_box()
    assert frame_box["width"] == 1920, "the map spans the screen"
    assert frame_box["y"] == 0
    context.close()


def test_controls_hide_after_two_seconds_and_come_back(browser, app_server):
    context, page = open_presenter(browser, app_server)
    controls = page.locator(".st-key-presenter_controls")
    page.mouse.move(600, 900)
    expect(controls).to_be_visible()
    expect(controls).to_be_hidden(timeout=4_000)
    page.mouse.move(620, 920)
    expect(controls).to_be_visible()
    context.close()


def test_blackout_with_b_and_full_stop(browser, app_server):
    context, page = open_presenter(browser, app_server)
    page.locator("#slide-panel").click()  # the keys go to the page, not into the map
    blackout = page.locator("#presenter-blackout")
    for key in ("b", "."):
        page.keyboard.press(key)
        expect(blackout).to_be_visible()
        assert blackout.bounding_box() == {"x": 0, "y": 0, "width": 1920, "height": 1080}
        screenshot(page, "presenter-blackout")
        page.keyboard.press(key)
        expect(blackout).to_have_count(0)
    context.close()


def test_presenter_view_follows_the_show(browser, app_server, tour):
    context, page = open_presenter(browser, app_server)
    page.locator("#slide-panel").click()
    with context.expect_page() as opened:
        page.keyboard.press("p")
    view = opened.value
    view.wait_for_load_state("domcontentloaded")
    now = view.locator(".st-key-pv_now h3")
    expect(now).to_have_text(f"{tour[0].progress} · {tour[0].title}", timeout=30_000)
    expect(view.locator(".st-key-pv_next h3")).to_have_text(f"{tour[1].progress} · {tour[1].title}")
    expect(view.locator(".st-key-pv_notes")).to_contain_text(tour[0].notes[:60])
    expect(view.locator(".st-key-pv_timer")).to_contain_text(re.compile(r"\d+:\d\d"))
    page.bring_to_front()
    page.keyboard.press("ArrowRight")
    expect(now).to_have_text(f"{tour[1].progress} · {tour[1].title}", timeout=6_000)
    # Dark, as the pack's: a white window beside the screen would light up a dark room.
    background, text = view.evaluate(
        """() => [getComputedStyle(document.querySelector('.stApp')).backgroundColor,
                  getComputedStyle([...document.querySelectorAll('.st-key-pv_notes p')].pop()).color]"""
    )
    assert max(map(int, re.findall(r"\d+", background)[:3])) < 40, background
    assert min(map(int, re.findall(r"\d+", text)[:3])) > 200, text
    screenshot(view, "presenter-view")
    context.close()


def test_q_shows_the_audience_qr_code_of_the_audience_site(browser, app_server, tmp_path):
    context, page = open_presenter(browser, app_server)
    page.locator("#slide-panel").click()
    page.keyboard.press("q")
    code = page.locator(".sheet .qr-code img")
    expect(code).to_be_visible(timeout=10_000)
    wait_until_idle(page)
    code.screenshot(path=str(tmp_path / "qr.png"))
    screenshot(page, "presenter-qr")
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "qr.png"))] == [
        f"{app_server.url}/audience/"
    ], "nothing configured: the audience site beside the app"
    screenshot(page, "presenter-qr")
    page.keyboard.press("q")
    expect(code).to_have_count(0)
    context.close()


def test_cost_chapter_shows_the_chart_without_a_key(browser, app_server, tour):
    cost = next(c for c in tour if c.show_chart)
    context, page = open_presenter(browser, app_server, f"chapter={cost.number}")
    chart = page.locator(".slide-chart img")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] >= 1920 * 0.9
    assert box["height"] >= 1080 * 0.5, "full size: it takes the map's place"
    screenshot(page, "presenter-cost-chart")
    context.close()


def test_reduced_motion_toggle(browser, app_server):
    context, page = open_presenter(browser, app_server, "chapter=3")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("#map_div")).to_have_attribute("data-reduced-motion", "false")
    # As a presenter does: the pointer goes to the toggle and presses it. The move itself brings the
    # controls back (they hide 2 s after the mouse stops, which a slow machine can outlast between a
    # separate move and a locator click), so press where the toggle is laid out, hidden or not.
    toggle = page.locator(".st-key-reduced_motion label").bounding_box()
    page.mouse.click(toggle["x"] + toggle["width"] / 2, toggle["y"] + toggle["height"] / 2)
    expect(frame.locator("#map_div")).to_have_attribute("data-reduced-motion", "true", timeout=10_000)
    expect(frame.locator("path.route-selected")).to_have_count(1)
    context.close()


def test_screening_pack_works_from_file_with_no_network(browser, tmp_path, tour):
    pack = write_pack(load_dataset(), tmp_path, strings("en"))
    context, watch = offline_context(browser, viewport=PROJECTOR)
    # Abort everything, even other local files: the pack must be entirely self-contained.
    context.unroute("**/*")
    requested = only_the_file(context, pack)
    page = context.new_page()
    watch_console(page, watch)
    page.goto(pack.as_uri())
    expect(page.locator("path.route-segment").first).to_be_attached(timeout=15_000)
    expect(page.locator("path.route-segment")).to_have_count(len(load_dataset().route))
    slides_total = len(tour) + 1  # and the credits
    for chapter in tour:
        expect(page.locator("#slide-title")).to_have_text(chapter.title)
        expect(page.locator("#progress")).to_have_text(f"{chapter.number} / {slides_total}")
        expect(page.locator("body")).to_have_attribute("data-segment", chapter.segment_id or "")
        page.keyboard.press("PageDown" if chapter.number % 2 else "Space")
    expect(page.locator("#credits-sheet")).to_be_visible()
    page.keyboard.press("Home")
    expect(page.locator("#slide-title")).to_have_text(tour[0].title)
    assert requested == [], f"the pack asked for something outside itself: {requested}"
    assert watch.console_errors == []
    context.close()
