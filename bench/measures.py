"""One function per benchmark section; each returns a ``Section`` with its baseline and ratios."""

from __future__ import annotations

import gc
import json
import os
import time
import tracemalloc
from pathlib import Path

from bench.report import Section, median_s, ms, ratio
from geo import paths
from geo.assets import VENDORED
from geo.load import load_dataset, load_files
from geo.upload import dump_collection
from geo.validate import read_files, validate_texts
from harness.browser import CHROMIUM_ARGS, find_chromium, offline_context
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
    section.rows += [
        ["one-line app (baseline)", ms(base), "1.00×"],
        ["Escape Route Map", ms(app), ratio(app, base)],
    ]
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


class _Stopwatch:
    """Adds up the time spent inside one function while it is swapped in."""

    def __init__(self, module, name: str) -> None:
        self.module, self.name, self.total = module, name, 0.0
        self.original = getattr(module, name)

    def __enter__(self) -> _Stopwatch:
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.total += time.perf_counter() - start

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc) -> None:
        setattr(self.module, self.name, self.original)


def rerun(quick: bool = False) -> Section:
    import pages._shared

    repeats = 10 if quick else 30
    os.environ.setdefault("PYTHONPATH", str(paths.PROJECT_DIR))
    section = Section(
        "2. Rerun cost: one server-side run of a page (AppTest)", ["page", "median", "ratio", "target"]
    )
    base = _apptest_median(str(APPS / "one_line_map.py"), repeats)
    app = str(paths.PROJECT_DIR / "app.py")
    # Every page draws its map through pages._shared.show_map, which calls st_folium.
    with _Stopwatch(pages._shared, "st_folium") as in_map:
        start = time.perf_counter()
        route = _apptest_median(app, repeats)
        whole = time.perf_counter() - start
    selected = _apptest_median(app, repeats, lambda a: a.query_params.__setitem__("segment", "laos-jungle"))
    korean = _apptest_median(app, repeats, lambda a: a.query_params.__setitem__("lang", "ko"))
    section.rows += [
        ["one folium line with st_folium (baseline)", ms(base), "1.00×", ""],
        ["Route Map, whole route", ms(route), ratio(route, base), "≤ 1.5×"],
        ["Route Map, a leg selected", ms(selected), ratio(selected, base), "≤ 1.5×"],
        ["Route Map, Korean", ms(korean), ratio(korean, base), "≤ 1.5×"],
    ]
    section.notes.append(
        f"Median of {repeats} reruns after one warm-up run, in one process. What dominates: drawing the "
        f"map (`st_folium`, rendering its folium elements) took {in_map.total / whole:.0%} of the Route "
        "Map's runs; the rest is the page's other elements (metrics, chart, quotes, tables) and "
        "Streamlit's own work per run."
    )
    return section


# ---------------------------------------------------------------------------------------- 3. payload


