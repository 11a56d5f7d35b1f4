"""The route map: a ``Dataset`` in, a ``folium.Map`` out. No Streamlit here.

The map must draw with no network: the basemap is the bundled country
outlines on a sea-coloured background, Leaflet comes from ``static/vendor``
(see ``geo.assets``), and online tiles are an optional layer that is off.

Everything that comes from a data file is HTML-escaped here, before folium
sees it: folium's GeoJSON tooltips and popups insert property values as HTML.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import folium
import pandas as pd
from branca.element import Element, MacroElement
from folium.plugins import Draw
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps
from pyproj import Transformer

from geo.assets import STREAMLIT, AssetLinks, localize
from geo.i18n import Strings, strings
from geo.load import Dataset
from geo.story import route_summary
from geo.text import esc

#: Okabe–Ito colours: distinguishable under the common colour-vision deficiencies.
COUNTRY_COLORS: dict[str, str] = {
    "North Korea": "#000000",
    "China": "#D55E00",
    "Vietnam": "#009E73",
    "Laos": "#CC79A7",
    "Thailand": "#0072B2",
    "South Korea": "#E69F00",
}
#: Legs drawn, not travelled on the ground, are dashed.
DASHED_KINDS = frozenset({"flight", "symbolic"})


@dataclass(frozen=True)
class MapTheme:
    """Colours of everything that is not data: the viewer's light map or the projector's dark one."""

    name: str
    sea: str
    land: dict[str, str]
    border: dict[str, str]
    label: str
    label_halo: str
    #: Drawn under each route line so it stands off the land.
    casing: str
    halo: str
    panel_bg: str
    panel_text: str
    route_colors: dict[str, str] = field(default_factory=lambda: dict(COUNTRY_COLORS))

    def color(self, country: str) -> str:
        return self.route_colors.get(country, "#888888")


LIGHT = MapTheme(
    name="light",
    sea="#d6e6ef",
    land={"route": "#f6f1e7", "korea": "#f1ede4", "context": "#e9e9e6"},
    border={"route": "#7d7468", "korea": "#7d7468", "context": "#b9b9b4"},
    label="#4a4339",
    label_halo="#ffffff",
    casing="#ffffff",
    halo="#ffd400",
    panel_bg="rgba(255,255,255,.94)",
    panel_text="#1d1d1d",
)
#: High contrast on a dark sea for projectors; black would vanish, so North Korea's leg is white.
PROJECTOR = MapTheme(
    name="projector",
    sea="#0a1622",
    land={"route": "#2e3440", "korea": "#2e3440", "context": "#1e232b"},
    border={"route": "#aab4c0", "korea": "#aab4c0", "context": "#56606b"},
    label="#e8edf2",
    label_halo="#000000",
    casing="#000000",
    halo="#ffd400",
    panel_bg="rgba(10,10,10,.9)",
    panel_text="#f5f5f5",
    route_colors={**COUNTRY_COLORS, "North Korea": "#ffffff", "Thailand": "#56B4E9"},
)
_TO_MERCATOR = Transformer.from_crs(4326, 3857, always_xy=True)


def latlon(lon: float, lat: float) -> list[float]:
    """GeoJSON and shapely store (lon, lat); folium and Leaflet take [lat, lon]. Only this converts."""
    return [lat, lon]


def segment_style(country: str, kind: str, segment_id: str = "", theme: MapTheme = LIGHT) -> dict:
    """Leaflet path style. The class names let tests and CSS find a segment by id."""
    return {
        "className": f"route-segment seg-{segment_id}" if segment_id else "route-segment",
        "color": theme.color(country),
        "weight": 5,
        "opacity": 0.95,
        "dashArray": "10 8" if kind in DASHED_KINDS else None,
        "lineCap": "round",
    }


def source_names(dataset: Dataset, source_ids: Iterable[str]) -> list[str]:
    return [dataset.source_label(s) for s in source_ids]


def popup_html(dataset: Dataset, segment: pd.Series, s: Strings | None = None) -> str:
    """A segment's popup, built only from escaped pieces."""
    s = s or strings()
    sources = "".join(f"<li>{esc(name)}</li>" for name in source_names(dataset, segment["sources"]))
    kind_note = {"flight": s("map.flight_note"), "symbolic": s("map.symbolic_note")}.get(segment["kind"], "")
    illustrative = s("map.illustrative_note") if segment["illustrative"] else ""
    notes = " ".join(n for n in (kind_note, illustrative) if n)
    km = s("map.about_km", km=f"{segment['length_km']:,.0f}")
    return (
        f'<div class="route-popup"><h4>{esc(segment["title"])}</h4>'
        f"<p>{esc(segment['summary'])}</p>"
        f"<p><b>{esc(s.country(segment['country']))}</b> · {esc(s.mode(segment['mode']))} · {esc(km)}</p>"
        + (f'<p class="note">{esc(notes)}</p>' if notes else "")
        + f'<p class="sources">{esc(s("map.sources"))}</p><ul>{sources}</ul></div>'
    )


