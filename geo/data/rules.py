"""The validation rules: one small function per rule, each returning findings.

Every rule works on what ``geo.data.parse`` read from the raw JSON and CSV
text (see there for why not through GDAL), and never raises on bad input. Rules
that look at one file at a time are run by ``check_file``; rules that need
several files (order, continuity, countries, references) by
``geo.data.validation``.

The rules that protect people (coordinates at most 2 decimals, no property
that looks like a precise location) are errors, not warnings.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import shapely
from pydantic import BaseModel, ValidationError

from geo import paths
from geo.data.findings import Finding, Severity
from geo.data.measure import GEOD
from geo.data.parse import MAX_ROWS, CsvRow, Feature, Outline, ParsedFile, loose_points, parse_csv, parse_json
from geo.data.schema import (
    COUNTRY_NAMES,
    CSV_MODELS,
    ArrivalRow,
    ClaimRow,
    CountryProperties,
    EventRow,
    PlaceProperties,
    SegmentProperties,
    SourceRow,
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
#: A web address a reader can open: http(s), a host name, and nothing that could end a
#: Markdown link or an HTML attribute (spaces, quotes, brackets, angle brackets, backslashes).
WEB_ADDRESS = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?([/?#][^\s()<>\[\]{}\"'`\\^|]*)?$")
#: Points sampled along a segment to tell which country most of it lies in: enough to
#: decide "most", and a fixed cost per segment whatever its number of vertices.
COUNTRY_SAMPLES = 64

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


def position_problem(pos: Any) -> str | None:
    """What is wrong with one raw ``[lon, lat]`` position, or None. The privacy rule is one of these."""
    if not (isinstance(pos, list) and len(pos) in (2, 3) and all(_is_number(v) for v in pos)):
        return f"expected [lon, lat] numbers; got {_short(pos)}"
    lon, lat = float(pos[0]), float(pos[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        hint = "; GeoJSON is [lon, lat]: are they swapped?" if abs(lon) <= 90 and abs(lat) <= 180 else ""
        return f"[{pos[0]}, {pos[1]}] is not a valid [lon, lat]{hint}"
    if not (PROJECT_BBOX[0] <= lon <= PROJECT_BBOX[2] and PROJECT_BBOX[1] <= lat <= PROJECT_BBOX[3]):
        return f"[{pos[0]}, {pos[1]}] is outside East and Southeast Asia; GeoJSON is [lon, lat]: swapped?"
    places = max(_decimals(pos[0]), _decimals(pos[1]))
    if places > MAX_DECIMALS:
        return (
            f"[{pos[0]}, {pos[1]}] has {places} decimals; at most {MAX_DECIMALS} allowed "
            "(region or city level, to protect people)"
        )
    return None


def _geometry_problem(feature: Any, expected: str, min_positions: int) -> tuple[str, str] | None:
    """(field, message) when the feature is not a Feature with the expected geometry and enough positions."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        got = feature.get("type") if isinstance(feature, dict) else type(feature).__name__
        return "type", f"expected a 'Feature'; got {got!r}"
    geom = feature.get("geometry")
    if not isinstance(geom, dict):
        return "geometry", "missing geometry"
    if geom.get("type") != expected:
        return "geometry.type", f"expected a {expected}; got {geom.get('type')!r}"
    positions = [geom.get("coordinates")] if expected == "Point" else geom.get("coordinates")
    if not isinstance(positions, list) or len(positions) < min_positions:
        need = "a [lon, lat] position" if expected == "Point" else f"at least {min_positions} positions"
        return "geometry.coordinates", f"expected {need}"
    return None


def check_geometry(
    file: str, index: int, fid: str | None, feature: Any, expected: str, min_positions: int
) -> tuple[list[tuple[float, float]] | None, list[Finding]]:
    """Geometry type and positions (RFC 7946). Returns (lon, lat) pairs when usable."""
    problem = _geometry_problem(feature, expected, min_positions)
    if problem is not None:
        return None, [Finding(E, file, problem[1], field=problem[0], feature_id=fid, index=index)]
    raw = feature["geometry"]["coordinates"]
    positions = [raw] if expected == "Point" else raw
    out: list[Finding] = []
    for k, pos in enumerate(positions):
        message = position_problem(pos)
        if message is not None:
            where = "geometry.coordinates" if expected == "Point" else f"geometry.coordinates[{k}]"
            out.append(Finding(E, file, message, field=where, feature_id=fid, index=index))
    if out:
        return None, out
    return [(float(pos[0]), float(pos[1])) for pos in positions], []


