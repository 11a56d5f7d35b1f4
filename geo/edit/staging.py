"""A change staged for review: an upload or a sketch, validated with the rest of the data, diffed, not saved.

The editor page keeps one ``Staged`` per session; nothing here writes a file
(``geo.edit.save`` does, after checking again). An upload is read once: the
same parse feeds validation, the diff and the preview map.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, Literal, get_args

from geo import paths
from geo.data.dataset import Dataset, build_dataset
from geo.data.findings import Finding, Severity, has_errors
from geo.data.parse import MAX_FILE_BYTES
from geo.data.rules import MAX_DECIMALS
from geo.data.schema import COUNTRY_NAMES, Mode, PlaceRole, SegmentKind
from geo.data.validation import ParseCache, parse_file, read_files, validate_files
from geo.edit import history
from geo.edit.diff import Change, diff_parsed

#: Upload suffixes accepted for each kind of data file.
SUFFIXES = {".geojson": (".geojson", ".json"), ".csv": (".csv",)}
#: What the page tells maintainers before they pick a file.
SIZE_LIMIT_TEXT = f"{MAX_FILE_BYTES // 2**20} MiB"
#: The sketch tool only adds segments to this file.
SKETCH_TARGET = paths.ROUTE
#: The choices the sketch form offers, straight from the schema.
SEGMENT_KINDS: tuple[str, ...] = get_args(SegmentKind)
SEGMENT_MODES: tuple[str, ...] = get_args(Mode)
COUNTRIES: tuple[str, ...] = COUNTRY_NAMES
PLACE_ROLES: tuple[str, ...] = get_args(PlaceRole)
#: The geometry each file's features have.
GEOMETRY = {paths.ROUTE: "LineString", paths.PLACES: "Point"}
#: How a change was made: a whole file uploaded to replace one, a line sketched on the map, or features
#: imported from a GPS file (``geo.edit.import_stage``). Only an upload must be the data file's own format.
How = Literal["upload", "sketch", "import"]


def kind_of(name: str) -> str:
    return PurePath(name).suffix.lower()


def guess_target(upload_name: str) -> str | None:
    """The data file an upload most likely replaces: same name, or a copy like ``route (2).geojson``."""
    base = PurePath(upload_name).name.lower()
    if base in paths.DATA_FILES:
        return base
    for name in paths.DATA_FILES:
        stem = name.split(".")[0]
        if base.startswith(stem) and kind_of(base) in SUFFIXES[kind_of(name)]:
            return name
    return None


def format_problem(target: str, upload_name: str) -> Finding | None:
    """A clear refusal when the upload is plainly the wrong kind of file for ``target``."""
    allowed = SUFFIXES[kind_of(target)]
    if kind_of(upload_name) in allowed:
        return None
    wanted = "a GeoJSON file (.geojson or .json)" if ".json" in allowed else "a CSV file (.csv)"
    return Finding(
        Severity.ERROR, target, f"{upload_name!r} cannot replace {target}: {target} must be {wanted}"
    )


@dataclass(frozen=True)
class Staged:
    """One file's proposed new content, and everything a maintainer needs to judge it."""

    name: str
    data: bytes
    #: The file's content hash and last commit when this was staged: the save's conflict check.
    base_version: history.Version
    findings: list[Finding] = field(default_factory=list)
    #: None when the old or new file could not be read well enough to compare.
    changes: list[Change] | None = None
    #: Where it came from, for the page: an upload's file name, or "sketch".
    origin: str = ""
    #: The data set as it would be after saving; None while the change has errors.
    preview: Dataset | None = field(default=None, repr=False, compare=False)
    how: How = "upload"

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    @property
    def touched_ids(self) -> list[str]:
        """Records added or changed: what the preview map highlights."""
        return [c.id for c in self.changes or [] if c.kind != "removed"]


