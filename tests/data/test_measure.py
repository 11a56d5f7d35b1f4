"""Geodesic lengths, against distances known independently of pyproj."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from geo.data import load_dataset
from geo.data.measure import segment_lengths_km, total_length_km


def test_one_degree_of_latitude_at_the_equator():
    route = gpd.GeoDataFrame(geometry=[LineString([(100, 0), (100, 1)])], crs=4326)
    assert segment_lengths_km(route).iloc[0] == pytest.approx(110.574, abs=0.01)


def test_longitude_degrees_shrink_with_latitude():
    """Planar degrees would call both 1.0; on the ellipsoid the northern one is much shorter."""
    route = gpd.GeoDataFrame(
        geometry=[LineString([(100, 0), (101, 0)]), LineString([(128, 41.5), (129, 41.5)])], crs=4326
    )
    south, north = segment_lengths_km(route)
    assert south == pytest.approx(111.32, abs=0.01)
    assert north == pytest.approx(83.5, abs=0.3)


def test_bangkok_to_seoul_flight_is_about_3700_km():
    data = load_dataset()
    assert data.segment("flight-seoul")["length_km"] == pytest.approx(3720, rel=0.02)
    assert total_length_km(data.route) == pytest.approx(data.route["length_km"].sum())
    assert total_length_km(data.route, include_flights=False) < total_length_km(data.route)