def _line_feature(segment: pd.Series, properties: Mapping[str, object]) -> dict:
    coords = [list(c[:2]) for c in segment.geometry.coords]
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": dict(properties),
    }


def segments_geojson(dataset: Dataset, s: Strings | None = None) -> dict:
    """The segments with only what the map shows, escaped. Raw data never reaches the page."""
    s = s or strings()
    features = []
    for _, seg in dataset.route.iterrows():
        features.append(
            _line_feature(
                seg,
                {
                    "id": esc(seg["id"]),
                    "order": int(seg["order"]),
                    "country": esc(seg["country"]),
                    "kind": esc(seg["kind"]),
                    "title": esc(seg["title"]),
                    "popup": popup_html(dataset, seg, s),
                },
            )
        )
    return {"type": "FeatureCollection", "features": features}


def arrow_bearing(coords: list[tuple[float, float]]) -> tuple[tuple[float, float], float]:
    """Midpoint (lon, lat) of a line and its on-screen heading in degrees clockwise from up.

    Measured in Web Mercator, the projection the map is drawn in, so the arrow
    points along the line as drawn rather than along the geodesic.
    """
    xs, ys = _TO_MERCATOR.transform([c[0] for c in coords], [c[1] for c in coords])
    lengths = [math.dist((xs[i], ys[i]), (xs[i + 1], ys[i + 1])) for i in range(len(xs) - 1)]
    half, run = sum(lengths) / 2, 0.0
    for i, piece in enumerate(lengths):
        if run + piece >= half and piece > 0:
            t = (half - run) / piece
            x, y = xs[i] + t * (xs[i + 1] - xs[i]), ys[i] + t * (ys[i + 1] - ys[i])
            lon, lat = _TO_MERCATOR.transform(x, y, direction="INVERSE")
            heading = math.degrees(math.atan2(xs[i + 1] - xs[i], ys[i + 1] - ys[i]))
            return (lon, lat), heading
        run += piece
    return coords[0], 0.0