def _plain_repr(value: Any) -> str:
    """A value as the file wrote it: numbers as numbers (``1E+400``, not ``Decimal('1E+400')``)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_plain_repr(v) for v in value) + "]"
    return repr(value)


def _short(value: Any, limit: int = 60) -> str:
    text = _plain_repr(value)
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


def check_features(
    file: str, obj: Any, expected: str, min_positions: int, model: type[BaseModel]
) -> ParsedFile:
    """A FeatureCollection of one geometry type whose properties follow ``model``."""
    parsed = ParsedFile(file, findings=check_collection(file, obj))
    if not isinstance(obj, dict) or not isinstance(obj.get("features"), list):
        return parsed
    for index, raw in enumerate(obj["features"]):
        fid = _fid(raw)
        coords, geom_findings = check_geometry(file, index, fid, raw, expected, min_positions)
        parsed.findings += geom_findings
        model_value = None
        if isinstance(raw, dict):
            model_value, prop_findings = check_properties(file, index, fid, raw, model)
            parsed.findings += prop_findings
            parsed.findings += check_sensitive_keys(file, index, fid, raw)
        props = raw.get("properties") if isinstance(raw, dict) else None
        geometry = raw.get("geometry") if isinstance(raw, dict) else None
        parsed.features.append(
            Feature(
                index,
                fid,
                props if isinstance(props, dict) else {},
                coords,
                model_value,
                loose_points(geometry),
            )
        )
    parsed.findings += check_unique(
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
            for f in parsed.features
        ),
    )
    return parsed


def check_rings(file: str, index: int, name: str | None, geom: dict) -> list[Finding]:
    """Every ring closed and of at least four positions (RFC 7946 §3.1.6), read from the raw JSON.

    shapely closes an open ring without a word, so this must look before it does.
    """
    coords = geom.get("coordinates")
    polygons = [coords] if geom.get("type") == "Polygon" else coords
    if not isinstance(polygons, list):
        return [Finding(E, file, "expected a list of polygons", "geometry.coordinates", name, index)]
    out = []
    for p, rings in enumerate(polygons):
        if not isinstance(rings, list) or not rings:
            out.append(
                Finding(E, file, "a polygon needs at least one ring", "geometry.coordinates", name, index)
            )
            continue
        for r, ring in enumerate(rings):
            where = (
                f"geometry.coordinates[{p}][{r}]"
                if geom.get("type") == "MultiPolygon"
                else (f"geometry.coordinates[{r}]")
            )
            # Two or three numbers, as RFC 7946 positions are: anything more made shapely raise.
            ok = isinstance(ring, list) and all(
                isinstance(pos, list) and len(pos) in (2, 3) and all(_is_number(v) for v in pos)
                for pos in ring
            )
            if not ok:
                out.append(Finding(E, file, "expected a list of [lon, lat] positions", where, name, index))
            elif len(ring) < 4:
                out.append(
                    Finding(
                        E, file, f"a ring needs at least 4 positions; got {len(ring)}", where, name, index
                    )
                )
            elif ring[0][:2] != ring[-1][:2]:
                out.append(
                    Finding(
                        E,
                        file,
                        f"ring is not closed: it starts at {_short(ring[0])} and ends at {_short(ring[-1])}; "
                        "repeat the first position at the end",
                        where,
                        name,
                        index,
                    )
                )
    return out


def _lon_lat(geom: dict) -> dict:
    """A checked (Multi)Polygon with every position as two floats: shapely raises on a ring that
    mixes ``[lon, lat]`` and ``[lon, lat, altitude]``, which RFC 7946 does not forbid."""
    polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    planar = [[[[float(p[0]), float(p[1])] for p in ring] for ring in rings] for rings in polygons]
    return {"type": geom["type"], "coordinates": planar[0] if geom["type"] == "Polygon" else planar}


def check_countries(file: str, obj: Any) -> ParsedFile:
    """Country outlines: polygons with a name and a role. Coordinates may be finer than 2
    decimals: these are public Natural Earth borders, not the route."""
    parsed = ParsedFile(file, findings=check_collection(file, obj))
    if not isinstance(obj, dict) or not isinstance(obj.get("features"), list):
        return parsed
    for index, raw in enumerate(obj["features"]):
        props = raw.get("properties") if isinstance(raw, dict) else None
        name = props.get("name") if isinstance(props, dict) and isinstance(props.get("name"), str) else None
        geom = raw.get("geometry") if isinstance(raw, dict) else None
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
            got = geom.get("type") if isinstance(geom, dict) else None
            parsed.findings.append(
                Finding(
                    E, file, f"expected a Polygon or MultiPolygon; got {got!r}", "geometry.type", name, index
                )
            )
            continue
        ring_findings = check_rings(file, index, name, geom)
        parsed.findings += ring_findings
        if ring_findings:
            continue
        _, prop_findings = check_properties(file, index, name, raw, CountryProperties)
        parsed.findings += prop_findings
        shape = shapely.geometry.shape(_lon_lat(geom))
        if not shape.is_valid:
            parsed.findings.append(
                Finding(
                    W, file, f"invalid polygon ({shapely.is_valid_reason(shape)})", "geometry", name, index
                )
            )
            continue
        if name and not prop_findings:
            parsed.outlines.append(Outline(index, name, dict(props), shape))
    return parsed


# --------------------------------------------------------------------------- CSV rules


def check_rows(file: str, raw: bytes, max_rows: int | None) -> ParsedFile:
    """Each row against its schema model, ids unique, dates as precise as they say."""
    model = CSV_MODELS[file]
    header, rows, findings = parse_csv(file, raw, max_rows)
    parsed = ParsedFile(file, findings=findings, readable=not findings)
    if findings:
        return parsed
    missing = [c for c in required_columns(model) if c not in header]
    if missing:
        parsed.findings.append(
            Finding(E, file, f"missing column(s): {', '.join(missing)}", field="header", line=1)
        )
        parsed.readable = False
        return parsed
    for row in rows:
        parsed.rows.append(row)
        if row.bad_width is not None:
            parsed.findings.append(
                Finding(
                    E,
                    file,
                    f"has {row.bad_width} cells; the header has {len(header)} (a missing quote or comma?)",
                    line=row.line,
                )
            )
            continue
        try:
            row.model = model.model_validate(row.cells)
        except ValidationError as exc:
            parsed.findings += _pydantic_findings(
                exc, lambda fld, msg, r=row: Finding(E, file, msg, fld, r.id, line=r.line)
            )
            continue
        parsed.findings += [
            Finding(E, file, msg, fld, row.id, line=row.line) for fld, msg in row_problems(row.model)
        ]
    parsed.findings += check_unique(
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
    for rule in FILE_RULES.get(file, ()):
        parsed.findings += rule(file, rows)
    return parsed


def event_date_problems(row: EventRow) -> list[tuple[str, str]]:
    """An event's dates are as precise as its ``precision`` says."""
    return row.date_problems()


