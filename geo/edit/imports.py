"""Importing a track or waypoints from a phone or a mapping tool, generalized before anything is kept.

A GPS track is the most dangerous thing a maintainer can upload: six decimals
(10 cm), a timestamp and an elevation per point can lead back to a crossing
point, a safe house or a person. So an import keeps only what the route needs,
at the precision the project allows, and says exactly what it removed:

* coordinates rounded to ``MAX_DECIMALS`` (2 decimals, about 1 km: region or
  city level), and consecutive points that became equal are dropped;
* every other field (time, elevation, name, description, device, extensions…)
  is dropped, and the geometry is made 2D;
* each track is simplified (topology-preserving Douglas–Peucker, the smallest
  tolerance that reaches ``MAX_VERTICES_OUT``) to a few dozen vertices;
* a track recorded in several parts (pauses, lost signal) is joined into one
  line, in order: one track becomes one route segment, and several tracks (or
  routes) in one file become several segments;
* points outside East and Southeast Asia are reported.

The result is a GeoJSON FeatureCollection in the project's layout whose
features carry every property the schema requires, with the ones only a person
can know left empty (``title``, ``country``, ``sources``…): validating it tells
the maintainer exactly what to fill in.

Hostile input is refused with a sentence, never a traceback or a hang: files
over ``MAX_FILE_BYTES``, more than ``MAX_VERTICES_IN`` points, malformed XML or
JSON, XML with a DOCTYPE (entities), deep nesting, unknown formats. GDAL
(through pyogrio) reads GPX and KML from memory only; GeoJSON and CSV are read
here in Python, because GDAL's GeoJSON reader fetches a ``crs`` link from the
network. A KML ``NetworkLink`` is never followed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
import xml.parsers.expat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal, get_args

import numpy as np
import shapely

from geo import paths
from geo.data.findings import Finding
from geo.data.parse import MAX_FILE_BYTES
from geo.data.rules import MAX_DECIMALS, PROJECT_BBOX
from geo.edit.staging import dump_collection

ImportAs = Literal["route", "places"]
IMPORT_AS: tuple[ImportAs, ...] = get_args(ImportAs)
Format = Literal["GPX", "KML", "GeoJSON", "CSV"]

#: Points read before generalizing; more is refused unread (a 20 MiB KML can hold 5 million).
MAX_VERTICES_IN = 1_000_000
#: Vertices per imported track after simplification: enough to follow a valley, not a footpath.
MAX_VERTICES_OUT = 40
#: Deeper XML is refused: no GPX or KML needs it, and some parsers recurse.
MAX_XML_DEPTH = 64
#: Where each kind of import goes.
TARGETS: dict[ImportAs, str] = {"route": paths.ROUTE, "places": paths.PLACES}
#: Column spellings a CSV may use for longitude and latitude (compared as ``_column_name`` writes them).
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "lon_dd", "longitude_dd")
LAT_NAMES = ("lat", "latitude", "y", "lat_dd", "latitude_dd")
#: Field names that hold a time (their values are counted as timestamps removed).
TIME_FIELD = re.compile(r"time|date|when|^begin$|^end$", re.IGNORECASE)
ELEVATION_FIELD = re.compile(r"^(ele|elev|elevation|alt|altitude|z|height)$", re.IGNORECASE)
#: Bookkeeping columns GDAL adds to GPX layers: not the file's own fields.
_GDAL_COLUMNS = {"track_fid", "track_seg_id", "track_seg_point_id", "route_fid", "route_point_id", "geometry"}
#: Values GDAL's LIBKML reader fills in when the file says nothing.
_KML_DEFAULTS = {"tessellate": -1, "extrude": 0, "visibility": -1}
#: The properties an imported feature needs before it can be saved; the ones a person must fill in.
TO_FILL: dict[ImportAs, tuple[str, ...]] = {
    "route": ("id", "country", "mode", "title", "summary", "sources"),
    "places": ("id", "name", "country", "role", "sources"),
}


class ImportRefused(Exception):
    """The file was not imported; the message says why in words a maintainer can act on."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


