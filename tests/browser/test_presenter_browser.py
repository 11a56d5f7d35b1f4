"""Presenter mode and the offline screening pack in a real, offline Chromium at 1920×1080."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from geo.data import load_dataset
from geo.export.pack import write_pack
from geo.story.i18n import strings
from geo.story.tour import chapters
from harness.browser import offline_context, screenshot, watch_console

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def tour():
    return chapters(load_dataset(), strings("en"))


def test_arrow_keys_step_through_every_chapter(browser, app_server, tour):
    context, watch = offline_context(browser, viewport=PROJECTOR)
    page = context.new_page()
    watch_console(page, watch)
    page.goto(f"{app_server.url}/presenter?chapter=1", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.route-segment").first).to_be_attached(timeout=30_000)
    for chapter in tour:
        expect(page.get_by_role("heading", level=1)).to_have_text(chapter.title, timeout=15_000)
        expect(page.get_by_role("status")).to_have_text(chapter.progress)
        expect(page).to_have_url(re.compile(rf"chapter={chapter.number}\b"))
        highlighted = frame.locator("path.route-selected")
        expect(highlighted).to_have_count(1 if chapter.segment_id else 0, timeout=10_000)
        if chapter.number in (1, 5, len(tour)):
            page.wait_for_timeout(1200)
            screenshot(page, f"presenter-{chapter.number:02d}")
        page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(rf"chapter={len(tour)}\b"))  # no chapter past the end
    page.keyboard.press("PageUp")
    expect(page.get_by_role("heading", level=1)).to_have_text(tour[-2].title, timeout=15_000)
    assert watch.external == []
    assert watch.console_errors == []
    context.close()


def test_screening_pack_works_from_file_with_no_network(browser, tmp_path, tour):
    pack = write_pack(load_dataset(), tmp_path, strings("en"))
    context, watch = offline_context(browser, viewport=PROJECTOR)
    requested: list[str] = []
    # Abort everything, even other local files: the pack must be entirely self-contained.
    context.unroute("**/*")

    def gate(route) -> None:
        if route.request.url == pack.as_uri():
            route.continue_()
        else:
            requested.append(route.request.url)
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()
    watch_console(page, watch)
    page.goto(pack.as_uri())
    expect(page.locator("path.route-segment").first).to_be_attached(timeout=15_000)
    expect(page.locator("path.route-segment")).to_have_count(len(load_dataset().route))
    for chapter in tour:
        expect(page.locator("#title")).to_have_text(chapter.title)
        expect(page.locator("#progress")).to_have_text(chapter.progress)
        expect(page.locator("body")).to_have_attribute("data-segment", chapter.segment_id or "")
        if chapter.number in (1, 5) or chapter.show_chart:
            page.wait_for_timeout(1000)
            screenshot(page, f"pack-{chapter.number:02d}")
        page.keyboard.press("PageDown" if chapter.number % 2 else "Space")
    page.keyboard.press("Home")
    expect(page.locator("#title")).to_have_text(tour[0].title)
    assert requested == [], f"the pack asked for something outside itself: {requested}"
    assert watch.console_errors == []
    context.close()