def source_url_problems(row: SourceRow) -> list[tuple[str, str]]:
    """A source's ``url`` is a web address a reader can open: http(s), no spaces or quotes."""
    if not row.url or WEB_ADDRESS.match(row.url):
        return []
    return [
        (
            "url",
            "expected a web address starting with https:// (or http://), with no spaces, "
            f"quotes or brackets; got {_short(row.url)}",
        )
    ]


def source_title_problems(row: SourceRow) -> list[tuple[str, str]]:
    """A source without a known headline must at least have a ``url`` a reader can follow."""
    if row.title or row.url:
        return []
    return [
        ("title", "required, unless the source has a url (then say in the note why the headline is unknown)")
    ]


def claim_unit_problems(row: ClaimRow) -> list[tuple[str, str]]:
    """A claim's ``value`` means nothing without its ``unit``."""
    if row.value is None or row.unit:
        return []
    return [("unit", f"the value {row.value} needs its unit (USD, KRW, km, people…)")]


#: The rules a row model is checked against beyond its field types, by model.
ROW_RULES: dict[type[BaseModel], tuple[Callable[[Any], list[tuple[str, str]]], ...]] = {
    EventRow: (event_date_problems,),
    SourceRow: (source_url_problems, source_title_problems),
    ClaimRow: (claim_unit_problems,),
}


def row_problems(model: BaseModel) -> list[tuple[str, str]]:
    """(field, message) pairs a row model finds in itself beyond its field types."""
    return [problem for rule in ROW_RULES.get(type(model), ()) for problem in rule(model)]


# --------------------------------------------------------------------------- arrivals.csv, row against row


def _arrivals(rows: list[CsvRow]) -> list[tuple[CsvRow, ArrivalRow]]:
    return [(r, r.model) for r in rows if isinstance(r.model, ArrivalRow)]


def check_arrival_counts(file: str, rows: list[CsvRow]) -> list[Finding]:
    """Every year has a count: a blank would draw as zero people."""
    return [
        Finding(
            E,
            file,
            f"{m.year} has no count; every year needs the number of people who arrived",
            "count",
            line=r.line,
        )
        for r, m in _arrivals(rows)
        if m.count is None
    ]


def check_arrival_years_unique(file: str, rows: list[CsvRow]) -> list[Finding]:
    """One row per year: two counts for a year would be drawn on top of each other."""
    first: dict[int, int] = {}
    out = []
    for r, m in _arrivals(rows):
        if m.year in first:
            message = (
                f"{m.year} is already on line {first[m.year]}; give each year one row "
                "(earlier or revised figures go in the note)"
            )
            out.append(Finding(E, file, message, "year", line=r.line))
        else:
            first[m.year] = r.line
    return out


def check_arrival_years_in_order(file: str, rows: list[CsvRow]) -> list[Finding]:
    """Years listed from earliest to latest, so the file reads like the chart."""
    arrivals = _arrivals(rows)
    for (_, before), (r, m) in itertools.pairwise(arrivals):
        if m.year < before.year:
            message = f"{m.year} comes after {before.year}; list the years from earliest to latest"
            return [Finding(W, file, message, "year", line=r.line)]
    return []


#: Rules that compare a file's rows with each other, by file.
FILE_RULES: dict[str, tuple[Callable[[str, list[CsvRow]], list[Finding]], ...]] = {
    paths.ARRIVALS: (check_arrival_counts, check_arrival_years_unique, check_arrival_years_in_order),
}


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
