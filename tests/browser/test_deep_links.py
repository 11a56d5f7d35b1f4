"""Every page opens by its own address as a fresh server's very first visit: framed by app.py, no dialog.

Streamlit treats a ``pages/`` folder as its legacy multipage layout until some
run calls ``st.navigation``; ``pages/__init__.py`` explains how each page, run
alone by that layout, runs the app instead. These tests fail if a Streamlit
upgrade changes that behaviour.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import offline_context, watch_console
from harness.server import start_app, stop_app

pytestmark = pytest.mark.browser

#: (address, a heading the page shows). The map's own name, /route, opens the map at /.
DEEP_LINKS = [
    ("/presenter?chapter=5", "Night in the jungle"),
    ("/sources", "Sources"),
    ("/editor", "Edit the data"),
    ("/route?segment=laos-jungle", "6. Night trek through the jungle into Laos"),
    ("/sources?lang=ko", "출처"),
]


@pytest.mark.parametrize(("address", "heading"), DEEP_LINKS)
def test_deep_link_on_a_fresh_server(browser, address: str, heading: str):
    server = start_app()  # fresh: no session has run app.py's st.navigation yet
    try:
        context, watch = offline_context(browser, viewport={"width": 1366, "height": 768})
        page = context.new_page()
        watch_console(page, watch)
        dialogs: list[str] = []
        page.on("dialog", lambda d: dialogs.append(d.message))
        page.goto(server.url + address, wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name=heading).first).to_be_visible(timeout=30_000)
        # Framed by app.py: the top navigation (hidden on the projector), not the legacy sidebar.
        if not address.startswith("/presenter"):
            expect(page.get_by_role("navigation", name="App pages")).to_be_visible()
        expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        assert dialogs == []
        if address.startswith("/route"):
            expect(page).to_have_url(re.compile(r"/\?segment=laos-jungle$"))
        assert watch.external == []
        context.close()
    finally:
        stop_app(server)
