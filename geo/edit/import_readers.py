"""Reading each format into a ``Source``: GPX and KML through GDAL (pyogrio), GeoJSON and CSV in Python.

GDAL reads GPX and KML from memory only, after ``scan_xml`` has checked them;
GeoJSON and CSV are read here because GDAL's GeoJSON reader fetches a ``crs``
link from the network. Every field with a value is named in the report as
dropped, and nothing but the 2D coordinates reaches the generalizing. A
``NetworkLink`` is counted, never followed. Part of ``geo.edit.imports``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import shapely

from geo.edit.import_sniff import LAT_NAMES, LON_NAMES, column_name, scan_xml
from geo.edit.import_types import (
    MAX_VERTICES_IN,
    Format,
    ImportAs,
    ImportRefused,
    Source,
    counted,
    too_many_points,
)

#: Field names that hold a time (their values are counted as timestamps removed).
TIME_FIELD = re.compile(r"time|date|when|^begin$|^end$", re.IGNORECASE)
ELEVATION_FIELD = re.compile(r"^(ele|elev|elevation|alt|altitude|z|height)$", re.IGNORECASE)
#: Bookkeeping columns GDAL adds to GPX layers: not the file's own fields.
_GDAL_COLUMNS = {"track_fid", "track_seg_id", "track_seg_point_id", "route_fid", "route_point_id", "geometry"}
#: Values GDAL's LIBKML reader fills in when the file says nothing.
_KML_DEFAULTS = {"tessellate": -1, "extrude": 0, "visibility": -1}


OFF_THE_GLOBE = 360.0


def _first_nonfinite(points: np.ndarray) -> tuple[int, str, float] | None:
    """(1-based point, field, value) of the first coordinate that is NaN, infinite or far past the globe
    (beyond ±360: no swap explains it, and arithmetic with it can overflow to infinity), else None.
    Values a swap explains (a latitude of 101.5) are left to the report's swap warning."""
    with np.errstate(invalid="ignore"):
        bad = np.argwhere(~np.isfinite(points) | (np.abs(points) > OFF_THE_GLOBE))
    if not len(bad):
        return None
    row, col = bad[0]
    return int(row) + 1, ("longitude", "latitude")[int(col)], float(points[row, col])


def _not_a_place(value: float) -> str:
    return f"not a finite number ({value})" if not np.isfinite(value) else f"off the globe ({value:g})"


def refuse_nonfinite(source: Source) -> None:
    """NaN, Infinity and numbers past a float's range (``1e400``) are not places: a reader of the
    GeoJSON would meet invalid JSON. The refusal names the track or point and the field."""
    for number, line in enumerate(source.lines, start=1):
        offset = 0
        for part in line:
            found = _first_nonfinite(part)
            if found:
                point, name, value = found
                raise ImportRefused(
                    f"track {number}, point {offset + point}: the {name} is {_not_a_place(value)}"
                )
            offset += len(part)
    found = _first_nonfinite(source.points) if len(source.points) else None
    if found:
        point, name, value = found
        raise ImportRefused(f"point {point}: the {name} is {_not_a_place(value)}")


def _has_value(column: str, value: Any) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    try:
        if value != value:  # NaT
            return False
    except (TypeError, ValueError):
        return True
    if isinstance(value, str) and not value.strip():
        return False
    return not (column in _KML_DEFAULTS and value == _KML_DEFAULTS[column])


def _valued_columns(frame: Any) -> set[str]:
    return {
        str(c)
        for c in frame.columns
        if c not in _GDAL_COLUMNS and any(_has_value(str(c), v) for v in frame[c].tolist())
    }


def _read_layer(raw: bytes, layer: int | str, *, force_2d: bool = True) -> Any:
    import pyogrio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pyogrio.read_dataframe(raw, layer=layer, force_2d=force_2d, on_invalid="ignore")


def _gdal(fmt: Format, action: Any) -> Any:
    """Run a GDAL read; any failure becomes a refusal naming the format, never a traceback."""
    try:
        return action()
    except ImportRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL raises many kinds; the maintainer needs one sentence
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ImportRefused(f"the {fmt} file could not be read: {detail}") from None