@dataclass(frozen=True)
class PrivacyReport:
    """What the import removed, so the maintainer can see that nothing precise is left."""

    format: str
    #: Tracks/routes (``route``) or points (``places``) found, and features written.
    found: int
    features: int
    points_before: int
    points_after: int
    #: Most decimals of any coordinate, before and after (after is at most ``MAX_DECIMALS``).
    decimals_before: int
    decimals_after: int
    #: Names of the fields that held a value and were dropped (everything but the geometry).
    fields_dropped: tuple[str, ...]
    timestamps_removed: int
    elevations_removed: int
    warnings: tuple[str, ...] = ()
    #: Properties left empty for the maintainer to fill in.
    to_fill: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """The report as text, one statement per line (the CLI prints it; the page can show it)."""
        what = "track or route" if self.to_fill == TO_FILL["route"] else "point"
        out = [
            f"Read a {self.format} file: {_count(self.found, what)}, "
            f"{_count(self.features, 'feature')} written.",
            f"Points: {self.points_before:,} before, {self.points_after:,} after.",
            f"Precision: up to {self.decimals_before} decimals before, at most {self.decimals_after} after "
            "(about 1 km: region or city level).",
            f"Timestamps removed: {self.timestamps_removed:,}.",
            f"Elevations removed: {self.elevations_removed:,}.",
            "Fields dropped: " + (", ".join(self.fields_dropped) if self.fields_dropped else "none") + ".",
        ]
        out += [f"Warning: {w}" for w in self.warnings]
        if self.to_fill:
            out.append(
                "Fill in before saving: " + ", ".join(self.to_fill) + " (the validator lists each one)."
            )
        return out


@dataclass(frozen=True)
class ImportResult:
    #: A GeoJSON FeatureCollection, one feature per line (``geo.edit.staging.dump_collection``).
    data: bytes
    report: PrivacyReport
    #: The data file these features belong in (``route.geojson`` or ``places.geojson``).
    target: str

    @property
    def features(self) -> list[dict]:
        return json.loads(self.data)["features"]


def _too_many_points(advice: str = "") -> ImportRefused:
    """The refusal for a file over ``MAX_VERTICES_IN`` points, worded alike wherever it is found."""
    return ImportRefused(f"the file holds more than {MAX_VERTICES_IN:,} points{advice}")


def _count(n: int, noun: str) -> str:
    plural = {"track or route": "tracks or routes"}.get(noun, noun + "s")
    return f"{n:,} {noun if n == 1 else plural}"


# --------------------------------------------------------------------------- what was read


@dataclass
class _Source:
    """Everything read from the file, before generalizing."""

    format: Format
    #: ``route``: one entry per track or route, each a list of parts ((n, 2) arrays).
    lines: list[list[np.ndarray]] = field(default_factory=list)
    #: ``places``: (n, 2) array of points.
    points: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    fields: set[str] = field(default_factory=set)
    timestamps: int = 0
    elevations: int = 0
    notes: list[str] = field(default_factory=list)

    def coordinates(self) -> np.ndarray:
        parts = [p for line in self.lines for p in line]
        if len(self.points):
            parts.append(self.points)
        return np.concatenate(parts) if parts else np.empty((0, 2))


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


def refuse_nonfinite(source: _Source) -> None:
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


def _refuse_size(raw: bytes) -> None:
    if not isinstance(raw, bytes | bytearray):
        raise ImportRefused("nothing to import: expected the file's bytes")
    if len(raw) > MAX_FILE_BYTES:
        raise ImportRefused(
            f"the file is {len(raw) / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES / 2**20:.0f} MiB. "
            "Export only the part of the track you need."
        )
    if not raw.strip().strip(b"\xef\xbb\xbf").strip():
        raise ImportRefused("the file is empty")