class Legend(MacroElement):
    """A Leaflet control listing the colours and line styles, so colour is never the only cue.

    It folds away on narrow maps (phones), where it would cover the route.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var legend = L.control({position: 'bottomright'});
            legend.onAdd = function() {
                var box = L.DomUtil.create('details', 'route-legend');
                box.open = map.getSize().x >= 520;
                box.innerHTML = {{ this.html | tojson }};
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                return box;
            };
            legend.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[tuple[str, str, bool]], footnote: str, title: str = "Legend") -> None:
        super().__init__()
        self._name = "Legend"
        items = "".join(
            f'<li><svg width="34" height="10" aria-hidden="true"><line x1="2" y1="5" x2="32" y2="5" '
            f'stroke="{esc(color)}" stroke-width="4" stroke-linecap="round"'
            + (' stroke-dasharray="7 5"' if dashed else "")
            + f"/></svg>{esc(label)}</li>"
            for label, color, dashed in rows
        )
        self.html = f"<summary>{esc(title)}</summary><ul>{items}</ul><p>{esc(footnote)}</p>"


class FitUntilTouched(MacroElement):
    """Keep the whole route in view while the map's frame settles, until the viewer moves it.

    streamlit-folium sizes its iframe after the map is created, so a single
    ``fitBounds`` at start fits the wrong size. Refitting on every resize until
    the first pointer, wheel or key event keeps the initial view right without
    ever fighting a viewer who has started to explore. A map in a hidden tab
    is fitted when it is first shown.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var bounds = {{ this.bounds | tojson }};
            var touched = false;
            var fit = function() {
                // A map in a hidden tab has no size yet; fitting it would give NaN coordinates.
                var size = map.getSize();
                if (!touched && size.x > 0 && size.y > 0) { map.fitBounds(bounds, {padding: [24, 24]}); }
            };
            ['mousedown', 'touchstart', 'wheel', 'keydown'].forEach(function(name) {
                map.getContainer().addEventListener(name, function() { touched = true; }, {passive: true});
            });
            map.on('resize', fit);
            if (window.ResizeObserver) {
                new ResizeObserver(function() { map.invalidateSize(); fit(); }).observe(map.getContainer());
            }
            fit();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitUntilTouched"
        self.bounds = bounds


