"""What an upload would change, feature by feature and row by row, in words a maintainer can check.

Records are matched by id (``properties.id`` in GeoJSON, the ``id`` column in
CSV), not by position, so reordering a file is not reported as rewriting it.
Files that do not parse yield no changes: the validator reports why.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Literal, get_args

from geo.measure import GEOD

ChangeKind = Literal["added", "removed", "changed"]
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    id: str
    #: Names of the properties or columns that differ (``geometry`` included for features).
    fields: tuple[str, ...] = ()
    #: A sentence about the geometry, when it moved.
    geometry: str = ""


def _features(raw: bytes | None) -> dict[str, dict] | None:
    try:
        obj = json.loads(raw) if raw is not None else {"features": []}
    except (ValueError, UnicodeDecodeError):
        return None
    features = obj.get("features") if isinstance(obj, dict) else None
    if not isinstance(features, list):
        return None
    out: dict[str, dict] = {}
    for index, feature in enumerate(features):
        if not isinstance(feature, dict):
            continue
        props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        key = props.get("id", feature.get("id"))
        out[str(key) if key is not None else f"#{index + 1}"] = feature
    return out


def _rows(raw: bytes | None) -> dict[str, dict] | None:
    if raw is None:
        return {}
    try:
        reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
        rows = list(reader)
    except (UnicodeDecodeError, csv.Error):
        return None
    return {str(row.get("id") or f"line {n + 2}"): row for n, row in enumerate(rows)}


def _points(geometry: Any) -> list[tuple[float, float]]:
    """The vertices of a Point or LineString, or [] for anything this diff cannot describe."""
    if not isinstance(geometry, dict):
        return []
    coords = geometry.get("coordinates")
    if geometry.get("type") == "Point":
        coords = [coords]
    try:
        return [(float(c[0]), float(c[1])) for c in coords]
    except (TypeError, ValueError, IndexError, KeyError):
        return []


def describe_move(old: Any, new: Any) -> str:
    """``moved up to 12.3 km`` for the same vertices moved, else how the shape changed."""
    a, b = _points(old), _points(new)
    if not a or not b:
        return "geometry changed"
    if len(a) == len(b):
        _, _, dist = GEOD.inv([p[0] for p in a], [p[1] for p in a], [p[0] for p in b], [p[1] for p in b])
        return f"moved up to {max(dist) / 1000:,.1f} km"
    return f"reshaped: {len(a)} → {len(b)} points"


def _compare(old: dict[str, dict], new: dict[str, dict], fields_of) -> list[Change]:
    changes = [Change("removed", key) for key in old if key not in new]
    for key, record in new.items():
        if key not in old:
            changes.append(Change("added", key))
            continue
        fields, geometry = fields_of(old[key], record)
        if fields:
            changes.append(Change("changed", key, tuple(fields), geometry))
    return changes


def _feature_fields(old: dict, new: dict) -> tuple[list[str], str]:
    a = old.get("properties") if isinstance(old.get("properties"), dict) else {}
    b = new.get("properties") if isinstance(new.get("properties"), dict) else {}
    fields = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    geometry = ""
    if old.get("geometry") != new.get("geometry"):
        fields.append("geometry")
        geometry = describe_move(old.get("geometry"), new.get("geometry"))
    return fields, geometry


def _row_fields(old: dict, new: dict) -> tuple[list[str], str]:
    return sorted(k for k in new.keys() | old.keys() if old.get(k) != new.get(k)), ""


def diff_file(name: str, old: bytes | None, new: bytes) -> list[Change] | None:
    """Changes from ``old`` (None: no such file yet) to ``new``; None when either cannot be read."""
    read = _rows if name.endswith(".csv") else _features
    before, after = read(old), read(new)
    if before is None or after is None:
        return None
    fields_of = _row_fields if name.endswith(".csv") else _feature_fields
    changes = _compare(before, after, fields_of)
    order = {"removed": 0, "changed": 1, "added": 2}
    return sorted(changes, key=lambda c: (order[c.kind], c.id))