def detect_format(raw: bytes, filename: str) -> Format:
    """GPX, KML, GeoJSON or CSV, from the content first (a renamed file is still what it is)."""
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    suffix = PurePath(filename or "").suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        hint = (
            "a KMZ is a zipped KML: unzip it and import the .kml inside"
            if suffix == ".kmz"
            else ("it is a zip archive: unzip it and import the GPX, KML, GeoJSON or CSV file inside")
        )
        raise ImportRefused(f"cannot import {filename!r}: {hint}")
    if b"\x00" in raw[:4096]:
        raise ImportRefused(f"cannot import {filename!r}: it is not a text file (GPX, KML, GeoJSON or CSV)")
    if head.startswith(b"<"):
        root = _xml_root(raw)
        if root == "gpx":
            return "GPX"
        if root == "kml":
            return "KML"
        raise ImportRefused(f"cannot import {filename!r}: it is XML, but not GPX or KML (root <{root}>)")
    if head.startswith((b"{", b"[")):
        return "GeoJSON"
    if suffix in (".csv", ".tsv", ".txt") or _looks_like_csv(head):
        return "CSV"
    raise ImportRefused(
        f"cannot import {filename!r}: not a format this importer reads. Export the track as GPX, KML, "
        "GeoJSON, or CSV with lon and lat columns."
    )


def _column_name(cell: str) -> str:
    """A header cell as compared with ``LON_NAMES`` and ``LAT_NAMES``: lower-case, no spaces or quotes."""
    return re.sub(r"[\s\"']", "", cell).lower()


def _looks_like_csv(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    cells = {_column_name(c) for c in re.split(r"[,;\t|]", first)}
    return bool(cells & set(LON_NAMES)) and bool(cells & set(LAT_NAMES))


# --------------------------------------------------------------------------- XML: a safe first pass


@dataclass
class _XmlScan:
    root: str = ""
    points: int = 0
    timestamps: int = 0
    elevations: int = 0
    network_links: int = 0


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]


class _Stop(Exception):
    pass


