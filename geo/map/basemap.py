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
from matplotlib.image import AxesImage
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
    rgba = np.zeros((*grey.shape, 4), dtype=np.uint8)  # bytes, not floats: drawn once per film frame
    rgba[..., 3] = np.round((1.0 - grey) * opacity * 255)
    return rgba


class ViewCroppedImage(AxesImage):
    """An image that hands matplotlib only the part of it in view, cut fresh at every draw.

    A film frame shows a few degrees of the relief; matplotlib would otherwise process the whole
    image for every frame (five times the cost of the rest of a leg's frame).
    """

    def __init__(self, ax, full: np.ndarray, extent: tuple[float, float, float, float], **kwargs) -> None:
        super().__init__(ax, **kwargs)
        self.full, self.full_extent = full, extent
        #: The basemap's names: drawn only when their point is in view or near it (text is slow to draw).
        self.labels: list = []
        #: Wider views than this (in the axes' units) show no basemap names: with no placement that
        #: avoids collisions, they would crowd the route's own names at whole-route scale.
        self.label_max_width: float | None = None
        self.set_data(full)
        self.set_extent(extent)

    def draw(self, renderer) -> None:
        x0, x1, y0, y1 = self.full_extent
        rows, cols = self.full.shape[:2]
        (vx0, vx1), (vy0, vy1) = sorted(self.axes.get_xlim()), sorted(self.axes.get_ylim())
        mx, my = (vx1 - vx0) * 0.2, (vy1 - vy0) * 0.2
        near = self.label_max_width is None or vx1 - vx0 <= self.label_max_width
        for label in self.labels:
            x, y = getattr(label, "xy", None) or label.get_position()
            label.set_visible(near and vx0 - mx <= x <= vx1 + mx and vy0 - my <= y <= vy1 + my)
        c0 = max(0, math.floor((vx0 - x0) / (x1 - x0) * cols) - 1)
        c1 = min(cols, math.ceil((vx1 - x0) / (x1 - x0) * cols) + 1)
        r0 = max(0, math.floor((y1 - vy1) / (y1 - y0) * rows) - 1)
        r1 = min(rows, math.ceil((y1 - vy0) / (y1 - y0) * rows) + 1)
        if c1 <= c0 or r1 <= r0:
            return
        self.set_data(self.full[r0:r1, c0:c1])
        dx, dy = (x1 - x0) / cols, (y1 - y0) / rows
        self._extent = (x0 + c0 * dx, x0 + c1 * dx, y1 - r1 * dy, y1 - r0 * dy)
        super().draw(renderer)


Project = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _lonlat(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return xs, ys


def _relief_image(ax, theme: MapTheme, project: Project | None, zorder: float) -> ViewCroppedImage:
    (south, west), (north, east) = RELIEF_BOUNDS
    if project is None:
        grey, (x0, y0, x1, y1) = relief_plate_carree(), (west, south, east, north)
    else:
        grey = relief_grey()
        (x0, x1), (y0, y1) = project(np.array([west, east]), np.array([south, north]))
    image = ViewCroppedImage(
        ax, relief_rgba(grey, theme.relief_opacity), (x0, x1, y0, y1), origin="upper",
        interpolation="bilinear", zorder=zorder,
    )  # fmt: skip
    ax.add_image(image)
    return image


def _draw_water(ax, theme: MapTheme, proj: Project, zorder: float) -> None:
    for lake in of_kind("lake"):
        geom = shape(lake["geometry"])
        for part in getattr(geom, "geoms", [geom]):
            xs, ys = proj(*np.array(part.exterior.coords).T)
            ax.fill(xs, ys, color=theme.lake, linewidth=0, zorder=zorder)
    for river in of_kind("river"):
        xs, ys = proj(*np.array(river["geometry"]["coordinates"]).T)
        ax.plot(xs, ys, color=theme.river, linewidth=0.9, solid_capstyle="round", zorder=zorder + 0.1)


def _name_points(lang: str, dataset) -> list[tuple[str, str, tuple[float, float]]]:
    """(kind, name, lon/lat) of every basemap name matplotlib draws.

    Every river is named: the route's own Mekong label is one the web map places only if there is room.
    A river's name goes at the first spot the web map offers, near its upstream end, where the story
    meets it (the Yalu above Changbai, the Mekong at the Golden Triangle). Capitals the route's data
    names already (Bangkok, Seoul) are left to it.
    """
    skip = _named_by_data(dataset)
    out = [("water", name(r, lang), label_points(r["geometry"]["coordinates"])[0]) for r in of_kind("river")]
    out += [("sea", name(s, lang), tuple(s["geometry"]["coordinates"])) for s in of_kind("sea")]
    out += [
        ("city", name(c, lang), tuple(c["geometry"]["coordinates"]))
        for c in of_kind("capital")
        if c["properties"]["name_en"].lower() not in skip
    ]
    return out


def draw_basemap(
    ax,
    theme: MapTheme,
    lang: str,
    *,
    project: Project | None = None,
    dataset=None,
    font_size: float = 6.0,
    families: list[str] | None = None,
    zorder: float = 1.2,
    labels_up_to_degrees: float | None = None,
) -> None:
    """Relief, water, sea names and capitals on a matplotlib axes, over the countries, under the route.

    ``project`` maps lon/lat arrays to the axes' coordinates (the film's Web Mercator); without it the
    axes are lon/lat (the handout). Labels keep a halo in the theme's colour so they read on relief;
    ``labels_up_to_degrees``: names only in views at most that wide (the film's legs, not its overview).
    """
    from matplotlib import patheffects

    proj = project or _lonlat
    image = _relief_image(ax, theme, project, zorder)
    if labels_up_to_degrees is not None:
        west = RELIEF_BOUNDS[0][1]
        xs, _ = proj(np.array([west, west + labels_up_to_degrees]), np.zeros(2))
        image.label_max_width = float(xs[1] - xs[0])
    _draw_water(ax, theme, proj, zorder + 0.1)
    halo = [patheffects.withStroke(linewidth=2.2, foreground=theme.label_halo)]
    text = {"fontsize": font_size, "path_effects": halo, "zorder": zorder + 0.5}
    if families:
        text["family"] = families
    for kind, label, (lon, lat) in _name_points(lang, dataset):
        (x,), (y,) = proj(np.array([lon]), np.array([lat]))
        if kind == "city":
            ax.plot([x], [y], "o", markersize=2.2, color=theme.city_stroke, markerfacecolor=theme.city_fill,
                    zorder=zorder + 0.4)  # fmt: skip
            artist = ax.annotate(label, (x, y), xytext=(3, 1), textcoords="offset points", color=theme.label,
                                 annotation_clip=True, **text)  # fmt: skip
        else:
            artist = ax.text(x, y, label, color=theme.water, style="italic", ha="center", clip_on=True,
                             va="bottom" if kind == "water" else "center", **text)  # fmt: skip
        image.labels.append(artist)


def relief_bytes() -> bytes:
    return RELIEF_FILE.read_bytes()


def mercator_height(width: int) -> int:
    """The relief's height for a width, as the build script makes it (a check for tests)."""
    (south, west), (north, east) = RELIEF_BOUNDS
    return round(width * (_mercator_y(north) - _mercator_y(south)) / math.radians(east - west))
