"""Validation of every data file: one small function per rule, each returning findings.

Why on the raw parsed JSON and CSV text rather than on GeoDataFrames: shapely
and GDAL quietly repair or drop some defects (unclosed rings, swapped types)
before they could be reported, and a loader that raises on the first problem
tells a maintainer about one mistake at a time. ``validate`` never raises on
bad input; it returns every finding it can.

The rules that protect people (coordinates at most 2 decimals, no property
that looks like a precise location) are errors, not warnings.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pydantic import BaseModel, ValidationError

from geo import paths
from geo.findings import Finding, Severity
from geo.measure import GEOD
from geo.schema import (
    COUNTRY_NAMES,
    CSV_MODELS,
    CountryProperties,
    EventRow,
    PlaceProperties,
    SegmentProperties,
    required_columns,
)

E, W = Severity.ERROR, Severity.WARNING

#: Most decimals a route or place coordinate may have: 2 decimals is about 1 km,
#: region or city level. Finer positions could point at a crossing or a safe house.
MAX_DECIMALS = 2
#: East and Southeast Asia as (min lon, min lat, max lon, max lat). A swapped
#: lon/lat pair usually stays within ±90/±180 but lands outside this box.
PROJECT_BBOX = (90.0, 5.0, 135.0, 45.0)
#: How far (km) one segment may start from where the previous one ended.
CONTINUITY_TOLERANCE_KM = 2.0
#: Property names that suggest a precise, identifying location or contact.
SENSITIVE_KEY = re.compile(
    r"address|safe[\s_-]*house|phone|street|house[\s_-]*number|e-?mail|contact|gps|exact|precise|plus[\s_-]*code",
    re.IGNORECASE,
)
#: Largest data file the validator reads; larger uploads are refused unread.
MAX_FILE_BYTES = 20 * 1024 * 1024


# --------------------------------------------------------------------------- parsing


@dataclass
class Feature:
    """One GeoJSON feature after the structural checks, with what later rules need."""

    index: int
    id: str | None
    properties: dict[str, Any]
    #: (lon, lat) floats, or None when the geometry is unusable.
    coords: list[tuple[float, float]] | None
    model: BaseModel | None = None

    @property
    def order(self) -> int | None:
        """The raw ``order``, usable even when other properties are broken, so one
        bad field does not make the order and continuity rules report phantom gaps."""
        value = self.properties.get("order")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass
class CsvRow:
    line: int
    cells: dict[str, str]
    model: BaseModel | None = None

    @property
    def id(self) -> str | None:
        value = self.cells.get("id")
        return value.strip() if isinstance(value, str) and value.strip() else None


@dataclass
class Parsed:
    """What the rules share: parsed files, keyed by file name."""

    features: dict[str, list[Feature]] = field(default_factory=dict)
    rows: dict[str, list[CsvRow]] = field(default_factory=dict)
    countries: list[tuple[str, shapely.Geometry]] = field(default_factory=list)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(file: str, raw: bytes) -> tuple[Any, list[Finding]]:
    """Parse JSON keeping numbers exact (``Decimal``) so decimals can be counted."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Finding(E, file, f"not UTF-8 text (byte {exc.start}): save the file as UTF-8")]
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant), []
    except json.JSONDecodeError as exc:
        return None, [Finding(E, file, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
    except (ValueError, RecursionError) as exc:
        return None, [Finding(E, file, f"not valid JSON: {exc}")]


def parse_csv(file: str, raw: bytes) -> tuple[list[str], list[CsvRow], list[Finding]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [], [Finding(E, file, f"not UTF-8 text (byte {exc.start}): save the file as UTF-8")]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        rows = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            line = reader.line_num
            if len(cells) != len(header):
                rows.append(CsvRow(line, {"__bad_width__": str(len(cells))}))
                continue
            rows.append(CsvRow(line, dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        return [], [], [Finding(E, file, f"not valid CSV at line {reader.line_num}: {exc}")]
    return header, rows, []


# --------------------------------------------------------------------------- GeoJSON rules


def _fid(feature: Any) -> str | None:
    if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
        value = feature["properties"].get("id")
        if isinstance(value, str) and value:
            return value
    return None


def check_collection(file: str, obj: Any) -> list[Finding]:
    if not isinstance(obj, dict):
        return [Finding(E, file, "expected a GeoJSON object at the top level", field="type")]
    out = []
    if obj.get("type") != "FeatureCollection":
        out.append(Finding(E, file, f"expected 'FeatureCollection'; got {obj.get('type')!r}", field="type"))
    if not isinstance(obj.get("features"), list):
        out.append(Finding(E, file, "expected a list of features", field="features"))
    if "crs" in obj:
        out.append(
            Finding(
                E,
                file,
                "RFC 7946 GeoJSON is always WGS 84 lon/lat (EPSG:4326); remove the crs member",
                field="crs",
            )
        )
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _decimals(value: Decimal | int) -> int:
    if isinstance(value, int):
        return 0
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def check_geometry(
    file: str, index: int, fid: str | None, feature: Any, expected: str, min_positions: int
) -> tuple[list[tuple[float, float]] | None, list[Finding]]:
    """Geometry type and positions (RFC 7946). Returns (lon, lat) pairs when usable."""

    def finding(message: str, fld: str = "geometry", sev: Severity = E) -> Finding:
        return Finding(sev, file, message, field=fld, feature_id=fid, index=index)

    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        got = feature.get("type") if isinstance(feature, dict) else type(feature).__name__
        return None, [finding(f"expected a 'Feature'; got {got!r}", "type")]
    geom = feature.get("geometry")
    if not isinstance(geom, dict):
        return None, [finding("missing geometry")]
    if geom.get("type") != expected:
        return None, [finding(f"expected a {expected}; got {geom.get('type')!r}", "geometry.type")]
    raw = geom.get("coordinates")
    positions = [raw] if expected == "Point" else raw
    if not isinstance(positions, list) or len(positions) < min_positions:
        need = "a [lon, lat] position" if expected == "Point" else f"at least {min_positions} positions"
        return None, [finding(f"expected {need}", "geometry.coordinates")]

    out: list[Finding] = []
    coords: list[tuple[float, float]] = []
    for k, pos in enumerate(positions):
        where = "geometry.coordinates" if expected == "Point" else f"geometry.coordinates[{k}]"
        if not (isinstance(pos, list) and len(pos) in (2, 3) and all(_is_number(v) for v in pos)):
            out.append(finding(f"expected [lon, lat] numbers; got {_short(pos)}", where))
            continue
        lon, lat = float(pos[0]), float(pos[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            hint = "; GeoJSON is [lon, lat]: are they swapped?" if abs(lon) <= 90 and abs(lat) <= 180 else ""
            out.append(finding(f"[{pos[0]}, {pos[1]}] is not a valid [lon, lat]{hint}", where))
            continue
        if not (PROJECT_BBOX[0] <= lon <= PROJECT_BBOX[2] and PROJECT_BBOX[1] <= lat <= PROJECT_BBOX[3]):
            out.append(
                finding(
                    f"[{pos[0]}, {pos[1]}] is outside East and Southeast Asia; GeoJSON is "
                    "[lon, lat]: are they swapped?",
                    where,
                )
            )
            continue
        places = max(_decimals(pos[0]), _decimals(pos[1]))
        if places > MAX_DECIMALS:
            out.append(
                finding(
                    f"[{pos[0]}, {pos[1]}] has {places} decimals; at most {MAX_DECIMALS} allowed "
                    "(region or city level, to protect people)",
                    where,
                )
            )
            continue
        coords.append((lon, lat))
    return (coords if not out else None), out


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pydantic_findings(exc: ValidationError, make: Callable[[str, str], Finding]) -> list[Finding]:
    out = []
    for err in exc.errors(include_url=False):
        fld = ".".join(str(p) for p in err["loc"]) or "properties"
        got = err.get("input")
        if err["type"] == "missing":
            message = "required, but missing"
        elif err["type"] == "literal_error":
            message = f"expected one of {err['ctx']['expected']}; got {_short(got)}"
        else:
            message = f"{err['msg'][0].lower()}{err['msg'][1:]}; got {_short(got)}"
        out.append(make(fld, message))
    return out


def check_properties(
    file: str, index: int, fid: str | None, feature: dict, model: type[BaseModel]
) -> tuple[BaseModel | None, list[Finding]]:
    props = feature.get("properties")
    if not isinstance(props, dict):
        return None, [Finding(E, file, "expected an object", "properties", fid, index)]
    try:
        return model.model_validate(props), []
    except ValidationError as exc:
        return None, _pydantic_findings(exc, lambda fld, msg: Finding(E, file, msg, fld, fid, index))


def check_sensitive_keys(file: str, index: int, fid: str | None, feature: dict) -> list[Finding]:
    props = feature.get("properties")
    if not isinstance(props, dict):
        return []
    return [
        Finding(
            E,
            file,
            "looks like a precise location or contact; the route is generalized to region or "
            "city level and never records safe houses, addresses or contacts: remove it",
            field=str(key),
            feature_id=fid,
            index=index,
        )
        for key in props
        if SENSITIVE_KEY.search(str(key))
    ]


def check_unique(file: str, items: Iterable[tuple[str | None, Finding]]) -> list[Finding]:
    """``items``: (id, a finding to report if that id repeats). Reports every repeat."""
    seen: Counter[str] = Counter()
    out = []
    for ident, finding in items:
        if ident is None:
            continue
        seen[ident] += 1
        if seen[ident] > 1:
            out.append(finding)
    return out


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


def check_country(file: str, segments: list[Feature], countries: list[tuple[str, Any]]) -> list[Finding]:
    """Warn when most of a route segment lies outside the country it names.

    Symbolic and flight legs are skipped: they are drawn, not travelled on the ground.
    """
    outlines = [(n, g) for n, g in countries if n in COUNTRY_NAMES]
    candidates = [f for f in segments if f.model is not None and f.coords and f.model.kind == "route"]
    if not outlines or not candidates:
        return []
    lines = np.array([shapely.LineString(f.coords) for f in candidates])
    shares = np.zeros((len(candidates), len(outlines)))
    # A spatial index keeps this linear in the number of segments: a line inside a country
    # counts whole, and only lines crossing its border are clipped (the costly part).
    tree = shapely.STRtree(lines)
    lengths = shapely.length(lines)
    for j, (_, outline) in enumerate(outlines):
        shapely.prepare(outline)
        inside = tree.query(outline, predicate="contains_properly")
        shares[inside, j] = lengths[inside]
        crossing = np.setdiff1d(tree.query(outline, predicate="intersects"), inside)
        shares[crossing, j] = shapely.length(shapely.intersection(lines[crossing], outline))
    out = []
    names = [n for n, _ in outlines]
    for i, feat in enumerate(candidates):
        if shares[i].max() <= 0:
            continue
        best = names[int(shares[i].argmax())]
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


def check_geojson_file(
    file: str, obj: Any, expected: str, min_positions: int, model: type[BaseModel] | None
) -> tuple[list[Feature], list[Finding]]:
    findings = check_collection(file, obj)
    if not isinstance(obj, dict) or not isinstance(obj.get("features"), list):
        return [], findings
    features = []
    for index, raw in enumerate(obj["features"]):
        fid = _fid(raw)
        coords, geom_findings = check_geometry(file, index, fid, raw, expected, min_positions)
        findings += geom_findings
        parsed = None
        if model is not None and isinstance(raw, dict):
            parsed, prop_findings = check_properties(file, index, fid, raw, model)
            findings += prop_findings
            findings += check_sensitive_keys(file, index, fid, raw)
        props = raw.get("properties") if isinstance(raw, dict) else None
        features.append(Feature(index, fid, props if isinstance(props, dict) else {}, coords, parsed))
    findings += check_unique(
        file,
        (
            (
                f.id,
                Finding(
                    E,
                    file,
                    "this id is used by an earlier feature; ids must be unique",
                    field="id",
                    feature_id=f.id,
                    index=f.index,
                ),
            )
            for f in features
        ),
    )
    return features, findings


def check_countries_file(file: str, obj: Any) -> tuple[list[tuple[str, Any]], list[Finding]]:
    """Country outlines: polygons with a name. Coordinates may be finer than 2 decimals:
    these are public Natural Earth borders, not the route."""
    findings = check_collection(file, obj)
    if not isinstance(obj, dict) or not isinstance(obj.get("features"), list):
        return [], findings
    outlines = []
    for index, raw in enumerate(obj["features"]):
        props = raw.get("properties") if isinstance(raw, dict) else None
        name = props.get("name") if isinstance(props, dict) and isinstance(props.get("name"), str) else None
        geom = raw.get("geometry") if isinstance(raw, dict) else None
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
            got = geom.get("type") if isinstance(geom, dict) else None
            findings.append(
                Finding(
                    E, file, f"expected a Polygon or MultiPolygon; got {got!r}", "geometry.type", name, index
                )
            )
            continue
        try:
            shape = shapely.geometry.shape(json.loads(json.dumps(geom, default=float)))
        except Exception as exc:  # noqa: BLE001 - any malformed ring is reported, never raised
            findings.append(Finding(E, file, f"unreadable polygon: {exc}", "geometry", name, index))
            continue
        if isinstance(raw, dict):
            _, prop_findings = check_properties(file, index, name, raw, CountryProperties)
            findings += prop_findings
        if name and shape.is_valid:
            outlines.append((name, shape))
        elif name:
            findings.append(
                Finding(
                    W, file, f"invalid polygon ({shapely.is_valid_reason(shape)})", "geometry", name, index
                )
            )
    return outlines, findings


# --------------------------------------------------------------------------- CSV rules


def check_csv_file(file: str, raw: bytes) -> tuple[list[CsvRow], list[Finding]]:
    model = CSV_MODELS[file]
    header, rows, findings = parse_csv(file, raw)
    if findings:
        return [], findings
    missing = [c for c in required_columns(model) if c not in header]
    if missing:
        return [], [Finding(E, file, f"missing column(s): {', '.join(missing)}", field="header", line=1)]
    for row in rows:
        if "__bad_width__" in row.cells:
            findings.append(
                Finding(
                    E,
                    file,
                    f"has {row.cells['__bad_width__']} cells; the header has "
                    f"{len(header)} (a missing quote or comma?)",
                    line=row.line,
                )
            )
            continue
        try:
            row.model = model.model_validate(row.cells)
        except ValidationError as exc:
            findings += _pydantic_findings(
                exc, lambda fld, msg, r=row: Finding(E, file, msg, fld, r.id, line=r.line)
            )
            continue
        if isinstance(row.model, EventRow):
            findings += [
                Finding(E, file, msg, fld, row.id, line=row.line) for fld, msg in row.model.date_problems()
            ]
    findings += check_unique(
        file,
        (
            (
                r.id,
                Finding(
                    E, file, "this id is used on an earlier line; ids must be unique", "id", r.id, line=r.line
                ),
            )
            for r in rows
        ),
    )
    return rows, findings


# --------------------------------------------------------------------------- cross-file rules


def check_references(parsed: Parsed) -> list[Finding]:
    """Every ``sources``/``source_ids``/``source_id``/``segment_id``/``quote_id`` resolves."""
    if paths.SOURCES not in parsed.rows:
        return []
    source_ids = {r.model.id for r in parsed.rows[paths.SOURCES] if r.model}
    segment_ids = {f.id for f in parsed.features.get(paths.ROUTE, []) if f.id}
    quote_ids = {r.model.id for r in parsed.rows.get(paths.QUOTES, []) if r.model}
    out = []

    def unknown(kind: str, value: str, known: set[str]) -> str:
        hint = ", ".join(sorted(known)[:8]) or "none"
        return f"unknown {kind} {value!r} (known: {hint})"

    for file in (paths.ROUTE, paths.PLACES):
        for f in parsed.features.get(file, []):
            for sid in getattr(f.model, "sources", []) or []:
                if sid not in source_ids:
                    out.append(Finding(E, file, unknown("source", sid, source_ids), "sources", f.id, f.index))
    for file, rows in parsed.rows.items():
        for r in rows:
            m = r.model
            if m is None:
                continue
            refs = [("source_id", s, source_ids, "source") for s in [getattr(m, "source_id", None)] if s]
            refs += [("source_ids", s, source_ids, "source") for s in getattr(m, "source_ids", [])]
            if paths.ROUTE in parsed.features:
                refs += [
                    ("segment_id", s, segment_ids, "segment") for s in [getattr(m, "segment_id", "")] if s
                ]
            if paths.QUOTES in parsed.rows and file != paths.QUOTES:
                refs += [("quote_id", s, quote_ids, "quote") for s in [getattr(m, "quote_id", "")] if s]
            for fld, value, known, kind in refs:
                if value not in known:
                    out.append(Finding(E, file, unknown(kind, value, known), fld, r.id, line=r.line))
    return out


# --------------------------------------------------------------------------- entry points


def read_files(data_dir: Path) -> dict[str, bytes]:
    """The raw bytes of every data file present in ``data_dir``."""
    return {name: (data_dir / name).read_bytes() for name in paths.DATA_FILES if (data_dir / name).is_file()}


def validate_texts(
    files: Mapping[str, bytes],
    *,
    expected: Iterable[str] = paths.DATA_FILES,
    max_bytes: int | None = MAX_FILE_BYTES,
) -> list[Finding]:
    """Validate data files given as bytes (from disk or an upload). Never raises on bad input.

    ``max_bytes=None`` lifts the size limit (the scaling benchmark measures the checks themselves).
    """
    findings: list[Finding] = []
    parsed = Parsed()
    for name in expected:
        if name not in files:
            findings.append(Finding(E, name, "file is missing"))
    for name in (n for n in paths.DATA_FILES if n in files):
        raw = files[name]
        if max_bytes is not None and len(raw) > max_bytes:
            findings.append(
                Finding(
                    E,
                    name,
                    f"file is {len(raw) / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES / 2**20:.0f} MiB",
                )
            )
            continue
        if name in CSV_MODELS:
            parsed.rows[name], found = check_csv_file(name, raw)
            findings += found
            continue
        obj, found = parse_json(name, raw)
        findings += found
        if obj is None:
            continue
        if name == paths.ROUTE:
            parsed.features[name], found = check_geojson_file(name, obj, "LineString", 2, SegmentProperties)
        elif name == paths.PLACES:
            parsed.features[name], found = check_geojson_file(name, obj, "Point", 1, PlaceProperties)
        else:
            parsed.countries, found = check_countries_file(name, obj)
        findings += found
    route = parsed.features.get(paths.ROUTE, [])
    findings += check_order(paths.ROUTE, [f.order for f in route if f.order is not None])
    tour = parsed.rows.get(paths.TOUR, [])
    findings += check_order(paths.TOUR, [r.model.order for r in tour if r.model is not None])
    findings += check_continuity(paths.ROUTE, route)
    findings += check_country(paths.ROUTE, route, parsed.countries)
    findings += check_references(parsed)
    return findings


def validate(
    data_dir: Path | str = paths.DATA_DIR, *, replace: Mapping[str, bytes] | None = None
) -> list[Finding]:
    """Validate the data files in ``data_dir``, optionally with some replaced (an upload preview)."""
    files = read_files(Path(data_dir))
    files.update(replace or {})
    return validate_texts(files)
