"""The Route Map as a story map, measured in a real offline Chromium (issue 14).

Sizes and positions come from the DOM and from Leaflet, not from looking: where
the map starts on the first screen, which labels are on it without hovering, how
large a chosen leg is on screen against the whole-route view, the player reaching
the last leg, and what viewers never see.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from geo import paths
from harness.browser import (
    MAP_FRAME,
    map_frame,
    offline_context,
    screenshot,
    wait_settled,
    wait_until_idle,
    watch_console,
)
from harness.server import start_app, stop_app

pytestmark = pytest.mark.browser

KEY_PLACES = ["Changbai mountain area", "Kunming / Yunnan", "Golden Triangle (Mekong)", "Bangkok", "Seoul"]


def open_map(browser, url: str, width: int, height: int, address: str = "/"):
    context, watch = offline_context(browser, viewport={"width": width, "height": height})
    page = context.new_page()
    watch_console(page, watch)
    page.watch = watch
    go_to_map(page, url, address)
    return context, page


def go_to_map(page, url: str, address: str) -> None:
    """Navigate ``page`` to ``address`` and wait until the map there is drawn and settled."""
    page.goto(url + address, wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.route-segment").first).to_be_attached(timeout=30_000)
    wait_until_idle(page)
    # The map fits the view it was asked for once its frame has its size.
    wait_settled(map_frame(page), parse_qs(urlsplit(address).query).get("segment", [None])[0])


def leg_box(page, segment_id: str) -> dict:
    """The on-screen box of a leg's drawn line, in the map frame's pixels."""
    return map_frame(page).evaluate(
        """(id) => { const r = document.querySelector('path.route-segment.seg-' + id).getBoundingClientRect();
                     return {x: r.x, y: r.y, w: r.width, h: r.height}; }""",
        segment_id,
    )


@pytest.mark.parametrize(("width", "height", "share"), [(1366, 768, 0.5), (390, 844, 0.6)])
def test_the_journey_comes_first(browser, app_server, width: int, height: int, share: float):
    context, page = open_map(browser, app_server.url, width, height)
    top = page.locator(MAP_FRAME).bounding_box()["y"]
    assert top < height * share, f"the map starts at {top:.0f} px of {height}"
    frame = map_frame(page)
    size = frame.evaluate("() => map_div.getSize()")
    # The whole route is on the map, and no visible label runs off its edge.
    boxes = """(selector) => [...document.querySelectorAll(selector)]
        .filter(e => getComputedStyle(e).visibility !== 'hidden')
        .map(e => { const r = e.getBoundingClientRect();
                    return [e.textContent, r.left, r.top, r.right, r.bottom]; })"""
    inside = lambda box, slack: (  # noqa: E731 - a one-line predicate read twice below
        box[1] >= -slack and box[2] >= -slack and box[3] <= size["x"] + slack and box[4] <= size["y"] + slack
    )
    assert all(inside(box, 2) for box in frame.evaluate(boxes, "path.route-segment")), (
        "the whole route is shown"
    )
    for box in frame.evaluate(boxes, ".rs-label"):
        assert inside(box, 0), f"{box[0]!r} is cut at the map's edge"
    screenshot(page, f"route-map-first-screen-{width}")
    assert page.watch.external == []
    context.close()


def test_key_places_are_named_on_the_map_without_hovering(browser, app_server):
    context, page = open_map(browser, app_server.url, 1366, 768)
    shown = map_frame(page).evaluate(
        """() => [...document.querySelectorAll('.rs-label')]
                 .filter(e => getComputedStyle(e).visibility === 'visible').map(e => e.textContent)"""
    )
    for name in KEY_PLACES:
        assert name in shown, f"{name} is not labelled"
    context.close()


#: Every visible place name's box, and how many points sampled along the drawn legs fall inside it.
LABELS_ON_LEGS = """(selector) => {
    const labels = [...document.querySelectorAll('.rs-label.rs-place')]
        .filter(e => getComputedStyle(e).visibility === 'visible')
        .map(e => ({text: e.textContent, r: e.getBoundingClientRect()}));
    const hits = [];
    for (const path of document.querySelectorAll(selector)) {
        const m = path.getScreenCTM(), length = path.getTotalLength();
        for (let d = 0; d <= length; d += 4) {
            const p = path.getPointAtLength(d);
            const x = m.a * p.x + m.c * p.y + m.e, y = m.b * p.x + m.d * p.y + m.f;
            for (const {text, r} of labels) {
                if (x > r.left && x < r.right && y > r.top && y < r.bottom) { hits.push(text); }
            }
        }
    }
    return {labels: labels.map(l => l.text), hits: [...new Set(hits)]};
}"""


def test_place_names_keep_off_the_legs(browser, app_server):
    """A name written over a leg reads as neither: measured on the whole route and on a chosen leg."""
    for address in ("/", "/?segment=laos-jungle"):
        context, page = open_map(browser, app_server.url, 1366, 768, address)
        found = map_frame(page).evaluate(LABELS_ON_LEGS, "path.route-segment")
        assert not found["hits"], f"{address}: names over a leg: {found['hits']}"
        if "segment" in address:
            assert {"Vietnam–Laos border jungle", "Northern Laos"} <= set(found["labels"]), found["labels"]
        context.close()


#: Each visible country name: its text, how far its own point lies outside the map (px), its half size.
COUNTRY_NAMES = """() => {
    const map = document.querySelector('.leaflet-container').getBoundingClientRect();
    return [...document.querySelectorAll('.rs-label.rs-country')]
        .filter(e => getComputedStyle(e).visibility === 'visible')
        .map(e => { const a = e.parentElement.getBoundingClientRect(), r = e.getBoundingClientRect();
            const out = Math.max(
                map.left - a.left, a.left - map.right, map.top - a.top, a.top - map.bottom, 0);
            return [e.textContent, out, Math.max(r.width, r.height) / 2]; });
}"""


def test_a_country_is_named_only_where_it_is(browser, app_server):
    """Zoomed in on the first leg, in North Korea, no name is dragged in from a country far off the map."""
    context, page = open_map(browser, app_server.url, 390, 844, "/?segment=nk-to-china")
    names = map_frame(page).evaluate(COUNTRY_NAMES)
    for text, out, half in names:
        assert out <= half, f"{text!r} is named {out:.0f} px from its own place"
    assert "South Korea" not in [n[0] for n in names]
    context.close()


def test_choosing_a_leg_flies_to_it_and_whole_route_flies_back(browser, app_server):
    context, page = open_map(browser, app_server.url, 1366, 768)
    whole = leg_box(page, "laos-jungle")
    page.get_by_label("Leg of the route").click()
    page.get_by_role("option", name="6. Night trek through the jungle into Laos").click()
    expect(page.get_by_role("heading", name="6. Night trek through the jungle into Laos")).to_be_visible()
    wait_settled(map_frame(page), "laos-jungle")  # the flight to the leg
    chosen = leg_box(page, "laos-jungle")
    growth = max(chosen["w"], chosen["h"]) / max(whole["w"], whole["h"])
    assert growth >= 3, f"the chosen leg is only {growth:.1f}× larger on screen"
    frame = map_frame(page)
    assert frame.evaluate("() => document.querySelectorAll('path.route-selected').length") == 1
    assert frame.evaluate("() => map_div.getContainer().dataset.selectedLeg") == "laos-jungle"
    screenshot(page, "route-map-leg-1366")
    page.get_by_label("Leg of the route").click()
    page.get_by_role("option", name=re.compile("^Whole route")).click()
    wait_settled(map_frame(page), None)
    back = leg_box(page, "laos-jungle")
    assert abs(back["w"] - whole["w"]) < whole["w"] * 0.5, "the whole route is shown again"
    assert frame.evaluate("() => document.querySelectorAll('path.route-selected').length") == 0
    context.close()


def test_play_walks_the_legs_to_the_last_and_stops(browser, app_server):
    context, page = open_map(browser, app_server.url, 1366, 768, "/?segment=thailand-bangkok")
    page.get_by_role("button", name="Play the journey").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("heading", name="10. Flight to Seoul")).to_be_visible(timeout=20_000)
    expect(page).to_have_url(re.compile(r"segment=flight-seoul"))
    expect(page.get_by_role("button", name="Play the journey")).to_be_visible(timeout=20_000)
    assert map_frame(page).evaluate("() => map_div.getContainer().dataset.selectedLeg") == "flight-seoul"
    context.close()


def test_a_broken_file_on_disk_shows_viewers_nothing_of_it(browser, data_dir: Path):
    server = start_app(data_dir)
    try:
        context, page = open_map(browser, server.url, 1366, 768)
        route = data_dir / paths.ROUTE
        obj = json.loads(route.read_text(encoding="utf-8"))
        obj["features"][5]["properties"]["country"] = "Loas"
        route.write_text(json.dumps(obj), encoding="utf-8")
        page.reload(wait_until="domcontentloaded")
        expect(page.frame_locator(MAP_FRAME).locator("path.route-segment").first).to_be_attached(
            timeout=30_000
        )
        wait_until_idle(page)
        text = page.locator("body").inner_text()
        for wording in ("maintainer", "errors", "Loas", "validate", "data files"):
            assert wording not in text, f"viewers see {wording!r}"
        context.close()
    finally:
        stop_app(server)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844), (1920, 1080)])
def test_screenshots_whole_route_and_a_leg(browser, app_server, width: int, height: int, lang: str):
    query = "?lang=ko" if lang == "ko" else ""
    context, page = open_map(browser, app_server.url, width, height, f"/{query}")
    for name in ("whole", "leg"):
        if name == "leg":  # the same tab opens the leg's deep link: a second visit, its bundle cached
            go_to_map(page, app_server.url, f"/?segment=laos-jungle{'&lang=ko' if query else ''}")
        if lang == "ko":
            # Every paragraph and label, not only the frame (Streamlit's own rule for p broke 갈렙선교회/의).
            breaks = page.evaluate(
                """() => [...document.querySelectorAll('.stApp p, [data-testid="stMetricLabel"] *')]
                    .filter(el => el.textContent.trim())
                    .map(el => getComputedStyle(el).wordBreak)"""
            )
            assert breaks, "the page has text"
            assert set(breaks) == {"keep-all"}, f"Korean never breaks inside a word: {set(breaks)}"
        screenshot(page, f"route-{name}-{lang}-{width}x{height}")
    context.close()
