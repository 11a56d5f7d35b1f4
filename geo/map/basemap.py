"""The offline basemap under the route: muted shaded relief, rivers, lakes, seas and capitals.

Why: the legs that carry the story (the border river out of North Korea, the
jungle of Laos, the Mekong crossing) were empty beige at their leg view. One set
of files (``static/basemap/relief.webp``, ``data/basemap/features.geojson``, both
made by ``scripts/build_basemap.py``) is drawn the same by every output: the
folium map of the app, the screening pack and the audience site (``BasemapLayer``)
and the matplotlib handout and film (``draw_basemap``).

The relief is a grey to *multiply* over the land: white leaves a colour as it
is, grey darkens it. So one image works under the light theme and the dark
projector theme, and in matplotlib (which has no blend modes) it is the same as
black at opacity ``1 - grey``.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from typing import ClassVar

import numpy as np
from jinja2 import Template
from PIL import Image
from shapely.geometry import shape

from geo.map.assets import AssetLinks
from geo.map.elements import ScriptLayer
from geo.map.theme import MapTheme
from geo.paths import DATA_DIR, STATIC_DIR
from geo.text import esc, script_json

#: Under ``static/`` (Streamlit serves it at ``/app/static/``; the site copies it; the pack inlines it).
RELIEF_REL = "basemap/relief.webp"
RELIEF_FILE = STATIC_DIR / RELIEF_REL
FEATURES_FILE = DATA_DIR / "basemap" / "features.geojson"
#: What the relief image covers, [[south, west], [north, east]]: Web Mercator rows, so Leaflet's
#: ImageOverlay (which stretches an image linearly in projected pixels) places it exactly.
RELIEF_BOUNDS = [[5.0, 90.0], [45.0, 135.0]]
#: Label priorities (``static/map/route-story.js`` places higher first): under the route's countries (40).
PRIORITY = {"capital": 36, "river": 34, "sea": 30}
#: A river is labelled at points this far apart along it (degrees), so one is in view at any zoom;
#: the map shows only the first that finds room (they share a ``group``).
LABEL_SPACING = 1.2


@functools.cache
def features() -> dict:
    """The basemap's features (rivers, lakes, seas, capitals) as GeoJSON."""
    return json.loads(FEATURES_FILE.read_text(encoding="utf-8"))


def of_kind(kind: str) -> list[dict]:
    return [f for f in features()["features"] if f["properties"]["kind"] == kind]


def name(feature: dict, lang: str) -> str:
    """A feature's name in the map's language (Korean or English)."""
    props = feature["properties"]
    return props["name_ko"] if lang == "ko" and props.get("name_ko") else props["name_en"]


def relief_url(links: AssetLinks) -> str:
    return f"{links.base_url.rstrip('/')}/{RELIEF_REL}"


def _named_by_data(dataset) -> set[str]:
    """Places the route's own data already names (Bangkok, Seoul, the Mekong): not named twice."""
    return {str(pid).lower() for pid in dataset.places["id"]} if dataset is not None else set()


