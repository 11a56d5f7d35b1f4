"""The audience site: complete, relative, offline, escaped, in both languages, and from the command line."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from geo import paths
from geo.data import load_dataset
from geo.export import site as site_module
from geo.export import site_map
from geo.export.owned_folder import MANIFEST
from geo.export.site import (
    NotASiteError,
    build_site,
    page_specs,
    source_url,
    translators_for,
    write_site,
)
from geo.paths import STATIC_DIR
from geo.story.legs import leg_titles
from geo.text import esc, script_json
from tests.conftest import edit_geojson

#: XML namespace names: identifiers that no browser fetches.
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://www.w3.org/1999/xhtml"}
_URL = re.compile(r"https?://[^\s\"'<>()\\]+", re.I)
_REF = re.compile(r"""(?:src|href)\s*=\s*"([^"]*)\"""")
_DATA = re.compile(r'<script type="application/json" id="site-data">(.*?)</script>', re.S)

PAYLOADS = {
    # payload: what it would become if something evaluated it
    "{{7*7}}": "49",
    "{% if 1 %}x{% endif %}": "x",
    "<img src=x onerror=alert(1)>": "<img src=x onerror=alert(1)>",
    "**bold**": "<strong>bold</strong>",
    "</script><script>alert(1)</script>": "</script><script>alert(1)",
}


@pytest.fixture(scope="module")
def site(data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "audience"
    write_site(data, out, translators_for(["en", "ko"]))
    return out


def text_files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix in (".html", ".js", ".css", ".svg", ".json", ".txt")
    }


def page_data(html: str) -> dict:
    match = _DATA.search(html)
    assert match, "the page has no data block"
    return json.loads(match.group(1))


def is_vendored(rel: str) -> bool:
    return rel.startswith("assets/vendor/")


# ---------------------------------------------------------------------------------- complete


def references(rel: str, text: str) -> list[str]:
    """Local files a site file points at, as paths relative to the site's root."""
    if rel.endswith(".html"):
        refs = _REF.findall(text) + re.findall(r"url\(([^)#][^)]*)\)", text)
    elif rel.endswith("manifest.json"):
        manifest = json.loads(text)
        refs = [manifest["start_url"], *(icon["src"] for icon in manifest["icons"])]
    else:
        return []
    base = f"http://site.invalid/{rel}"
    out = []
    for ref in refs:
        if ref.startswith(("#", "http://", "https://", "data:")):
            continue
        url = urljoin(base, ref).split("#")[0]
        assert url.startswith("http://site.invalid/"), f"{rel}: {ref} leaves the site"
        out.append(url.removeprefix("http://site.invalid/"))
    return out


def test_every_referenced_file_exists(site):
    files = text_files(site)
    assert {"index.html", "ko/index.html", "sw.js", "manifest.json", "ko/manifest.json"} <= set(files)
    missing = [
        (rel, ref)
        for rel, text in files.items()
        for ref in references(rel, text)
        if not (site / ref).is_file()
    ]
    assert missing == []


def test_service_worker_precaches_every_file_but_itself(site):
    sw = (site / "sw.js").read_text(encoding="utf-8")
    listed = json.loads(re.search(r"var FILES = (\[.*?\]);", sw).group(1))
    everything = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert listed == [f for f in everything if f not in ("sw.js", MANIFEST)], "the manifest is not for phones"


def test_leaflet_is_the_vendored_copy_with_its_licence(site):
    for rel in ("vendor/leaflet/leaflet.js", "vendor/leaflet/images/layers.png", "map/route-story.js"):
        assert (site / "assets" / rel).read_bytes() == (STATIC_DIR / rel).read_bytes()
    assert "Volodymyr Agafonkin" in (site / "assets/vendor/leaflet/LICENSE.txt").read_text(encoding="utf-8")
    html = (site / "index.html").read_text(encoding="utf-8")
    ko = (site / "ko/index.html").read_text(encoding="utf-8")
    assert 'href="assets/vendor/leaflet/LICENSE.txt"' in html
    assert '<script src="assets/vendor/leaflet/leaflet.js"></script>' in html
    assert '<script src="../assets/vendor/leaflet/leaflet.js"></script>' in ko
    # Stylesheets are inlined (a linked one holds the map's script back), images relative to the page.
    assert '<link rel="stylesheet"' not in html
    assert ".leaflet-pane" in html.split("</head>")[0]
    assert "url(assets/vendor/leaflet/images/layers.png)" in html
    assert "url(../assets/vendor/leaflet/images/layers.png)" in ko
    assert not (site / "assets/vendor/leaflet/leaflet.css").exists()


