"""Real-browser fixtures: the app under ``streamlit run`` and Debian's Chromium driven by Playwright.

The machinery lives in ``harness/`` (the benchmarks use it too); this file only
makes fixtures of it. Every request that is not to this machine is aborted and
recorded, so a test that sees the map drawn has proved it draws offline.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from harness.browser import CHROMIUM_ARGS, find_chromium, offline_context, watch_console
from harness.server import AppServer, start_app, stop_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = "Chromium not found: ./test installs Debian's chromium (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; in CI browser tests must run, not skip")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def app_server() -> Iterator[AppServer]:
    server = start_app()
    yield server
    stop_app(server)


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def offline_page(browser, request):
    """A 1366×768 page with every non-local request aborted and recorded."""
    context, watch = offline_context(browser, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    watch_console(page, watch)
    page.watch = watch
    yield page
    context.close()
