"""GPS files as a phone writes them, for the editor's import tests: 6 decimals, times, elevations, a device.

Northern Laos to the Mekong (101.5 E 20.5 N to 100.2 E 20.3 N, around 20 N 100.5 E): the route's
``laos-to-mekong`` leg, so that the import can replace that schematic two-point leg and still join
its neighbours (the validator checks that each leg starts where the one before ends).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np

Point = tuple[float, float, float, str]


def phone_points(n: int = 300, seed: int = 24) -> list[Point]:
    """(lon, lat, elevation, time): a winding walk from the leg's start to its end, every 20 s."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, n)
    lon = 101.5 - 1.3 * t + 0.06 * np.sin(t * 9 * np.pi) * np.sin(t * np.pi) + rng.normal(0, 0.0003, n)
    lat = 20.5 - 0.2 * t - 0.25 * np.sin(t * np.pi) + rng.normal(0, 0.0003, n)
    # The ends as a phone logs them near the leg's ends: they round to them exactly.
    lon[0], lat[0], lon[-1], lat[-1] = 101.500013, 20.499987, 100.200021, 20.300034
    ele = 350 + 150 * np.sin(t * 3 * np.pi)
    start = datetime(2023, 3, 14, 2, 0, tzinfo=UTC)
    return [
        (
            round(x, 6),
            round(y, 6),
            round(e, 1),
            (start + timedelta(seconds=20 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        for i, (x, y, e) in enumerate(zip(lon, lat, ele, strict=True))
    ]


def gpx(points: list[Point]) -> bytes:
    body = "".join(
        f'<trkpt lat="{y:.6f}" lon="{x:.6f}"><ele>{e}</ele><time>{ts}</time></trkpt>'
        for x, y, e, ts in points
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="GPS Logger for Android" xmlns="http://www.topografix.com/GPX/1/1">
<trk><name>Pixel 7 2023-03-14</name><desc>Near the house of Mr K.</desc><trkseg>{body}</trkseg></trk>
</gpx>""".encode()


def kml(points: list[Point]) -> bytes:
    coords = " ".join(f"{x:.6f},{y:.6f},{e}" for x, y, e, _ in points)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Walk</name>
<TimeStamp><when>2023-03-14</when></TimeStamp>
<LineString><altitudeMode>absolute</altitudeMode><coordinates>{coords}</coordinates></LineString>
</Placemark></Document></kml>""".encode()


def csv(points: list[Point]) -> bytes:
    rows = "".join(f"{ts},{y:.6f},{x:.6f},{e}\n" for x, y, e, ts in points)
    return ("time,latitude,longitude,ele\n" + rows).encode()


def geojson(points: list[Point]) -> bytes:
    feature = {
        "type": "Feature",
        "properties": {"name": "Walk", "device": "Pixel 7", "times": [ts for *_, ts in points]},
        "geometry": {"type": "LineString", "coordinates": [[x, y, e] for x, y, e, _ in points]},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
