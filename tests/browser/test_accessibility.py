"""axe-core on every page in both languages: no serious or critical violation, offline.

axe-core comes from the npm registry (``scripts/ensure_axe.sh`` puts it in
``.cache/``) and is injected by Playwright into the page and into each frame,
so the map's iframe is checked too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from harness.browser import map_frame, screenshot, wait_settled, wait_until_idle
from harness.server import ARTIFACTS, PROJECT
from tests.conftest import required_tool

pytestmark = pytest.mark.browser

AXE_VERSION = "4.14.1"
AXE = PROJECT / ".cache" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PAGES = {"route": "", "presenter": "presenter", "sources": "sources", "editor": "editor"}
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="session")
def axe_path() -> Path:
    return Path(
        required_tool(
            str(AXE) if AXE.is_file() else None,
            f"{AXE} missing: ./test fetches it (scripts/ensure_axe.sh)",
            "the accessibility checks",
        )
    )


def run_axe(page, axe_path: Path) -> list[dict]:
    for frame in page.frames:
        frame.add_script_tag(path=str(axe_path))
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, summary: n.failureSummary}))}));
        }"""
    )
    return results


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(offline_page, app_server, axe_path, name, lang):
    page = offline_page
    query = "?lang=ko" if lang == "ko" else ""
    page.goto(f"{app_server.url}/{PAGES[name]}{query}", wait_until="domcontentloaded")
    expect(page.locator("h1").first).to_be_visible(timeout=30_000)
    if name in ("route", "presenter"):
        frame = page.frame_locator(MAP_FRAME).first
        expect(frame.locator("path.route-segment").first).to_be_attached(timeout=30_000)
        wait_settled(map_frame(page))
    wait_until_idle(page)
    # The app's style sheet (an st.html block each run) is what brings captions to 4.5:1: a rerun can
    # swap it out for a moment, so measure once it applies to every caption.
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
                 .every(e => getComputedStyle(e).color === 'rgb(77, 77, 77)')"""
    )
    wait_until_idle(page)
    violations = run_axe(page, axe_path)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}-{lang}.json").write_text(json.dumps(violations, indent=2, ensure_ascii=False))
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], json.dumps(blocking, indent=2, ensure_ascii=False)
    assert page.watch.external == []


def test_korean_route_map_screenshot(offline_page, app_server):
    page = offline_page
    page.goto(f"{app_server.url}/?lang=ko&segment=laos-jungle", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="비욘드 유토피아: 탈출 경로")).to_be_visible(timeout=30_000)
    frame = page.frame_locator(MAP_FRAME).first
    expect(frame.get_by_text("라오스").first).to_be_attached(timeout=30_000)
    wait_settled(map_frame(page), "laos-jungle")
    screenshot(page, "route-map-ko", whole_page=True)


def test_keyboard_alone_reaches_and_chooses_a_leg(offline_page, app_server):
    """Tab from the top of the page to the leg chooser, pick a leg with the keyboard, see it shown."""
    page = offline_page
    page.goto(f"{app_server.url}/", wait_until="domcontentloaded")
    expect(page.frame_locator(MAP_FRAME).first.locator("path.route-segment").first).to_be_attached(
        timeout=30_000
    )
    wait_settled(map_frame(page))
    reached = False
    for _ in range(80):
        page.keyboard.press("Tab")
        reached = page.evaluate(
            """() => {
                const el = document.activeElement;
                const box = el && el.closest('[data-testid="stSelectbox"]');
                return !!box && box.innerText.includes('Leg of the route');
            }"""
        )
        if reached:
            break
    assert reached, "Tab never reached the 'Leg of the route' chooser"
    page.keyboard.type("jungle into Laos")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"segment=laos-jungle"), timeout=15_000)
    expect(page.get_by_role("heading", name="6. Night trek through the jungle into Laos")).to_be_visible()
    screenshot(page, "keyboard-leg-chosen")