def label_points(coords: list[list[float]], spacing: float = LABEL_SPACING) -> list[tuple[float, float]]:
    """Points every ``spacing`` degrees along a line, starting half a spacing in."""
    line = shape({"type": "LineString", "coordinates": coords})
    count = max(1, int(line.length // spacing))
    step = line.length / count
    return [(p.x, p.y) for p in (line.interpolate(step * (i + 0.5)) for i in range(count))]


def basemap_labels(dataset, lang: str) -> list[dict]:
    """Label items for ``route-story.js``: rivers (several spots, one shown), seas, capitals."""
    skip = _named_by_data(dataset)
    items: list[dict] = []
    for river in of_kind("river"):
        if river["properties"]["name_en"].lower() in skip:
            continue
        text = name(river, lang)
        for lon, lat in label_points(river["geometry"]["coordinates"]):
            items.append(
                {"lat": round(lat, 2), "lon": round(lon, 2), "text": text, "kind": "water",
                 "priority": PRIORITY["river"], "group": "river-" + river["properties"]["name_en"]}
            )  # fmt: skip
    for sea in of_kind("sea"):
        lon, lat = sea["geometry"]["coordinates"]
        items.append(
            {"lat": lat, "lon": lon, "text": name(sea, lang), "kind": "sea", "priority": PRIORITY["sea"]}
        )
    for city in of_kind("capital"):
        if city["properties"]["name_en"].lower() in skip:
            continue
        lon, lat = city["geometry"]["coordinates"]
        items.append(
            {
                "lat": lat,
                "lon": lon,
                "text": name(city, lang),
                "kind": "city",
                "priority": PRIORITY["capital"],
            }
        )
    return items


def water_style(theme: MapTheme) -> dict:
    return {"color": theme.river, "weight": 1.6, "opacity": 0.95, "fillColor": theme.lake, "fillOpacity": 0.9}


class BasemapLayer(ScriptLayer):
    """The relief image and the water, each in its own Leaflet pane between the countries and the route.

    The sea's pane and the countries' (``basemapLand``, made by the outlines layer) are below; the
    relief's pane multiplies onto them (the blend mode is on the pane: its siblings are its backdrop);
    the water is drawn over the relief; the route (``overlayPane``) and the labels stay on top. Capitals are
    small dots here; their names are labels of ``route-story.js``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var map = {{ this._parent.get_name() }}, spec = {{ this.spec_json }};
            [['basemapSea', 375], ['basemapRelief', 385], ['basemapWater', 390]].forEach(function(p) {
                if (!map.getPane(p[0])) {
                    var pane = map.createPane(p[0]);
                    pane.style.zIndex = p[1];
                    pane.style.pointerEvents = 'none';
                }
            });
            map.getPane('basemapRelief').style.mixBlendMode = 'multiply';
            map.getPane('basemapRelief').style.opacity = spec.reliefOpacity;
            var group = L.featureGroup();
            // The sea, inside the map's panes: a blend mode only sees what is in the same group, so
            // without it the relief would multiply onto nothing over the sea and between outlines.
            var sea = L.rectangle([[-85, -180], [85, 180]], {pane: 'basemapSea', interactive: false,
                stroke: false, fillColor: spec.sea, fillOpacity: 1, className: 'basemap-sea'}).addTo(group);
            // The optional online tiles lie under every pane: the sea gives way while they are on.
            map.on('layeradd layerremove', function() {
                var tiles = false;
                map.eachLayer(function(l) { if (l instanceof L.TileLayer) { tiles = true; } });
                sea.setStyle({fillOpacity: tiles ? 0 : 1});
            });
            L.imageOverlay(spec.relief, spec.bounds, {pane: 'basemapRelief', interactive: false,
                className: 'basemap-relief', alt: '', attribution: spec.attribution}).addTo(group);
            L.geoJson(spec.water, {pane: 'basemapWater', interactive: false,
                style: function(f) {
                    var p = f.properties;
                    var river = p.name_en ? ' basemap-river-' + p.name_en.replace(/ /g, '-') : '';
                    var s = L.extend({}, spec.style, {className: 'basemap-' + p.kind + river});
                    if (f.properties.kind === 'river') { s.fill = false; } else { s.weight = 0.8; }
                    return s;
                }}).addTo(group);
            spec.cities.forEach(function(c) {
                L.circleMarker([c[1], c[0]], {pane: 'basemapWater', interactive: false, radius: 2.5,
                    weight: 1.2, color: spec.cityStroke, fillColor: spec.cityFill, fillOpacity: 1,
                    className: 'basemap-city'}).addTo(group);
            });
            return group;
        })();
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
        """
    )
    PANE: ClassVar[str] = "basemapLand"

    def __init__(self, theme: MapTheme, relief: str, attribution: str, dataset=None, *, name: str) -> None:
        super().__init__(name=name, overlay=True, control=False, show=True)
        self._name = "BasemapLayer"
        skip = _named_by_data(dataset)
        water = [f for f in features()["features"] if f["properties"]["kind"] in ("river", "lake")]
        cities = [
            f["geometry"]["coordinates"]
            for f in of_kind("capital")
            if f["properties"]["name_en"].lower() not in skip
        ]
        self.spec_json = script_json(
            {
                "relief": relief,
                "bounds": RELIEF_BOUNDS,
                "reliefOpacity": theme.relief_opacity,
                "sea": theme.sea,
                "attribution": esc(attribution),
                "water": {"type": "FeatureCollection", "features": water},
                "style": water_style(theme),
                "cities": cities,
                "cityFill": theme.city_fill,
                "cityStroke": theme.city_stroke,
            }
        )


# ------------------------------------------------------------------------------------ matplotlib


@functools.cache
def relief_grey() -> np.ndarray:
    """The relief as floats in 0..1 (1: white), rows in Web Mercator from north to south."""
    with Image.open(RELIEF_FILE) as image:
        return np.asarray(image.convert("L"), dtype=float) / 255.0


def _mercator_y(lat: np.ndarray | float) -> np.ndarray | float:
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def relief_plate_carree() -> np.ndarray:
    """The relief with rows evenly spaced in latitude (the handout's lon/lat axes)."""
    grey = relief_grey()
    (south, _), (north, _) = RELIEF_BOUNDS
    y_top, y_bottom = _mercator_y(north), _mercator_y(south)
    lat = north - (np.arange(grey.shape[0]) + 0.5) * (north - south) / grey.shape[0]
    rows = np.clip(
        (y_top - _mercator_y(lat)) / (y_top - y_bottom) * grey.shape[0] - 0.5, 0, grey.shape[0] - 1
    )
    return grey[np.round(rows).astype(int)]


def relief_rgba(grey: np.ndarray, opacity: float) -> np.ndarray:
    """Black at opacity ``(1 - grey) × opacity``: what a multiply of the grey at that opacity does."""
    rgba = np.zeros((*grey.shape, 4))
    rgba[..., 3] = (1.0 - grey) * opacity
    return rgba


def draw_basemap(
    ax,
    theme: MapTheme,
    lang: str,
    *,
    project: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
    dataset=None,
    font_size: float = 6.0,
    families: list[str] | None = None,
    zorder: float = 1.2,
) -> None:
    """Relief, water, sea names and capitals on a matplotlib axes, over the countries, under the route.

    ``project`` maps lon/lat arrays to the axes' coordinates (the film's Web Mercator); without it the
    axes are lon/lat (the handout). Labels keep a halo in the theme's colour so they read on relief.
    """
    from matplotlib import patheffects

    (south, west), (north, east) = RELIEF_BOUNDS
    if project is None:
        grey, (x0, y0, x1, y1) = relief_plate_carree(), (west, south, east, north)
    else:
        grey = relief_grey()
        (x0, x1), (y0, y1) = project(np.array([west, east]), np.array([south, north]))
    ax.imshow(
        relief_rgba(grey, theme.relief_opacity), extent=(x0, x1, y0, y1), origin="upper",
        interpolation="bilinear", zorder=zorder, aspect=ax.get_aspect(),
    )  # fmt: skip
    proj = project or (lambda xs, ys: (xs, ys))
    for lake in of_kind("lake"):
        xs, ys = proj(*np.array(lake["geometry"]["coordinates"][0]).T)
        ax.fill(xs, ys, color=theme.lake, linewidth=0, zorder=zorder + 0.1)
    for river in of_kind("river"):
        xs, ys = proj(*np.array(river["geometry"]["coordinates"]).T)
        ax.plot(xs, ys, color=theme.river, linewidth=0.9, solid_capstyle="round", zorder=zorder + 0.2)
    halo = [patheffects.withStroke(linewidth=2.2, foreground=theme.label_halo)]
    text = {"fontsize": font_size, "path_effects": halo, "clip_on": True, "zorder": zorder + 0.5}
    if families:
        text["family"] = families
    skip = _named_by_data(dataset)
    for river in of_kind("river"):
        if river["properties"]["name_en"].lower() in skip:
            continue
        line = shape(river["geometry"])
        mid = line.interpolate(0.5, normalized=True)
        x, y = proj(np.array([mid.x]), np.array([mid.y]))
        ax.text(
            x[0], y[0], name(river, lang), color=theme.water, style="italic", ha="center", va="bottom", **text
        )
    for sea in of_kind("sea"):
        x, y = proj(*np.array([sea["geometry"]["coordinates"]]).T)
        ax.text(
            x[0], y[0], name(sea, lang), color=theme.water, style="italic", ha="center", va="center", **text
        )
    for city in of_kind("capital"):
        if city["properties"]["name_en"].lower() in skip:
            continue
        x, y = proj(*np.array([city["geometry"]["coordinates"]]).T)
        ax.plot(
            x,
            y,
            "o",
            markersize=2.2,
            color=theme.city_stroke,
            markerfacecolor=theme.city_fill,
            zorder=zorder + 0.4,
        )
        ax.annotate(
            name(city, lang), (x[0], y[0]), xytext=(3, 1), textcoords="offset points", color=theme.label,
            annotation_clip=True, **{k: v for k, v in text.items() if k != "clip_on"},
        )  # fmt: skip


def relief_bytes() -> bytes:
    return RELIEF_FILE.read_bytes()


def mercator_height(width: int) -> int:
    """The relief's height for a width, as the build script makes it (a check for tests)."""
    (south, west), (north, east) = RELIEF_BOUNDS
    return round(width * (_mercator_y(north) - _mercator_y(south)) / math.radians(east - west))