def _expat_parser() -> Any:
    """The parser both XML passes use: names as ``namespace local``, parameter entities never parsed."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _xml_root(raw: bytes) -> str:
    parser = _expat_parser()
    found: list[str] = []

    def start(name: str, attrs: dict) -> None:
        found.append(_local(name))
        raise _Stop

    parser.StartElementHandler = start
    try:
        parser.Parse(raw[:65536], False)
    except _Stop:
        return found[0]
    except xml.parsers.expat.ExpatError:
        pass
    return found[0] if found else "?"


class _XmlScanner:
    """The expat handlers ``scan_xml`` installs, and what they have counted so far.

    A class rather than closures over shared counters, so that each handler can be
    read on its own. The handlers raise ``ImportRefused`` themselves, so the parse
    stops at the first problem instead of reading the rest of a hostile file.
    """

    def __init__(self, fmt: Format) -> None:
        self.fmt = fmt
        self.scan = _XmlScan()
        self.depth = 0
        #: The text of the ``<coordinates>`` element being read (KML), or None outside one.
        self.coordinates: list[str] | None = None

    def attach(self, parser: Any) -> None:
        parser.StartDoctypeDeclHandler = self.refuse_doctype
        parser.EntityDeclHandler = self.refuse_doctype
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text

    def refuse_doctype(self, *_: object) -> None:
        """A DOCTYPE is where entities are declared (billion laughs, external files): none gets through."""
        raise ImportRefused(
            f"the {self.fmt} file has a DOCTYPE declaration, which GPX and KML never need and which can "
            "hide entity tricks; export it again from the app or device"
        )

    def start(self, name: str, attrs: dict) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise ImportRefused(f"the {self.fmt} file nests elements more than {MAX_XML_DEPTH} deep")
        local = _local(name)
        if not self.scan.root:
            self.scan.root = local
        self._count(local)

    def _count(self, local: str) -> None:
        """Note what the element is, if it matters.

        Points count towards ``MAX_VERTICES_IN``; timestamps and elevations go in the
        report as removed; network links are reported as not followed.
        """
        if local in ("trkpt", "rtept", "wpt", "coord"):
            self.scan.points += 1
            self._refuse_too_many()
        elif local == "coordinates":
            self.coordinates = []
        elif local in ("time", "when", "begin", "end"):
            self.scan.timestamps += 1
        elif local == "ele":
            self.scan.elevations += 1
        elif local == "NetworkLink":
            self.scan.network_links += 1

    def end(self, name: str) -> None:
        """At the end of a KML ``<coordinates>``, count its points: one per whitespace-separated tuple."""
        self.depth -= 1
        if self.coordinates is not None and _local(name) == "coordinates":
            self.scan.points += len("".join(self.coordinates).split())
            self.coordinates = None
            self._refuse_too_many()

    def text(self, data: str) -> None:
        # expat may hand over one element's text in several pieces: keep them all until its end.
        if self.coordinates is not None:
            self.coordinates.append(data)

    def _refuse_too_many(self) -> None:
        if self.scan.points > MAX_VERTICES_IN:
            raise _too_many_points("; export only the part of the track you need")


def scan_xml(raw: bytes, fmt: Format) -> _XmlScan:
    """Check GPX/KML before GDAL sees it: well-formed, no DOCTYPE or entities, not too deep or too big.

    Also counts what the generalization removes (timestamps, elevations) from the
    file itself, whatever GDAL makes of it.
    """
    scanner = _XmlScanner(fmt)
    parser = _expat_parser()
    scanner.attach(parser)
    try:
        parser.Parse(raw, True)
    except xml.parsers.expat.ExpatError as exc:
        raise ImportRefused(
            f"the {fmt} file is not well-formed XML: {xml.parsers.expat.ErrorString(exc.code)} at line "
            f"{exc.lineno}, column {exc.offset + 1}"
        ) from None
    except RecursionError:
        raise ImportRefused(f"the {fmt} file nests elements too deep") from None
    return scanner.scan


# --------------------------------------------------------------------------- reading each format


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


def _read_gpx(raw: bytes, as_: ImportAs) -> _Source:
    scan = scan_xml(raw, "GPX")
    source = _Source("GPX", timestamps=scan.timestamps, elevations=scan.elevations)
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


def _read_kml(raw: bytes, as_: ImportAs) -> _Source:
    """The first layer (folder) that holds the wanted kind of geometry; the others are reported."""
    scan = scan_xml(raw, "KML")
    source = _Source("KML", timestamps=scan.timestamps)
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
            f"{_count(others, 'other folder')} with some were left out"
        )
    if scan.network_links:
        source.notes.append(f"{_count(scan.network_links, 'network link')} (NetworkLink) not followed")
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
        raise _too_many_points()
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


def _note_properties(source: _Source, feature: dict) -> None:
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


def _geojson_shape(source: _Source, geometry: dict) -> Any:
    """The geometry as shapely reads it, or None with a note: one broken feature does not stop an import."""
    try:
        return shapely.geometry.shape(geometry)
    except Exception:  # noqa: BLE001 - any malformed geometry is reported, never raised
        source.notes.append(f"a {geometry.get('type')!r} geometry could not be read and was left out")
        return None


def _read_geojson(raw: bytes, as_: ImportAs) -> _Source:
    """Read in Python, not by GDAL: GDAL's GeoJSON reader fetches a ``crs`` link from the network."""
    obj = _load_geojson(raw)
    _check_crs(obj)
    source = _Source("GeoJSON")
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
            raise _too_many_points()
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
    normal = [_column_name(h) for h in header]
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


def _note_cells(source: _Source, header: list[str], cells: list[str], coordinates: tuple[int, int]) -> None:
    """Every other column with a value is dropped: name it in the report, and count times and elevations."""
    for index, cell in enumerate(cells):
        if index in coordinates or index >= len(header) or not cell.strip():
            continue
        source.fields.add(header[index] or f"column {index + 1}")
        if TIME_FIELD.search(header[index]):
            source.timestamps += 1
        elif ELEVATION_FIELD.match(header[index]):
            source.elevations += 1


def _csv_rows(reader: Any, source: _Source) -> tuple[list[tuple[float, float]], int]:
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
            raise _too_many_points()
        point = _csv_point(cells, lon_col, lat_col, reader.line_num)
        if point is None:
            blank += 1
            continue
        coords.append(point)
        _note_cells(source, header, cells, (lon_col, lat_col))
    return coords, blank


