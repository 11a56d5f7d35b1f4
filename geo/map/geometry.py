"""Positions on the map: the one (lon, lat) → [lat, lon] conversion, headings and views in Web Mercator."""

from __future__ import annotations

import math

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
