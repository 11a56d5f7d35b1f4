"""The rules for the GeoJSON files on their own: the route, the places and the country outlines.

Each works on the raw JSON ``geo.data.parse`` read (numbers as ``Decimal``, so the
decimals a file wrote can be counted), and never raises on bad input.

The rules that protect people (coordinates at most 2 decimals, no property
that looks like a precise location) are errors, not warnings.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import shapely
from pydantic import BaseModel, ValidationError

from geo.data.findings import Finding
from geo.data.parse import Feature, Outline, ParsedFile, loose_points
from geo.data.rules_shared import E, W, check_unique, pydantic_findings, short
from geo.data.schema import CountryProperties

#: Most decimals a route or place coordinate may have: 2 decimals is about 1 km,
#: region or city level. Finer positions could point at a crossing or a safe house.
MAX_DECIMALS = 2
#: East and Southeast Asia as (min lon, min lat, max lon, max lat). A swapped
#: lon/lat pair usually stays within ±90/±180 but lands outside this box.
PROJECT_BBOX = (90.0, 5.0, 135.0, 45.0)
#: Property names that suggest a precise, identifying location or contact.
SENSITIVE_KEY = re.compile(
    r"address|safe[\s_-]*house|phone|street|house[\s_-]*number|e-?mail|contact|gps|exact|precise|plus[\s_-]*code",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- one feature


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
        return f"expected [lon, lat] numbers; got {short(pos)}"
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
    raw = geom.get("coordinates")
    # A Point's one position, wrapped like a line's list; a Point with no coordinates has none.
    positions = ([raw] if raw is not None else None) if expected == "Point" else raw
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


def check_properties(
    file: str, index: int, fid: str | None, feature: dict, model: type[BaseModel]
) -> tuple[BaseModel | None, list[Finding]]:
    props = feature.get("properties")
    if not isinstance(props, dict):
        return None, [Finding(E, file, "expected an object", "properties", fid, index)]
    try:
        return model.model_validate(props), []
    except ValidationError as exc:
        return None, pydantic_findings(exc, lambda fld, msg: Finding(E, file, msg, fld, fid, index))


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


# --------------------------------------------------------------------------- route.geojson and places.geojson


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


# --------------------------------------------------------------------------- country outlines


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
                        f"ring is not closed: it starts at {short(ring[0])} and ends at {short(ring[-1])}; "
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
