"""One function per benchmark section; each returns a ``Section`` with its baseline and ratios."""

from __future__ import annotations

import gc
import json
import os
import statistics
import time
import tracemalloc
from pathlib import Path

from bench.report import Section, median_s, ms, ratio
from geo import paths
from geo.data import build_dataset, load_dataset
from geo.data.parse import MAX_FILE_BYTES, MAX_POSITIONS, MAX_ROWS, Limits
from geo.data.rules import COUNTRY_SAMPLES
from geo.data.validation import read_files, validate_files
from geo.edit.staging import dump_collection
from geo.map.assets import ASSETS, asset_file
from geo.story.i18n import strings
from harness.browser import CHROMIUM_ARGS, click_leg, find_chromium, offline_context
from harness.server import start_app, stop_app

APPS = Path(__file__).parent / "apps"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: Legs long and straight enough that the middle of the line is clear of waypoints and controls.
CLICKABLE = ("china-changbai", "laos-jungle", "thailand-bangkok")
#: The baseline apps import ``geo`` (for vendored Leaflet), so they need the project on the path.
BENCH_ENV = {"PYTHONPATH": str(paths.PROJECT_DIR)}


# ---------------------------------------------------------------------------------------- 1. cold start


def _cold_start(script: str) -> float:
    start = time.perf_counter()
    server = start_app(script=script, extra_env=BENCH_ENV)
    elapsed = time.perf_counter() - start
    stop_app(server)
    return elapsed


def start(quick: bool = False) -> Section:
    repeats = 2 if quick else 3
    section = Section(
        "1. Cold start: `streamlit run` to a healthy `/_stcore/health`", ["app", "median", "ratio"]
    )
    base = median_s(lambda: _cold_start(str(APPS / "hello.py")), repeats)
    app = median_s(lambda: _cold_start("app.py"), repeats)
    section.timed("one-line app (baseline)", base)
    section.timed("Escape Route Map", app, base)
    section.notes.append(
        f"Median of {repeats} starts each. Streamlit answers health before any page runs, so this is "
        "server start-up; the first page's cost is in sections 2 and 4."
    )
    return section


# ---------------------------------------------------------------------------------------- 2. rerun cost


def _apptest_median(script: str, repeats: int, setup=None) -> float:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(script, default_timeout=120)
    if setup:
        setup(app)
    app.run()  # warm: imports, caches, the data store
    assert not app.exception, app.exception
    return median_s(app.run, repeats)


def _map_step_s(repeats: int) -> float:
    """What drawing the Route Map costs a run, measured on its own: the copy of the cached map and
    ``st_folium`` (bare mode: same work, no browser), as ``pages.ui.folium_widget.show_map`` does it."""
    import copy

    from streamlit_folium import st_folium

    from geo.map.build import build_map, selection_layer

    data, tr = load_dataset(), strings("en")
    pristine = build_map(data, tr)

    def step() -> None:
        st_folium(copy.deepcopy(pristine), render=False, key="m", feature_group_to_add=selection_layer(None))

    step()
    return median_s(step, repeats)


def _served_rerun_s(script: str, repeats: int, query_string: str = "", fragment: int | None = None) -> float:
    """One rerun of a page as the browser asks for it, over the websocket of a ``streamlit run``
    server: from the request to ``script_finished``. With ``fragment``, that fragment of the page (0:
    the first drawn) reruns alone, as a click or choice inside it makes it (AppTest runs whole pages)."""
    import asyncio

    from bench.streamlit_client import visit

    server = start_app(script=script, extra_env=BENCH_ENV)

    async def reruns() -> float:
        first = await visit(server.url, query_string=query_string, bundle=False)
        fragment_id = "" if fragment is None else first.session.fragment_ids[fragment]
        times = []
        for _ in range(repeats + 1):  # the first rerun warms what the first run left cold
            start = time.perf_counter()
            await first.handle.run(query_string=query_string, fragment_id=fragment_id)
            times.append(time.perf_counter() - start)
        await first.handle.close()
        return statistics.median(times[1:])

    try:
        return asyncio.run(reruns())
    finally:
        stop_app(server)


