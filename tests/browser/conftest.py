"""Real-browser fixtures: the app under ``streamlit run`` and Debian's Chromium driven by Playwright.

The machinery lives in ``harness/`` (the benchmarks use it too); this file only
makes fixtures of it. ``chromium_path`` and ``browser`` are in ``tests/conftest.py``,
shared with ``tests/security``: one Playwright per session (a second one in the
same thread fails). Every request that is not to this machine is aborted and
recorded, so a test that sees the map drawn has proved it draws offline.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.browser import offline_context, watch_console
from harness.server import AppServer, start_app, stop_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def app_server() -> Iterator[AppServer]:
    server = start_app()
    yield server
    stop_app(server)


@pytest.fixture
def offline_page(browser, request):
    """A 1366×768 page with every non-local request aborted and recorded."""
    context, watch = offline_context(browser, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    watch_console(page, watch)
    page.watch = watch
    yield page
    context.close()