def stage(
    data_dir: Path | str,
    name: str,
    data: bytes,
    *,
    origin: str = "",
    how: How | None = None,
    base_version: history.Version | None = None,
    cache: ParseCache | None = None,
) -> Staged:
    """Validate ``data`` as the new ``name`` together with the other files on disk, diff it, preview it.

    ``base_version`` is the version the change was made against (a sketch added
    to an earlier upload keeps that upload's); by default, the file on disk now.
    ``how`` defaults to "sketch" for the origin "sketch" and "upload" otherwise.
    Only an upload is refused for its file name: an import's origin is the GPS
    file it was read from (a .gpx is fine there), and ``data`` is GeoJSON already.
    """
    cache = cache or ParseCache()
    how = how or ("sketch" if origin == "sketch" else "upload")
    files = read_files(Path(data_dir))
    on_disk = files.get(name)
    base_version = base_version or history.version(data_dir, name)
    problem = format_problem(name, origin) if origin and how == "upload" else None
    if problem is not None:
        return Staged(name, data, base_version, [problem], None, origin, how=how)
    before = parse_file(name, on_disk, cache=cache) if on_disk is not None else None
    files[name] = data
    validation = validate_files(files, cache=cache)
    findings = [f for f in validation.findings if f.is_error or f.file == name]
    return Staged(
        name=name,
        data=data,
        base_version=base_version,
        findings=findings,
        changes=diff_parsed(before, validation.files[name]),
        origin=origin,
        preview=build_dataset(validation) if validation.ok else None,
        how=how,
    )


def round_coords(coords: list[Any]) -> list[list[float]]:
    """Round to the privacy limit and drop points that became duplicates of their neighbour."""
    out: list[list[float]] = []
    for point in coords:
        p = [round(float(point[0]), MAX_DECIMALS), round(float(point[1]), MAX_DECIMALS)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def new_feature(geometry: dict, properties: dict, geometry_type: str = "LineString") -> dict:
    """A feature from a drawn or imported geometry, rounded to 2 decimals (region or city level)."""
    if not isinstance(geometry, dict) or geometry.get("type") != geometry_type:
        wanted = "a line (the polyline tool)" if geometry_type == "LineString" else "a point"
        raise ValueError(f"expected {wanted}, not another shape")
    raw = geometry.get("coordinates") or []
    coords = round_coords([raw] if geometry_type == "Point" else raw)
    if geometry_type == "LineString" and len(coords) < 2:
        raise ValueError("the line needs at least two points that differ at 2 decimals (about 1 km)")
    if not coords:
        raise ValueError("the point has no coordinates")
    shape = {"type": geometry_type, "coordinates": coords[0] if geometry_type == "Point" else coords}
    return {"type": "Feature", "geometry": shape, "properties": properties}


def sketched_segment(geometry: dict, properties: dict) -> dict:
    """A route feature from a line drawn on the map."""
    return new_feature(geometry, properties, "LineString")


def drawn_lines(drawings: object) -> list[dict]:
    """The LineStrings among what the map's draw tool returned (anything else is ignored)."""
    if not isinstance(drawings, list):
        return []
    geometries = [d.get("geometry") for d in drawings if isinstance(d, dict)]
    return [g for g in geometries if isinstance(g, dict) and g.get("type") == "LineString"]


def feature_properties(target: str, form: dict[str, Any]) -> dict[str, Any]:
    """A new feature's properties from the editor's form: order as a whole number, always illustrative."""
    props = {**form, "illustrative": True}
    if target == paths.ROUTE:
        props["order"] = int(form["order"])
    return props


def dump_collection(obj: dict) -> bytes:
    """GeoJSON in this project's layout: one feature per line, so git diffs stay readable."""
    features = obj.get("features", [])
    head = {k: v for k, v in obj.items() if k != "features"}
    lines = [json.dumps(f, ensure_ascii=False) for f in features]
    body = ",\n".join("    " + line for line in lines)
    members = "".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n" for k, v in head.items())
    return ("{\n" + members + '  "features": [\n' + body + "\n  ]\n}\n").encode("utf-8")


def _feature_id(feature: object) -> object:
    props = feature.get("properties") if isinstance(feature, dict) else None
    return props.get("id") if isinstance(props, dict) else None


def with_record(collection: bytes, feature: dict, name: str = paths.ROUTE) -> bytes:
    """``collection`` with ``feature`` added, or replacing the feature with the same id (a correction)."""
    try:
        obj = json.loads(collection)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"{name} is not valid JSON; fix it first") from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("features"), list):
        raise ValueError(f"{name} is not a FeatureCollection; fix it first")
    features = obj["features"]
    ids = [_feature_id(f) for f in features]
    new_id = _feature_id(feature)
    if new_id in ids:
        features[ids.index(new_id)] = feature
    else:
        features.append(feature)
    return dump_collection(obj)


def with_segment(route: bytes, feature: dict) -> bytes:
    """``route`` with a segment added or corrected."""
    return with_record(route, feature, paths.ROUTE)


def with_feature(current: bytes, target: str, geometry: dict, properties: dict) -> bytes:
    """``current`` (the route or places file) with a feature made from ``geometry`` and ``properties``."""
    return with_record(current, new_feature(geometry, properties, GEOMETRY[target]), target)