def _line_parts(geometry: Any) -> list[np.ndarray]:
    """The lines in a geometry, as (n, 2) arrays; points and polygons are not part of a track."""
    if geometry is None or shapely.is_empty(geometry):
        return []
    out = []
    for part in shapely.get_parts(geometry):
        kind = shapely.get_type_id(part)
        if kind == 1:  # LineString
            out.append(shapely.get_coordinates(part))
        elif kind in (5, 7):  # MultiLineString, GeometryCollection
            out += _line_parts(part)
    return [p for p in out if len(p)]


def _point_coords(geometry: Any) -> list[np.ndarray]:
    if geometry is None or shapely.is_empty(geometry):
        return []
    out = []
    for part in shapely.get_parts(geometry):
        kind = shapely.get_type_id(part)
        if kind == 0:
            out.append(shapely.get_coordinates(part))
        elif kind in (4, 7):
            out += _point_coords(part)
    return out


def _read_gpx(raw: bytes, as_: ImportAs) -> Source:
    scan = scan_xml(raw, "GPX")
    source = Source("GPX", timestamps=scan.timestamps, elevations=scan.elevations)
    import pyogrio

    layers = {str(n) for n in _gdal("GPX", lambda: pyogrio.list_layers(raw))[:, 0]}
    if as_ == "route":
        for layer, points_layer in (("tracks", "track_points"), ("routes", "route_points")):
            if layer not in layers:
                continue
            frame = _gdal("GPX", lambda layer=layer: _read_layer(raw, layer))
            source.fields |= _valued_columns(frame)
            source.lines += [parts for parts in map(_line_parts, frame.geometry) if parts]
            if points_layer in layers:
                points = _gdal("GPX", lambda p=points_layer: _read_layer(raw, p))
                source.fields |= _valued_columns(points)
    elif "waypoints" in layers:
        frame = _gdal("GPX", lambda: _read_layer(raw, "waypoints"))
        source.fields |= _valued_columns(frame)
        found = [c for g in frame.geometry for c in _point_coords(g)]
        source.points = np.concatenate(found) if found else source.points
    return source


def _read_kml(raw: bytes, as_: ImportAs) -> Source:
    """The first layer (folder) that holds the wanted kind of geometry; the others are reported."""
    scan = scan_xml(raw, "KML")
    source = Source("KML", timestamps=scan.timestamps)
    import pyogrio

    layers = _gdal("KML", lambda: pyogrio.list_layers(raw))
    taken = False
    others = 0
    for index in range(len(layers)):
        frame = _gdal("KML", lambda index=index: _read_layer(raw, index, force_2d=False))
        geoms = [g for g in frame.geometry if g is not None]
        # Counted over every folder, as the timestamps are: none of it is kept.
        source.elevations += int(sum(shapely.get_num_coordinates(g) for g in geoms if shapely.has_z(g)))
        if as_ == "route":
            found = [parts for parts in map(_line_parts, frame.geometry) if parts]
        else:
            found = [c for g in frame.geometry for c in _point_coords(g)]
        if not found:
            continue
        if taken:
            others += 1
            continue
        taken = True
        source.fields |= _valued_columns(frame)
        if as_ == "route":
            source.lines = found
        else:
            source.points = np.concatenate(found)
    if others:
        source.notes.append(
            f"only the first folder with {'lines' if as_ == 'route' else 'points'} was imported; "
            f"{counted(others, 'other folder')} with some were left out"
        )
    if scan.network_links:
        source.notes.append(f"{counted(scan.network_links, 'network link')} (NetworkLink) not followed")
    return source


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _positions(coords: Any, depth: int = 0) -> Iterator[list]:
    """Every [x, y, …] position in a GeoJSON ``coordinates`` value."""
    if depth > 4 or not isinstance(coords, list):
        return
    if coords and all(isinstance(v, int | float) and not isinstance(v, bool) for v in coords):
        yield coords
        return
    for item in coords:
        yield from _positions(item, depth + 1)


_GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)


def _geojson_features(obj: Any) -> list[dict]:
    kind = obj.get("type") if isinstance(obj, dict) else None
    if kind == "FeatureCollection" and isinstance(obj.get("features"), list):
        return [f for f in obj["features"] if isinstance(f, dict)]
    if kind == "Feature":
        return [obj]
    if kind in _GEOMETRY_TYPES:
        return [{"type": "Feature", "geometry": obj, "properties": {}}]
    raise ImportRefused("the GeoJSON file is not a FeatureCollection, a Feature or a geometry")


def _check_crs(obj: Any) -> None:
    crs = obj.get("crs") if isinstance(obj, dict) else None
    if crs is None:
        return
    name = crs.get("properties", {}).get("name", "") if isinstance(crs, dict) else ""
    if isinstance(name, str) and re.search(r"CRS84$|EPSG:+4326$", name):
        return
    raise ImportRefused(
        "the GeoJSON file declares another coordinate system (crs); export it as plain GeoJSON in "
        "WGS 84 longitude/latitude (EPSG:4326)"
    )


def _load_geojson(raw: bytes) -> Any:
    """The parsed JSON, or a refusal that says where it is broken (never a traceback)."""
    if raw.count(b"[") > MAX_VERTICES_IN + 1000:
        # Each position is a JSON array: refuse before building millions of Python lists.
        raise too_many_points()
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"the GeoJSON file is not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            f"the GeoJSON file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise ImportRefused("the GeoJSON file nests arrays or objects too deep to be GeoJSON") from None
    except ValueError as exc:
        raise ImportRefused(f"the GeoJSON file is not valid JSON: {str(exc)[:100]}") from None


def _note_properties(source: Source, feature: dict) -> None:
    """Every property with a value is dropped: name it in the report, and count the times among them."""
    props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    for key, value in props.items():
        if _has_value(str(key), value):
            source.fields.add(str(key))
            if TIME_FIELD.search(str(key)):
                source.timestamps += len(value) if isinstance(value, list) else 1


def _geometry_positions(geometry: dict) -> list[list]:
    """A geometry's positions, a GeometryCollection's members' included, counted before shapely sees them."""
    positions = list(_positions(geometry.get("coordinates")))
    members = geometry.get("geometries") if isinstance(geometry.get("geometries"), list) else []
    for member in members:
        positions += list(_positions(member.get("coordinates") if isinstance(member, dict) else None))
    return positions


def _geojson_shape(source: Source, geometry: dict) -> Any:
    """The geometry as shapely reads it, or None with a note: one broken feature does not stop an import."""
    try:
        return shapely.geometry.shape(geometry)
    except Exception:  # noqa: BLE001 - any malformed geometry is reported, never raised
        source.notes.append(f"a {geometry.get('type')!r} geometry could not be read and was left out")
        return None


def _read_geojson(raw: bytes, as_: ImportAs) -> Source:
    """Read in Python, not by GDAL: GDAL's GeoJSON reader fetches a ``crs`` link from the network."""
    obj = _load_geojson(raw)
    _check_crs(obj)
    source = Source("GeoJSON")
    total = 0
    points: list[np.ndarray] = []
    for feature in _geojson_features(obj):
        _note_properties(source, feature)
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict):
            continue
        positions = _geometry_positions(geometry)
        total += len(positions)
        if total > MAX_VERTICES_IN:
            raise too_many_points()
        source.elevations += sum(1 for p in positions if len(p) > 2)
        shape = _geojson_shape(source, geometry)
        if shape is None:
            continue
        if as_ == "route":
            parts = _line_parts(shape)
            if parts:
                source.lines.append(parts)
        else:
            points += _point_coords(shape)
    if points:
        source.points = np.concatenate(points)[:, :2]
    source.lines = [[p[:, :2] for p in parts] for parts in source.lines]
    return source


