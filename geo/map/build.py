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
import shapely
from folium.plugins import Draw

from geo.data.dataset import Dataset
from geo.map.assets import STREAMLIT, AssetLinks, localize
from geo.map.basemap import BasemapLayer, basemap_labels, relief_url
from geo.map.elements import (
    LayerSwitcher,
    Legend,
    MapLabel,
    MarkerLayer,
    OfflineMap,
    OptionalTiles,
    OutlineLayer,
    RouteLines,
    RouteStory,
    SelectionGroup,
    ShowLeg,
    StyleSheet,
)
from geo.map.geometry import arrow_bearing, bounds_of, drawn_line
from geo.map.theme import DASHED_KINDS, LIGHT, PROJECTOR, MapTheme, map_css, outline_style, segment_style
from geo.story.i18n import Strings
from geo.story.legs import leg_titles
from geo.story.route_text import route_summary
from geo.story.speech import speech

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


def line_feature(coords: list[list[float]], properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": properties,
    }


def drawn_lines(dataset: Dataset) -> dict[str, list[list[float]]]:
    """Each leg as drawn: ground legs as schematic curves bowing over their own country, the flight as
    an arc (``geo.map.geometry.drawn_line``). Computed for the page, never stored."""
    outlines = {row["name"]: row.geometry for _, row in dataset.countries.iterrows()}
    out = {}
    for _, seg in dataset.route.iterrows():
        country = outlines.get(seg["country"])

        def on_land(points: list[tuple[float, float]], country=country) -> float:
            if country is None:
                return 0.0
            xs, ys = zip(*points, strict=True)
            return float(shapely.contains_xy(country, xs, ys).mean())

        out[seg["id"]] = drawn_line(list(seg.geometry.coords), seg["kind"], on_land)
    return out


