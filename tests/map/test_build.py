"""The map builder, tested by rendering to HTML (no browser), as folium's own tests do."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import pytest
import shapely
from folium import plugins

from geo import paths
from geo.data import load_dataset
from geo.map.assets import STREAMLIT, AssetLinks, UnvendoredAssetError, localize
from geo.map.build import (
    build_map,
    drawn_lines,
    legend_rows,
    map_labels,
    segment_features,
    selection_layer,
    slide_map,
)
from geo.map.geometry import arrow_bearing
from geo.map.theme import LIGHT
from geo.story.i18n import strings
from tests.conftest import edit_geojson, feature

XSS = '<img src=x onerror="window.__xss=1">'
TEMPLATE = "`${window.__xss=2}` </script><script>window.__xss=3</script>"
EN = strings("en")


@pytest.fixture(scope="module")
def html(data) -> str:
    return build_map(data, EN).get_root().render()


def unescape_script(text: str) -> str:
    """Page source as JavaScript would read its strings: ``\\u003c`` is ``<``."""
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), text)


def test_every_segment_place_and_country_is_in_the_map(data, html):
    readable = unescape_script(html)
    for segment_id in data.route["id"]:
        assert f'"id":"{segment_id}"' in readable
    for name in data.countries["name"]:
        assert f'"name":"{name}"' in readable, name
    for name in data.places["name"]:
        assert name in readable


def test_no_cdn_only_vendored_assets(html):
    links = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert links, "the map must load Leaflet from somewhere"
    assert all(link.startswith(("/app/static/vendor/", "/app/static/map/")) for link in links), links
    for link in links:
        assert (paths.STATIC_DIR / link.removeprefix("/app/static/")).is_file()


def test_online_tiles_are_optional_and_off(data):
    html = build_map(data, EN).get_root().render()
    assert "tile.openstreetmap.org" in html  # offered in the layer control…
    assert (
        re.search(r"tile_layer_\w+ = L\.tileLayer\([^;]*\);\s*\n\s*tile_layer_\w+\.addTo", html) is None
    )  # …not shown
    assert "openstreetmap" not in build_map(data, EN, online_tiles=False).get_root().render()


def test_controls_legend_scale_and_layers(data, html):
    assert "L.control.scale" in html
    assert "L.control.layers" in html
    assert "route-legend" in html
    assert [label for label, _, _ in legend_rows(data, LIGHT, EN)] == [
        "North Korea (symbolic)",
        "China",
        "Vietnam",
        "Laos",
        "Thailand",
        "South Korea (flight)",
    ]


def test_flight_and_symbolic_legs_are_dashed(data):
    rows = {label: dashed for label, _, dashed in legend_rows(data, LIGHT, EN)}
    assert rows["South Korea (flight)"]
    assert rows["North Korea (symbolic)"]
    assert not rows["China"]


def test_arrow_points_along_the_line():
    (_, _), heading = arrow_bearing([(100.0, 20.0), (100.0, 21.0)])
    assert heading == pytest.approx(0)
    (_, _), heading = arrow_bearing([(100.0, 20.0), (99.0, 20.0)])
    assert heading == pytest.approx(-90)


def test_selection_layer_tells_the_map_which_leg_to_show():
    html = folium.Map(tiles=None).add_child(selection_layer("laos-jungle", draw=True)).get_root().render()
    assert 'options = {"draw":true,"reducedMotion":null}' in html
    assert 'routeStory.select("laos-jungle", options)' in html
    whole = folium.Map(tiles=None).add_child(selection_layer(None)).get_root().render()
    assert "routeStory.select(null, options)" in whole, "no leg: back to the whole route"
    still = folium.Map(tiles=None).add_child(selection_layer("laos-jungle", draw=True, reduced_motion=True))
    assert '"reducedMotion":true' in still.get_root().render()


def test_a_slide_map_has_no_controls_and_fills_its_frame(data):
    html = slide_map(data, strings("en")).get_root().render()
    for control in ("L.control.zoom", "L.control.scale", "L.control.layers"):
        assert control not in html
    assert '"attributionControl": false' in html
    assert '"zoomControl": false' in html
    assert "#map_div" in html
    assert strings("en")("map.legend_footnote") not in html, "the footnote is in the credits, not on a slide"


def test_legs_are_drawn_as_curves_and_the_flight_as_an_arc_at_two_decimals(data):
    lines = drawn_lines(data)
    for _, seg in data.route.iterrows():
        drawn = lines[seg["id"]]
        assert len(drawn) > 2, f"{seg['id']} is drawn as a curve, not a chord"
        assert drawn[0] == list(seg.geometry.coords[0]), "starts where the leg starts"
        assert drawn[-1] == list(seg.geometry.coords[-1]), "ends where the leg ends"
        assert all(round(v, 2) == v for point in drawn for v in point), "drawn, not stored: still 2 decimals"


def test_a_long_ground_leg_bows_over_its_own_country(data):
    china = data.countries.set_index("name").loc["China", "geometry"]
    drawn = drawn_lines(data)["china-changbai"]
    inside = shapely.contains_xy(china, *zip(*drawn, strict=True)).mean()
    assert inside > 0.9, "the curve across China stays over China, not the sea or North Korea"


def test_key_places_are_labelled_and_the_mekong_is_named(data):
    labels = {item["text"]: item for item in map_labels(data, EN)}
    for name in (
        "Changbai mountain area",
        "Kunming / Yunnan",
        "Golden Triangle (Mekong)",
        "Bangkok",
        "Seoul",
    ):
        assert labels[name]["must"], name
    assert labels["Mekong"]["kind"] == "water"
    assert labels["North Korea"]["kind"] == "country"
    assert "North Korea (symbolic start)" not in labels, "its label would repeat the country's name"


def test_unvendored_plugin_assets_are_refused():
    m = folium.Map(tiles=None)
    plugins.MiniMap().add_to(m)
    with pytest.raises(UnvendoredAssetError, match="MiniMap"):
        localize(m, STREAMLIT)


def test_asset_prefix_is_configurable(data):
    html = build_map(data, EN, assets=AssetLinks("/pack")).get_root().render()
    assert 'src="/pack/vendor/leaflet/leaflet.js"' in html


@pytest.mark.parametrize("payload", [XSS, TEMPLATE])
def test_data_is_text_in_tooltips_popups_and_labels(data_dir: Path, payload: str):
    def poison(o):
        props = feature(o, "laos-jungle")["properties"]
        props["title"] = payload
        props["summary"] = payload

    edit_geojson(data_dir, paths.ROUTE, poison)
    edit_geojson(data_dir, paths.PLACES, lambda o: feature(o, "bangkok")["properties"].update(name=payload))
    data = load_dataset(data_dir)
    html = build_map(data, EN).get_root().render()
    assert "<img src=x" not in html
    assert "</script><script>window.__xss" not in html
    # Data reaches the page only inside JSON strings with "<" escaped, and the browser sets it as text.
    assert "\\u003cimg src=x" in html or "\\u003c/script\\u003e" in html
    props = next(
        f["properties"]
        for f in segment_features(data, LIGHT, EN, drawn_lines(data))
        if f["properties"]["id"] == "laos-jungle"
    )
    assert props["tooltip"] == payload, "kept as text: the browser inserts it with textContent"
    assert props["popup"]["title"] == payload


def test_map_scripts_carry_data_as_json(data, html):
    """Every data value is inside a JSON string: the segments' collection parses back whole."""
    specs = [json.loads(m) for m in re.findall(r"var spec = (\{\"collection\".*?\});\n", html)]
    assert specs
    legs = [[f["properties"]["id"] for f in spec["collection"]["features"]] for spec in specs]
    assert list(data.route["id"]) in legs, "the route segments layer holds every leg, in order"


def test_neighbours_are_drawn_under_the_route_countries(data):
    """Neighbours are coarser and overlap the borders; painted last, they would cover part of China."""
    html = unescape_script(build_map(data, EN).get_root().render())
    roles = re.findall(r'"role":"(\w+)"', html)
    assert roles.index("route") > max(i for i, role in enumerate(roles) if role == "context")