class MarkerLayer(folium.map.Layer):
    """Many small markers (labels, arrows, waypoints) drawn by one script from a JSON list.

    One folium element per marker made every render compile dozens of Jinja
    templates (most of a rerun's time). Text goes in with ``textContent`` and
    tooltips with ``bindTooltip`` on a text node, so data never becomes HTML.
    Each item: ``lat``, ``lon``, ``text``; optional ``rotate`` (degrees), ``color``, ``tooltip``.
    ``kind`` is ``"div"`` (a text marker with CSS class ``css_class``) or ``"circle"`` (a waypoint).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var group = L.featureGroup();
            {{ this.items | tojson }}.forEach(function(item) {
                var marker;
                if ({{ this.kind | tojson }} === 'circle') {
                    marker = L.circleMarker([item.lat, item.lon], {radius: 5, color: '#222222', weight: 2,
                        fill: true, fillColor: '#ffffff', fillOpacity: 1});
                } else {
                    var box = document.createElement('div');
                    box.className = {{ this.css_class | tojson }};
                    box.textContent = item.text;
                    if (item.color) { box.style.color = item.color; }
                    if (item.rotate !== undefined) { box.style.transform = 'rotate(' + item.rotate + 'deg)'; }
                    var size = {{ this.size | tojson }};
                    marker = L.marker([item.lat, item.lon], {interactive: false, keyboard: false,
                        icon: L.divIcon({html: box, className: '', iconSize: size,
                                         iconAnchor: [size[0] / 2, size[1] / 2]})});
                }
                if (item.tooltip) {
                    var tip = document.createElement('span');
                    tip.textContent = item.tooltip;
                    marker.bindTooltip(tip);
                }
                marker.addTo(group);
            });
            return group;
        })();
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        items: list[dict],
        *,
        name: str,
        kind: str = "div",
        css_class: str = "",
        size: tuple[int, int] = (0, 0),
        control: bool = False,
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=True)
        self._name = "MarkerLayer"
        self.items = items
        self.kind = kind
        self.css_class = css_class
        self.size = list(size)


class MapLabel(MacroElement):
    """Names the map for screen readers: the Leaflet container takes keyboard focus, so it needs a label.

    The label is the same one-sentence summary printed under the map; the
    ordered list of legs on the page is the full text alternative.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var box = {{ this._parent.get_name() }}.getContainer();
            box.setAttribute('role', 'region');
            box.setAttribute('aria-label', {{ this.label | tojson }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, label: str) -> None:
        super().__init__()
        self._name = "MapLabel"
        self.label = label


def map_css(theme: MapTheme) -> str:
    return f"""
<style>
  div.leaflet-container {{ background: {theme.sea}; font: 14px/1.4 system-ui, sans-serif; }}
  .route-legend {{ background: {theme.panel_bg}; padding: 6px 9px; border-radius: 6px;
    box-shadow: 0 1px 4px rgba(0,0,0,.3); color: {theme.panel_text}; max-width: 210px; font-size: 12.5px; }}
  .route-legend summary {{ cursor: pointer; font-weight: 700; }}
  .route-legend ul {{ list-style: none; margin: 4px 0; padding: 0; }}
  .route-legend li {{ display: flex; align-items: center; gap: 6px; margin: 1px 0; }}
  .route-legend p {{ margin: 4px 0 0; font-size: 11.5px; opacity: .85; }}
  .country-label {{ color: {theme.label}; font-size: 12px; font-weight: 600; letter-spacing: .08em;
    text-transform: uppercase; white-space: nowrap;
    text-shadow: 0 0 3px {theme.label_halo}, 0 0 3px {theme.label_halo};
    transform: translate(-50%, -50%); pointer-events: none; }}
  .route-arrow {{ font-size: 16px; line-height: 16px; text-align: center; pointer-events: none;
    text-shadow: 0 0 2px {theme.casing}, 0 0 2px {theme.casing}; }}
  .route-popup {{ font-size: 13px; }}
  .route-popup h4 {{ margin: 0 0 4px; font-size: 14px; }}
  .route-popup p {{ margin: 4px 0; }}
  .route-popup .note {{ color: #555; font-style: italic; }}
  .route-popup ul {{ margin: 0; padding-left: 18px; font-size: 12px; }}
  .route-popup .sources {{ margin-bottom: 0; font-size: 12px; font-weight: 600; }}
</style>
"""


#: Outlines are drawn at most this detailed (degrees): finer than a pixel at the map's zoom range
#: would only make the page heavier (the outlines are most of the map's payload).
DRAW_TOLERANCE = 0.02


class Verbatim(Element):
    """Text placed in a figure without passing through Jinja again."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class OutlineLayer(folium.map.Layer):
    """Polygons that never change and take no clicks (the offline basemap), serialized once.

    ``folium.GeoJson`` keeps its data as nested lists, then style-maps and
    serializes it on every render, and the map is rendered on every rerun. The
    outlines are most of the map's bytes, so they are turned into (script-safe)
    JSON here, once, with each feature's Leaflet style in its properties. The map
    is also copied on every rerun (``pages._shared.fresh_map``): a string copies
    for free, 40,000 coordinate lists do not.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.json }}, {
            interactive: false,
            style: function(feature) { return feature.properties.style; }
        });
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, collection: dict, *, name: str) -> None:
        super().__init__(name=name, overlay=True, control=False, show=True)
        self._name = "OutlineLayer"
        self.json = htmlsafe_json_dumps(collection, dumps=json.dumps, separators=(",", ":"))

    def render(self, **kwargs) -> None:
        """Put the script in the figure as it is.

        branca wraps every rendered script in a new Jinja template, which here
        would mean compiling ~60 KB of JSON as a template on every render.
        """
        script = self._template.module.script(self, kwargs)
        self.get_root().script.add_child(Verbatim(script), name=self.get_name())


def outline_style(role: str, theme: MapTheme) -> dict:
    """Route countries and Korea stand out from the neighbours drawn only for context."""
    return {
        "fillColor": theme.land.get(role, theme.land["context"]),
        "fillOpacity": 1,
        "color": theme.border.get(role, theme.border["context"]),
        "weight": 1.2 if role != "context" else 0.8,
        "className": f"country-outline country-{role}",
    }


