"""Real-browser fixtures: the app under ``streamlit run`` and Debian's Chromium driven by Playwright.

Every request that is not to this machine is aborted and recorded, so a test
that sees the map drawn has proved it draws offline. Never ``playwright
install``: it downloads a browser, which this environment (and CI) cannot do.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

pytestmark = pytest.mark.browser


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = "Chromium not found: ./test installs Debian's chromium (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; in CI browser tests must run, not skip")
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log: Path


def start_app(
    data_dir: Path | None = None, extra_env: dict[str, str] | None = None, script: str = "app.py"
) -> AppServer:
    """``streamlit run app.py`` on 127.0.0.1 and a free port; returns once it is healthy.

    ``script`` lets the benchmarks start their baseline apps the same way.
    """
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"streamlit-{port}.log"
    env = {**os.environ, **(extra_env or {})}
    if data_dir is not None:
        env["ESCAPE_ROUTE_DATA_DIR"] = str(data_dir)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early; see {log}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return AppServer(url, process, log)
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"streamlit did not become healthy in 60 s; see {log}")


def stop_app(server: AppServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


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


@dataclass
class Watch:
    """What a page tried to fetch from elsewhere, and what it logged as errors."""

    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def offline_context(browser, **kwargs):
    """A browser context where only this machine answers; returns (context, watch)."""
    watch = Watch()
    context = browser.new_context(**kwargs)

    def gate(route) -> None:
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:", "file:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            watch.external.append(url)
            route.abort()

    context.route("**/*", gate)
    return context, watch


#: Streamlit's frontend probes ``<page path>/_stcore/health`` and ``host-config`` to find
#: its base path when a page is opened by its own URL; those 404s are expected.
STREAMLIT_PROBES = ("/_stcore/health", "/_stcore/host-config")


def watch_console(page, watch: Watch) -> None:
    def on_console(msg) -> None:
        url = (msg.location or {}).get("url", "")
        if msg.type == "error" and not url.endswith(STREAMLIT_PROBES):
            watch.console_errors.append(f"{msg.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: watch.console_errors.append(str(exc)))


@pytest.fixture
def offline_page(browser, request):
    """A 1366×768 page with every non-local request aborted and recorded."""
    context, watch = offline_context(browser, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    watch_console(page, watch)
    page.watch = watch
    yield page
    context.close()


def screenshot(page, name: str, *, whole_page: bool = False) -> Path:
    """Save a PNG for the test log. ``whole_page``: Streamlit scrolls inside its own
    container, so grow the viewport to the content's height for the shot, then restore it."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    if whole_page and size:
        height = page.evaluate(
            "Math.max(document.documentElement.scrollHeight, ...[...document.querySelectorAll("
            "'[data-testid=stMain], [data-testid=stAppScrollToBottomContainer]')].map(e => e.scrollHeight))"
        )
        page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 6000)})
        page.wait_for_timeout(800)
    page.screenshot(path=str(path))
    if whole_page and size:
        page.set_viewport_size(size)
    return path
