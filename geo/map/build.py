"""The route map: a ``Dataset`` and a translator in, a ``folium.Map`` out. No Streamlit here.

The map must draw with no network: the basemap is the bundled country
outlines on a sea-coloured background, Leaflet comes from ``static/vendor``
(see ``geo.map.assets``), and online tiles are an optional layer that is off.
Every element that carries data or translated text is one of
``geo.map.elements``, which render it as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import folium
import pandas as pd
from folium.plugins import Draw

from geo.data.dataset import Dataset
from geo.map.assets import STREAMLIT, AssetLinks, localize
from geo.map.elements import (
    FitUntilTouched,
    LayerSwitcher,
    Legend,
    MapLabel,
    MarkerLayer,
    OutlineLayer,
    RouteLines,
    StyleSheet,
)
from geo.map.geometry import arrow_bearing
from geo.map.theme import DASHED_KINDS, LIGHT, MapTheme, map_css, outline_style, segment_style
from geo.story.i18n import Strings
from geo.story.route_text import route_summary

#: Outlines are drawn at most this detailed (degrees): finer than a pixel at the map's zoom range
#: would only make the page heavier (the outlines are most of the map's payload).
DRAW_TOLERANCE = 0.02


def popup_content(dataset: Dataset, segment: pd.Series, tr: Strings) -> dict:
    """What a segment's popup says, as plain text fields (the browser assembles it with DOM calls)."""
    kind_note = {"flight": tr("map.flight_note"), "symbolic": tr("map.symbolic_note")}.get(
        segment["kind"], ""
    )
    illustrative = tr("map.illustrative_note") if segment["illustrative"] else ""
    km = tr("map.about_km", km=f"{segment['length_km']:,.0f}")
    return {
        "title": segment["title"],
        "summary": segment["summary"],
        "facts": f"{tr.country(segment['country'])} · {tr.mode(segment['mode'])} · {km}",
        "note": " ".join(n for n in (kind_note, illustrative) if n),
        "sources_label": tr("map.sources"),
        "sources": [dataset.source_label(sid) for sid in segment["sources"]],
    }


def line_feature(segment: pd.Series, properties: dict) -> dict:
    coords = [list(c[:2]) for c in segment.geometry.coords]
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": properties,
    }


def segment_features(dataset: Dataset, theme: MapTheme, tr: Strings, *, popups: bool = True) -> list[dict]:
    """One feature per leg with its style, tooltip and (optionally) popup. Raw data never reaches the page."""
    return [
        line_feature(
            seg,
            {
                "id": seg["id"],
                "order": int(seg["order"]),
                "style": segment_style(seg["country"], seg["kind"], seg["id"], theme),
                "tooltip": seg["title"],
                **({"popup": popup_content(dataset, seg, tr)} if popups else {}),
            },
        )
        for _, seg in dataset.route.iterrows()
    ]


def _countries_layer(dataset: Dataset, theme: MapTheme, tr: Strings) -> OutlineLayer:
    outlines = dataset.countries[["name", "role", "geometry"]].copy()
    # Neighbours come from a coarser scale and overlap the route countries at the borders:
    # draw them first, so a route country is never painted over by a neighbour.
    outlines = outlines.sort_values("role", key=lambda role: role != "context", kind="stable")
    outlines["geometry"] = outlines.geometry.simplify(DRAW_TOLERANCE).set_precision(DRAW_TOLERANCE / 2)
    collection = json.loads(outlines.to_json(drop_id=True))
    for feature in collection["features"]:
        feature["properties"]["style"] = outline_style(feature["properties"]["role"], theme)
    return OutlineLayer(collection, name=tr("map.countries_layer"))


def _country_labels(dataset: Dataset, tr: Strings) -> MarkerLayer:
    named = dataset.countries[dataset.countries["role"] != "context"]
    items = [
        {"lat": row["label"][1], "lon": row["label"][0], "text": tr.country(row["name"])}
        for _, row in named.iterrows()
    ]
    roles = set(named["role"])
    return MarkerLayer(items, css_class="country-label " + " ".join(sorted(roles)), name="Country names")


def _route_layers(dataset: Dataset, theme: MapTheme, popups: bool, tr: Strings) -> list[folium.map.Layer]:
    features = segment_features(dataset, theme, tr, popups=popups)
    casing_style = {"color": theme.casing, "weight": 9, "opacity": 0.9}
    # The casing needs only the lines, not the popups: half the route's payload otherwise.
    casing = [{**f, "properties": {"id": f["properties"]["id"], "style": casing_style}} for f in features]
    arrows = []
    for _, seg in dataset.route.iterrows():
        (lon, lat), heading = arrow_bearing(list(seg.geometry.coords))
        arrows.append(
            {
                "lat": lat,
                "lon": lon,
                "text": "▲",
                "rotate": round(heading),
                "color": theme.color(seg["country"]),
            }
        )
    return [
        RouteLines(casing, name="Route casing", interactive=False),
        RouteLines(features, name="Route segments"),
        MarkerLayer(arrows, css_class="route-arrow", size=(16, 16), name="Direction"),
    ]


