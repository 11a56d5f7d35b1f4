"""Distances on the ellipsoid (WGS 84), never in planar degrees.

A degree of longitude is 111 km at the equator and 84 km at Changbai's
latitude; planar lengths would misstate every leg.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from pyproj import Geod

GEOD = Geod(ellps="WGS84")


def segment_lengths_km(route: gpd.GeoDataFrame) -> pd.Series:
    """Geodesic length of each segment in km, indexed like ``route``."""
    return route.geometry.apply(lambda g: GEOD.geometry_length(g) / 1000.0)


def total_length_km(route: gpd.GeoDataFrame, *, include_flights: bool = True) -> float:
    rows = route if include_flights else route[route["kind"] != "flight"]
    return float(segment_lengths_km(rows).sum())