def rerun(quick: bool = False) -> Section:
    repeats = 10 if quick else 30
    os.environ.setdefault("PYTHONPATH", str(paths.PROJECT_DIR))
    section = Section(
        "2. Rerun cost: one server-side run of a page (AppTest)", ["page", "median", "ratio", "target"]
    )
    base = _apptest_median(str(APPS / "one_line_map.py"), repeats)
    app = str(paths.PROJECT_DIR / "app.py")
    route = _apptest_median(app, repeats)
    selected = _apptest_median(app, repeats, lambda a: a.query_params.__setitem__("segment", "laos-jungle"))
    korean = _apptest_median(app, repeats, lambda a: a.query_params.__setitem__("lang", "ko"))
    in_map = _map_step_s(repeats)
    served_base = _served_rerun_s(str(APPS / "one_line_map.py"), repeats)
    served_page = _served_rerun_s("app.py", repeats, "segment=laos-jungle")
    served_leg = _served_rerun_s("app.py", repeats, "segment=laos-jungle", fragment=0)
    served_quotes = _served_rerun_s("app.py", repeats, "segment=laos-jungle", fragment=1)
    section.timed("one folium line with st_folium (baseline)", base)
    section.timed("Route Map, whole route", route, base, "≤ 2×")
    section.timed("Route Map, a leg selected", selected, base, "≤ 2×")
    section.timed("Route Map, Korean", korean, base, "≤ 2×")
    section.timed("served: one folium line, a rerun over the websocket (baseline)", served_base)
    section.timed("served: Route Map, the whole page", served_page, served_base, "≤ 2×")
    leg = "served: Route Map, a leg chosen (its map-and-story fragment reruns alone)"
    section.timed(leg, served_leg, served_base, "≤ 2×")
    quotes = "served: Route Map, a quote filter changed (the quotes fragment reruns alone)"
    section.timed(quotes, served_quotes, served_base, "≤ 2×")
    section.notes.append(
        f"Median of {repeats} reruns after one warm-up run, in one process. What dominates: drawing the "
        f"map (copying the cached map and `st_folium`, measured alone: {ms(in_map)}) is "
        f"{in_map / route:.0%} of a Route Map run; the rest is the page's other elements (metrics, chart, "
        "quotes, tables) and Streamlit's own work per run. The served rows are what a browser waits "
        "for: a rerun over the app's websocket, from the request to `script_finished`, medians of "
        f"{repeats} after one warm-up. Choosing a leg (a click on the map, the chooser, previous/next, "
        "the player) reruns only the map-and-story fragment (`st.fragment` in `pages/route.py`), and a "
        "quote filter or 'show all' only the quotes fragment; the whole page reruns when the language "
        "changes or the page is opened again."
    )
    return section


# ---------------------------------------------------------------------------------------- 3. payload


