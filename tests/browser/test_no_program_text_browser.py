"""What is on screen on every page of the app, in both languages: no program text (``None``, ``nan``,
``undefined``, object reprs, template braces), in the page or inside the map's frame. The Presenter
page's every chapter is checked in ``test_presenter_browser.py``, the pack's every slide in
``test_pack_browser.py``; AppTest checks the text each element is given (``tests/pages``)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harness.browser import MAP_FRAME, wait_until_idle
from tests.program_text import program_text

pytestmark = pytest.mark.browser

PAGES = {"route": "", "presenter": "presenter", "sources": "sources", "editor": "editor"}


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_program_text_on_screen(offline_page, app_server, name, lang):
    page = offline_page
    page.goto(f"{app_server.url}/{PAGES[name]}?lang={lang}", wait_until="domcontentloaded")
    expect(page.locator("h1").first).to_be_visible(timeout=30_000)
    shown = []
    if name in ("route", "presenter"):
        frame = page.frame_locator(MAP_FRAME).first
        expect(frame.locator("path.route-segment").first).to_be_attached(timeout=30_000)
        shown.append(frame.locator("body").inner_text())
    wait_until_idle(page)
    shown.append(page.locator("body").inner_text())
    assert program_text("\n".join(shown)) == []
    assert page.watch.external == []