def segment_features(
    dataset: Dataset,
    theme: MapTheme,
    tr: Strings,
    lines: dict[str, list[list[float]]],
    *,
    popups: bool = True,
) -> list[dict]:
    """One feature per leg with its style, tooltip and (optionally) popup. Raw data never reaches the page."""
    return [
        line_feature(
            lines[seg["id"]],
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


#: How labels compete for room: the story's key places first, then the river, other places, countries.
LABEL_PRIORITY = {"always": 100, "river": 95, "if room": 60, "country": 40}


def map_labels(dataset: Dataset, tr: Strings) -> list[dict]:
    """Permanent labels: places (as their ``label`` property asks) and the route's countries."""
    items = []
    for _, place in dataset.places.iterrows():
        if place["label"] == "never":
            continue
        river = place["role"] == "river"
        items.append(
            {
                "lat": place.geometry.y,
                "lon": place.geometry.x,
                "text": place["name"],
                "kind": "water" if river else "place",
                "priority": LABEL_PRIORITY["river" if river else place["label"]],
                "must": place["label"] == "always",
            }
        )
    for _, country in dataset.countries[dataset.countries["role"] != "context"].iterrows():
        lon, lat = country["label"]
        text = tr.country(country["name"])
        items.append(
            {"lat": lat, "lon": lon, "text": text, "kind": "country", "priority": LABEL_PRIORITY["country"]}
        )
    return items


def _arrows(dataset: Dataset, theme: MapTheme, lines: dict[str, list[list[float]]]) -> MarkerLayer:
    arrows = []
    for _, seg in dataset.route.iterrows():
        (lon, lat), heading = arrow_bearing([tuple(p) for p in lines[seg["id"]]])
        arrows.append(
            {
                "lat": lat,
                "lon": lon,
                "text": "▲",
                "rotate": round(heading),
                "color": theme.color(seg["country"]),
            }
        )
    return MarkerLayer(arrows, css_class="route-arrow", size=(16, 16), name="Direction")


def _route_layers(
    dataset: Dataset, theme: MapTheme, popups: bool, tr: Strings, lines: dict[str, list[list[float]]]
) -> tuple[RouteLines, RouteLines]:
    features = segment_features(dataset, theme, tr, lines, popups=popups)
    casing_style = {"color": theme.casing, "weight": 9, "opacity": 0.9}
    # The casing needs only the lines, not the popups: half the route's payload otherwise.
    casing = [
        {**f, "properties": {"id": f["properties"]["id"], "style": casing_style}}
        for f in features
        if "dashArray" not in f["properties"]["style"] or not f["properties"]["style"]["dashArray"]
    ]
    return RouteLines(casing, name="Route casing", interactive=False), RouteLines(
        features, name="Route segments"
    )


def _places_layer(dataset: Dataset, tr: Strings) -> MarkerLayer:
    items = [
        {
            "lat": place.geometry.y,
            "lon": place.geometry.x,
            "text": "",
            "tooltip": place["name"] + (f" {tr('map.approximate')}" if place["illustrative"] else ""),
        }
        for _, place in dataset.places.iterrows()
        if place["role"] != "river"
    ]
    return MarkerLayer(items, kind="circle", name=tr("map.places_layer"), control=True)


def knot_bounds(dataset: Dataset, lines: dict[str, list[list[float]]]) -> list[list[float]] | None:
    """The stretch that is a knot at whole-route scale: from the first leg in Vietnam through the first
    in Thailand (the jungle, Laos and the Mekong crossing, the part of the film the story is about)."""
    ids, countries = list(dataset.route["id"]), list(dataset.route["country"])
    if "Vietnam" not in countries or "Thailand" not in countries:
        return None
    first, last = countries.index("Vietnam"), countries.index("Thailand")
    return bounds_of([lines[i] for i in ids[first : last + 1]]) if first <= last else None


def story_spec(
    dataset: Dataset,
    theme: MapTheme,
    tr: Strings,
    lines: dict[str, list[list[float]]],
    *,
    fit: bool,
    inset: bool,
) -> dict:
    """What ``static/map/route-story.js`` needs: bounds, labels, colours and texts, as plain data."""
    knot = knot_bounds(dataset, lines) if inset else None
    return {
        "route": bounds_of(list(lines.values())),
        "legs": {leg: bounds_of([line]) for leg, line in lines.items()},
        "maxZoom": 8,
        "highlight": {"outer": theme.highlight_outer, "inner": theme.highlight_inner},
        "labels": map_labels(dataset, tr) + basemap_labels(dataset, tr.lang),
        "inset": None if knot is None else {"bounds": knot, "label": tr("map.inset"), "minWidth": 560},
        "fitOnStart": fit,
        # Said in words (an aria-live region) when a leg or the whole route is chosen, and what each
        # leg says when it has keyboard focus (geo.story.speech).
        "speech": speech(dataset, tr),
        "focusLabels": leg_titles(dataset),  # what a leg says when it has keyboard focus
        "keyboardHint": tr("map.keyboard_hint"),
    }


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
    inset: bool = True,
    controls: bool = True,
) -> folium.Map:
    """The whole route on the offline basemap.

    ``fit_route=False`` when the caller sets the view itself (the presenter moves
    it chapter by chapter); ``inset=False`` leaves out the inset of the knot
    (a projector flies to each leg instead). ``assets=None`` keeps folium's links,
    for callers that inline the vendored files themselves (the screening pack).
    ``controls=False`` is a slide: no zoom buttons, layer switcher, scale or
    attribution, and the legend without its footnote (the presenter shows those
    credits on a closing slide and on demand).
    """
    (south, west), (north, east) = dataset.bounds()
    m = OfflineMap(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=4,
        tiles=None,
        control_scale=controls,
        zoom_control=controls,
        attribution_control=controls,
        min_zoom=3,
        max_zoom=9,
        zoom_snap=0.25,
        world_copy_jump=False,
    )
    StyleSheet(map_css(theme) + ("" if controls else SLIDE_CSS)).add_to(m)
    outlines = _countries_layer(dataset, theme, tr).add_to(m)
    relief = relief_url(assets or STREAMLIT)
    BasemapLayer(theme, relief, tr("basemap.attribution"), dataset, name=tr("basemap.layer")).add_to(m)
    if online_tiles:
        OptionalTiles(
            "OpenStreetMap",
            name=tr("map.tiles_layer"),
            overlay=True,
            show=False,
            control=True,
            opacity=0.6,
        ).add_to(m)
    lines = drawn_lines(dataset)
    casing, segments = _route_layers(dataset, theme, popups, tr, lines)
    for layer in (casing, segments, _arrows(dataset, theme, lines), _places_layer(dataset, tr)):
        layer.add_to(m)
    footnote = tr("map.legend_footnote") if controls else ""
    Legend(legend_rows(dataset, theme, tr), footnote, tr("map.legend")).add_to(m)
    if controls:
        LayerSwitcher().add_to(m)
    MapLabel(route_summary(dataset, tr), tr.lang).add_to(m)
    spec = story_spec(dataset, theme, tr, lines, fit=fit_route, inset=inset)
    RouteStory(spec, segments, [outlines, casing, segments]).add_to(m)
    if assets is not None:
        localize(m, assets)
    return m


#: A slide's map fills its frame: the pack's fixed box, or streamlit-folium's iframe (``#map_div``),
#: whose height the presenter page sets from the screen's, not from a number of pixels.
SLIDE_CSS = """
<style>
  html, body { height: 100%; margin: 0; }
  #map_div, #map_div2 { height: 100vh !important; width: 100vw !important; }
</style>
"""


def slide_map(dataset: Dataset, tr: Strings, **kwargs) -> folium.Map:
    """The map of a presenter's slide (the Presenter page and the screening pack): the projector theme,
    no controls, no popups; each chapter sets the view (``selection_layer`` or ``routeStory.select``)."""
    return build_map(
        dataset, tr, theme=PROJECTOR, popups=False, fit_route=False, inset=False, controls=False, **kwargs
    )


def highlight_layer(
    dataset: Dataset, segment_ids: Iterable[str], theme: MapTheme = LIGHT, name: str = "Selected segment"
) -> folium.FeatureGroup:
    """A halo around some segments, drawn on top of the base map (the editor's "changed" legs)."""
    group = folium.FeatureGroup(name=name, control=False)
    lines = drawn_lines(dataset)
    halo = {"color": theme.highlight_outer, "weight": 16, "opacity": 0.6, "lineCap": "round"}
    halos, tops = [], []
    for segment_id in segment_ids:
        seg = dataset.segment(segment_id)
        if seg is None:
            continue
        halos.append(line_feature(lines[segment_id], {"id": segment_id, "style": halo}))
        line = segment_style(seg["country"], seg["kind"], theme=theme) | {
            "weight": 6,
            "className": "route-selected",
        }
        tops.append(line_feature(lines[segment_id], {"id": segment_id, "style": line}))
    if halos:
        RouteLines(halos, name="Changed halo", interactive=False).add_to(group)
        RouteLines(tops, name="Changed line", interactive=False).add_to(group)
    return group


def selection_layer(
    segment_id: str | None, *, draw: bool = False, reduced_motion: bool | None = None
) -> folium.FeatureGroup:
    """The selection, as a dynamic feature group: the map flies to the leg, highlights it and (``draw``)
    lets it draw itself; None flies back to the whole route. ``reduced_motion`` True: nothing flies or
    draws (as with the viewer's system setting, which is always honoured); None leaves it as it was.

    Kept apart from ``build_map`` so a selection never rebuilds (and reloads) the map: streamlit-folium
    adds the group to the drawn map and runs its script again only when it changes.
    """
    group = SelectionGroup(name="Selected segment", control=False)
    ShowLeg(segment_id, draw=draw, reduced_motion=reduced_motion).add_to(group)
    return group


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


def import_preview_map(
    dataset: Dataset, tr: Strings, features: list[dict], theme: MapTheme = LIGHT
) -> folium.Map:
    """The route as it is, with features read from a GPS file drawn on top and the view fitted to them.

    The editor's Import tab shows this before the maintainer fills anything in:
    what the file will add, where, and how coarse it has become (the features
    are already generalized). Lines are dashed and outlined (``import-preview``)
    so they stand out from the legs already saved; points are rings.
    """
    m = build_map(dataset, tr, popups=False, online_tiles=False, fit_route=False, inset=False)
    lines = [f["geometry"]["coordinates"] for f in features if f["geometry"]["type"] == "LineString"]
    points = [f["geometry"]["coordinates"] for f in features if f["geometry"]["type"] == "Point"]
    halo = {"color": theme.highlight_inner, "weight": 9, "opacity": 0.9, "lineCap": "round"}
    top = {"color": theme.highlight_outer, "weight": 4, "dashArray": "8 6", "className": "import-preview"}
    for name, style in (("Import halo", halo), ("Import", top)):
        if lines:
            RouteLines(
                [line_feature(c, {"style": style}) for c in lines], name=name, interactive=False
            ).add_to(m)
    for lon, lat in points:
        folium.CircleMarker(
            [lat, lon],
            radius=7,
            color=theme.highlight_outer,
            weight=3,
            fill=False,
            className="import-preview",
        ).add_to(m)
    if lines or points:
        m.fit_bounds(bounds_of([*lines, points]), padding=(40, 40), max_zoom=8)
    return m
