"""What a change would do, feature by feature and row by row, in words a maintainer can check.

Records are matched by id (``properties.id`` in GeoJSON, the ``id`` column in
CSV, the name of a country), not by position, so reordering a file is not
reported as rewriting it. The diff works on the records validation already
parsed (``geo.data.parse``), so it meets hostile input exactly as validation
does: a file that does not parse yields no changes, and the findings say why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

import shapely

from geo.data.measure import GEOD
from geo.data.parse import ParsedFile
from geo.data.validation import ParseCache, parse_file

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
    #: What each changed property or column was and is, shortened (``short_value``): a maintainer
    #: reviewing "title changed" wants to see the title.
    values: tuple[tuple[str, str, str], ...] = ()


#: How much of a value a review table shows before "…".
SHORT_VALUE = 80


def short_value(value: Any) -> str:
    """A property or cell as one short line of text: lists joined, nothing for a missing value."""
    if value is None:
        return ""
    text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= SHORT_VALUE else text[: SHORT_VALUE - 1] + "…"


@dataclass(frozen=True)
class _Record:
    fields: dict[str, Any]
    points: list[tuple[float, float]] | None = None
    shape: Any = None


def _records(parsed: ParsedFile) -> dict[str, _Record]:
    out: dict[str, _Record] = {}
    for f in parsed.features:
        key = f.id or f"#{f.index + 1}"
        out[key] = _Record(dict(f.properties), f.points)
    for row in parsed.rows:
        out[row.key or f"line {row.line}"] = _Record(dict(row.cells))
    for o in parsed.outlines:
        out[o.name] = _Record(dict(o.properties), shape=o.shape)
    return out


def describe_move(old: list[tuple[float, float]] | None, new: list[tuple[float, float]] | None) -> str:
    """``moved up to 12.3 km`` for the same vertices moved, else how the shape changed."""
    if not old or not new:
        return "geometry changed"
    if len(old) == len(new):
        _, _, dist = GEOD.inv(
            [p[0] for p in old], [p[1] for p in old], [p[0] for p in new], [p[1] for p in new]
        )
        return f"moved up to {max(dist) / 1000:,.1f} km"
    return f"reshaped: {len(old)} → {len(new)} points"


def _differences(old: _Record, new: _Record) -> tuple[list[str], str]:
    fields = sorted(
        k for k in old.fields.keys() | new.fields.keys() if old.fields.get(k) != new.fields.get(k)
    )
    if old.points != new.points:
        return [*fields, "geometry"], describe_move(old.points, new.points)
    if old.shape is not None and new.shape is not None and not shapely.equals_exact(old.shape, new.shape, 0):
        return [*fields, "geometry"], "outline changed"
    return fields, ""


def diff_parsed(old: ParsedFile | None, new: ParsedFile | None) -> list[Change] | None:
    """Changes from ``old`` to ``new`` (None: no such file); None when either could not be read."""
    if any(parsed is not None and not parsed.readable for parsed in (old, new)):
        return None
    before = _records(old) if old is not None else {}
    after = _records(new) if new is not None else {}
    changes = [Change("removed", key) for key in before if key not in after]
    for key, record in after.items():
        if key not in before:
            changes.append(Change("added", key))
            continue
        fields, geometry = _differences(before[key], record)
        if fields:
            values = tuple(
                (k, short_value(before[key].fields.get(k)), short_value(record.fields.get(k)))
                for k in fields
                if k != "geometry"
            )
            changes.append(Change("changed", key, tuple(fields), geometry, values))
    order = {"removed": 0, "changed": 1, "added": 2}
    return sorted(changes, key=lambda c: (order[c.kind], c.id))


def diff_file(
    name: str, old: bytes | None, new: bytes | None, cache: ParseCache | None = None
) -> list[Change] | None:
    """``diff_parsed`` of two versions of data file ``name`` as bytes (None: the file does not exist)."""
    before, after = (parse_file(name, raw, cache=cache) if raw is not None else None for raw in (old, new))
    return diff_parsed(before, after)
