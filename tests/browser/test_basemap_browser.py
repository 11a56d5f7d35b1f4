"""The basemap (issue 25) in offline Chromium: at the first leg the relief is loaded and a river runs
through the view; at the Mekong crossing the Mekong and its name are on screen. The screening pack from
file:// and the app, at a laptop's and a phone's size, in English and Korean."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.data import load_dataset
from geo.export.pack import write_pack
from geo.story.i18n import strings, translate_dataset
from geo.story.tour import chapters
from harness.browser import map_frame, screenshot, wait_settled
from tests.browser.test_pack_browser import go, open_pack
from tests.browser.test_route_map_story import go_to_map, open_map

pytestmark = pytest.mark.browser

FIRST_LEG, MEKONG = "nk-to-china", "mekong-crossing"
SIZES = [(1366, 768), (390, 844)]

#: What the map shows of the basemap, measured in the page: the relief image, the rivers' lines (points
#: sampled along each path, in screen pixels, inside the map's box) and the visible water labels.
MEASURE = """() => {
    const box = document.querySelector('.leaflet-container').getBoundingClientRect();
    const inView = (x, y) => x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
    const img = document.querySelector('img.basemap-relief');
    const rivers = {};
    for (const path of document.querySelectorAll('path.basemap-river')) {
        const name = [...path.classList].find(c => c.startsWith('basemap-river-')).slice(14);
        const length = path.getTotalLength(), ctm = path.getScreenCTM();
        let hits = 0;
        for (let i = 0; i <= 400; i++) {
            const p = path.getPointAtLength(length * i / 400).matrixTransform(ctm);
            if (inView(p.x, p.y)) { hits++; }
        }
        rivers[name] = hits;
    }
    const labels = [...document.querySelectorAll('.rs-label.rs-water')]
        .filter(e => getComputedStyle(e).visibility === 'visible')
        .filter(e => { const r = e.getBoundingClientRect();
                       return inView(r.left, r.top) && inView(r.right, r.bottom); })
        .map(e => e.textContent);
    return {relief: img ? img.naturalWidth : 0, complete: img ? img.complete : false, rivers, labels};
}"""


def mekong_name(lang: str) -> str:
    data = translate_dataset(load_dataset(), strings(lang))
    return data.places.set_index("id").loc["mekong", "name"]


def check(measured: dict, leg: str, lang: str, where: str) -> None:
    assert measured["complete"], f"{where}: the relief image has not loaded"
    assert measured["relief"] > 0, f"{where}: the relief image is empty"
    if leg == FIRST_LEG:
        assert any(measured["rivers"].values()), (
            f"{where}: no river runs through the view {measured['rivers']}"
        )
    else:
        assert measured["rivers"].get("Mekong", 0) > 0, f"{where}: the Mekong is not on screen"
        assert mekong_name(lang) in measured["labels"], (
            f"{where}: the Mekong is not named: {measured['labels']}"
        )


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("basemap-packs")
    data = load_dataset()
    return {lang: write_pack(data, out / f"{lang}.html", strings(lang)) for lang in ("en", "ko")}


def chapter_of(leg: str, lang: str) -> int:
    return next(i for i, c in enumerate(chapters(load_dataset(), strings(lang))) if c.segment_id == leg)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pack_shows_relief_and_rivers_at_the_story_legs(browser, packs, lang, size):
    context, page = open_pack(browser, packs[lang], size)
    for leg in (FIRST_LEG, MEKONG):
        go(page, chapter_of(leg, lang))
        wait_settled(page, leg)
        check(page.evaluate(MEASURE), leg, lang, f"pack {lang} {size} {leg}")
        if size == (1366, 768):
            screenshot(page, f"basemap-pack-{leg}-{lang}")
    assert page.requested == [], f"requested from outside the file: {page.requested}"
    context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_app_shows_relief_and_rivers_at_the_story_legs(browser, app_server, lang, size):
    query = "&lang=ko" if lang == "ko" else ""
    context, page = open_map(browser, app_server.url, *size, f"/?segment={FIRST_LEG}{query}")
    for leg in (FIRST_LEG, MEKONG):
        if leg != FIRST_LEG:  # the next leg's deep link in the same tab: a second visit, its bundle cached
            go_to_map(page, app_server.url, f"/?segment={leg}{query}")
        frame = map_frame(page)
        # Loaded and finished: a relief that is being fetched again (a second visit) keeps its old size.
        loaded = (
            "() => { const i = document.querySelector('img.basemap-relief');"
            " return !!i && i.complete && i.naturalWidth > 0; }"
        )
        frame.wait_for_function(loaded, timeout=15_000)
        wait_settled(frame, leg)
        check(frame.evaluate(MEASURE), leg, lang, f"app {lang} {size} {leg}")
        if size == (1366, 768):
            screenshot(page, f"basemap-app-{leg}-{lang}")
        assert page.watch.external == []
    context.close()
