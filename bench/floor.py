"""The Route Map against its floor: the same route in st_folium with a panel and nothing else.

``bench/apps/floor.py`` is what any page showing this route with streamlit-folium
must pay; the Route Map adds labels, curves, the story panel, figures, chart,
quotes and tables. Both are opened the same way, in the same run, in offline
Chromium, and timed inside the browser: open → route drawn, click a leg → its
heading in the panel, choose a leg → its heading. The goal is within 1.2× of the
floor on each; where streamlit-folium's fixed 250 ms debounce of map events
dominates a click, the note says so with the number.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.measures import _STAMP_NEXT, APPS, BENCH_ENV, CLICKABLE, MAP_FRAME, _latency_s
from bench.report import Section, ms, ratio
from geo import paths
from geo.data import load_dataset
from harness.browser import CHROMIUM_ARGS, click_leg, find_chromium, offline_context
from harness.server import start_app, stop_app

#: streamlit-folium's frontend waits this long after a map event before it reports it.
DEBOUNCE_S = 0.250


def _timings(page, url: str, repeats: int, chooser_label: str) -> dict[str, list[float]]:
    from playwright.sync_api import expect

    data = load_dataset()
    out: dict[str, list[float]] = {"open": [], "click": [], "choose": []}
    for i in range(repeats):
        start = time.perf_counter()
        page.goto(f"{url}/", wait_until="commit")
        frame = page.frame_locator(MAP_FRAME)
        expect(frame.locator("path.route-segment")).to_have_count(len(data.route), timeout=60_000)
        out["open"].append(time.perf_counter() - start)
        page.locator(MAP_FRAME).evaluate("el => el.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(1500)
        seg = data.segment(CLICKABLE[i % len(CLICKABLE)])
        map_doc = page.locator(MAP_FRAME).element_handle().content_frame()
        map_doc.evaluate(_STAMP_NEXT, "click")
        title = f"{int(seg['order'])}. {seg['title']}"
        out["click"].append(_latency_s(page, map_doc, title, None, lambda s=seg: click_leg(page, s["id"])))
        other = data.segment(CLICKABLE[(i + 1) % len(CLICKABLE)])
        page.locator('[data-testid="stSelectbox"]').filter(has_text=chooser_label).click()
        page.keyboard.type(str(other["title"]))
        page.evaluate(_STAMP_NEXT, "keydown")
        title = f"{int(other['order'])}. {other['title']}"
        out["choose"].append(_latency_s(page, page, title, None, lambda: page.keyboard.press("Enter")))
    return out


def _floor_script(folder: Path) -> str:
    """The floor app in a folder of its own with ``static/`` beside it: Streamlit serves ``static/`` from
    next to the script it runs, so the floor loads the same vendored Leaflet as the app."""
    shutil.copy(APPS / "floor.py", folder / "floor.py")
    (folder / "static").symlink_to(paths.STATIC_DIR)
    return str(folder / "floor.py")


def floor(quick: bool = False) -> Section:
    from playwright.sync_api import sync_playwright

    repeats = 3 if quick else 7
    section = Section(
        "9. The Route Map against its floor (a bare st_folium page with the same route and a panel)",
        ["measure", "floor", "Route Map", "ratio", "goal"],
    )
    if find_chromium() is None:
        section.notes.append("Skipped: Chromium not found (`./test` installs Debian's chromium).")
        return section
    results = {}
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
        for name, script in (("floor", _floor_script(Path(tmp))), ("app", "app.py")):
            server = start_app(script=script, extra_env=BENCH_ENV)
            try:
                context, watch = offline_context(browser, viewport={"width": 1366, "height": 900})
                results[name] = _timings(context.new_page(), server.url, repeats, "Leg of the route")
                assert watch.external == [], watch.external
                context.close()
            finally:
                stop_app(server)
        browser.close()
    labels = {
        "open": "open until the route is drawn",
        "click": "click a leg until its heading shows",
        "choose": "choose a leg until its heading shows",
    }
    for key, label in labels.items():
        base, app = statistics.median(results["floor"][key]), statistics.median(results["app"][key])
        section.rows.append([label, ms(base), ms(app), ratio(app, base), "≤ 1.2×"])
    click_floor = statistics.median(results["floor"]["click"])
    section.notes.append(
        f"Medians of {repeats} in one run, every request outside 127.0.0.1 aborted, timed in the browser. "
        f"streamlit-folium debounces every map event by a fixed {ms(DEBOUNCE_S)} in its frontend "
        f"(`debounce(updateComponentValue, 250)`): {DEBOUNCE_S / click_floor:.0%} of the floor's own click. "
        "The Route Map's panel also waits for the map to be drawn from the cached copy on each rerun."
    )
    return section