def test_no_absolute_url_to_another_host(site, data):
    """Everything is relative; the only addresses elsewhere are the sources' own, as links that open
    apart (vendored Leaflet is byte for byte static/vendor, checked above)."""
    links = {esc(url) for url in data.sources["url"] if url}
    assert links, "the shipped sources have web addresses"
    for rel, text in text_files(site).items():
        if is_vendored(rel):
            continue
        urls = set(_URL.findall(text)) - NAMESPACES
        assert urls <= links, f"{rel} names another host: {sorted(urls - links)[:3]}"
        for url in urls:
            as_link = f'<a href="{url}" rel="noopener noreferrer external" target="_blank">'
            assert text.count(url) == text.count(as_link), f"{rel}: {url} appears other than as a link"
    html = (site / "index.html").read_text(encoding="utf-8")
    assert sum(html.count(link) for link in links) == len(links), "every source with an address is linked"
    assert not re.search(r"""(?:src|href|srcset)\s*=\s*["']?/""", html), (
        "a root-relative link breaks under a prefix"
    )


def test_no_vega_runtime_and_a_light_first_view(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "vega" not in html.lower()
    assert re.search(
        r'<source media="\(min-width: 600px\)" srcset="assets/chart\.en\.wide\.[0-9a-f]{10}\.svg">', html
    )
    assert re.search(r'<img src="assets/chart\.en\.narrow\.[0-9a-f]{10}\.svg" alt="', html)
    # The whole site, both languages, is well under the 500 KB budget of the first view (gzip).
    import gzip

    # The basemap's relief (issue 25) has its own budget: tests/map/test_basemap.py.
    # The embeds are pages of their own, for partners' frames: each has a budget of its own.
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix != ".webp" and p.name != "embed.html"]
    total = sum(len(gzip.compress(p.read_bytes(), 5)) for p in files)
    assert total < 300_000
    for embed in site.rglob("embed.html"):
        assert len(gzip.compress(embed.read_bytes(), 5)) < 150_000, embed


# ---------------------------------------------------------------------------------- the data


def test_page_data_tells_every_leg(site, data):
    legs = page_data((site / "index.html").read_text(encoding="utf-8"))["legs"]
    titles = leg_titles(data)
    assert [leg["id"] for leg in legs] == list(titles)
    assert [leg["title"] for leg in legs] == list(titles.values())
    jungle = next(leg for leg in legs if leg["id"] == "laos-jungle")
    assert jungle["kicker"] == "Leg 6 of 10"
    assert jungle["quotes"]
    assert jungle["quotes"][0]["text"] == data.quotes_for("laos-jungle").iloc[0]["text"]
    assert [s["id"] for s in jungle["sources"]] == list(data.segment("laos-jungle")["sources"])
    assert all(leg["facts"] and leg["summary"] and leg["bounds"] for leg in legs)


def _numbers(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)


def test_coordinates_have_at_most_two_decimals(site):
    data = page_data((site / "index.html").read_text(encoding="utf-8"))
    coords = [data["route_bounds"]]
    coords += [leg["line"] for leg in data["legs"]] + [leg["bounds"] for leg in data["legs"]]
    coords += [[p["lat"], p["lon"]] for p in data["places"]]
    for number in _numbers(coords):
        assert round(number, 2) == number


def test_waypoints_open_the_leg_that_starts_there(site):
    places = {p["name"]: p["leg"] for p in page_data((site / "index.html").read_text())["places"]}
    assert places["Kunming / Yunnan"] == "china-to-vietnam"
    assert places["Golden Triangle (Mekong)"] == "mekong-crossing"
    assert places["Seoul"] == "flight-seoul"  # nothing starts there: the leg that ends there