def _countries_layer(dataset: Dataset, theme: MapTheme, s: Strings) -> OutlineLayer:
    outlines = dataset.countries[["name", "role", "geometry"]].copy()
    # Neighbours come from a coarser scale and overlap the route countries at the borders:
    # draw them first, so a route country is never painted over by a neighbour.
    outlines = outlines.sort_values("role", key=lambda role: role != "context", kind="stable")
    outlines["geometry"] = outlines.geometry.simplify(DRAW_TOLERANCE).set_precision(DRAW_TOLERANCE / 2)
    collection = json.loads(outlines.to_json(drop_id=True))
    for feature in collection["features"]:
        feature["properties"]["style"] = outline_style(feature["properties"]["role"], theme)
    return OutlineLayer(collection, name=s("map.countries_layer"))


def _country_labels(dataset: Dataset, s: Strings) -> MarkerLayer:
    named = dataset.countries[dataset.countries["role"] != "context"]
    items = [
        {"lat": row["label"][1], "lon": row["label"][0], "text": s.country(row["name"])}
        for _, row in named.iterrows()
    ]
    roles = set(named["role"])
    return MarkerLayer(items, css_class="country-label " + " ".join(sorted(roles)), name="Country names")


def _route_layers(dataset: Dataset, theme: MapTheme, popups: bool, s: Strings) -> list[folium.map.Layer]:
    data = segments_geojson(dataset, s)
    # The casing needs only the lines, not the popups: half the route's payload otherwise.
    lines_only = {
        "type": "FeatureCollection",
        "features": [{**f, "properties": {"id": f["properties"]["id"]}} for f in data["features"]],
    }
    casing = folium.GeoJson(
        lines_only,
        name="Route casing",
        style_function=lambda f: {"color": theme.casing, "weight": 9, "opacity": 0.9, "interactive": False},
        control=False,
    )
    segments = folium.GeoJson(
        data,
        name="Route segments",
        style_function=lambda f: segment_style(
            f["properties"]["country"], f["properties"]["kind"], f["properties"]["id"], theme
        ),
        highlight_function=lambda f: {"weight": 8, "opacity": 1},
        tooltip=folium.GeoJsonTooltip(fields=["title"], labels=False, sticky=True),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=280) if popups else None,
        control=False,
    )
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
    return [casing, segments, MarkerLayer(arrows, css_class="route-arrow", size=(16, 16), name="Direction")]


def _places_layer(dataset: Dataset, s: Strings) -> MarkerLayer:
    items = [
        {
            "lat": place.geometry.y,
            "lon": place.geometry.x,
            "text": "",
            "tooltip": place["name"] + (f" {s('map.approximate')}" if place["illustrative"] else ""),
        }
        for _, place in dataset.places.iterrows()
    ]
    return MarkerLayer(items, kind="circle", name=s("map.places_layer"), control=True)


def legend_rows(
    dataset: Dataset, theme: MapTheme = LIGHT, s: Strings | None = None
) -> list[tuple[str, str, bool]]:
    s = s or strings()
    rows = []
    for country in dict.fromkeys(dataset.route["country"]):
        kinds = set(dataset.route.loc[dataset.route["country"] == country, "kind"])
        dashed = kinds <= DASHED_KINDS
        suffix = {"flight": s("map.flight_suffix"), "symbolic": s("map.symbolic_suffix")}
        only = next(iter(kinds)) if len(kinds) == 1 else ""
        label = s.country(country) + (f" {suffix[only]}" if only in suffix else "")
        rows.append((label, theme.color(country), dashed))
    return rows


def route_bounds(dataset: Dataset) -> list[list[float]]:
    minx, miny, maxx, maxy = dataset.route.total_bounds
    return [latlon(minx, miny), latlon(maxx, maxy)]


