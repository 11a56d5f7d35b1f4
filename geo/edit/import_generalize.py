"""Generalizing what was read: rounded, de-duplicated and simplified, then made into features.

Coordinates are rounded to ``MAX_DECIMALS`` (about 1 km), consecutive points
that became equal are dropped, and each track is simplified to at most
``MAX_VERTICES_OUT`` vertices. The features get free ``imported-N`` ids and
every property the schema requires, the ones only a person can know left
empty. Part of ``geo.edit.imports``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import shapely

from geo.data.rules import MAX_DECIMALS, PROJECT_BBOX
from geo.edit.import_types import Source, counted

#: Vertices per imported track after simplification: enough to follow a valley, not a footpath.
MAX_VERTICES_OUT = 40


def most_decimals(values: np.ndarray) -> int:
    """The most decimals any value was written with (floats read from decimal text round-trip exactly)."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    if not v.size:
        return 0
    remaining = v
    for k in range(0, 17):
        remaining = remaining[np.round(remaining, k) != remaining]
        if not remaining.size:
            return k
    return 17


def round_points(coords: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(coords, dtype=float).reshape(-1, 2), MAX_DECIMALS) + 0.0


def drop_repeats(coords: np.ndarray) -> np.ndarray:
    """Consecutive duplicates removed (what rounding makes of a walker standing still)."""
    if len(coords) < 2:
        return coords
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = np.any(coords[1:] != coords[:-1], axis=1)
    return coords[keep]


def simplify(coords: np.ndarray, max_vertices: int = MAX_VERTICES_OUT) -> tuple[np.ndarray, bool]:
    """At most ``max_vertices``: the smallest Douglas–Peucker tolerance that gets there.

    Topology-preserving first (the line does not cross itself where it did not);
    a track that loops over itself so much that it cannot get there is simplified
    without that guarantee. Returns the vertices and whether topology was preserved.
    """
    if len(coords) <= max_vertices:
        return coords, True
    line = shapely.LineString(coords)
    span = float(np.ptp(coords, axis=0).max()) or 1.0
    for preserve in (True, False):
        lo, hi = 0.0, span
        best = shapely.simplify(line, hi, preserve_topology=preserve)
        if shapely.get_num_coordinates(best) > max_vertices:
            continue
        while hi - lo > 1e-5:
            mid = (lo + hi) / 2
            simplified = shapely.simplify(line, mid, preserve_topology=preserve)
            if shapely.get_num_coordinates(simplified) <= max_vertices:
                best, hi = simplified, mid
            else:
                lo = mid
        return shapely.get_coordinates(best), preserve
    # Unreachable in practice: without topology preservation, the largest tolerance leaves the two ends.
    return np.array([coords[0], coords[-1]]), False


def _outside(coords: np.ndarray) -> np.ndarray:
    lon, lat = coords[:, 0], coords[:, 1]
    return ~(
        (lon >= PROJECT_BBOX[0])
        & (lon <= PROJECT_BBOX[2])
        & (lat >= PROJECT_BBOX[1])
        & (lat <= PROJECT_BBOX[3])
    )


def bbox_warning(coords: np.ndarray) -> str | None:
    if not len(coords):
        return None
    outside = _outside(coords)
    if not outside.any():
        return None
    swapped = "" if _outside(coords[:, ::-1]).any() else "; longitude and latitude look swapped"
    return (
        f"outside East and Southeast Asia (longitude {PROJECT_BBOX[0]:g} to {PROJECT_BBOX[2]:g}, latitude "
        f"{PROJECT_BBOX[1]:g} to {PROJECT_BBOX[3]:g}): {counted(int(outside.sum()), 'point')} of "
        f"{len(coords):,}; is this the right file{swapped}?"
    )


def _existing(existing: bytes | None) -> tuple[set[str], int]:
    """Ids already used, and the highest ``order``, in the file the import will join."""
    try:
        obj = json.loads(existing) if existing else {}
    except (ValueError, UnicodeDecodeError, RecursionError):
        return set(), 0
    features = obj.get("features") if isinstance(obj, dict) else None
    ids, orders = set(), [0]
    for feat in features if isinstance(features, list) else []:
        props = feat.get("properties") if isinstance(feat, dict) else None
        if isinstance(props, dict):
            ids.add(str(props.get("id")))
            if isinstance(props.get("order"), int) and not isinstance(props.get("order"), bool):
                orders.append(props["order"])
    return ids, max(orders)


def _ids(count: int, taken: set[str]) -> Iterator[str]:
    n = 0
    made = 0
    while made < count:
        n += 1
        if f"imported-{n}" not in taken:
            made += 1
            yield f"imported-{n}"


def _segment(coords: np.ndarray, ident: str, order: int) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords.tolist()},
        "properties": {
            "id": ident,
            "order": order,
            "country": "",
            "kind": "route",
            "mode": "",
            "title": "",
            "summary": "",
            "illustrative": True,
            "sources": [],
        },
    }


def _place(coords: np.ndarray, ident: str) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": coords.tolist()},
        "properties": {
            "id": ident,
            "name": "",
            "country": "",
            "role": "",
            "illustrative": True,
            "sources": [],
        },
    }


def generalize_route(source: Source, existing: bytes | None) -> tuple[list[dict], list[str]]:
    notes: list[str] = []
    lines = []
    for number, parts in enumerate(source.lines, 1):
        if len(parts) > 1:
            notes.append(f"track {number} was recorded in {len(parts)} parts; they were joined into one line")
        joined = np.concatenate(parts)
        rounded = drop_repeats(round_points(joined))
        if len(rounded) < 2:
            notes.append(
                f"track {number} stays within about 1 km: at {MAX_DECIMALS} decimals it is a single point, "
                "so it was left out"
            )
            continue
        # Simplify the track as recorded, then round: the kept vertices follow its shape, not the
        # zigzag that rounding makes of a line running along a grid line.
        simplified, preserved = simplify(drop_repeats(joined))
        if not preserved:
            notes.append(
                f"track {number} crosses itself too often to simplify without changing its shape; "
                "check it on the map"
            )
        line = drop_repeats(round_points(simplified))
        lines.append(line if len(line) >= 2 else rounded[[0, -1]])
    taken, last_order = _existing(existing)
    ids = _ids(len(lines), taken)
    features = [_segment(line, next(ids), last_order + n) for n, line in enumerate(lines, 1)]
    return features, notes


def generalize_places(source: Source, existing: bytes | None) -> tuple[list[dict], list[str]]:
    rounded = round_points(source.points)
    notes = []
    unique = {tuple(p) for p in rounded.tolist()}
    if len(unique) < len(rounded):
        notes.append(
            f"some places share a spot once rounded to about 1 km ({len(rounded) - len(unique):,} "
            "repeats); keep one of each"
        )
    taken, _ = _existing(existing)
    ids = _ids(len(rounded), taken)
    return [_place(p, next(ids)) for p in rounded], notes
