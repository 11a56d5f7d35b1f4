"""The screening pack as a presenter meets it in a venue: offline Chromium, from file://, at the screen
sizes venues have, in English and Korean. Nothing leaks, nothing clips; the projector theme; the kit
(blackout, presenter view, QR code, venue check)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from geo import paths
from geo.data import load_dataset
from geo.export.check import only_the_file
from geo.export.film import film_name
from geo.export.film.encode import encode_mp4
from geo.export.pack import write_pack
from geo.story.i18n import strings
from geo.story.tour import chapters
from harness.browser import screenshot, wait_settled, watch_console
from tests.browser import slides
from tests.program_text import program_text

pytestmark = pytest.mark.browser

AUDIENCE = "https://screening.example.org/audience/"
LANGS = ("en", "ko")
SIZES = {"1920x1080": (1920, 1080), "1280x720": (1280, 720), "1024x768": (1024, 768)}


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("packs")
    data = load_dataset()
    return {
        lang: write_pack(data, out / f"{lang}.html", strings(lang), audience_url=AUDIENCE) for lang in LANGS
    }


def open_pack(browser, pack: Path, size=(1920, 1080), address: str = "?motion=reduce"):
    """The pack from file://, with every other request aborted and recorded."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    requested = only_the_file(context, pack)
    page = context.new_page()
    page.requested = requested
    page.errors = type("W", (), {"console_errors": [], "external": []})()
    watch_console(page, page.errors)
    page.goto(pack.as_uri() + address)
    expect(page.locator("path.route-segment").first).to_be_attached(timeout=15_000)
    wait_settled(page)  # the first chapter's view, labels placed once the fonts are in
    return context, page


def slide_count(page) -> int:
    return page.evaluate("() => JSON.parse(document.getElementById('pack-data').textContent).slides.length")


def go(page, index: int, part: int = 0) -> None:
    page.evaluate("([i, p]) => packShow.show(i, p)", [index, part])


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", list(SIZES))
def test_every_slide_fits_and_shows_no_program_text(browser, packs, lang, size):
    context, page = open_pack(browser, packs[lang], SIZES[size])
    found = []
    for index in range(slide_count(page)):
        go(page, index)
        parts = [0, 1] if page.evaluate("(i) => packShow.state.split[i]", index) else [0]
        for part in parts:
            go(page, index, part)
            where = f"{lang} {size} slide {index + 1}.{part}"
            found += [f"{where}: {p}" for p in slides.problems(page)]
            found += [f"{where}: program text {t!r}" for t in program_text(slides.visible_text(page))]
    go(page, 0)
    sources = page.locator("#slide-panel #slide-sources").inner_text()
    prefix = strings(lang)("presenter.sources", sources="")
    assert sources.startswith(prefix), f"the chapter's sources line: {sources}"
    assert len(sources) > len(prefix), f"the chapter names its sources: {sources}"
    if size in ("1920x1080", "1024x768"):
        for number in (1, 5, 10):
            go(page, number - 1)
            wait_settled(page)
            screenshot(page, f"pack-{lang}-{size}-{number:02d}")
    assert found == []
    assert page.requested == []
    assert page.errors.console_errors == []
    context.close()


def test_projector_theme_reads_from_the_back_row(browser, packs):
    context, page = open_pack(browser, packs["en"])
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.rs-label')]
              .filter(el => getComputedStyle(el).visibility === 'visible')
              .map(el => parseFloat(getComputedStyle(el).fontSize))"""
    )
    assert len(sizes) >= 5, "the key places and the countries are named on the map"
    assert min(sizes) >= 24, f"map labels at 1920x1080: {sizes}"
    legend = page.evaluate(
        """() => [...document.querySelectorAll('.route-legend, .route-legend summary, .route-legend li')]
              .map(el => parseFloat(getComputedStyle(el).fontSize))"""
    )
    assert legend
    assert min(legend) >= 24, f"legend at 1920x1080: {legend}"
    for control in ("zoom", "layers", "scale", "attribution"):
        expect(page.locator(f".leaflet-control-{control}")).to_have_count(0)
    box = page.locator("#progress").bounding_box()
    assert box["x"] + box["width"] >= 1920 * 0.96, "the counter sits in the top right corner"
    assert box["y"] <= 1080 * 0.04
    context.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", [(1024, 768), (1280, 720), (1920, 1080)])
def test_the_controls_are_one_row_clear_of_the_counter(browser, packs, lang, size):
    context, page = open_pack(browser, packs[lang], size)
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('#controls button')]
                 .map(b => b.getBoundingClientRect().toJSON())""",
    )
    rows = {round(b["top"]) for b in boxes}
    assert len(rows) == 1, f"the controls wrap to {len(rows)} rows at {size}"
    right = max(b["right"] for b in boxes)
    counter = page.locator("#progress").bounding_box()
    assert right < counter["x"], "the last button ends before the counter starts"
    context.close()