def test_chart_is_the_timeline_with_its_text(data):
    from geo.story import charts
    from geo.story.i18n import strings

    tr = strings("en")
    the_chart = site_module.chart(data, tr)
    assert set(the_chart.svgs) == {"narrow", "wide"}
    assert all(svg.startswith("<svg") for svg in the_chart.svgs.values())
    assert the_chart.alt == charts.timeline_summary(data, tr)
    assert the_chart.heading == tr("route_map.cost_header")
    assert ("2020", "COVID-19 shutdown closes borders; filming wraps") in the_chart.events
    assert "Korea Herald" in the_chart.sources or "koreaherald" in the_chart.sources.lower()


# ---------------------------------------------------------------------------------- languages


def test_both_languages_link_to_each_other(site):
    en = (site / "index.html").read_text(encoding="utf-8")
    ko = (site / "ko/index.html").read_text(encoding="utf-8")
    assert en.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<html lang="ko">' in ko
    assert 'href="ko/index.html" hreflang="ko" lang="ko" data-language>한국어</a>' in en
    assert 'href="../index.html" hreflang="en" lang="en" data-language>English</a>' in ko
    assert "비욘드 유토피아: 탈출 경로" in ko
    assert "밤에 정글을 지나 라오스로" in page_data(ko)["legs"][5]["title"]
    assert "word-break: keep-all" in ko.split("</head>")[0]


def test_first_language_is_at_the_root():
    specs = page_specs(["ko", "en"])
    assert [(s.lang, s.path, s.root) for s in specs] == [
        ("ko", "index.html", ""),
        ("en", "en/index.html", "../"),
    ]
    with pytest.raises(ValueError, match="languages must be some of"):
        translators_for(["en", "xx"])


# ---------------------------------------------------------------------------------- data is text


def plant_payloads(data_dir: Path) -> dict[str, str]:
    """Each payload in a route title, a place name, a quote and a source title; returns marker → payload."""
    planted: dict[str, str] = {}
    payloads = list(PAYLOADS)

    def titles(obj: dict, prefix: str, key: str) -> None:
        for i, payload in enumerate(payloads):
            marker = f"{prefix}{i}"
            obj["features"][i]["properties"][key] = f"{marker} {payload}"
            planted[marker] = payload

    edit_geojson(data_dir, paths.ROUTE, lambda obj: titles(obj, "ROUTE", "title"))
    edit_geojson(data_dir, paths.PLACES, lambda obj: titles(obj, "PLACE", "name"))
    for name, column, prefix in ((paths.QUOTES, "text", "QUOTE"), (paths.SOURCES, "title", "SOURCE")):
        path = data_dir / name
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        for i, row in enumerate(rows):
            payload = payloads[i % len(payloads)]
            row[column] = f"{prefix}{i} {payload}"
            planted[f"{prefix}{i}"] = payload
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    return planted


def test_planted_payloads_stay_text(data_dir: Path):
    planted = plant_payloads(data_dir)
    files = build_site(load_dataset(data_dir), translators_for(["en", "ko"]))
    text = "\n".join(
        c.decode("utf-8")
        for p, c in files.items()
        if not p.startswith(("assets/vendor/leaflet/", "assets/basemap/relief."))
    )
    en = files["index.html"].decode("utf-8")
    for marker, payload in planted.items():
        evaluated = PAYLOADS[payload]
        assert f"{marker} {evaluated}" not in text, f"{marker}: {payload!r} was evaluated"
        as_json = script_json(f"{marker} {payload}")[1:-1]
        as_html = esc(f"{marker} {payload}")
        assert as_json in en or as_html in en, f"{marker} does not reach the English page"
    for raw in ("<img src=x", "</script><script>alert(1)", "<strong>bold"):
        assert raw not in text
    # The page's data block is still one JSON document, and gives the text back exactly.
    legs = page_data(en)["legs"]
    assert legs[2]["title"] == "3. ROUTE2 <img src=x onerror=alert(1)>"