def _component_args_bytes() -> int:
    """Bytes of the map component's arguments as the Route Map sends them, read through AppTest."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(paths.PROJECT_DIR / "app.py"), default_timeout=120).run()
    components = app.get("component_instance")
    return sum(len(c.proto.json_args.encode()) for c in components)


def payload(quick: bool = False) -> Section:
    from geo.map.build import build_map

    sent = _component_args_bytes()
    drawn = sum((paths.DATA_DIR / n).stat().st_size for n in (paths.ROUTE, paths.PLACES, paths.COUNTRIES))
    leaflet = sum(asset_file(name).stat().st_size for name in ASSETS if "draw" not in name)
    layers = {}
    for child in build_map(load_dataset(), strings("en"))._children.values():
        serialized = getattr(child, "json", None) or getattr(child, "spec_json", None)
        if isinstance(serialized, str):
            layers[getattr(child, "layer_name", None) or child.get_name()] = len(serialized.encode())
    section = Section("3. Payload: the map the page sends", ["what", "bytes", "ratio to data drawn"])
    section.rows += [
        ["data drawn: route + places + countries GeoJSON (baseline)", f"{drawn:,}", "1.00×"],
        ["map sent to the browser (st_folium's component arguments)", f"{sent:,}", ratio(sent, drawn)],
        [
            "target: data + vendored Leaflet (JS + CSS, fetched once, cached)",
            f"{drawn + leaflet:,}",
            ratio(drawn + leaflet, drawn),
        ],
    ]
    biggest = sorted(layers.items(), key=lambda kv: -kv[1])
    section.notes.append(
        "What dominates: "
        + "; ".join(f"{name}: {size:,} bytes" for name, size in biggest[:3])
        + ". Leaflet itself is not in the payload: the iframe loads it from `/app/static/vendor`."
    )
    return section


# ---------------------------------------------------------------------------------------- 4. browser


#: Sets ``window.__shown`` to a promise of the absolute time (ms) at which a heading with this text is in
#: the page and the map (in streamlit-folium's same-origin iframe) has moved to the leg
#: (``data-selected-leg``, set by ``static/map/route-story.js`` as it starts flying there). Polled each frame.
_WATCH_HEADING = """([text, leg]) => {
    const now = () => performance.timeOrigin + performance.now();
    const shown = () => [...document.querySelectorAll('h1, h2, h3, h4')]
        .some((h) => h.textContent.includes(text));
    const moved = () => !leg || [...document.querySelectorAll('iframe')].some((f) => {
        const box = f.contentDocument && f.contentDocument.querySelector('.leaflet-container');
        return box && box.dataset.selectedLeg === leg;
    });
    window.__shown = new Promise((resolve, reject) => {
        const started = now();
        const check = () => {
            if (shown() && moved()) { resolve(now()); return; }
            if (now() - started > 30000) { reject(new Error('not shown: ' + text)); return; }
            requestAnimationFrame(check);
        };
        check();
    });
}"""
#: Records the absolute time (ms) of the next event of this type in the document, before anything handles it.
_STAMP_NEXT = """(type) => {
    window.__stamp = null;
    document.addEventListener(type, () => { window.__stamp = performance.timeOrigin + performance.now(); },
                              {capture: true, once: true});
}"""


def _latency_s(page, stamped, heading: str, leg: str | None, act) -> float:
    """From the user's event (stamped in the document that receives it) to the leg's heading in the
    side panel and the map moving to the leg.

    Both ends are taken inside the browser, so neither Playwright's round trips nor
    its polling interval (100 ms, then 250 ms, ...) is in the number.
    """
    page.evaluate(_WATCH_HEADING, [heading, leg])
    act()
    shown_at = page.evaluate("() => window.__shown")
    return (shown_at - stamped.evaluate("() => window.__stamp")) / 1000


def _browser_timings(url: str, repeats: int) -> tuple[list[float], list[float], list[float]]:
    from playwright.sync_api import expect, sync_playwright

    data = load_dataset()
    ids = list(data.route["id"])
    opens, clicks, picks = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
        context, watch = offline_context(browser, viewport={"width": 1366, "height": 900})
        page = context.new_page()
        for i in range(repeats):
            start = time.perf_counter()
            page.goto(f"{url}/", wait_until="commit")
            frame = page.frame_locator(MAP_FRAME)
            expect(frame.locator("path.route-segment")).to_have_count(len(ids), timeout=60_000)
            opens.append(time.perf_counter() - start)
            page.locator(MAP_FRAME).evaluate("el => el.scrollIntoView({block: 'center'})")
            page.wait_for_timeout(700)
            seg = data.segment(CLICKABLE[i % len(CLICKABLE)])
            map_doc = page.locator(MAP_FRAME).element_handle().content_frame()
            map_doc.evaluate(_STAMP_NEXT, "click")
            title = f"{int(seg['order'])}. {seg['title']}"
            clicks.append(_latency_s(page, map_doc, title, seg["id"], lambda s=seg: click_leg(page, s["id"])))
            # The same through the leg chooser: no map event, so no streamlit-folium debounce.
            other = data.segment(CLICKABLE[(i + 1) % len(CLICKABLE)])
            chooser = page.locator('[data-testid="stSelectbox"]').filter(has_text="Leg of the route")
            chooser.click()
            page.keyboard.type(str(other["title"]))
            page.evaluate(_STAMP_NEXT, "keydown")
            title = f"{int(other['order'])}. {other['title']}"
            picks.append(_latency_s(page, page, title, other["id"], lambda: page.keyboard.press("Enter")))
        assert watch.external == [], watch.external
        browser.close()
    return opens, clicks, picks


def browser(quick: bool = False) -> Section:
    repeats = 5 if quick else 10
    section = Section("4. In the browser (Chromium, offline)", ["measure", "median", "ratio", "target"])
    if find_chromium() is None:
        section.notes.append("Skipped: Chromium not found (`./test` installs Debian's chromium).")
        return section
    server = start_app()
    try:
        opens, clicks, picks = _browser_timings(server.url, repeats)
    finally:
        stop_app(server)
    base = _blank_page_ms()
    o, c, k = statistics.median(opens), statistics.median(clicks), statistics.median(picks)
    section.timed("load a blank local page (baseline)", base)
    section.timed("open Route Map until all segments are drawn", o, base)
    section.timed("click a segment until the panel shows it and the map moves to it", c, base, "< 300 ms")
    section.timed("choose a leg in 'Leg of the route' until panel and map follow", k, base, "< 300 ms")
    section.notes.append(
        f"Medians of {repeats}; every request outside 127.0.0.1 is aborted. Click and choice are timed "
        "inside the browser, from the event to the heading in the DOM. streamlit-folium waits "
        "250 ms after a map event before reporting it (`debounce(updateComponentValue, 250)` in its "
        "frontend), so a map click cannot reach the panel in under 250 ms; the chooser row shows "
        "the app's own latency without that wait."
    )
    return section


def _blank_page_ms() -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
        page = b.new_page()
        result = median_s(lambda: page.goto("data:text/html,<p>hi</p>"), 10)
        b.close()
    return result


# ---------------------------------------------------------------------------------------- 5. scaling


def synthetic_route(base: bytes, n: int) -> bytes:
    """The real route plus ``n - 10`` more legs chained after it, snaking across Yunnan and Laos.

    Every check still runs on them: continuity, decimals, the country majority
    (these legs draw a warning there, as a maintainer's would if mislabelled).
    """
    obj = json.loads(base)
    features = obj["features"]
    last = features[-1]["geometry"]["coordinates"][-1]
    x0, y0 = 100.0, 19.0
    cols = 800

    def point(k: int) -> list[float]:
        row, col = divmod(k, cols)
        col = col if row % 2 == 0 else cols - 1 - col
        return [round(x0 + col * 0.01, 2), round(y0 + row * 0.01, 2)]

    prev = last
    for i in range(n - len(features)):
        nxt = point(i)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [prev, nxt]},
                "properties": {
                    "id": f"extra-{i}",
                    "order": len(features) + 1,
                    "country": "Laos",
                    "kind": "route",
                    "mode": "on foot",
                    "title": f"Extra leg {i}",
                    "summary": "Synthetic leg for the scaling benchmark.",
                    "illustrative": True,
                    "sources": ["blog"],
                },
            }
        )
        prev = nxt
    return dump_collection(obj)


def _peak_mib(fn) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


#: Segments in the synthetic routes of section 5; the largest stays within the shipped limits.
SCALING_SIZES = (10, 100, 1_000, 4_000)


def scaling(quick: bool = False) -> Section:
    sizes = SCALING_SIZES[:3] if quick else SCALING_SIZES
    files = read_files(paths.DATA_DIR)
    section = Section(
        "5. Scaling of `geo`: validate and build the Dataset for synthetic routes",
        ["segments", "file", "validate", "× per step", "build", "× per step", "peak MiB (validate / build)"],
    )
    previous: tuple[float, float, int] | None = None
    for n in sizes:
        route = synthetic_route(files[paths.ROUTE], n)
        trial = {**files, paths.ROUTE: route}
        checked = validate_files(trial)
        assert checked.ok, [f for f in checked.findings if f.is_error][:2]
        v = median_s(lambda t=trial: validate_files(t), 3)
        b = median_s(lambda c=checked: build_dataset(c), 3)
        vm = _peak_mib(lambda t=trial: validate_files(t))
        bm = _peak_mib(lambda c=checked: build_dataset(c))
        step = f" (size ×{n / previous[2]:.0f})" if previous else ""
        section.rows.append(
            [
                f"{n:,}",
                f"{len(route) / 2**20:.2f} MiB",
                ms(v),
                ratio(v, previous[0]) + step if previous else "",
                ms(b),
                ratio(b, previous[1]) + step if previous else "",
                f"{vm:,.0f} / {bm:,.0f}",
            ]
        )
        previous = (v, b, n)
    section.notes.append(
        "Linear growth is as many × as the size step; less is fixed costs being spread. The other data "
        "files are the real ones and are part of every run. The largest route stays within the shipped "
        "limits (section 6 shows what happens past them)."
    )
    return section


def dense_route(base: bytes, n: int) -> bytes:
    """The real route with its China leg replaced by a dense zigzag of ``n`` points at 2 decimals,
    crossing the China–Laos–Vietnam borders: the shape that made the old country check take gigabytes."""
    obj = json.loads(base)
    leg = obj["features"][1]["geometry"]["coordinates"]
    zigzag = [
        [round(101.0 + (k % 200) * 0.01, 2), round(21.0 + (k // 200 % 300) * 0.01, 2)] for k in range(n - 2)
    ]
    obj["features"][1]["geometry"]["coordinates"] = [leg[0], *zigzag, leg[-1]]
    return json.dumps(obj).encode()


#: The limits lifted, to show what the checks themselves cost past them.
NO_LIMITS = Limits(max_bytes=None, max_positions={}, max_rows=None)


def hostile(quick: bool = False) -> Section:
    files = read_files(paths.DATA_DIR)
    section = Section(
        "6. Hostile sizes: one dense route of N coordinates, validated",
        [
            "coordinates",
            "file",
            "shipped limits: time / peak MiB / outcome",
            "limits lifted: time / peak MiB",
        ],
    )
    for n in [1_000, 10_000, 100_000, 1_000_000]:
        trial = {**files, paths.ROUTE: dense_route(files[paths.ROUTE], n)}
        shipped = validate_files(trial)
        refused = next((f.message for f in shipped.findings if "too many coordinates" in f.message), "")
        took = median_s(lambda t=trial: validate_files(t), 1)
        peak = _peak_mib(lambda t=trial: validate_files(t))
        limited = f"{ms(took)} / {peak:,.0f} / " + ("refused before parsing" if refused else "checked")
        lifted = ""
        if n <= (10_000 if quick else 100_000):
            lifted = (
                f"{ms(median_s(lambda t=trial: validate_files(t, limits=NO_LIMITS), 1))} / "
                f"{_peak_mib(lambda t=trial: validate_files(t, limits=NO_LIMITS)):,.0f}"
            )
        section.rows.append(
            [f"{n:,}", f"{len(trial[paths.ROUTE]) / 2**20:.1f} MiB", limited, lifted or "not run"]
        )
    section.notes.append(
        f"Shipped limits (`geo/data/parse.py`): {MAX_FILE_BYTES / 2**20:.0f} MiB a file, "
        f"{MAX_POSITIONS[paths.ROUTE]:,} positions in route.geojson or places.geojson, "
        f"{MAX_POSITIONS[paths.COUNTRIES]:,} in countries.geojson, {MAX_ROWS:,} rows a CSV file; "
        "positions are counted as `[` bytes before anything is parsed. The country check samples "
        f"{COUNTRY_SAMPLES} points a segment, so its cost does not grow with the vertices."
    )
    return section


# ---------------------------------------------------------------------------------------- 7. sessions


def _rss_mib(pid: int) -> float:
    """Resident memory of the server and its children, from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def sessions(quick: bool = False) -> Section:
    from playwright.sync_api import expect, sync_playwright

    section = Section(
        "7. Sessions: server memory with open browser tabs", ["tabs", "server RSS", "per added tab"]
    )
    if find_chromium() is None:
        section.notes.append("Skipped: Chromium not found.")
        return section
    server = start_app()
    try:
        idle = _rss_mib(server.process.pid)
        readings = {}
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
            pages = []
            for count in range(1, 11):
                context, _ = offline_context(b, viewport={"width": 1366, "height": 900})
                page = context.new_page()
                page.goto(f"{server.url}/", wait_until="commit")
                expect(page.frame_locator(MAP_FRAME).locator("path.route-segment").first).to_be_attached(
                    timeout=60_000
                )
                pages.append(page)
                if count in (1, 10):
                    time.sleep(2)
                    readings[count] = _rss_mib(server.process.pid)
            b.close()
    finally:
        stop_app(server)
    per = (readings[10] - readings[1]) / 9
    section.rows += [
        ["0 (server idle, baseline)", f"{idle:,.0f} MiB", ""],
        ["1", f"{readings[1]:,.0f} MiB", ""],
        ["10", f"{readings[10]:,.0f} MiB", f"{per:,.1f} MiB"],
    ]
    section.notes.append(
        f"The first tab costs {readings[1] - idle:,.0f} MiB (imports, the data, shared caches); "
        f"each further tab {per:,.1f} MiB. Ratio 10 tabs / 1 tab: {readings[10] / readings[1]:.2f}×."
    )
    return section


# ---------------------------------------------------------------------------------------- 8. audience site


#: In every frame of a page: the absolute time (ms) at which the route's legs are all in the DOM,
#: as ``window.__routeDrawnAt``. Taken inside the browser, so no polling interval is in the number.
_ROUTE_DRAWN = """(() => {
    const want = %d;
    const drawn = () => {
        if (window.__routeDrawnAt) { return true; }
        if (document.querySelectorAll('path.route-segment').length < want) { return false; }
        window.__routeDrawnAt = performance.timeOrigin + performance.now();
        return true;
    };
    const watch = () => {
        if (!drawn()) {
            new MutationObserver((_, observer) => { if (drawn()) { observer.disconnect(); } })
                .observe(document, {subtree: true, childList: true});
        }
    };
    watch();
    // An iframe keeps its first (about:blank) window when it loads its page: watch the new document too.
    window.addEventListener('DOMContentLoaded', watch);
})();"""


def _first_view(browser, url: str, in_frame: str | None, legs: int) -> tuple[float, int, int, int]:
    """One cold visit (fresh context: no cache, no service worker): seconds from navigation to the
    route drawn, HTTP bytes as transferred (compressed, headers included), requests, websocket bytes."""
    from playwright.sync_api import expect

    context, watch = offline_context(browser, viewport={"width": 390, "height": 844})
    context.add_init_script(_ROUTE_DRAWN % legs)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    socket = [0]
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.on(
        "Network.webSocketFrameReceived",
        lambda e: socket.__setitem__(0, socket[0] + len(e["response"]["payloadData"])),
    )
    page.goto(url, wait_until="commit")
    scope = page.frame_locator(in_frame) if in_frame else page
    expect(scope.locator("path.route-segment")).to_have_count(legs, timeout=60_000)
    frame = page.locator(in_frame).element_handle().content_frame() if in_frame else page.main_frame
    drawn_at = frame.evaluate("window.__routeDrawnAt")
    started_at = page.evaluate("performance.timeOrigin")
    # The rest of the first view: whatever else the page loads once the route is up (charts, fonts).
    quiet_since, seen = time.monotonic(), len(sizes)
    deadline = time.monotonic() + 15
    while time.monotonic() - quiet_since < 1.0 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        if len(sizes) != seen:
            quiet_since, seen = time.monotonic(), len(sizes)
    assert watch.external == [], watch.external
    context.close()
    return (drawn_at - started_at) / 1000, sum(sizes.values()), len(sizes), socket[0]


def _kb(n: float) -> str:
    return f"{n / 1000:,.0f} KB"


def site(quick: bool = False) -> Section:
    import gzip
    import tempfile

    from playwright.sync_api import sync_playwright

    from deploy.stack import find_nginx
    from geo.export.site import translators_for, write_site
    from harness.static_site import StaticSite

    repeats = 3 if quick else 7
    section = Section(
        "10. Audience site: a phone's first view against the Streamlit Route Map (Chromium, offline)",
        ["measure", "Streamlit Route Map (baseline)", "audience site (nginx, gzip)", "ratio", "target"],
    )
    if find_chromium() is None or find_nginx() is None:
        section.notes.append(
            "Skipped: needs Chromium (`./test` installs it) and nginx (`scripts/ensure_nginx.sh`)."
        )
        return section
    data = load_dataset()
    legs = len(data.route)
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        start = time.perf_counter()
        files = write_site(data, Path(tmp) / "site", translators_for(["en", "ko"])).written
        built = time.perf_counter() - start
        every_file = sum(len(gzip.compress(p.read_bytes(), 5)) for p in files)
        server = start_app()
        try:
            with StaticSite(Path(tmp) / "site", Path(tmp) / "nginx") as static, sync_playwright() as pw:
                b = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
                targets = {"app": (f"{server.url}/", MAP_FRAME), "site": (static.url, None)}
                for url, frame in targets.values():  # warm: the app's first run, nginx's page cache
                    _first_view(b, url, frame, legs)
                runs: dict[str, list[tuple[float, int, int, int]]] = {name: [] for name in targets}
                for _ in range(repeats):  # interleaved, so a busy moment of the machine hits both
                    for name, (url, frame) in targets.items():
                        runs[name].append(_first_view(b, url, frame, legs))
                b.close()
        finally:
            stop_app(server)
    app_t, site_t = (statistics.median(r[0] for r in runs[n]) for n in ("app", "site"))
    app_b, site_b = (statistics.median(r[1] for r in runs[n]) for n in ("app", "site"))
    app_n, site_n = (statistics.median(r[2] for r in runs[n]) for n in ("app", "site"))
    app_ws = statistics.median(r[3] for r in runs["app"])
    section.rows += [
        ["time from navigation to the route drawn", ms(app_t), ms(site_t), f"{site_t / app_t:.1%}", "< 10 %"],
        [
            "HTTP bytes, first view (as transferred)",
            _kb(app_b),
            _kb(site_b),
            f"{site_b / app_b:.1%}",
            "< 500 KB",
        ],
        ["HTTP requests, first view", f"{app_n:,.0f}", f"{site_n:,.0f}", f"{site_n / app_n:.1%}", ""],
        ["websocket messages received", _kb(app_ws), "none", "", ""],
        [
            "every file of the site, both languages (gzip 5): what its service worker precaches",
            "",
            _kb(every_file),
            "",
            "",
        ],
    ]
    section.notes.append(
        f"Medians of {repeats} cold first views each at 390×844 (a fresh browser context every time: no "
        "HTTP cache, no service worker), the two targets interleaved after one warm-up visit each; every "
        "request outside 127.0.0.1 aborted. The Route Map is `streamlit run app.py` as `./run` serves it "
        "(harness.server.start_app: Streamlit sends its bundle uncompressed); the site is "
        "`python -m geo export --site`, served by nginx as `deploy/` serves `/audience/`. Route drawn: "
        "every leg's `path.route-segment` in the DOM (inside the map's iframe for the app), timed in the "
        "page from its time origin. Bytes: Chromium's `encodedDataLength` of every HTTP response until "
        f"the network was quiet for 1 s. The site was built in {ms(built)}."
    )
    return section
