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

The work is split by concern; this module is the entry (``import_file`` and
what callers import) and the report:

* ``geo.edit.import_types``: the kinds of import, ``ImportRefused``, ``Source``
  (what was read) and ``MAX_VERTICES_IN``;
* ``geo.edit.import_sniff``: the size check, ``detect_format``, and the safe
  expat pass over XML (``scan_xml``: DOCTYPE, depth and point-count guards);
* ``geo.edit.import_readers``: one reader per format, and ``refuse_nonfinite``;
* ``geo.edit.import_generalize``: rounding, simplifying, the bounding-box
  warning, and the features with their suggested ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from geo import paths
from geo.edit.import_generalize import (
    MAX_VERTICES_OUT,
    bbox_warning,
    generalize_places,
    generalize_route,
    most_decimals,
    round_points,
)
from geo.edit.import_readers import READERS, refuse_nonfinite
from geo.edit.import_sniff import detect_format, refuse_size
from geo.edit.import_types import (
    IMPORT_AS,
    MAX_VERTICES_IN,
    Format,
    ImportAs,
    ImportRefused,
    counted,
    too_many_points,
)
from geo.edit.staging import dump_collection

__all__ = [
    "IMPORT_AS",
    "MAX_VERTICES_IN",
    "MAX_VERTICES_OUT",
    "TARGETS",
    "TO_FILL",
    "Format",
    "ImportAs",
    "ImportRefused",
    "ImportResult",
    "PrivacyReport",
    "detect_format",
    "import_file",
    "most_decimals",
]

#: Where each kind of import goes.
TARGETS: dict[ImportAs, str] = {"route": paths.ROUTE, "places": paths.PLACES}
#: The properties an imported feature needs before it can be saved; the ones a person must fill in.
TO_FILL: dict[ImportAs, tuple[str, ...]] = {
    "route": ("id", "country", "mode", "title", "summary", "sources"),
    "places": ("id", "name", "country", "role", "sources"),
}


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
            f"Read a {self.format} file: {counted(self.found, what)}, "
            f"{counted(self.features, 'feature')} written.",
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


def import_file(raw: bytes, filename: str, as_: ImportAs, *, existing: bytes | None = None) -> ImportResult:
    """Read a GPX, KML, GeoJSON or CSV file and generalize it into ``route`` segments or ``places``.

    ``existing``: the current ``route.geojson`` or ``places.geojson``, so that the
    suggested ids are free and ``order`` continues after the last segment.
    Raises ``ImportRefused`` with a sentence for anything it cannot read safely.
    """
    if as_ not in IMPORT_AS:
        raise ImportRefused(f"import as 'route' or 'places', not {as_!r}")
    refuse_size(raw)
    raw = bytes(raw)
    fmt = detect_format(raw, filename)
    source = READERS[fmt](raw, as_)
    refuse_nonfinite(source)
    before = source.coordinates()
    if len(before) > MAX_VERTICES_IN:
        raise too_many_points()
    found = len(source.lines) if as_ == "route" else len(source.points)
    if not found:
        other = "places" if as_ == "route" else "route"
        kind = "track or route (lines)" if as_ == "route" else "waypoint (points)"
        extra = f"; {'; '.join(source.notes)}" if source.notes else ""
        raise ImportRefused(
            f"the {fmt} file has no {kind} to import as {as_}{extra}. Is it meant to be imported as {other}?"
        )
    if as_ == "route":
        features, notes = generalize_route(source, existing)
    else:
        features, notes = generalize_places(source, existing)
    if not features:
        raise ImportRefused("nothing is left to import once rounded to about 1 km: " + "; ".join(notes))
    after = np.array([p for f in features for p in _flat(f["geometry"])], dtype=float).reshape(-1, 2)
    warning = bbox_warning(round_points(before))
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
