"""Issue 18: a test for each numbered failure the attacker found, named after it; then holes found since."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import tomllib
import tracemalloc
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from geo import cli, paths
from geo.data import DataStore, load_dataset
from geo.data.validation import read_files, validate_files, validate_texts
from geo.edit import accounts, history
from geo.edit.staging import stage
from geo.map.build import build_map
from geo.story.i18n import Strings, check_catalogues, flatten, strings
from geo.text import csv_bytes, esc, script_json
from pages.ui import maintainers, nav
from pages.ui.cache import DATA_DIR_ENV
from tests.conftest import edit_geojson, feature, open_page
from tests.security import appview
from tests.security.payloads import toml_dump
from tests.security.streamlit_markdown import render, shown

APP = str(paths.PROJECT_DIR / "app.py")
PASSWORD = "a long enough maintainer passphrase"
RCE = "{{cycler.__init__.__globals__.os.mkdir(dict(rtpwned=1)|first)}}"
PID = "pid={{cycler.__init__.__globals__.os.getpid()}}"


def set_props(data_dir: Path, file: str, feature_id: str, **props: object) -> None:
    edit_geojson(data_dir, file, lambda o: feature(o, feature_id)["properties"].update(props))


def set_cell(data_dir: Path, file: str, row_id: str, column: str, value: str) -> None:
    path = data_dir / file
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    next(r for r in rows if r["id"] == row_id)[column] = value
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_translations(data_dir: Path, lang: str, **changes: str) -> None:
    """Change catalogue strings (dotted keys)."""
    path = data_dir / "i18n" / f"{lang}.toml"
    flat = flatten(tomllib.loads(path.read_text(encoding="utf-8")))
    flat.update(changes)
    path.write_text(toml_dump(flat), encoding="utf-8")


def page(data_dir: Path, monkeypatch, name: str, lang: str = "en", **params: str) -> AppTest:
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    return open_page(at, f"pages/{name}.py").run()


def signed_in_editor(data_dir: Path, monkeypatch, lang: str = "en") -> AppTest:
    monkeypatch.delenv(accounts.PASSWORD_ENV, raising=False)
    monkeypatch.delenv(maintainers.REMOTE_ENV, raising=False)
    maintainers.throttle.clear()
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets[accounts.LEGACY_SECRET_KEY] = PASSWORD
    at.query_params["lang"] = lang
    at.switch_page("pages/editor.py").run()
    at.text_input[0].input("")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert at.file_uploader, "signed in"
    return at


def shown_everywhere(at: AppTest) -> str:
    return "\n".join(render(s.text, label=s.label).text for s in appview.markdown_sources(at)) + "\n".join(
        str(c.value) for c in at.code
    )


# ------------------------------------------------------------------------------------------ 1


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_01_template_text_in_data_never_runs_during_export(data_dir: Path, tmp_path: Path, monkeypatch, lang):
    """The issue's payloads, in a place name, a route summary, a chapter's text and their Korean
    translations. The pack's slides show chapters (no leg popups); every field still passes through
    the export, which must never run it."""
    set_props(data_dir, paths.PLACES, "kunming", name=PID)
    set_props(data_dir, paths.ROUTE, "laos-jungle", summary=RCE)
    set_cell(data_dir, paths.TOUR, "jungle", "text", RCE)
    set_translations(
        data_dir,
        "ko",
        **{"route.laos-jungle.summary": RCE, "places.kunming.name": PID, "tour.jungle.text": RCE},
    )
    assert validate_files(read_files(data_dir)).ok, (
        "the payloads pass validation: only rendering can stop them"
    )
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["export", "--out", str(out), "--lang", lang, "--data", str(data_dir)]) == 0
    pack = (out / "escape-route-screening.html").read_text(encoding="utf-8")
    assert not (tmp_path / "rtpwned").exists()
    assert f"pid={os.getpid()}" not in pack
    assert script_json(RCE)[1:-1] in pack, "the chapter's text is in the pack as data"
    assert script_json(PID)[1:-1] in pack, "the place name is in the pack as data"


# ------------------------------------------------------------------------------------------ 2

BROKEN = {
    "china-changbai": "Through China {{ 'x' }}",
    "laos-jungle": "Jungle {% if %} {{ unclosed",
    "mekong-crossing": "Mekong {# never closed",
}


def test_02_broken_template_syntax_in_valid_data_keeps_the_map(data_dir: Path, tmp_path: Path, monkeypatch):
    for segment, title in BROKEN.items():
        set_props(data_dir, paths.ROUTE, segment, title=title, summary=f"{title} }} {{")
    assert validate_files(read_files(data_dir)).ok
    for name, params in (("route", {"segment": "laos-jungle"}), ("presenter", {"chapter": "6"})):
        at = page(data_dir, monkeypatch, name, **params)
        assert not at.exception
        assert not at.error, "no error box instead of the map"
        maps = appview.elements(at, "component_instance")
        assert len(maps) == 1, f"{name}: the map is drawn"
        assert script_json(BROKEN["laos-jungle"])[1:-1] in json.loads(maps[0].proto.json_args)["script"]
    # The editor's preview of the same data, and the export.
    staged = stage(data_dir, paths.ROUTE, (data_dir / paths.ROUTE).read_bytes())
    assert staged.ok
    assert build_map(staged.preview, strings("en")).get_root().render()
    assert cli.main(["export", "--out", str(tmp_path / "p.html"), "--data", str(data_dir)]) == 0


# ------------------------------------------------------------------------------------------ 3


def test_03_translation_markup_stays_text_in_the_layer_control(data_dir: Path, tmp_path: Path):
    markup = {
        "map.places_layer": "<img src=x onerror=alert(1)>",
        "map.tiles_layer": "<svg onload=alert(2)>",
        "map.legend": "<b onmouseover=alert(3)>Legend</b>",
        "map.legend_footnote": "</script><script>window.__pwned=1</script>",
    }
    en = strings("en")
    tr = Strings("ko", {**en.own, **markup}, en.fallback)
    html = build_map(load_dataset(), tr).get_root().render()
    for text in markup.values():
        assert text not in html
    for key in ("map.places_layer", "map.tiles_layer"):
        # Leaflet writes layer names into the page as HTML: escaped for HTML, then as JSON.
        assert script_json(esc(markup[key]))[1:-1] in html
    for key in ("map.legend", "map.legend_footnote"):
        assert script_json(markup[key])[1:-1] in html, "the legend sets its text with textContent"
    findings = check_catalogues({"en": en.own, "ko": {**en.own, **markup}})
    assert {f.field for f in findings if f.is_error and "HTML" in f.message} == set(markup)
    set_translations(data_dir, "ko", **markup)
    assert (
        cli.main(["export", "--out", str(tmp_path / "p.html"), "--lang", "ko", "--data", str(data_dir)]) == 0
    )
    pack = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert all(text not in pack for text in markup.values())


# ------------------------------------------------------------------------------------------ 4

#: What validating and staging a hostile 1,000,000-coordinate file may allocate (tracemalloc's peak).
MEMORY_BUDGET = 64 * 2**20


def million_point_route() -> bytes:
    coords = ",".join(["[100.11,20.22]", "[100.12,20.23]"] * 500_000)
    head = '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"long","order":1},'
    return (head + '"geometry":{"type":"LineString","coordinates":[' + coords + "]}}]}").encode()


def test_04_a_million_coordinates_are_refused_in_bounded_time_and_memory(data_dir: Path):
    raw = million_point_route()
    assert 10 * 2**20 < len(raw) < 20 * 2**20, "under the file size limit: the coordinate limit must catch it"
    files = read_files(data_dir)
    files[paths.ROUTE] = raw
    tracemalloc.start()
    try:
        findings = validate_files(files).findings
        staged = stage(data_dir, paths.ROUTE, raw)
        (data_dir / paths.ROUTE).write_bytes(raw)
        snapshot = DataStore(data_dir).snapshot()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    for found in (findings, staged.findings, snapshot.findings):
        assert any("too many coordinates" in f.message for f in found if f.file == paths.ROUTE)
    assert staged.preview is None
    assert snapshot.dataset is None
    assert peak < MEMORY_BUDGET, f"peak {peak / 2**20:.1f} MiB"


# ------------------------------------------------------------------------------------------ 5


def test_05_editor_lists_findings_for_deep_json_and_wide_csv_rows(data_dir: Path, monkeypatch):
    at = signed_in_editor(data_dir, monkeypatch)
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    at.file_uploader[0].set_value(("route.geojson", deep, "application/geo+json")).run()
    assert not at.exception
    assert "nested too deeply" in shown_everywhere(at)
    wide = (data_dir / paths.SOURCES).read_bytes() + b"cbn,CBN News,T,,2023-10,,,EXTRA\n"
    discard = next(b for b in at.button if "Discard" in b.label)
    discard.click().run()
    at.file_uploader[0].set_value(("sources.csv", wide, "text/csv")).run()
    assert not at.exception
    assert "has 8 cells; the header has 7" in shown_everywhere(at)


# ------------------------------------------------------------------------------------------ 6

MARKDOWN = "![img](http://example.com/x.png) :red[red] $x^2$ **bold** :material/map: :streamlit:"


def test_06_markdown_in_figures_and_translations_is_text(data_dir: Path, monkeypatch):
    set_cell(data_dir, paths.FIGURES, "rescued-total", "period", MARKDOWN)
    urls = "see www.example.com, http://example.com/x and a@example.com"
    set_cell(data_dir, paths.QUOTES, "kim-rescued-1000", "context", urls)
    set_cell(data_dir, paths.SOURCES, "cbn", "note", urls)
    labels = {"nav.sources", "route_map.leg_select", "route_map.next_leg", "route_map.show_all_quotes"}
    set_translations(data_dir, "ko", **{key: f"{MARKDOWN} {key}" for key in labels})
    assert validate_files(read_files(data_dir)).ok
    links = appview.source_urls(data_dir)
    for lang in ("en", "ko"):
        at = page(data_dir, monkeypatch, "route", lang, segment="nk-to-china")
        assert not at.exception
        problems, texts = [], []
        for source in appview.markdown_sources(at):
            rendered = render(source.text, label=source.label)
            texts.append(rendered.text)
            problems += [f"{source.where}: {e}" for e in rendered.extras]
            problems += appview._wrapper_problems(source, rendered.tags, rendered.html, links)
        assert not problems, problems
        everything = "\n".join(texts)
        assert MARKDOWN in everything, "the figure's period, in a metric label, as written"
        assert urls in everything, "bare URLs are text"
        if lang == "ko":
            assert all(shown(f"{MARKDOWN} {key}") in everything for key in labels - {"nav.sources"})
    # Navigation titles are Markdown too (an image in one was fetched on every page).
    titles = {}
    monkeypatch.setattr(
        nav.st, "Page", lambda page, **kwargs: titles.setdefault(kwargs.get("url_path"), kwargs)
    )
    nav.pages(strings("ko", data_dir / "i18n"))
    rendered = render(titles["sources"]["title"], label=True)
    assert (rendered.text, rendered.extras, rendered.tags) == (shown(f"{MARKDOWN} nav.sources"), (), {"p"})


# ------------------------------------------------------------------------------------------ 7


def test_07_csv_downloads_neutralise_formulas(data_dir: Path, monkeypatch):
    config = tomllib.loads((paths.PROJECT_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True, "st.dataframe offers no CSV export of its own"
    formula = '=HYPERLINK("http://x","y")'
    set_props(data_dir, paths.ROUTE, "laos-jungle", title=formula)
    set_cell(data_dir, paths.SOURCES, "cbn", "outlet", formula)
    downloads: list[bytes] = []
    real = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if mimetype == "text/csv":
            downloads.append(path_or_data)
        return real(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    for name in ("route", "sources"):
        at = page(data_dir, monkeypatch, name)
        assert not at.exception
        assert appview.elements(at, "download_button"), f"{name} offers its table as CSV"
    assert len(downloads) == 2
    for data in downloads:
        text = data.decode("utf-8-sig")
        assert "'" + formula.replace('"', '""') in text, "the formula is there, quoted as text"
        cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert csv_bytes([{"a": "@SUM(1)", "b": "-1+2", "c": "\t=1"}]).decode("utf-8-sig").splitlines()[1] == (
        "'@SUM(1),'-1+2,'\t=1"
    )


# ------------------------------------------------------------------------------------------ 8


def temporaries(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob(".*.tmp"))


def changed_route(data_dir: Path, title: str) -> bytes:
    obj = json.loads((data_dir / paths.ROUTE).read_bytes())
    feature(obj, "laos-jungle")["properties"]["title"] = title
    return json.dumps(obj, ensure_ascii=False).encode()


def fail_with(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


AUTHOR = history.Author("maintainer", "maintainer@maintainers.invalid")


def save(data_dir: Path, title: str) -> history.SaveResult:
    return history.save(
        data_dir,
        paths.ROUTE,
        changed_route(data_dir, title),
        base_version=history.version(data_dir, paths.ROUTE),
        author=AUTHOR,
        validate=validate_texts,
    )


@pytest.mark.parametrize(
    ("where", "code", "words"),
    [("fsync", errno.ENOSPC, "the disk is full"), ("mkstemp", errno.EROFS, "the data folder is read-only")],
)
def test_08_failed_saves_leave_no_temporary_files_and_keep_the_mode(
    data_dir: Path, monkeypatch, where: str, code: int, words: str
):
    target = data_dir / paths.ROUTE
    save(data_dir, "First save: the data folder's history starts")
    target.chmod(0o640)
    before = target.read_bytes()
    commits = len(history.log(data_dir))
    (data_dir / ".route.geojson.killed.tmp").write_bytes(b"left by kill -9 during an earlier save")
    with monkeypatch.context() as mp:
        if where == "fsync":
            mp.setattr(os, "fsync", fail_with(code))
        else:
            mp.setattr("geo.files.tempfile.mkstemp", fail_with(code))
        with pytest.raises(
            history.SaveRefused, match=f"route.geojson was not saved: {words}. Nothing was written"
        ):
            save(data_dir, "Retitled")
    assert target.read_bytes() == before, "nothing was written"
    assert len(history.log(data_dir)) == commits, "no commit (and no backup) for a failed save"
    assert temporaries(data_dir) == [], "no temporary file left, and the one a killed save left is gone"
    assert save(data_dir, "Retitled").commit
    assert target.stat().st_mode & 0o777 == 0o640, "a save keeps the file's mode"
    assert temporaries(data_dir) == []


def test_08_the_editor_says_the_disk_is_full_in_a_sentence(data_dir: Path, monkeypatch):
    save(data_dir, "First save: the data folder's history starts")
    at = signed_in_editor(data_dir, monkeypatch)
    at.file_uploader[0].set_value(("route.geojson", changed_route(data_dir, "Retitled"), "x")).run()
    before = (data_dir / paths.ROUTE).read_bytes()
    monkeypatch.setattr(os, "fsync", fail_with(errno.ENOSPC))
    next(b for b in at.button if b.proto.icon == ":material/save:").click().run()
    monkeypatch.undo()
    assert not at.exception, "no traceback"
    assert (
        render(at.error[0].value).text
        == "route.geojson was not saved: the disk is full. Nothing was written."
    )
    assert (data_dir / paths.ROUTE).read_bytes() == before
    assert temporaries(data_dir) == []


# ------------------------------------------------------------------------------------------ 9


def test_09_a_hand_edit_keeping_size_and_mtime_is_seen(data_dir: Path):
    store = DataStore(data_dir)
    assert (
        store.snapshot().dataset.segment("laos-jungle")["title"] == "Night trek through the jungle into Laos"
    )
    path = data_dir / paths.ROUTE
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace(
        "Night trek through the jungle into Laos", "Night walk through the jungle into Laos"
    )
    assert len(edited.encode()) == len(text.encode())
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    assert (
        store.snapshot().dataset.segment("laos-jungle")["title"] == "Night walk through the jungle into Laos"
    )


# ------------------------------------------------------------------------------------------ 10


def test_10_an_unclosed_ring_is_an_error(data_dir: Path):
    def open_ring(obj: dict) -> None:
        laos = next(f for f in obj["features"] if f["properties"]["name"] == "Laos")
        ring = laos["geometry"]["coordinates"][0]
        ring.append(ring[1])

    edit_geojson(data_dir, paths.COUNTRIES, open_ring)
    findings = validate_files(read_files(data_dir)).findings
    unclosed = [f for f in findings if f.file == paths.COUNTRIES and "ring is not closed" in f.message]
    assert len(unclosed) == 1
    assert unclosed[0].is_error
    assert unclosed[0].feature_id == "Laos"


# ------------------------------------------------------------------------------------------ 11


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guess_for(hours: float, clock: Clock, throttle: accounts.Throttle, known, name: str, client) -> None:
    """One attacker guessing as fast as the brake lets it, then once more: the worst moment for others."""
    end = clock.now + hours * 3600
    while clock.now < end:
        clock.now += max(accounts.attempt(name, "guess", known, throttle, client()).wait_s, 0.5)
    while (result := accounts.attempt(name, "guess", known, throttle, client())).outcome != "wrong":
        clock.now += result.wait_s
    clock.now += 1


@pytest.fixture
def cheap_argon2(monkeypatch) -> None:
    """The brake is what is tested, not argon2: skip its (deliberately slow) work."""
    monkeypatch.setattr(accounts, "_verify", lambda hash_, password: False)


@pytest.mark.usefixtures("cheap_argon2")
def test_11_one_client_cannot_lock_out_every_maintainer():
    """Legacy set-up: one account, "maintainer". One visitor guessing for hours, from one address."""
    clock = Clock()
    throttle = accounts.Throttle(clock)
    known = accounts.load_accounts({accounts.LEGACY_SECRET_KEY: PASSWORD}, {})
    guess_for(2, clock, throttle, known, "", lambda: "203.0.113.9")
    assert accounts.attempt("", "guess", known, throttle, "203.0.113.9").outcome == "throttled", (
        "still braked"
    )
    result = accounts.attempt("", PASSWORD, known, throttle, "198.51.100.7")
    assert (result.outcome, result.wait_s) == ("signed_in", 0)


@pytest.mark.usefixtures("cheap_argon2")
def test_11_an_ipv6_visitor_is_one_client_across_its_network():
    clock = Clock()
    throttle = accounts.Throttle(clock)
    known = accounts.load_accounts({accounts.LEGACY_SECRET_KEY: PASSWORD}, {})
    addresses = iter(f"2001:db8:1:2::{n:x}" for n in range(1, 10**6))
    guess_for(2, clock, throttle, known, "", lambda: next(addresses))
    assert throttle.failures(client="2001:db8:1:2::ffff") > accounts.CLIENT_FREE_FAILURES, "one counter"
    assert accounts.attempt("", PASSWORD, known, throttle, "2001:db8:9::1").outcome == "signed_in"


# ------------------------------------------------------------------------------------------ found since


def test_a_ring_position_holding_more_than_numbers_is_a_finding_not_a_crash(data_dir: Path):
    """``[lon, lat, [..]]`` passed the ring check and made shapely raise inside validation."""

    def odd_position(obj: dict) -> None:
        laos = next(f for f in obj["features"] if f["properties"]["name"] == "Laos")
        laos["geometry"]["coordinates"][0][0].append([1, 2])

    edit_geojson(data_dir, paths.COUNTRIES, odd_position)
    findings = validate_files(read_files(data_dir)).findings
    assert [(f.feature_id, f.message) for f in findings if f.is_error] == [
        ("Laos", "expected a list of [lon, lat] positions")
    ]
    assert DataStore(data_dir).snapshot().dataset is None


def test_a_ring_mixing_two_and_three_dimensional_positions_is_read(data_dir: Path):
    """Allowed by RFC 7946, and it made shapely raise inside validation."""

    def add_altitude(obj: dict) -> None:
        laos = next(f for f in obj["features"] if f["properties"]["name"] == "Laos")
        laos["geometry"]["coordinates"][0][1].append(250)

    edit_geojson(data_dir, paths.COUNTRIES, add_altitude)
    assert validate_files(read_files(data_dir)).ok


def test_translation_placeholders_reach_no_object_and_break_no_page(data_dir: Path, monkeypatch):
    """``str.format`` on a catalogue string let ``{reason.__traceback__.tb_frame.f_globals}`` read the
    server's globals (secrets among them) and a lone ``{`` crash a page; a catalogue is text."""
    en = strings("en")
    hostile = {
        "editor.cannot_add": "{reason.__traceback__.tb_frame.f_globals}",
        "map.about_km": "{km.__class__.__mro__}",
        "route_map.quote_count": "{shown:999999999} {total}",
        "story.summary": "{legs} {",
    }
    tr = Strings("ko", {**en.own, **hostile}, en.fallback)
    try:
        raise ValueError("why")
    except ValueError as exc:
        reason = exc
    assert reason.__traceback__ is not None
    assert tr("editor.cannot_add", reason=reason) == "Cannot add this sketch: why"
    assert tr("map.about_km", km="5") == "about 5 km"
    assert tr("route_map.quote_count", shown=1, total=2) == "1 of 2 quotes, word for word as published."
    findings = check_catalogues({"en": en.own, "ko": {**en.own, **hostile}})
    assert {f.field for f in findings if f.is_error} == set(hostile)
    set_translations(data_dir, "ko", **hostile)
    at = page(data_dir, monkeypatch, "route", "ko")
    assert not at.exception
    assert "<class" not in shown_everywhere(at)