def test_source_links_only_for_http_addresses(data):
    sources = data.sources.copy()
    sources["url"] = ""
    sources.iloc[:4, sources.columns.get_loc("url")] = [
        "https://example.org/story?a=1&b=2",
        "javascript:alert(1)",
        "",
        "ftp://x.org/",
    ]
    files = build_site(dataclasses.replace(data, sources=sources), translators_for(["en"]))
    html = files["index.html"].decode("utf-8")
    links = re.findall(r'<a href="(https?://[^"]*)" rel="([^"]*)"', html)
    assert links == [("https://example.org/story?a=1&amp;b=2", "noopener noreferrer external")]
    assert "javascript:" not in html
    assert source_url(" http://a.b/c ") == "http://a.b/c"
    assert source_url("https://a.b/c d") == ""
    assert source_url(None) == ""


# ---------------------------------------------------------------------------------- the map


def test_elements_the_map_gains_reach_the_page(data, monkeypatch):
    """The page places the figure's parts generically: a new element's style, markup and script all
    arrive, each where folium's own page has it run."""
    from branca.element import Element

    from geo.map.elements import MapLabel, StyleSheet

    real = site_map.build_map

    def richer(*args, **kwargs):
        m = real(*args, **kwargs)
        StyleSheet("<style>.probe-style { color: red; }</style>").add_to(m)
        MapLabel("probe label", "en").add_to(m)
        m.get_root().html.add_child(Element('<div class="probe-html"></div>'))
        m.get_root().script.add_child(Element("window.probeLeaflet = typeof L;"))
        return m

    monkeypatch.setattr(site_map, "build_map", richer)
    html = build_site(data, translators_for(["en"]))["index.html"].decode("utf-8")
    head, body = html.split("</head>", 1)
    assert ".probe-style" in head
    assert '<div class="probe-html"></div>' in body
    assert "probe label" in body.split('<script type="application/json"')[0]
    # Linked scripts run after the page's text and in their order, then the figure's script.
    leaflet = body.index('<script src="assets/vendor/leaflet/leaflet.js">')
    assert (
        leaflet < body.index('<script src="assets/map/route-story.js">') < body.index("window.probeLeaflet")
    )
    assert body.index("window.probeLeaflet") < body.index("</script>", body.index(" = L.map("))


def test_a_map_linking_to_a_file_the_site_does_not_ship_is_refused(data, monkeypatch):
    from branca.element import JavascriptLink

    real = site_map.build_map

    def linking(*args, **kwargs):
        m = real(*args, **kwargs)
        m.get_root().header.add_child(JavascriptLink("https://cdn.example/x.js"), name="probe")
        return m

    monkeypatch.setattr(site_map, "build_map", linking)
    with pytest.raises(RuntimeError, match=r"cdn\.example"):
        build_site(data, translators_for(["en"]))


def test_map_is_built_without_popups_or_online_tiles(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "route-segment seg-laos-jungle" in html
    assert '"popup"' not in html
    assert "openstreetmap" not in html.lower()
    assert "user-scalable=no" not in html


# ---------------------------------------------------------------------------------- writing


def test_rewrite_replaces_the_site_and_refuses_other_folders(data, tmp_path: Path):
    out = tmp_path / "audience"
    write_site(data, out, translators_for(["en", "ko"]))
    assert (out / "ko" / "index.html").is_file()
    write_site(data, out, translators_for(["en"]))
    assert not (out / "ko").exists(), "what the earlier export wrote and this one does not is removed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audience"], "no staging folder left beside it"
    assert not list(out.glob(".escape-route-staging-*")), "no staging folder left inside it"
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"x")
    with pytest.raises(NotASiteError):
        write_site(data, other, translators_for(["en"]))
    assert (other / "holiday.jpg").read_bytes() == b"x"


def test_cli_export_site(tmp_path: Path, capsys):
    from geo.cli import main

    assert main(["export", "--site", str(tmp_path / "both")]) == 0
    assert (tmp_path / "both" / "ko" / "index.html").is_file()
    assert main(["export", "--site", str(tmp_path / "ko-only"), "--lang", "ko"]) == 0
    assert '<html lang="ko">' in (tmp_path / "ko-only" / "index.html").read_text(encoding="utf-8")
    assert not (tmp_path / "ko-only" / "ko").exists()
    assert main(["export", "--site", str(tmp_path / "bad"), "--lang", "en,xx"]) == 2
    assert "languages must be some of en, ko" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "--site", str(tmp_path / "x"), "--out", str(tmp_path / "y")])