def build_map(
    dataset: Dataset,
    *,
    theme: MapTheme = LIGHT,
    assets: AssetLinks | None = STREAMLIT,
    online_tiles: bool = True,
    popups: bool = True,
    fit_route: bool = True,
    s: Strings | None = None,
) -> folium.Map:
    """The whole route on the offline basemap.

    ``fit_route=False`` when the caller sets the view itself (the presenter moves
    it chapter by chapter). ``assets=None`` keeps folium's links, for callers
    that inline the vendored files themselves (the screening pack).
    """
    s = s or strings()
    (south, west), (north, east) = route_bounds(dataset)
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
    m.get_root().header.add_child(Element(map_css(theme)), name="route_map_css")
    _countries_layer(dataset, theme, s).add_to(m)
    _country_labels(dataset, s).add_to(m)
    if online_tiles:
        folium.TileLayer(
            "OpenStreetMap",
            name=s("map.tiles_layer"),
            overlay=True,
            show=False,
            control=True,
            opacity=0.6,
        ).add_to(m)
    for layer in _route_layers(dataset, theme, popups, s):
        layer.add_to(m)
    _places_layer(dataset, s).add_to(m)
    Legend(legend_rows(dataset, theme, s), s("map.legend_footnote"), s("map.legend")).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    MapLabel(route_summary(dataset, s)).add_to(m)
    if fit_route:
        FitUntilTouched(route_bounds(dataset)).add_to(m)
    if assets is not None:
        localize(m, assets)
    return m


def highlight_layer(
    dataset: Dataset, segment_ids: Iterable[str], theme: MapTheme = LIGHT, name: str = "Selected segment"
) -> folium.FeatureGroup:
    """A halo around some segments, drawn on top of the base map."""
    group = folium.FeatureGroup(name=name, control=False)
    halo = {"color": theme.halo, "weight": 16, "opacity": 0.75, "lineCap": "round", "interactive": False}
    for segment_id in segment_ids:
        seg = dataset.segment(segment_id)
        if seg is None:
            continue
        feature = _line_feature(seg, {"id": esc(seg["id"])})
        folium.GeoJson(feature, style_function=lambda f: halo).add_to(group)
        line = segment_style(seg["country"], seg["kind"], theme=theme) | {
            "weight": 6,
            "interactive": False,
            "className": "route-selected",
        }
        folium.GeoJson(feature, style_function=lambda f, line=line: line).add_to(group)
    return group


def selection_layer(dataset: Dataset, segment_id: str | None, theme: MapTheme = LIGHT) -> folium.FeatureGroup:
    """The selected segment's halo.

    Kept apart from ``build_map`` so a selection can be drawn without rebuilding
    (and reloading) the map: streamlit-folium adds it as a dynamic feature group.
    """
    return highlight_layer(dataset, [segment_id] if segment_id else [], theme)


def sketch_map(dataset: Dataset) -> folium.Map:
    """The route with a line-drawing tool, for maintainers sketching a new or corrected segment."""
    m = build_map(dataset, popups=False, online_tiles=False)
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


def fit_view(
    bounds: list[list[float]], width_px: int, height_px: int, *, padding_px: int = 60, max_zoom: float = 7
) -> tuple[list[float], float]:
    """Centre ([lat, lon]) and zoom that show ``bounds`` ([[south, west], [north, east]]) in a
    map of the given pixel size: what Leaflet's ``fitBounds`` computes, done here so a
    view can be passed to a map that is already drawn without reloading it."""
    (south, west), (north, east) = bounds
    (x0, x1), (y0, y1) = _TO_MERCATOR.transform([west, east], [south, north])
    world = 2 * math.pi * 6378137.0
    spans = [(max(x1 - x0, 1.0), width_px), (max(y1 - y0, 1.0), height_px)]
    zoom = min(math.log2(max(px - 2 * padding_px, 50) * world / (256 * span)) for span, px in spans)
    zoom = max(3.0, min(max_zoom, math.floor(zoom * 4) / 4))
    lon, lat = _TO_MERCATOR.transform((x0 + x1) / 2, (y0 + y1) / 2, direction="INVERSE")
    return latlon(lon, lat), zoom


def segment_bounds(dataset: Dataset, segment_id: str | None) -> list[list[float]]:
    seg = dataset.segment(segment_id) if segment_id else None
    if seg is None:
        return route_bounds(dataset)
    minx, miny, maxx, maxy = seg.geometry.bounds
    return [latlon(minx, miny), latlon(maxx, maxy)]
