"""The Route Map page in a real, offline Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import click_leg, map_frame, screenshot, wait_settled

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def open_route_map(page, url: str, query: str = ""):
    page.goto(f"{url}/{query}", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.route-segment").first).to_be_attached(timeout=30_000)
    return frame


def show_whole_map(page) -> None:
    """Scroll so the whole map is on screen, as a viewer would before clicking.

    (Chrome scrolls a partly hidden iframe into view when it is clicked, which
    moves the map between mouse-down and mouse-up.)
    """
    page.locator(MAP_FRAME).evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")


def test_map_draws_offline_with_every_segment_and_outline(offline_page, app_server, data):
    frame = open_route_map(offline_page, app_server.url)
    expect(frame.locator("path.route-segment")).to_have_count(len(data.route))
    expect(frame.locator("path.country-outline")).to_have_count(len(data.countries))
    for segment_id in data.route["id"]:
        expect(frame.locator(f"path.seg-{segment_id}")).to_have_count(1)
    expect(frame.locator(".route-legend")).to_be_visible()
    expect(frame.locator(".leaflet-control-scale")).to_be_visible()
    wait_settled(map_frame(offline_page))
    screenshot(offline_page, "route-map-1366", whole_page=True)
    assert offline_page.watch.external == [], "the map asked the internet for something"
    assert offline_page.watch.console_errors == []


def test_clicking_a_segment_shows_its_quotes(offline_page, app_server, data):
    frame = open_route_map(offline_page, app_server.url)
    show_whole_map(offline_page)
    click_leg(offline_page, "laos-jungle")
    expect(offline_page).to_have_url(re.compile(r"segment=laos-jungle"), timeout=15_000)
    title = data.segment("laos-jungle")["title"]
    expect(offline_page.get_by_role("heading", name=re.compile(re.escape(title)))).to_be_visible()
    tied = data.quotes_for("laos-jungle").iloc[0]["text"]
    panel = offline_page.locator('[data-testid="stColumn"]').filter(has_text="What was said about this leg")
    expect(panel.get_by_text(tied[:40], exact=False)).to_be_visible()
    expect(frame.locator("path.route-selected")).to_have_count(1, timeout=10_000)
    wait_settled(map_frame(offline_page), "laos-jungle")  # the flight ends before the picture is taken
    # The popup the click opened is whole inside the map after the flight (it rode past the top before).
    popup, box = (
        frame.locator(".leaflet-popup").bounding_box(),
        offline_page.locator(MAP_FRAME).bounding_box(),
    )
    assert popup["y"] >= box["y"] - 1, "the popup's title is cut at the map's top edge"
    assert popup["y"] + popup["height"] <= box["y"] + box["height"] + 1
    # A mouse click draws no focus box around the leg (keyboard focus still shows a ring).
    assert (
        frame.locator("path.seg-laos-jungle.leaflet-interactive").evaluate(
            "el => getComputedStyle(el).outlineStyle"
        )
        == "none"
    )
    screenshot(offline_page, "route-map-selected", whole_page=True)
    assert offline_page.watch.external == []
    assert offline_page.watch.console_errors == []


def test_link_opens_the_selected_segment(offline_page, app_server, data):
    open_route_map(offline_page, app_server.url, "?segment=flight-seoul")
    title = data.segment("flight-seoul")["title"]
    expect(offline_page.get_by_role("heading", name=re.compile(re.escape(title)))).to_be_visible(
        timeout=15_000
    )


def test_phone_width_layout(browser, app_server):
    from harness.browser import offline_context

    context, watch = offline_context(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    open_route_map(page, app_server.url)
    wait_settled(map_frame(page))
    screenshot(page, "route-map-390", whole_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page scrolls sideways on a phone ({width}px wide)"
    assert watch.external == []
    context.close()
