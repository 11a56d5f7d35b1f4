"""The audience site in a real, offline Chromium: served by nginx (gzip) on loopback, and from file://.

Every request that is not to this machine is aborted. The site is built once
per module from the shipped data (and once more with planted payloads).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from geo.data import load_dataset
from geo.export.site import translators_for, write_site
from geo.story.i18n import strings, translate_dataset
from geo.story.legs import leg_titles
from harness.browser import offline_context, screenshot, wait_settled, watch_console
from harness.server import ARTIFACTS, PROJECT
from harness.static_site import StaticSite
from tests.conftest import required_tool
from tests.export.test_site import plant_payloads

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
#: What must never be on screen: Python's and JavaScript's words for nothing, reprs, template braces.
PROGRAM_TEXT = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\bundefined\b|\[object|\{\{|\}\}|\{%")
AXE = PROJECT / ".cache" / "axe-core-4.14.1" / "axe.min.js"


@pytest.fixture(scope="module")
def site_dir(data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("audience") / "site"
    write_site(data, out, translators_for(["en", "ko"]))
    return out


@pytest.fixture(scope="module")
def server(site_dir, tmp_path_factory) -> Iterator[StaticSite]:
    from deploy.stack import find_nginx

    required_tool(
        find_nginx(),
        "nginx not found: ./test installs Debian's nginx-light (scripts/ensure_nginx.sh)",
        "the audience site's tests (it is tested as production serves it)",
    )
    with StaticSite(site_dir, tmp_path_factory.mktemp("nginx")) as served:
        yield served


def open_page(browser, url: str, viewport: dict = PHONE):
    context, watch = offline_context(browser, viewport=viewport)
    page = context.new_page()
    watch_console(page, watch)
    page.watch = watch
    page.goto(url)
    wait_for_route(page)
    return context, page


def wait_for_route(page) -> None:
    expect(page.locator("path.route-segment")).to_have_count(10, timeout=15_000)


def click_leg(page, segment_id: str) -> None:
    """Click a leg on its stroke, halfway along (a curve's bounding-box centre is off the line)."""
    point = page.locator(f"path.route-segment.seg-{segment_id}").evaluate(
        """(path) => { const p = path.getPointAtLength(path.getTotalLength() / 2);
                       const m = path.getScreenCTM();
                       return {x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f}; }"""
    )
    page.mouse.click(point["x"], point["y"])


def selected_leg(page) -> str:
    """The leg the map shows as chosen: route-story.js marks its container; else the page's own class."""
    return page.evaluate(
        """() => { const map = document.querySelector('.leaflet-container');
                   const marked = map.getAttribute('data-selected-leg');
                   if (marked !== null) { return marked; }
                   const on = map.querySelector('path.route-segment.is-selected');
                   return on ? on.getAttribute('class').match(/seg-([a-z0-9-]+)/)[1] : ''; }"""
    )


def heading(page):
    return page.locator("#story .panel:not([hidden]) .panel-title")


def assert_clean(page) -> None:
    assert page.watch.external == [], "the site asked the internet for something"
    assert page.watch.console_errors == []
    shown = page.evaluate("document.body.innerText")
    assert not PROGRAM_TEXT.search(shown), PROGRAM_TEXT.search(shown).group(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "clipped sideways"


# ---------------------------------------------------------------------------------- served by nginx


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390x844", "1366x768"])
def test_map_draws_and_a_leg_click_tells_its_story(browser, server, data, viewport):
    context, page = open_page(browser, server.url, viewport)
    top = page.locator(".map-frame").bounding_box()["y"]
    share = 0.6 if viewport is PHONE else 0.5
    assert top < viewport["height"] * share, f"the map starts at {top}px"
    expect(heading(page)).to_have_text("The whole route")
    screenshot(page, f"audience-en-{viewport['width']}")
    click_leg(page, "laos-jungle")
    title = leg_titles(data)["laos-jungle"]
    expect(heading(page)).to_have_text(title)
    assert heading(page).inner_text() == title
    story = page.locator("#leg")
    quote = data.quotes_for("laos-jungle").iloc[0]["text"]
    expect(story.locator("blockquote")).to_have_text(quote)
    expect(story.locator("#leg-sources li")).to_have_count(len(data.segment("laos-jungle")["sources"]))
    assert selected_leg(page) == "laos-jungle"
    expect(page).to_have_url(re.compile(r"#segment-laos-jungle$"))
    expect(page.locator("a[data-language]")).to_have_attribute("href", "ko/index.html#segment-laos-jungle")
    wait_settled(page, "laos-jungle")  # the flight to the leg ends before the picture is taken
    screenshot(page, f"audience-en-{viewport['width']}-leg")
    assert_clean(page)
    context.close()


def test_a_tap_near_a_waypoint_opens_its_leg(browser, server, data):
    context, page = open_page(browser, server.url)
    point = page.evaluate(
        """() => {
            const data = JSON.parse(document.getElementById('site-data').textContent);
            const map = window[data.map];
            const place = data.places.find((p) => p.name === 'Kunming / Yunnan');
            const p = map.latLngToContainerPoint([place.lat, place.lon]);
            const box = map.getContainer().getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    expect(heading(page)).to_have_text(leg_titles(data)["china-to-vietnam"])
    expect(page.locator("#leg-kicker")).to_have_text("Kunming / Yunnan · Leg 3 of 10")
    assert selected_leg(page) == "china-to-vietnam"
    assert_clean(page)
    context.close()


def test_keyboard_steps_through_the_legs_with_a_visible_focus(browser, server, data):
    context, page = open_page(browser, server.url, LAPTOP)
    titles = list(leg_titles(data).values())
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "next":
            break
    assert page.evaluate("document.activeElement.id") == "next", "Tab never reached Next"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert float(outline.removesuffix("px")) >= 2, "no visible focus"
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text(titles[0])
    expect(page.locator("#prev")).to_be_enabled()
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text(titles[1])
    # The map says what it now shows, in a sentence that starts with the leg's number and title.
    expect(page.locator(".rs-live[role=status]")).to_contain_text(titles[1].split(". ", 1)[1])
    page.locator("#prev").click()
    expect(heading(page)).to_have_text(titles[0])
    page.locator("#whole").click()
    expect(heading(page)).to_have_text("The whole route")
    expect(page.locator("#whole")).to_have_attribute("aria-pressed", "true")
    for _ in titles:
        page.locator("#next").click()
    expect(heading(page)).to_have_text(titles[-1])
    expect(page.locator("#next")).to_be_disabled()
    assert_clean(page)
    context.close()


def test_play_the_journey_moves_on_by_itself_and_stops_when_the_viewer_chooses(browser, server, data):
    context, watch = offline_context(browser, viewport=PHONE, reduced_motion="reduce")
    page = context.new_page()
    watch_console(page, watch)
    page.clock.install()
    page.goto(server.url)
    wait_for_route(page)
    titles = list(leg_titles(data).values())
    play = page.locator("#play")
    expect(play).to_have_text("Play the journey")
    play.click()
    expect(heading(page)).to_have_text(titles[0])
    expect(play).to_have_text("Pause")
    page.clock.run_for(6_500)
    expect(heading(page)).to_have_text(titles[1])
    page.locator("#prev").click()  # the viewer's own choice stops the player
    expect(play).to_have_text("Play the journey")
    page.clock.run_for(13_000)
    expect(heading(page)).to_have_text(titles[0])
    play.click()
    page.clock.run_for(6_500)
    expect(heading(page)).to_have_text(titles[1])
    play.click()  # pause
    page.clock.run_for(13_000)
    expect(heading(page)).to_have_text(titles[1])
    play.click()
    for title in titles[2:]:  # on to the last leg, then it stops there
        page.clock.run_for(6_100)
        expect(heading(page)).to_have_text(title)
    page.clock.run_for(6_100)
    expect(play).to_have_text("Play the journey")
    expect(heading(page)).to_have_text(titles[-1])
    assert watch.console_errors == []
    assert watch.external == []
    context.close()


@pytest.mark.parametrize(
    ("address", "segment"),
    [
        ("?segment=flight-seoul", "flight-seoul"),
        ("#segment-vietnam-north", "vietnam-north"),
        ("?segment=x", None),
    ],
)
def test_deep_links_open_a_leg(browser, server, data, address, segment):
    context, page = open_page(browser, server.url + address)
    expected = leg_titles(data)[segment] if segment else "The whole route"
    expect(heading(page)).to_have_text(expected)
    assert selected_leg(page) == (segment or "")
    if segment:
        expect(page).to_have_url(re.compile(rf"/audience/#segment-{segment}$"))
    context.close()


def test_route_text_links_open_the_leg_and_bring_the_map_back(browser, server, data):
    context, page = open_page(browser, server.url)
    link = page.locator(".route-list a[data-leg=mekong-crossing]")
    link.scroll_into_view_if_needed()
    link.click()
    expect(heading(page)).to_have_text(leg_titles(data)["mekong-crossing"])
    expect(heading(page)).to_be_focused()
    # The page scrolls back (smoothly) to the map: wait for it rather than for a time.
    page.wait_for_function(
        "(h) => document.querySelector('.map-frame').getBoundingClientRect().top > -h / 2",
        arg=PHONE["height"],
    )
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390x844", "1366x768"])
def test_korean_page_shows_korean(browser, server, data, viewport):
    context, page = open_page(browser, server.url + "ko/index.html", viewport)
    assert page.evaluate("document.documentElement.lang") == "ko"
    expect(page.locator("h1")).to_have_text("비욘드 유토피아: 탈출 경로")
    expect(heading(page)).to_have_text("전체 경로")
    ko = translate_dataset(data, strings("ko"))
    page.locator("#next").click()
    expect(heading(page)).to_have_text(leg_titles(ko)["nk-to-china"])
    assert page.evaluate("getComputedStyle(document.querySelector('#leg-summary')).wordBreak") == "keep-all"
    shown = page.evaluate("document.body.innerText")
    assert len(re.findall(r"[\uac00-\ud7a3]", shown)) > 500
    page.locator(".map-frame").scroll_into_view_if_needed()
    wait_settled(page, "nk-to-china")
    screenshot(page, f"audience-ko-{viewport['width']}")
    assert_clean(page)
    context.close()


def test_nothing_clipped_with_everything_open(browser, server, data):
    for viewport in (PHONE, LAPTOP):
        for path in ("", "ko/index.html"):
            context, page = open_page(browser, server.url + path + "#segment-china-changbai", viewport)
            page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
            assert_clean(page)
            screenshot(page, f"audience-{path[:2] or 'en'}-{viewport['width']}-full")
            context.close()


def test_first_view_is_under_500_kb_compressed(browser, server):
    context, watch = offline_context(browser, viewport=PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(server.url, wait_until="load")
    wait_for_route(page)
    wait_settled(page)
    page.wait_for_load_state("networkidle")  # the relief, asked for once the route is drawn
    total = sum(sizes.values())
    assert 50_000 < total < 500_000, {urls.get(k, k): v for k, v in sizes.items()}
    encodings = page.evaluate(
        """async () => (await fetch(location.href, {cache: 'no-store'})).headers.get('content-encoding')"""
    )
    assert encodings == "gzip"
    assert watch.external == []
    context.close()


def test_service_worker_keeps_the_site_offline(browser, server, data):
    context, page = open_page(browser, server.url)
    page.wait_for_function(
        """async () => {
            const reg = await navigator.serviceWorker.ready;
            return !!reg.active && !!navigator.serviceWorker.controller;
        }""",
        timeout=15_000,
    )
    cached = page.evaluate(
        "async () => (await caches.keys()).filter((k) => k.startsWith('escape-route-site-'))"
    )
    assert len(cached) == 1
    context.set_offline(True)
    page.reload()
    wait_for_route(page)
    expect(heading(page)).to_have_text("The whole route")
    page.locator("a[data-language]").click()
    wait_for_route(page)
    expect(page.locator("h1")).to_have_text("비욘드 유토피아: 탈출 경로")
    page.goto(server.url + "?segment=laos-jungle")
    expect(heading(page)).to_have_text(leg_titles(data)["laos-jungle"])
    assert page.watch.console_errors == []
    context.close()


@pytest.mark.parametrize("path", ["", "ko/index.html"])
def test_no_serious_accessibility_violations(browser, server, path):
    required_tool(
        str(AXE) if AXE.is_file() else None,
        f"{AXE} missing: ./test fetches it (scripts/ensure_axe.sh)",
        "the accessibility checks",
    )
    for viewport in (PHONE, LAPTOP):
        context, page = open_page(browser, server.url + path + "#segment-laos-jungle", viewport)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3)
                    .map((n) => n.target)}))"""
        )
        ARTIFACTS.mkdir(exist_ok=True)
        name = f"axe-audience-{path[:2] or 'en'}-{viewport['width']}.json"
        (ARTIFACTS / name).write_text(json.dumps(violations, indent=2))
        blocking = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert blocking == [], blocking
        context.close()


# ---------------------------------------------------------------------------------- from file://


def test_works_from_a_file_with_no_server(browser, site_dir, data):
    context, page = open_page(browser, (site_dir / "index.html").as_uri(), LAPTOP)
    click_leg(page, "thailand-bangkok")
    expect(heading(page)).to_have_text(leg_titles(data)["thailand-bangkok"])
    assert page.evaluate("navigator.serviceWorker ? navigator.serviceWorker.controller : null") is None
    page.locator("a[data-language]").click()
    wait_for_route(page)
    assert page.url.startswith("file://")
    assert page.url.endswith("/ko/index.html#segment-thailand-bangkok")
    expect(page.locator("h1")).to_have_text("비욘드 유토피아: 탈출 경로")
    expect(heading(page)).to_have_text(leg_titles(translate_dataset(data, strings("ko")))["thailand-bangkok"])
    assert_clean(page)
    context.close()


def test_planted_payloads_show_as_literal_text(browser, data_dir, tmp_path):
    planted = plant_payloads(data_dir)
    out = tmp_path / "site"
    write_site(load_dataset(data_dir), out, translators_for(["en"]))
    context, page = open_page(browser, (out / "index.html").as_uri(), LAPTOP)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.locator("#next").click()
    for _ in range(2):
        page.locator("#next").click()
    expect(heading(page)).to_have_text("3. ROUTE2 <img src=x onerror=alert(1)>")
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    shown = page.evaluate("document.body.innerText")
    for marker, payload in planted.items():
        if marker.startswith(("QUOTE", "SOURCE")):
            assert f"{marker} {payload}" in shown, marker
    assert "ROUTE0 49" not in shown
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("strong", has_text="bold").count() == 0
    assert dialogs == []
    # A waypoint's name shows literally in the panel, too.
    page.evaluate(
        """() => {
            const data = JSON.parse(document.getElementById('site-data').textContent);
            const map = window[data.map];
            const at = [data.places[2].lat, data.places[2].lon];
            map.fire('click', {latlng: L.latLng(at), containerPoint: map.latLngToContainerPoint(at),
                               originalEvent: {target: map.getContainer()}});
        }"""
    )
    expect(page.locator("#leg-kicker")).to_contain_text("PLACE2 <img src=x onerror=alert(1)>")
    screenshot(page, "audience-payloads")
    assert page.watch.external == []
    context.close()