def _places_layer(dataset: Dataset, tr: Strings) -> MarkerLayer:
    items = [
        {
            "lat": place.geometry.y,
            "lon": place.geometry.x,
            "text": "",
            "tooltip": place["name"] + (f" {tr('map.approximate')}" if place["illustrative"] else ""),
        }
        for _, place in dataset.places.iterrows()
    ]
    return MarkerLayer(items, kind="circle", name=tr("map.places_layer"), control=True)


def legend_rows(dataset: Dataset, theme: MapTheme, tr: Strings) -> list[tuple[str, str, bool]]:
    rows = []
    suffix = {"flight": tr("map.flight_suffix"), "symbolic": tr("map.symbolic_suffix")}
    for country in dict.fromkeys(dataset.route["country"]):
        kinds = set(dataset.route.loc[dataset.route["country"] == country, "kind"])
        only = next(iter(kinds)) if len(kinds) == 1 else ""
        label = tr.country(country) + (f" {suffix[only]}" if only in suffix else "")
        rows.append((label, theme.color(country), kinds <= DASHED_KINDS))
    return rows


def build_map(
    dataset: Dataset,
    tr: Strings,
    *,
    theme: MapTheme = LIGHT,
    assets: AssetLinks | None = STREAMLIT,
    online_tiles: bool = True,
    popups: bool = True,
    fit_route: bool = True,
) -> folium.Map:
    """The whole route on the offline basemap.

    ``fit_route=False`` when the caller sets the view itself (the presenter moves
    it chapter by chapter). ``assets=None`` keeps folium's links, for callers
    that inline the vendored files themselves (the screening pack).
    """
    (south, west), (north, east) = dataset.bounds()
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=4,
        tiles=None,
        control_scale=True,
        min_zoom=3,
        max_zoom=9,
        zoom_snap=0.25,
        world_copy_jump=False,
    )
    StyleSheet(map_css(theme)).add_to(m)
    _countries_layer(dataset, theme, tr).add_to(m)
    _country_labels(dataset, tr).add_to(m)
    if online_tiles:
        folium.TileLayer(
            "OpenStreetMap",
            name=tr("map.tiles_layer"),
            overlay=True,
            show=False,
            control=True,
            opacity=0.6,
        ).add_to(m)
    for layer in _route_layers(dataset, theme, popups, tr):
        layer.add_to(m)
    _places_layer(dataset, tr).add_to(m)
    Legend(legend_rows(dataset, theme, tr), tr("map.legend_footnote"), tr("map.legend")).add_to(m)
    LayerSwitcher().add_to(m)
    MapLabel(route_summary(dataset, tr), tr.lang).add_to(m)
    if fit_route:
        FitUntilTouched(dataset.bounds()).add_to(m)
    if assets is not None:
        localize(m, assets)
    return m


def highlight_layer(
    dataset: Dataset, segment_ids: Iterable[str], theme: MapTheme = LIGHT, name: str = "Selected segment"
) -> folium.FeatureGroup:
    """A halo around some segments, drawn on top of the base map."""
    group = folium.FeatureGroup(name=name, control=False)
    halo = {"color": theme.halo, "weight": 16, "opacity": 0.75, "lineCap": "round"}
    halos, lines = [], []
    for segment_id in segment_ids:
        seg = dataset.segment(segment_id)
        if seg is None:
            continue
        halos.append(line_feature(seg, {"id": seg["id"], "style": halo}))
        line = segment_style(seg["country"], seg["kind"], theme=theme) | {
            "weight": 6,
            "className": "route-selected",
        }
        lines.append(line_feature(seg, {"id": seg["id"], "style": line}))
    if halos:
        RouteLines(halos, name="Selection halo", interactive=False).add_to(group)
        RouteLines(lines, name="Selection line", interactive=False).add_to(group)
    return group


def selection_layer(dataset: Dataset, segment_id: str | None, theme: MapTheme = LIGHT) -> folium.FeatureGroup:
    """The selected segment's halo.

    Kept apart from ``build_map`` so a selection can be drawn without rebuilding
    (and reloading) the map: streamlit-folium adds it as a dynamic feature group.
    """
    return highlight_layer(dataset, [segment_id] if segment_id else [], theme)


def sketch_map(dataset: Dataset, tr: Strings) -> folium.Map:
    """The route with a line-drawing tool, for maintainers sketching a new or corrected segment."""
    m = build_map(dataset, tr, popups=False, online_tiles=False)
    Draw(
        draw_options={
            "polyline": {"shapeOptions": {"color": "#000000", "weight": 4, "dashArray": "6 6"}},
            "polygon": False,
            "rectangle": False,
            "circle": False,
            "circlemarker": False,
            "marker": False,
        },
        edit_options={"edit": False, "remove": True},
    ).add_to(m)
    return localize(m)