def payload(quick: bool = False) -> Section:
    from streamlit_folium import _get_header, _get_html, _get_map_string

    from geo.mapview import build_map

    data = load_dataset()
    m = build_map(data)
    m.get_root().render()
    sent = {"script": len(_get_map_string(m).encode()), "html": len(_get_html(m).encode())}
    sent["header"] = len(_get_header(m).encode())
    total = sum(sent.values())
    drawn = sum((paths.DATA_DIR / n).stat().st_size for n in (paths.ROUTE, paths.PLACES, paths.COUNTRIES))
    leaflet = sum(
        (paths.VENDOR_DIR / rel).stat().st_size for name, rel in VENDORED.items() if "draw" not in name
    )
    layers = {}
    for child in m._children.values():
        name = getattr(child, "layer_name", None) or child.get_name()
        if isinstance(getattr(child, "data", None), dict):  # folium.GeoJson
            layers[name] = len(json.dumps(child.data).encode())
        elif isinstance(getattr(child, "json", None), str):  # mapview.OutlineLayer, serialized once
            layers[name] = len(child.json.encode())
    section = Section("3. Payload: the map the page sends", ["what", "bytes", "ratio to data drawn"])
    section.rows += [
        ["data drawn: route + places + countries GeoJSON (baseline)", f"{drawn:,}", "1.00×"],
        ["map sent by st_folium (script + html + header)", f"{total:,}", ratio(total, drawn)],
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


#: Sets ``window.__shown`` to a promise of the absolute time (ms) at which a heading with this
#: text is in the page (it gives up after 30 s).
_WATCH_HEADING = """(text) => {
    const now = () => performance.timeOrigin + performance.now();
    const shown = () => [...document.querySelectorAll('h1, h2, h3, h4')]
        .some((h) => h.textContent.includes(text));
    window.__shown = new Promise((resolve, reject) => {
        if (shown()) { resolve(now()); return; }
        const observer = new MutationObserver(() => {
            if (shown()) { observer.disconnect(); resolve(now()); }
        });
        observer.observe(document.body, {subtree: true, childList: true, characterData: true});
        setTimeout(() => reject(new Error('heading not shown: ' + text)), 30000);
    });
}"""
#: Records the absolute time (ms) of the next event of this type in the document, before anything handles it.
_STAMP_NEXT = """(type) => {
    window.__stamp = null;
    document.addEventListener(type, () => { window.__stamp = performance.timeOrigin + performance.now(); },
                              {capture: true, once: true});
}"""


def _latency_s(page, stamped, heading: str, act) -> float:
    """From the user's event (stamped in the document that receives it) to the heading in the page.

    Both ends are taken inside the browser, so neither Playwright's round trips nor
    its polling interval (100 ms, then 250 ms, ...) is in the number.
    """
    page.evaluate(_WATCH_HEADING, heading)
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
            path = frame.locator(f"path.seg-{seg['id']}")
            title = f"{int(seg['order'])}. {seg['title']}"
            clicks.append(_latency_s(page, map_doc, title, path.click))
            # The same through the leg chooser: no map event, so no streamlit-folium debounce.
            other = data.segment(CLICKABLE[(i + 1) % len(CLICKABLE)])
            chooser = page.locator('[data-testid="stSelectbox"]').filter(has_text="Leg of the route")
            chooser.click()
            page.keyboard.type(str(other["title"]))
            page.evaluate(_STAMP_NEXT, "keydown")
            title = f"{int(other['order'])}. {other['title']}"
            picks.append(_latency_s(page, page, title, lambda: page.keyboard.press("Enter")))
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
    o, c, k = statistics_median(opens), statistics_median(clicks), statistics_median(picks)
    section.rows += [
        ["load a blank local page (baseline)", ms(base), "1.00×", ""],
        ["open Route Map until all segments are drawn", ms(o), ratio(o, base), ""],
        ["click a segment until the side panel shows it", ms(c), ratio(c, base), "< 300 ms"],
        ["choose a leg in 'Leg of the route' until the panel shows it", ms(k), ratio(k, base), "< 300 ms"],
    ]
    section.notes.append(
        f"Medians of {repeats}; every request outside 127.0.0.1 is aborted. Click and choice are timed "
        "inside the browser, from the event to the heading in the DOM. streamlit-folium waits "
        "250 ms after a map event before reporting it (`debounce(updateComponentValue, 250)` in its "
        "frontend), so a map click cannot reach the panel in under 250 ms; the chooser row shows "
        "the app's own latency without that wait."
    )
    return section


def statistics_median(values: list[float]) -> float:
    import statistics

    return statistics.median(values)


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


def scaling(quick: bool = False) -> Section:
    sizes = [10, 1_000, 10_000] if quick else [10, 1_000, 10_000, 100_000]
    files = read_files(paths.DATA_DIR)
    section = Section(
        "5. Scaling of `geo`: validate and load synthetic routes",
        ["segments", "file", "validate", "× per 10×", "load", "× per 10×", "peak MiB (validate / load)"],
    )
    previous: tuple[float, float] | None = None
    for n in sizes:
        route = synthetic_route(files[paths.ROUTE], n)
        trial = {**files, paths.ROUTE: route}
        repeats = 1 if n >= 100_000 else 3
        # The 20 MiB upload limit would refuse the largest file; the benchmark measures the checks.
        v = median_s(lambda t=trial: validate_texts(t, max_bytes=None), repeats)
        lo = median_s(lambda t=trial: load_files(t), repeats)
        vm = _peak_mib(lambda t=trial: validate_texts(t, max_bytes=None))
        lm = _peak_mib(lambda t=trial: load_files(t))
        step_v = ratio(v, previous[0]) if previous else ""
        step_l = ratio(lo, previous[1]) if previous else ""
        section.rows.append(
            [
                f"{n:,}",
                f"{len(route) / 2**20:.1f} MiB",
                ms(v),
                step_v,
                ms(lo),
                step_l,
                f"{vm:,.0f} / {lm:,.0f}",
            ]
        )
        previous = (v, lo)
    section.notes.append(
        "Linear growth is 10× per step; less is fixed costs being spread. The other data files are the "
        "real ones and are part of every run."
    )
    return section


# ---------------------------------------------------------------------------------------- 6. sessions


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
        "6. Sessions: server memory with open browser tabs", ["tabs", "server RSS", "per added tab"]
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
