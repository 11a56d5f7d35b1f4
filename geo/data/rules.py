"""The validation rules: one small function per rule, each returning findings.

Every rule works on what ``geo.data.parse`` read from the raw JSON and CSV
text (see there for why not through GDAL), and never raises on bad input. Rules
that look at one file at a time are run by ``check_file``; rules that need
several files (order, continuity, countries, references) by
``geo.data.validation``.

This module is the entry point callers import from: it holds ``check_file`` and
the rules across files, and re-exports every rule and limit of the modules the
one-file rules live in, split by what they read:

- ``geo.data.rules_geojson``: the route, places and country outlines (coordinates,
  geometry, properties, the privacy rules, ``MAX_DECIMALS``, ``PROJECT_BBOX``);
- ``geo.data.rules_tables``: the CSV tables (rows, sources, claims, arrivals, ``WEB_ADDRESS``);
- ``geo.data.rules_shared``: what both word the same way (severities, quoting a bad value,
  pydantic errors as findings, repeated ids).

Those modules never import this one, so there is no import cycle.

The rules that protect people (coordinates at most 2 decimals, no property
that looks like a precise location) are errors, not warnings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import numpy as np
import shapely

from geo import paths
from geo.data.findings import Finding
from geo.data.measure import GEOD
from geo.data.parse import MAX_ROWS, CsvRow, Feature, Outline, ParsedFile, parse_json
from geo.data.rules_geojson import (
    MAX_DECIMALS,
    PROJECT_BBOX,
    SENSITIVE_KEY,
    check_collection,
    check_countries,
    check_features,
    check_geometry,
    check_properties,
    check_rings,
    check_sensitive_keys,
    position_problem,
)
from geo.data.rules_shared import E, W, check_unique
from geo.data.rules_tables import (
    FILE_RULES,
    ROW_RULES,
    WEB_ADDRESS,
    check_arrival_counts,
    check_arrival_years_in_order,
    check_arrival_years_unique,
    check_rows,
    claim_unit_problems,
    event_date_problems,
    row_problems,
    source_title_problems,
    source_url_problems,
)
from geo.data.schema import COUNTRY_NAMES, CSV_MODELS, PlaceProperties, SegmentProperties

__all__ = [
    "CONTINUITY_TOLERANCE_KM",
    "COUNTRY_SAMPLES",
    "FILE_RULES",
    "MAX_DECIMALS",
    "PROJECT_BBOX",
    "ROW_RULES",
    "SENSITIVE_KEY",
    "WEB_ADDRESS",
    "check_arrival_counts",
    "check_arrival_years_in_order",
    "check_arrival_years_unique",
    "check_collection",
    "check_continuity",
    "check_countries",
    "check_country",
    "check_features",
    "check_file",
    "check_geometry",
    "check_order",
    "check_properties",
    "check_references",
    "check_rings",
    "check_rows",
    "check_sensitive_keys",
    "check_unique",
    "claim_unit_problems",
    "event_date_problems",
    "position_problem",
    "row_problems",
    "source_title_problems",
    "source_url_problems",
]

#: How far (km) one segment may start from where the previous one ended.
CONTINUITY_TOLERANCE_KM = 2.0
#: Points sampled along a segment to tell which country most of it lies in: enough to
#: decide "most", and a fixed cost per segment whatever its number of vertices.
COUNTRY_SAMPLES = 64


# --------------------------------------------------------------------------- one file, on its own


def check_file(name: str, raw: bytes, max_rows: int | None = MAX_ROWS) -> ParsedFile:
    """Parse ``raw`` as data file ``name`` and run every rule that needs no other file.

    A pure function of its arguments, so its result can be reused while the bytes
    are the same (``geo.data.validation`` keeps a cache keyed by content hash).
    """
    if name in CSV_MODELS:
        return check_rows(name, raw, max_rows)
    obj, findings = parse_json(name, raw)
    if obj is None:
        return ParsedFile(name, findings=findings, readable=False)
    if name == paths.ROUTE:
        return check_features(name, obj, "LineString", 2, SegmentProperties)
    if name == paths.PLACES:
        return check_features(name, obj, "Point", 1, PlaceProperties)
    return check_countries(name, obj)


# --------------------------------------------------------------------------- cross-file rules


def check_order(file: str, orders: list[int]) -> list[Finding]:
    """``order`` runs 1, 2, 3 … with no gap or repeat, and the file lists items in that order.

    ``orders``: the usable ``order`` values in file order (route segments or tour chapters).
    """
    if not orders:
        return []
    values = sorted(orders)
    expected = list(range(1, len(values) + 1))
    if values != expected:
        missing = sorted(set(expected) - set(values))
        repeated = sorted(v for v, n in Counter(values).items() if n > 1)
        detail = []
        if missing:
            detail.append(f"missing {', '.join(map(str, missing))}")
        if repeated:
            detail.append(f"repeated {', '.join(map(str, repeated))}")
        message = f"order must run 1 to {len(values)} with no gaps: {'; '.join(detail)}"
        return [Finding(E, file, message, field="order")]
    if orders != expected:
        return [Finding(W, file, "items are not listed in order; sort them by 'order'", field="order")]
    return []


def check_continuity(file: str, segments: list[Feature]) -> list[Finding]:
    """Each segment starts where the previous one (by ``order``) ended."""
    usable = sorted((f for f in segments if f.order is not None and f.coords), key=lambda f: f.order)
    if len(usable) < 2:
        return []
    ends = np.array([f.coords[-1] for f in usable[:-1]])
    starts = np.array([f.coords[0] for f in usable[1:]])
    _, _, dist_m = GEOD.inv(ends[:, 0], ends[:, 1], starts[:, 0], starts[:, 1])
    out = []
    for prev, cur, d in zip(usable[:-1], usable[1:], np.atleast_1d(dist_m), strict=True):
        if cur.order == prev.order + 1 and d / 1000 > CONTINUITY_TOLERANCE_KM:
            out.append(
                Finding(
                    E,
                    file,
                    f"starts {d / 1000:.0f} km from where {prev.id!r} (order {prev.order}) "
                    f"ends; it should start at {list(prev.coords[-1])}",
                    field="geometry.coordinates[0]",
                    feature_id=cur.id,
                    index=cur.index,
                )
            )
    return out


def check_country(file: str, segments: list[Feature], outlines: list[Outline]) -> list[Finding]:
    """Warn when most of a route segment lies outside the country it names.

    Symbolic and flight legs are skipped: they are drawn, not travelled on the ground.
    "Most" is judged on ``COUNTRY_SAMPLES`` points spread evenly along each segment,
    so the cost is fixed per segment: clipping a dense zigzag against a border
    outline took gigabytes.
    """
    named = [o for o in outlines if o.name in COUNTRY_NAMES and o.shape is not None]
    candidates = [f for f in segments if f.model is not None and f.coords and f.model.kind == "route"]
    if not named or not candidates:
        return []
    fractions = np.linspace(0, 1, COUNTRY_SAMPLES)
    names = np.array([o.name for o in named])
    shapes = np.array([o.shape for o in named])
    for shape in shapes:
        shapely.prepare(shape)
    out = []
    for feat in candidates:
        line = shapely.LineString(feat.coords)
        points = shapely.line_interpolate_point(line, fractions, normalized=True)
        inside = shapely.contains_xy(shapes[:, None], shapely.get_x(points), shapely.get_y(points))
        counts = inside.sum(axis=1)
        if counts.max() == 0:
            continue
        best = str(names[int(counts.argmax())])
        if best != feat.model.country:
            out.append(
                Finding(
                    W,
                    file,
                    f"most of this segment lies in {best}, not {feat.model.country!r}",
                    field="country",
                    feature_id=feat.id,
                    index=feat.index,
                )
            )
    return out


def _row_references(
    file: str, parsed: ParsedFile, known: Mapping[str, set[str] | None]
) -> list[tuple[CsvRow, str, str, str]]:
    """(row, field, value, kind) of every reference a CSV file's rows make to a file that could be read."""
    refs = []
    for r in parsed.rows:
        m = r.model
        if m is None:
            continue
        candidates = [("source_id", getattr(m, "source_id", None), "source")]
        candidates += [("source_ids", sid, "source") for sid in getattr(m, "source_ids", [])]
        candidates.append(("segment_id", getattr(m, "segment_id", ""), "segment"))
        if file != paths.QUOTES:
            candidates.append(("quote_id", getattr(m, "quote_id", ""), "quote"))
        refs += [
            (r, fld, value, kind) for fld, value, kind in candidates if value and known[kind] is not None
        ]
    return refs


