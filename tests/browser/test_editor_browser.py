"""The maintainer's round trip in a real, offline Chromium: sign in, upload, review, save, see it live."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from geo import paths
from geo.edit import accounts, history
from geo.edit.staging import dump_collection
from geo.story.i18n import strings
from harness.browser import map_frame, screenshot, wait_settled, wait_until_idle
from harness.server import start_app, stop_app
from tests.conftest import feature

pytestmark = pytest.mark.browser

PASSWORD = "screening-night-2026"
NEW_TITLE = "Through the jungle into Laos, on foot at night"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture
def editor_server(data_dir: Path):
    server = start_app(data_dir, {accounts.PASSWORD_ENV: PASSWORD})
    yield server
    stop_app(server)


def test_sign_in_upload_review_save_and_see_it_on_the_route_map(
    offline_page, editor_server, data_dir: Path, tmp_path: Path
):
    page = offline_page
    page.goto(f"{editor_server.url}/editor", wait_until="domcontentloaded")
    expect(page.get_by_text("Password", exact=True)).to_be_visible(timeout=30_000)
    # A fresh server's first visitor deep-linked here: the page must still be framed by app.py.
    expect(page.get_by_role("link", name="Edit data")).to_be_visible()
    expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
    expect(page.locator('input[type="file"]')).to_have_count(0)

    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Wrong password.")).to_be_visible(timeout=15_000)
    sign_in(page)
    expect(page.get_by_text("All data files pass validation.")).to_be_visible()

    obj = json.loads((data_dir / paths.ROUTE).read_bytes())
    feature(obj, "laos-jungle")["properties"]["title"] = NEW_TITLE
    upload = tmp_path / "route.geojson"
    upload.write_bytes(dump_collection(obj))
    page.locator('input[type="file"]').first.set_input_files(upload)
    expect(page.get_by_role("button", name="Remove route.geojson")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name=re.compile("Review: route.geojson"))).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("1 changed")).to_be_visible()
    expect(page.frame_locator(MAP_FRAME).last.locator("path.route-selected")).to_have_count(1, timeout=30_000)
    wait_settled(map_frame(page, -1))
    screenshot(page, "editor-review", whole_page=True)

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved route.geojson")).to_be_visible(timeout=15_000)
    assert json.loads((data_dir / paths.ROUTE).read_bytes()) == obj

    page.goto(f"{editor_server.url}/?segment=laos-jungle", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=re.compile(re.escape(NEW_TITLE)))).to_be_visible(timeout=30_000)

    # The history lists the save; restoring the version before it brings the old title back.
    page.goto(f"{editor_server.url}/editor", wait_until="domcontentloaded")
    sign_in(page)
    expect(page.get_by_role("heading", name="History")).to_be_visible(timeout=15_000)
    saved, baseline = history.log(data_dir)[:2]
    pick = page.get_by_label(re.compile("See what a commit changed"))
    expect(pick).to_have_value(re.compile(re.escape(f"{saved.short} · ")))
    pick.click()
    page.keyboard.type(baseline.short)
    page.keyboard.press("Enter")
    expect(pick).to_have_value(re.compile(re.escape(f"{baseline.short} · ")), timeout=15_000)
    # The start of the history lists every record as added, folded: open route.geojson's.
    page.locator('[data-testid="stExpander"] summary').filter(
        has_text=re.compile(r"route\.geojson: \d+ added")
    ).click()
    restore = page.get_by_role("button", name=f"Restore route.geojson as it was after {baseline.short}")
    expect(restore).to_be_visible(timeout=15_000)
    wait_until_idle(page)  # the expander has opened and the page is not mid-rerun: the click lands
    restore.click()
    # Validating with the other files and committing: allow for a loaded machine.
    expect(page.get_by_text(re.compile("Restored route.geojson"))).to_be_visible(timeout=30_000)
    wait_until_idle(page)
    screenshot(page, "editor-history", whole_page=True)
    page.goto(f"{editor_server.url}/?segment=laos-jungle", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=re.compile("Night trek through the jungle"))).to_be_visible(
        timeout=30_000
    )
    assert page.watch.external == []
    assert page.watch.console_errors == []


def sign_in(page) -> None:
    """With the shared password: the name stays blank (the maintainer "maintainer")."""
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Data files")).to_be_visible(timeout=15_000)


def test_sketch_a_segment_and_add_it_to_the_preview(offline_page, editor_server, data_dir: Path):
    page = offline_page
    page.set_viewport_size({"width": 1366, "height": 1000})
    page.goto(f"{editor_server.url}/editor", wait_until="domcontentloaded")
    sign_in(page)
    page.get_by_role("tab", name="Sketch a segment").click()
    sketch = page.frame_locator(MAP_FRAME).first
    expect(sketch.locator("path.route-segment").first).to_be_attached(timeout=30_000)
    page.locator(MAP_FRAME).first.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
    wait_settled(map_frame(page))  # the clicks below land where the map will stay
    sketch.locator(".leaflet-draw-draw-polyline").click()
    box = page.locator(MAP_FRAME).first.bounding_box()
    for n, (fx, fy) in enumerate(((0.55, 0.45), (0.62, 0.40)), start=1):
        if n > 1:
            page.wait_for_timeout(600)  # two clicks closer in time are a double click: it ends the line
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        expect(sketch.locator(".leaflet-marker-icon.leaflet-editing-icon")).to_have_count(n)
    sketch.get_by_role("link", name="Finish").click()
    add = page.get_by_role("button", name="Add to preview")
    expect(add).to_be_enabled(timeout=15_000)
    page.get_by_label("Id (lower-case-with-hyphens)").fill("sketched-leg")
    page.get_by_label("Title").fill("A sketched leg")
    page.get_by_label("Summary (what the sources say about this leg)").fill("Drawn in a browser test.")
    page.locator('[data-testid="stMultiSelect"]').click()
    page.get_by_role("option", name="film").click()
    page.keyboard.press("Escape")
    add.click()
    expect(
        page.get_by_role("heading", name=re.compile("Review: route.geojson, from a sketch"))
    ).to_be_visible(timeout=15_000)
    expect(page.get_by_text("1 added")).to_be_visible()
    wait_until_idle(page)
    screenshot(page, "editor-sketch", whole_page=True)
    assert page.watch.external == []


def test_korean_editor_in_the_browser(offline_page, editor_server):
    """The whole editor follows ?lang=ko; findings stay in English, and the page says so."""
    ko = strings("ko")
    page = offline_page
    page.goto(f"{editor_server.url}/editor?lang=ko", wait_until="domcontentloaded")
    page.get_by_label(ko("editor.password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=ko("editor.sign_in")).click()
    expect(page.get_by_role("heading", name=ko("editor.files_header"))).to_be_visible(timeout=15_000)
    expect(page.get_by_text(ko("editor.all_pass"))).to_be_visible()
    expect(page.get_by_role("tab", name=ko("editor.sketch_tab"))).to_be_visible()
    wait_until_idle(page)
    screenshot(page, "editor-ko", whole_page=True)
    assert page.watch.external == []
    assert page.watch.console_errors == []


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Hand",
        "GIT_AUTHOR_EMAIL": "hand@example.org",
        "GIT_COMMITTER_NAME": "Hand",
        "GIT_COMMITTER_EMAIL": "hand@example.org",
    }
    return subprocess.run(
        ["git", "-C", str(cwd), *args], capture_output=True, env=env, check=True
    ).stdout.decode()


@pytest.fixture
def interrupted_data(data_dir: Path) -> tuple[Path, str]:
    """A history whose second commit is a ko.toml with markup, fixed since; and a save that was killed
    after writing route.geojson and before committing it (the file differs from HEAD)."""
    ko = data_dir / "i18n/ko.toml"
    good = ko.read_text(encoding="utf-8")
    _git(data_dir, "init", "-q", "-b", "main")
    _git(data_dir, "add", ".")
    _git(data_dir, "commit", "-qm", "the data")
    ko.write_text(good.replace('title = "', 'title = "<b>', 1), encoding="utf-8")
    _git(data_dir, "commit", "-qam", "an old ko.toml with markup")
    broken = _git(data_dir, "rev-parse", "--short", "HEAD").strip()
    ko.write_text(good, encoding="utf-8")
    _git(data_dir, "commit", "-qam", "ko.toml fixed")
    obj = json.loads((data_dir / paths.ROUTE).read_bytes())
    feature(obj, "laos-jungle")["properties"]["title"] = NEW_TITLE
    (data_dir / paths.ROUTE).write_bytes(dump_collection(obj))
    return data_dir, broken


def test_editor_recovers_a_killed_save_and_refuses_restoring_a_broken_translation(
    offline_page, interrupted_data
):
    data_dir, broken = interrupted_data
    ko_before = (data_dir / "i18n/ko.toml").read_bytes()
    server = start_app(data_dir, {accounts.PASSWORD_ENV: PASSWORD})
    try:
        page = offline_page
        page.goto(f"{server.url}/editor", wait_until="domcontentloaded")
        expect(page.get_by_text("Password", exact=True)).to_be_visible(timeout=30_000)
        sign_in(page)
        # The editor's start committed the valid, interrupted save, and says so.
        expect(page.get_by_role("heading", name="History")).to_be_visible(timeout=15_000)
        assert history.log(data_dir)[0].summary.startswith("Recover an interrupted save: route.geojson")
        page.get_by_text("Repairs after interrupted saves").click()
        expect(page.get_by_text(re.compile("it was valid, so it was committed as"))).to_be_visible()

        pick = page.get_by_label(re.compile("See what a commit changed"))
        pick.click()
        page.keyboard.type(broken)
        page.keyboard.press("Enter")
        expect(pick).to_have_value(re.compile(re.escape(f"{broken} · ")), timeout=15_000)
        restore = page.get_by_role("button", name=f"Restore i18n/ko.toml as it was after {broken}")
        expect(restore).to_be_visible(timeout=15_000)
        wait_until_idle(page)
        head = history.log(data_dir)[0].commit
        restore.click()
        expect(page.get_by_text(re.compile("i18n/ko.toml was not restored"))).to_be_visible(timeout=30_000)
        expect(page.get_by_text(re.compile("looks like HTML")).first).to_be_visible()
        screenshot(page, "editor-restore-refused", whole_page=True)
        assert history.log(data_dir)[0].commit == head, "nothing was committed"
        assert (data_dir / "i18n/ko.toml").read_bytes() == ko_before

        page.goto(f"{server.url}/?lang=ko", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=30_000)
        assert "<b>" not in page.locator("h1").first.inner_text()
        assert page.watch.external == []
    finally:
        stop_app(server)


def _pick(page, scope, label: str, option: str) -> None:
    """Choose ``option`` in the Streamlit selectbox labelled ``label`` (its options open on the page)."""
    box = scope.get_by_role("combobox", name=label, exact=True)
    box.click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    expect(box).to_have_value(option)


def test_import_tab_takes_a_phone_gpx_through_preview_privacy_report_and_one_commit(
    offline_page, data_dir: Path, tmp_path: Path
):
    """A maintainer's 300-point phone track (6 decimals, times, elevations) becomes the Laos leg."""
    from tests.edit.tracks import gpx, phone_points

    _git(data_dir, "init", "-q", "-b", "main")
    _git(data_dir, "add", ".")
    _git(data_dir, "commit", "-qm", "the data")
    before = history.log(data_dir)
    track = tmp_path / "laos-walk.gpx"
    track.write_bytes(gpx(phone_points(300)))
    server = start_app(data_dir, {accounts.PASSWORD_ENV: PASSWORD})
    try:
        page = offline_page
        page.set_viewport_size({"width": 1366, "height": 768})
        page.goto(f"{server.url}/editor", wait_until="domcontentloaded")
        expect(page.get_by_text("Password", exact=True)).to_be_visible(timeout=30_000)
        sign_in(page)
        page.get_by_role("tab", name="Import a GPS track or waypoints").click()
        page.locator('[data-testid="stFileUploader"] input[type="file"]').last.set_input_files(track)
        preview = page.frame_locator(MAP_FRAME).last
        expect(preview.locator("path.import-preview").first).to_be_attached(timeout=30_000)
        expect(page.get_by_role("heading", name="Privacy report")).to_be_visible()
        expect(page.get_by_text(re.compile(r"Points: 300 in the file, \d+ kept"))).to_be_visible()
        expect(page.get_by_text("Timestamps removed: 300.")).to_be_visible()
        expect(page.get_by_text("Elevations removed: 300.")).to_be_visible()
        expect(page.get_by_text(re.compile(r"up to 6 decimals in the file, at most 2 kept"))).to_be_visible()

        form = page.locator('[role="tabpanel"]:visible [data-testid="stForm"]')
        form.get_by_label("Id (lower-case-with-hyphens)").fill("laos-to-mekong")
        _pick(page, form, "Country", "Laos")
        form.get_by_label("Order", exact=True).fill("7")
        _pick(page, form, "Mode", "Overland")
        form.get_by_label("Title").fill("Across northern Laos to the Mekong")
        form.get_by_label("Summary (what the sources say about this leg)").fill(
            "Through Laos toward the Thai border, the goal of the journey."
        )
        form.locator('[data-testid="stMultiSelect"]').click()
        page.get_by_role("option", name="film").click()
        page.keyboard.press("Escape")
        form.get_by_role("button", name="Add to preview").click()
        review = re.compile(r"Review: route\.geojson, imported from 'laos-walk\.gpx'")
        expect(page.get_by_role("heading", name=review)).to_be_visible(timeout=30_000)
        expect(page.get_by_text("1 changed")).to_be_visible()
        wait_until_idle(page)
        screenshot(page, "editor-import-review", whole_page=True)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text(re.compile(r"Saved route\.geojson"))).to_be_visible(timeout=30_000)
    finally:
        stop_app(server)

    after = history.log(data_dir)
    assert len(after) == len(before) + 1, "one Save, one commit"
    assert _git(data_dir, "status", "--porcelain").strip() == ""
    leg = feature(json.loads((data_dir / paths.ROUTE).read_bytes()), "laos-to-mekong")
    coords = leg["geometry"]["coordinates"]
    assert 3 < len(coords) < 300, "generalized: more than the schematic two points, far fewer than 300"
    assert all(round(v, 2) == v for xy in coords for v in xy), "at most 2 decimals"
    assert set(leg["properties"]) >= {"id", "order", "country", "mode", "title", "summary", "sources"}
    assert not {"time", "ele", "device"} & set(leg["properties"])
    assert page.watch.external == []