def test_controls_hide_after_two_seconds_and_come_back_on_mouse_move(browser, packs):
    context, page = open_pack(browser, packs["en"])
    controls = page.locator("#controls")
    page.mouse.move(400, 300)
    expect(controls).to_be_visible()
    expect(controls).to_be_hidden(timeout=4_000)
    page.keyboard.press("ArrowRight")  # a clicker's press is not a mouse: the controls stay away
    page.wait_for_timeout(300)
    expect(controls).to_be_hidden()
    page.mouse.move(420, 320)
    expect(controls).to_be_visible()
    context.close()


def test_blackout_with_b_and_full_stop(browser, packs):
    context, page = open_pack(browser, packs["en"])
    blackout = page.locator("#blackout")
    expect(blackout).to_be_hidden()
    for key in ("b", "."):
        page.keyboard.press(key)
        expect(blackout).to_be_visible()
        assert blackout.bounding_box() == {"x": 0, "y": 0, "width": 1920, "height": 1080}
        colour = page.evaluate("() => getComputedStyle(document.getElementById('blackout')).backgroundColor")
        assert colour == "rgb(0, 0, 0)"
        page.keyboard.press(key)
        expect(blackout).to_be_hidden()
    context.close()


def test_presenter_view_follows_the_show_and_drives_it(browser, packs):
    tour = chapters(load_dataset(), strings("en"))
    context, page = open_pack(browser, packs["en"])
    with context.expect_page() as popup:
        page.keyboard.press("p")
    view = popup.value
    view.wait_for_load_state()
    expect(view.locator("#pv-now-title")).to_have_text(tour[0].title, timeout=10_000)
    expect(view.locator("#pv-next-title")).to_have_text(tour[1].title)
    expect(view.locator("#pv-notes")).to_have_text(tour[0].notes)
    expect(view.locator("#pv-timer")).to_have_text(re.compile(r"^\d+:\d\d$"))
    expect(view.locator(".folium-map")).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(view.locator("#pv-now-title")).to_have_text(tour[1].title)
    expect(view.locator("#pv-notes")).to_have_text(tour[1].notes)
    view.keyboard.press("ArrowRight")  # the laptop's keys move the show too
    expect(page.locator("#slide-title")).to_have_text(tour[2].title)
    expect(view.locator("#pv-now-title")).to_have_text(tour[2].title)
    view.keyboard.press("b")
    expect(page.locator("#blackout")).to_be_visible()
    screenshot(view, "pack-presenter-view")
    context.close()


def decode(png: Path) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(png))]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_audience_qr_code_decodes_to_the_configured_address(browser, packs, lang, tmp_path):
    context, page = open_pack(browser, packs[lang])
    go(page, slide_count(page) - 2)  # the QR slide comes before the credits
    expect(page.locator("#qr-sheet")).to_be_visible()
    expect(page.locator("#qr-url")).to_have_text(AUDIENCE)
    page.locator("#qr-code").screenshot(path=str(tmp_path / "qr.png"))
    assert decode(tmp_path / "qr.png") == [AUDIENCE]
    go(page, 0)
    expect(page.locator("#qr-sheet")).to_be_hidden()
    page.keyboard.press("q")
    expect(page.locator("#qr-sheet")).to_be_visible()
    screenshot(page, f"pack-{lang}-qr")
    page.keyboard.press("Escape")
    expect(page.locator("#qr-sheet")).to_be_hidden()
    context.close()


def test_a_pack_without_an_audience_address_has_no_qr_slide_and_says_so(browser, tmp_path):
    pack = write_pack(load_dataset(), tmp_path, strings("en"))
    context, page = open_pack(browser, pack)
    tour = chapters(load_dataset(), strings("en"))
    assert slide_count(page) == len(tour) + 1, "the tour and the credits"
    page.keyboard.press("q")
    expect(page.locator("#qr-sheet")).to_be_visible()
    expect(page.locator("#qr-hint")).to_have_text(strings("en")("slides.qr_none"))
    expect(page.locator("#qr-code")).to_have_count(0)
    assert slides.problems(page) == []
    context.close()