def check_references(files: Mapping[str, ParsedFile]) -> list[Finding]:
    """Every ``sources``/``source_ids``/``source_id``/``segment_id``/``quote_id`` resolves.

    References into a file that could not be read are not checked: its own
    finding says what is wrong, and every reference would otherwise be reported too.
    """
    readable = {name: parsed for name, parsed in files.items() if parsed.readable}
    if paths.SOURCES not in readable:
        return []

    def ids(name: str, of_rows: bool) -> set[str] | None:
        if name not in readable:
            return None
        records = readable[name].rows if of_rows else readable[name].features
        return {x.model.id if of_rows else x.id for x in records if (x.model if of_rows else x.id)}

    known = {
        "source": ids(paths.SOURCES, True),
        "segment": ids(paths.ROUTE, False),
        "quote": ids(paths.QUOTES, True),
    }

    def unknown(kind: str, value: str) -> str:
        hint = ", ".join(sorted(known[kind])[:8]) or "none"
        return f"unknown {kind} {value!r} (known: {hint})"

    out = [
        Finding(E, file, unknown("source", sid), "sources", f.id, f.index)
        for file in (paths.ROUTE, paths.PLACES)
        for f in (readable[file].features if file in readable else [])
        for sid in getattr(f.model, "sources", []) or []
        if sid not in known["source"]
    ]
    for file, parsed in readable.items():
        for row, fld, value, kind in _row_references(file, parsed, known):
            if value not in known[kind]:
                out.append(Finding(E, file, unknown(kind, value), fld, row.id, line=row.line))
    return out