def _read_csv(raw: bytes, as_: ImportAs) -> _Source:
    """A CSV with a longitude and a latitude column: one track (``route``) or one place per row."""
    text = _csv_text(raw)
    reader = csv.reader(io.StringIO(text, newline=""), _csv_dialect(text))
    source = _Source("CSV")
    try:
        coords, blank = _csv_rows(reader, source)
    except csv.Error as exc:
        raise ImportRefused(f"the CSV file is not valid CSV at line {reader.line_num}: {exc}") from None
    if blank:
        source.notes.append(f"{_count(blank, 'row')} without coordinates left out")
    array = np.array(coords, dtype=float).reshape(-1, 2)
    if as_ == "route":
        source.lines = [[array]] if len(array) else []
    else:
        source.points = array
    return source


_READERS = {"GPX": _read_gpx, "KML": _read_kml, "GeoJSON": _read_geojson, "CSV": _read_csv}


# --------------------------------------------------------------------------- generalizing


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


def _bbox_warning(coords: np.ndarray) -> str | None:
    if not len(coords):
        return None
    outside = _outside(coords)
    if not outside.any():
        return None
    swapped = "" if _outside(coords[:, ::-1]).any() else "; longitude and latitude look swapped"
    return (
        f"outside East and Southeast Asia (longitude {PROJECT_BBOX[0]:g} to {PROJECT_BBOX[2]:g}, latitude "
        f"{PROJECT_BBOX[1]:g} to {PROJECT_BBOX[3]:g}): {_count(int(outside.sum()), 'point')} of "
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


def _generalize_route(source: _Source, existing: bytes | None) -> tuple[list[dict], list[str]]:
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


def _generalize_places(source: _Source, existing: bytes | None) -> tuple[list[dict], list[str]]:
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


def import_file(raw: bytes, filename: str, as_: ImportAs, *, existing: bytes | None = None) -> ImportResult:
    """Read a GPX, KML, GeoJSON or CSV file and generalize it into ``route`` segments or ``places``.

    ``existing``: the current ``route.geojson`` or ``places.geojson``, so that the
    suggested ids are free and ``order`` continues after the last segment.
    Raises ``ImportRefused`` with a sentence for anything it cannot read safely.
    """
    if as_ not in IMPORT_AS:
        raise ImportRefused(f"import as 'route' or 'places', not {as_!r}")
    _refuse_size(raw)
    raw = bytes(raw)
    fmt = detect_format(raw, filename)
    source = _READERS[fmt](raw, as_)
    refuse_nonfinite(source)
    before = source.coordinates()
    if len(before) > MAX_VERTICES_IN:
        raise _too_many_points()
    found = len(source.lines) if as_ == "route" else len(source.points)
    if not found:
        other = "places" if as_ == "route" else "route"
        kind = "track or route (lines)" if as_ == "route" else "waypoint (points)"
        extra = f"; {'; '.join(source.notes)}" if source.notes else ""
        raise ImportRefused(
            f"the {fmt} file has no {kind} to import as {as_}{extra}. Is it meant to be imported as {other}?"
        )
    if as_ == "route":
        features, notes = _generalize_route(source, existing)
    else:
        features, notes = _generalize_places(source, existing)
    if not features:
        raise ImportRefused("nothing is left to import once rounded to about 1 km: " + "; ".join(notes))
    after = np.array([p for f in features for p in _flat(f["geometry"])], dtype=float).reshape(-1, 2)
    warning = _bbox_warning(round_points(before))
    report = PrivacyReport(
        format=fmt,
        found=found,
        features=len(features),
        points_before=len(before),
        points_after=len(after),
        decimals_before=most_decimals(before),
        decimals_after=most_decimals(after),
        fields_dropped=tuple(sorted(source.fields, key=str.casefold)),
        timestamps_removed=source.timestamps,
        elevations_removed=source.elevations,
        warnings=tuple([*source.notes, *notes, *([warning] if warning else [])]),
        to_fill=TO_FILL[as_],
    )
    data = dump_collection({"type": "FeatureCollection", "features": features})
    return ImportResult(data, report, TARGETS[as_])


def _flat(geometry: dict) -> list[list[float]]:
    coords = geometry["coordinates"]
    return [coords] if geometry["type"] == "Point" else coords
