"""Debian's Chromium through Playwright, with every request that is not to this machine aborted.

Never ``playwright install``: it downloads a browser, which this environment
(and CI) cannot do. A page that draws with these contexts has proved it draws
offline.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from harness.server import ARTIFACTS

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
#: streamlit-folium's component iframe: every map in the app is drawn inside one.
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: Streamlit's frontend probes ``<page path>/_stcore/health`` and ``host-config`` to find
#: its base path when a page is opened by its own URL; those 404s are expected.
STREAMLIT_PROBES = ("/_stcore/health", "/_stcore/host-config")


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


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


def watch_console(page, watch: Watch) -> None:
    def on_console(msg) -> None:
        url = (msg.location or {}).get("url", "")
        if msg.type == "error" and not url.endswith(STREAMLIT_PROBES):
            watch.console_errors.append(f"{msg.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: watch.console_errors.append(str(exc)))


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
        settle_after_resize(page)
    page.screenshot(path=str(path))
    if whole_page and size:
        page.set_viewport_size(size)
    return path


def settle_after_resize(page) -> None:
    """After a viewport change: two frames for layout, then every map on the page refitted and settled."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    for frame in page.frames:
        if frame.locator(".leaflet-container[data-settled]").count():
            wait_settled(frame)


def wait_until_idle(page, timeout_ms: int = 15_000) -> None:
    """Wait until Streamlit has finished its run: no element is faded as stale, no "running" status.

    Streamlit fades the previous run's elements while a rerun is in flight; measuring (colour
    contrast, sizes) during that moment measures a page no viewer looks at for long, and so does
    measuring while the faded elements are still coming back (a CSS transition).
    """
    page.wait_for_function(
        """() => !document.querySelector('[data-stale="true"]')
             && !document.querySelector('[data-testid="stStatusWidget"]')
             && document.getAnimations().every(a => a.playState !== 'running'
                                                   || a.effect.getTiming().iterations === Infinity)""",
        timeout=timeout_ms,
    )


def map_frame(page, index: int = 0):
    """The app's map frame (streamlit-folium's iframe; ``index`` -1 for the last on the page) as a
    Frame, to wait and evaluate in."""
    return page.locator(MAP_FRAME).nth(index).element_handle().content_frame()


#: Any leg, or the whole route: ``wait_settled`` without ``leg``.
ANY_VIEW = object()


def wait_settled(where, leg: str | object | None = ANY_VIEW, timeout_ms: int = 20_000) -> None:
    """Wait until route-story.js says the map has settled: the view it was asked for has arrived, its
    leg has drawn itself and the labels are placed (``data-settled`` on the map's container).

    ``where`` is the page (pack, site) or the map's frame (the app). With ``leg`` (None for the whole
    route), also that the map shows that leg: a click in the app reruns the script before the map hears
    of it, so until then the old view is the settled one.
    """
    where.wait_for_function(
        """(leg) => [...document.querySelectorAll('.leaflet-container')].some(m =>
               m.dataset.settled === 'true' && (leg === null || m.dataset.selectedLeg === leg))""",
        arg=None if leg is ANY_VIEW else (leg or ""),
        timeout=timeout_ms,
    )


def click_leg(page, segment_id: str) -> None:
    """Click a drawn leg of the route map on its stroke (a curve's bounding-box centre is off the line)."""
    frame_box = page.locator(MAP_FRAME).first.bounding_box()
    frame = page.frame_locator(MAP_FRAME).first
    point = frame.locator(f"path.route-segment.seg-{segment_id}").evaluate(
        """(path) => { const p = path.getPointAtLength(path.getTotalLength() / 2);
                       const m = path.getScreenCTM(); return {x: m.a * p.x + m.c * p.y + m.e,
                                                         y: m.b * p.x + m.d * p.y + m.f}; }"""
    )
    page.mouse.click(frame_box["x"] + point["x"], frame_box["y"] + point["y"])
