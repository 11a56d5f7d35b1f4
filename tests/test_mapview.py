"""The map builder, tested by rendering to HTML (no browser), as folium's own tests do."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import pytest
from folium import plugins

from geo import paths
from geo.assets import STREAMLIT, AssetLinks, UnvendoredAssetError, localize
from geo.load import load_dataset
from geo.mapview import arrow_bearing, build_map, legend_rows, segments_geojson, selection_layer
from tests.conftest import edit_geojson, feature

XSS = '<img src=x onerror="window.__xss=1">'
TEMPLATE = "`${window.__xss=2}` </script><script>window.__xss=3</script>"


@pytest.fixture(scope="module")
def data():
    return load_dataset()


@pytest.fixture(scope="module")
def html(data) -> str:
    return build_map(data).get_root().render()


def test_every_segment_place_and_country_is_in_the_map(data, html):
    for segment_id in data.route["id"]:
        assert f'"id": "{segment_id}"' in html
    for name in data.countries["name"]:
        assert re.search(rf'"name": ?"{re.escape(name)}"', html), name
    for name in data.places["name"]:
        assert name.replace("–", "\\u2013") in html or name in html


def test_no_cdn_only_vendored_assets(html):
    links = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert links, "the map must load Leaflet from somewhere"
    assert all(link.startswith("/app/static/vendor/") for link in links), links
    for link in links:
        assert (paths.STATIC_DIR / link.removeprefix("/app/static/")).is_file()


def test_online_tiles_are_optional_and_off(data):
    html = build_map(data).get_root().render()
    assert "tile.openstreetmap.org" in html  # offered in the layer control…
    assert (
        re.search(r"tile_layer_\w+ = L\.tileLayer\([^;]*\);\s*\n\s*tile_layer_\w+\.addTo", html) is None
    )  # …not shown
    assert "openstreetmap" not in build_map(data, online_tiles=False).get_root().render()


def test_controls_legend_scale_and_layers(data, html):
    assert "L.control.scale" in html
    assert "L.control.layers" in html
    assert "route-legend" in html
    assert [label for label, _, _ in legend_rows(data)] == [
        "North Korea (symbolic)",
        "China",
        "Vietnam",
        "Laos",
        "Thailand",
        "South Korea (flight)",
    ]


def test_flight_and_symbolic_legs_are_dashed(data):
    rows = {label: dashed for label, _, dashed in legend_rows(data)}
    assert rows["South Korea (flight)"]
    assert rows["North Korea (symbolic)"]
    assert not rows["China"]


def test_arrow_points_along_the_line():
    (_, _), heading = arrow_bearing([(100.0, 20.0), (100.0, 21.0)])
    assert heading == pytest.approx(0)
    (_, _), heading = arrow_bearing([(100.0, 20.0), (99.0, 20.0)])
    assert heading == pytest.approx(-90)


def test_selection_layer_highlights_one_segment(data):
    group = selection_layer(data, "laos-jungle")
    html = folium.Map(tiles=None).add_child(group).get_root().render()
    assert "route-selected" in html
    assert "laos-jungle" in html
    assert len(selection_layer(data, None)._children) == 0


def test_unvendored_plugin_assets_are_refused():
    m = folium.Map(tiles=None)
    plugins.MiniMap().add_to(m)
    with pytest.raises(UnvendoredAssetError, match="MiniMap"):
        localize(m, STREAMLIT)


def test_asset_prefix_is_configurable(data):
    html = build_map(data, assets=AssetLinks("/pack")).get_root().render()
    assert 'src="/pack/leaflet/leaflet.js"' in html


@pytest.mark.parametrize("payload", [XSS, TEMPLATE])
def test_data_is_escaped_in_tooltips_popups_and_labels(data_dir: Path, payload: str):
    def poison(o):
        props = feature(o, "laos-jungle")["properties"]
        props["title"] = payload
        props["summary"] = payload

    edit_geojson(data_dir, paths.ROUTE, poison)
    edit_geojson(data_dir, paths.PLACES, lambda o: feature(o, "bangkok")["properties"].update(name=payload))
    data = load_dataset(data_dir)
    html = build_map(data).get_root().render()
    assert "<img src=x" not in html
    assert "</script><script>window.__xss" not in html
    # Popups are HTML-escaped then JSON-encoded by folium; waypoint tooltips are JSON text set with
    # textContent. Either way no "<" from the data reaches the page as markup.
    assert "\\u0026lt;img src=x" in html or "\\u0026lt;/script\\u0026gt;" in html
    assert "\\u003cimg src=x" in html or "\\u003c/script\\u003e" in html
    props = next(
        f["properties"] for f in segments_geojson(data)["features"] if f["properties"]["id"] == "laos-jungle"
    )
    assert "<img" not in props["title"]
    assert "<img" not in props["popup"]


@pytest.mark.parametrize("variant", ["route", "presenter", "sketch"])
def test_one_render_gives_st_folium_the_same_map(data, monkeypatch, variant):
    """``pages._shared.show_map`` passes ``render=False``: for a new map that must change nothing
    the browser receives. Guards the assumption against a streamlit-folium upgrade."""
    import streamlit_folium

    from geo.mapview import PROJECTOR, sketch_map

    builders = {
        "route": lambda: build_map(data),
        "presenter": lambda: build_map(data, theme=PROJECTOR, popups=False, fit_route=False),
        "sketch": lambda: sketch_map(data),
    }
    sent = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.append(kwargs))
    for render in (True, False):
        streamlit_folium.st_folium(
            builders[variant](),
            key="m",
            render=render,
            feature_group_to_add=selection_layer(data, "laos-jungle"),
        )
    with_render, without = ({k: v for k, v in args.items() if k != "on_change"} for args in sent)
    random_ids = re.compile(r"[0-9a-f]{32}")
    assert random_ids.sub("ID", repr(without)) == random_ids.sub("ID", repr(with_render))
    assert "route-segment" in without["script"]


def test_neighbours_are_drawn_under_the_route_countries(data):
    """Neighbours are coarser and overlap the borders; painted last, they would cover part of China."""
    html = build_map(data).get_root().render()
    roles = re.findall(r'"role":"(\w+)"', html)
    assert roles.index("route") > max(i for i, role in enumerate(roles) if role == "context")