def _column(header: list[str], names: Iterable[str]) -> int | None:
    wanted = list(names)
    normal = [column_name(h) for h in header]
    for name in wanted:
        if name in normal:
            return normal.index(name)
    return None


def _csv_text(raw: bytes) -> str:
    """The file as text; spreadsheets often write a byte-order mark, which is not part of the header."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"the CSV file is not UTF-8 text (byte {exc.start}): save it as UTF-8") from None


def _csv_dialect(text: str) -> Any:
    """The delimiter and quoting the file uses, guessed from its start; plain commas when that fails."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _coordinate_columns(header: list[str]) -> tuple[int, int]:
    """The longitude and latitude columns' indexes, or a refusal that lists the columns there are."""
    lon_col, lat_col = _column(header, LON_NAMES), _column(header, LAT_NAMES)
    if lon_col is None or lat_col is None or lon_col == lat_col:
        raise ImportRefused(
            "the CSV file needs a longitude and a latitude column (lon/lng/longitude and "
            f"lat/latitude); its columns are: {', '.join(header[:12]) or 'none'}"
        )
    return lon_col, lat_col


def _csv_point(cells: list[str], lon_col: int, lat_col: int, line: int) -> tuple[float, float] | None:
    """A row's (lon, lat); None when both cells are empty (such rows are left out and counted)."""
    lon = cells[lon_col].strip() if lon_col < len(cells) else ""
    lat = cells[lat_col].strip() if lat_col < len(cells) else ""
    if not lon and not lat:
        return None
    try:
        point = (float(lon), float(lat))
    except ValueError:
        raise ImportRefused(
            f"line {line} of the CSV file: {lon!r}, {lat!r} is not a longitude and latitude in "
            "decimal degrees (use a dot for decimals, e.g. 101.52)"
        ) from None
    if not all(np.isfinite(point)):
        raise ImportRefused(f"line {line} of the CSV file: {lon!r}, {lat!r} is not a number")
    return point


def _note_cells(source: Source, header: list[str], cells: list[str], coordinates: tuple[int, int]) -> None:
    """Every other column with a value is dropped: name it in the report, and count times and elevations."""
    for index, cell in enumerate(cells):
        if index in coordinates or index >= len(header) or not cell.strip():
            continue
        source.fields.add(header[index] or f"column {index + 1}")
        if TIME_FIELD.search(header[index]):
            source.timestamps += 1
        elif ELEVATION_FIELD.match(header[index]):
            source.elevations += 1


def _csv_rows(reader: Any, source: Source) -> tuple[list[tuple[float, float]], int]:
    """The point in each row after the header, and how many rows had no coordinates.

    Rows with every cell empty are skipped without a word (spreadsheets leave them at the end).
    """
    header = [h.strip() for h in next(reader, [])]
    lon_col, lat_col = _coordinate_columns(header)
    coords: list[tuple[float, float]] = []
    blank = 0
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(coords) >= MAX_VERTICES_IN:
            raise too_many_points()
        point = _csv_point(cells, lon_col, lat_col, reader.line_num)
        if point is None:
            blank += 1
            continue
        coords.append(point)
        _note_cells(source, header, cells, (lon_col, lat_col))
    return coords, blank


def _read_csv(raw: bytes, as_: ImportAs) -> Source:
    """A CSV with a longitude and a latitude column: one track (``route``) or one place per row."""
    text = _csv_text(raw)
    reader = csv.reader(io.StringIO(text, newline=""), _csv_dialect(text))
    source = Source("CSV")
    try:
        coords, blank = _csv_rows(reader, source)
    except csv.Error as exc:
        raise ImportRefused(f"the CSV file is not valid CSV at line {reader.line_num}: {exc}") from None
    if blank:
        source.notes.append(f"{counted(blank, 'row')} without coordinates left out")
    array = np.array(coords, dtype=float).reshape(-1, 2)
    if as_ == "route":
        source.lines = [[array]] if len(array) else []
    else:
        source.points = array
    return source


READERS = {"GPX": _read_gpx, "KML": _read_kml, "GeoJSON": _read_geojson, "CSV": _read_csv}
