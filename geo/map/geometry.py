"""Positions on the map: the one (lon, lat) → [lat, lon] conversion, headings and views in Web Mercator."""

from __future__ import annotations

import math
from collections.abc import Callable

from pyproj import Transformer

_TO_MERCATOR = Transformer.from_crs(4326, 3857, always_xy=True)
#: Web Mercator's world width in metres at zoom 0 (256 px).
_WORLD_M = 2 * math.pi * 6378137.0


def latlon(lon: float, lat: float) -> list[float]:
    """GeoJSON and shapely store (lon, lat); folium and Leaflet take [lat, lon]. Only this converts."""
    return [lat, lon]


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


def fit_view(
    bounds: list[list[float]], width_px: int, height_px: int, *, padding_px: int = 60, max_zoom: float = 7
) -> tuple[list[float], float]:
    """Centre ([lat, lon]) and zoom that show ``bounds`` ([[south, west], [north, east]]) in a
    map of the given pixel size: what Leaflet's ``fitBounds`` computes, done here so a
    view can be passed to a map that is already drawn without reloading it."""
    (south, west), (north, east) = bounds
    (x0, x1), (y0, y1) = _TO_MERCATOR.transform([west, east], [south, north])
    spans = [(max(x1 - x0, 1.0), width_px), (max(y1 - y0, 1.0), height_px)]
    zoom = min(math.log2(max(px - 2 * padding_px, 50) * _WORLD_M / (256 * span)) for span, px in spans)
    zoom = max(3.0, min(max_zoom, math.floor(zoom * 4) / 4))
    lon, lat = _TO_MERCATOR.transform((x0 + x1) / 2, (y0 + y1) / 2, direction="INVERSE")
    return latlon(lon, lat), zoom


#: How far a leg's schematic curve bows out from the straight line, as a share of its length: gentle
#: first; more only when a gentler curve would leave the leg's country (over a sea or a border).
CURVE_BULGES = (0.12, 0.2, 0.3, 0.4)
#: Points along a drawn curve or arc: smooth at every zoom the map allows, light in the page.
CURVE_POINTS = 24


def rounded(points: list[tuple[float, float]], decimals: int = 2) -> list[list[float]]:
    """Points rounded like the data (region or city level), without consecutive repeats."""
    out: list[list[float]] = []
    for lon, lat in points:
        p = [round(lon, decimals), round(lat, decimals)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def schematic_curve(
    coords: list[tuple[float, float]], bulge: float = CURVE_BULGES[0]
) -> list[tuple[float, float]]:
    """A gentle curve through a two-point leg (the flow-map convention: "a way through here", never
    "this road"), bowing to the left of travel for a positive ``bulge``, to the right for a negative one.
    Drawn in Web Mercator so it looks even on screen. Legs with more vertices are kept as drawn."""
    if len(coords) != 2:
        return list(coords)
    (x0, x1), (y0, y1) = _TO_MERCATOR.transform([coords[0][0], coords[1][0]], [coords[0][1], coords[1][1]])
    mx, my, dx, dy = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    cx, cy = mx - dy * bulge, my + dx * bulge
    steps = [i / (CURVE_POINTS - 1) for i in range(CURVE_POINTS)]
    xs = [(1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t**2 * x1 for t in steps]
    ys = [(1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t**2 * y1 for t in steps]
    lons, lats = _TO_MERCATOR.transform(xs, ys, direction="INVERSE")
    return list(zip(lons, lats, strict=True))


def geodesic_arc(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A flight as the great circle between its ends: the shortest way, as a plane flies."""
    from geo.data.measure import GEOD

    (lon0, lat0), (lon1, lat1) = coords[0], coords[-1]
    between = GEOD.npts(lon0, lat0, lon1, lat1, CURVE_POINTS - 2)
    return [(lon0, lat0), *between, (lon1, lat1)]


def drawn_line(
    coords: list[tuple[float, float]],
    kind: str,
    land: Callable[[list[tuple[float, float]]], float] | None = None,
) -> list[list[float]]:
    """How a leg is drawn (not stored): a flight as a geodesic arc, a ground leg as a schematic curve.

    ``land(points)`` scores how much of a curve lies where the leg is (e.g. the share inside its
    country): of the curves bowing either way, gently or more, the one that scores highest wins
    (the gentlest among equals), so a leg across China never bows over the sea or into North
    Korea. Rounded to 2 decimals like the data: the drawing adds no precision to any place.
    """
    if kind == "flight":
        return rounded(geodesic_arc(coords))
    curves = [schematic_curve(coords, side * bulge) for bulge in CURVE_BULGES for side in (1, -1)]
    best = max(curves, key=land) if land is not None else curves[0]
    return rounded(best)


def bounds_of(lines: list[list[list[float]]]) -> list[list[float]]:
    """``[[south, west], [north, east]]`` around some lines given as [lon, lat] lists."""
    lons = [p[0] for line in lines for p in line]
    lats = [p[1] for line in lines for p in line]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