def test_cost_chapter_shows_the_chart_without_a_key(browser, packs):
    tour = chapters(load_dataset(), strings("en"))
    cost = next(c for c in tour if c.show_chart)
    context, page = open_pack(browser, packs["en"])
    chart = page.locator("#chart")
    expect(chart).to_be_hidden()
    go(page, cost.number - 1)
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] >= 1900
    assert box["height"] >= 1080 * 0.55, "full size: the chart takes the map's place"
    background = page.evaluate("() => getComputedStyle(document.getElementById('chart')).backgroundColor")
    assert background == "rgb(5, 5, 5)", "dark, no white box"
    labels = page.locator("#chart svg text")
    assert labels.count() > 5
    screenshot(page, "pack-en-cost-chart")
    context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_venue_check_reports_no_problems(browser, packs, lang):
    context, page = open_pack(browser, packs[lang], (1024, 768), address="#check")
    page.wait_for_selector("html[data-check]", state="attached", timeout=15_000)
    report = page.evaluate("() => window.packCheck")
    assert report["problems"] == []
    assert page.locator("html").get_attribute("data-check") == "pass"
    expect(page.locator("#check-report")).to_be_visible()
    facts = dict(report["facts"])
    assert "1024" in facts[strings(lang)("pack.check_window")]
    screenshot(page, f"pack-{lang}-check")
    context.close()


def test_a_long_chapter_scales_down_or_continues_on_a_second_step(browser, data_dir: Path, tmp_path):
    """The longest text and quote the schema allows: never cut, at the smallest screen."""
    text = (data_dir / paths.TOUR).read_text(encoding="utf-8")
    long_text = " ".join(["The family walked on through the night."] * 8)[:320]
    text = text.replace(
        "Between Vietnam and Laos the family hurried through the jungle at night, led by brokers.", long_text
    )
    (data_dir / paths.TOUR).write_text(text, encoding="utf-8")
    quotes = (data_dir / paths.QUOTES).read_text(encoding="utf-8")
    long_quote = " ".join(["they didn't quite have an understanding of what was happening"] * 10)[:600]
    original = load_dataset().quote("kim-children-jungle")["text"].replace('"', '""')
    quotes = quotes.replace(original, long_quote)
    (data_dir / paths.QUOTES).write_text(quotes, encoding="utf-8")
    pack = write_pack(load_dataset(data_dir), tmp_path, strings("en"))
    context, page = open_pack(browser, pack, (1024, 768))
    go(page, 4)
    assert page.evaluate("() => packShow.state.split[4]"), "too long for one step at 1024x768: two steps"
    assert slides.problems(page) == []
    expect(page.locator("#slide-quote")).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(page.locator("body")).to_have_attribute("data-part", "1")
    expect(page.locator("#slide-quote")).to_be_visible()
    assert slides.problems(page) == []
    screenshot(page, "pack-long-chapter-step-2")
    page.keyboard.press("ArrowRight")
    expect(page.locator("body")).to_have_attribute("data-slide", "6")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("body")).to_have_attribute("data-part", "1")
    context.close()


def test_each_chapter_flies_to_its_leg_and_draws_it(browser, packs):
    tour = chapters(load_dataset(), strings("en"))
    context, page = open_pack(browser, packs["en"], address="")
    for chapter in tour[:6]:
        go(page, chapter.number - 1)
        expect(page.locator(".folium-map")).to_have_attribute("data-selected-leg", chapter.segment_id or "")
        expect(page.locator("path.route-selected")).to_have_count(1 if chapter.segment_id else 0)
    assert page.evaluate("() => document.querySelector('.folium-map').dataset.reducedMotion") == "false"
    page.keyboard.press("m")
    assert page.evaluate("() => document.querySelector('.folium-map').dataset.reducedMotion") == "true"
    context.close()


def test_v_opens_the_film_beside_the_pack_in_its_language(browser, tmp_path):
    """The presenter's fallback: V opens ``geo video``'s default file name beside the pack, and the
    browser plays it (a short film of the encoder ``geo video`` uses)."""
    pack = write_pack(load_dataset(), tmp_path / "show.html", strings("ko"))
    film = tmp_path / film_name("ko")
    frames = [bytes([40 + i * 8]) * (1280 * 720 * 3) for i in range(24)]
    encode_mp4(iter(frames), film, 1280, 720, 24)
    context, page = open_pack(browser, pack)
    context.route(film.as_uri(), lambda route: route.continue_())  # the film, and still nothing else
    with context.expect_page() as popup:
        page.keyboard.press("v")
    view = popup.value
    assert view.url == film.as_uri()
    view.wait_for_function(
        "() => document.querySelector('video') && document.querySelector('video').videoWidth"
    )
    assert view.evaluate("() => document.querySelector('video').videoWidth") == 1280
    assert page.requested == []
    page.keyboard.press("h")
    expect(page.locator("#help-sheet")).to_contain_text(film.name)
    context.close()
