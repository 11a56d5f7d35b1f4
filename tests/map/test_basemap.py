"""The offline basemap (issue 25): its files, and that every output draws it (no browser)."""

from __future__ import annotations

import gzip
import json
import re

import numpy as np
from matplotlib.figure import Figure
from PIL import Image
from shapely.geometry import Point, shape

from geo.export.film.frames import FilmCanvas
from geo.export.film.plan import film_plan
from geo.export.handout import draw_map
from geo.export.pack import build_pack
from geo.export.site import build_site, translators_for
from geo.map import basemap
from geo.map.build import build_map, slide_map
from geo.story.i18n import strings, translate_dataset

#: Places on each river (the build script finds the rivers through such places; here, others).
ON_RIVER = {
    "Yalu": (124.39, 40.13),  # Dandong
    "Tumen": (129.84, 42.97),  # Tumen city
    "Mekong": (102.60, 17.96),  # Vientiane
    "Red River": (105.85, 21.03),  # Hanoi
    "Yangtze": (114.30, 30.59),  # Wuhan
    "Pearl River": (111.30, 23.48),  # Wuzhou
}


def raw_features() -> dict:
    return json.loads(basemap.FEATURES_FILE.read_text(encoding="utf-8"))


def coordinates(geometry: dict):
    def walk(c):
        if isinstance(c[0], (int, float)):
            yield c
        else:
            for part in c:
                yield from walk(part)

    yield from walk(geometry["coordinates"])


def test_features_file_is_valid_geojson_at_two_decimals():
    collection = raw_features()
    assert collection["type"] == "FeatureCollection"
    assert "GSHHG" in collection["attribution"]
    for feature in collection["features"]:
        props = feature["properties"]
        assert props["kind"] in {"river", "lake", "sea", "capital"}
        assert shape(feature["geometry"]).is_valid, props
        for lon, lat in coordinates(feature["geometry"]):
            assert 85 <= lon <= 140, (props, lon)
            assert 0 <= lat <= 50, (props, lat)
            assert round(lon, 2) == lon, (props, lon)
            assert round(lat, 2) == lat, (props, lat)
        if props["kind"] != "lake":
            assert props["name_en"], props
            assert props["name_ko"], props


def test_the_named_rivers_run_through_places_on_them():
    rivers = {f["properties"]["name_en"]: shape(f["geometry"]) for f in basemap.of_kind("river")}
    assert set(ON_RIVER) <= set(rivers)
    for name, (lon, lat) in ON_RIVER.items():
        assert rivers[name].distance(Point(lon, lat)) < 0.15, name


def test_seas_and_capitals_in_both_languages():
    seas = {f["properties"]["name_en"]: f["properties"]["name_ko"] for f in basemap.of_kind("sea")}
    assert seas == {
        "Yellow Sea": "황해",
        "Sea of Japan (East Sea)": "동해",
        "South China Sea": "남중국해",
        "Gulf of Thailand": "타이만",
    }
    capitals = {f["properties"]["name_en"] for f in basemap.of_kind("capital")}
    assert {"Pyongyang", "Seoul", "Beijing", "Hanoi", "Vientiane", "Bangkok"} <= capitals


def test_relief_is_small_web_mercator_and_muted():
    assert basemap.RELIEF_FILE.stat().st_size <= 150 * 1024
    with Image.open(basemap.RELIEF_FILE) as image:
        assert image.format == "WEBP"
        width, height = image.size
        grey = np.asarray(image.convert("L"))
        low, high = np.percentile(grey, 1), grey.max()
    # Web Mercator rows: 45° of longitude against 5°N–45°N is taller than wide by this much.
    assert abs(height - basemap.mercator_height(width)) <= 1
    assert basemap.RELIEF_BOUNDS == [[5.0, 90.0], [45.0, 135.0]]
    assert high >= 250, "the sea and the flats are white: a multiply leaves them as they are"
    assert low >= 130, "low contrast: the route stays the loudest thing on the map"


def test_the_app_map_draws_relief_water_and_names(data):
    html = build_map(data, strings("en")).get_root().render()
    assert '"/app/static/basemap/relief.webp"' in html
    assert "basemap-relief" in html
    assert "basemapLand" in html
    assert '"Yalu"' in html
    assert '"Gulf of Thailand"' in html
    ko = build_map(data, strings("ko")).get_root().render()
    assert "압록강" in ko
    assert "동해" in ko


def test_the_pack_inlines_the_relief_and_stays_small(data):
    page = build_pack(data, strings("ko"))
    assert "data:image/webp;base64," in page
    assert "basemap-relief" in page
    assert "inline-vendor:" not in page
    assert "GSHHG" in page  # the credits name the basemap's sources
    assert len(page.encode("utf-8")) <= 1_500_000


def test_the_site_ships_the_relief_within_its_budget(data):
    files = build_site(data, translators_for(["en", "ko"]))
    assert "assets/basemap/relief.webp" in files
    assert "assets/basemap/LICENSE.txt" in files
    for page in ("index.html", "ko/index.html"):
        html = files[page].decode("utf-8")
        assert "assets/basemap/relief.webp" in html
        # The first view: the page and everything it links to under assets/, compressed as served.
        linked = {m for m in re.findall(r"assets/[\w./@-]+", html) if m in files}
        total = len(gzip.compress(files[page])) + sum(len(gzip.compress(files[m])) for m in linked)
        assert total <= 600 * 1024, (page, total)


def test_the_handout_draws_the_basemap(data):
    ax = Figure().add_subplot()
    draw_map(ax, translate_dataset(data, strings("ko")), strings("ko"))
    assert any(isinstance(i, basemap.ViewCroppedImage) for i in ax.images)
    texts = {t.get_text() for t in ax.texts}
    assert {"압록강", "황해", "평양"} <= texts


def test_the_film_draws_the_basemap_and_names_the_mekong_at_its_leg(data):
    tr = strings("en")
    plan = film_plan(data, tr)
    canvas = FilmCanvas(data, tr, plan, 640, 360)
    images = [i for i in canvas.ax.images if isinstance(i, basemap.ViewCroppedImage)]
    assert len(images) == 1
    scene = next(s for s in plan.scenes if "mekong-crossing" in s.drawing)
    canvas.render(canvas.state_at(scene.end - 0.1))
    shown = {t.get_text() for t in images[0].labels if t.get_visible()}
    assert "Mekong" in shown
    whole = next(s for s in plan.scenes if s.kind == "chapter" and not s.drawing)
    canvas.render(canvas.state_at(whole.end - 0.1))
    assert not any(t.get_visible() for t in images[0].labels), "no basemap names at whole-route scale"


def test_projector_slide_map_uses_the_dark_water_colours(data):
    html = slide_map(data, strings("en")).get_root().render()
    assert '"reliefOpacity":0.9' in html
    assert '"sea":"#0a1622"' in html
    # White relief is no shadow at all in matplotlib: what a multiply by white does.
    assert basemap.relief_rgba(np.ones((2, 2)), 1.0)[..., 3].max() == 0
