"""The editor's Import tab without Streamlit: a GPS file's bytes in; a staged change, its privacy report and
findings out.

The editor must import exactly what ``python -m geo import`` would: the same
sniffing, XML guard, readers, rounding to 2 decimals and privacy report, so
the page calls ``geo.edit.imports.import_file`` and nothing else reads the
file. What this module adds is what a page needs and a terminal does not:

* a refusal becomes a ``Finding`` naming the file (and the CSV line, when the
  refusal gives one), shown like every other finding instead of a traceback;
* the generalized features are checked once more for non-finite coordinates,
  so that no NaN or infinity can reach the preview map or the data;
* the maintainer's fields (the same form as the Sketch tab's) are put on the
  picked feature, and the result is staged through ``geo.edit.staging.stage``
  with the rest of the data on disk, so the review shows every finding that
  ``geo.edit.gate.save`` would refuse, before Save is even offered.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from geo import paths
from geo.data.findings import Finding, Severity, has_errors
from geo.data.validation import ParseCache
from geo.edit import history
from geo.edit.imports import TARGETS, ImportAs, ImportRefused, PrivacyReport, import_file
from geo.edit.staging import Staged, feature_properties, stage, with_feature

#: A CSV refusal that names its line: the line goes in the finding's own place, not twice in the message.
_CSV_LINE = re.compile(r"^line (\d+) of the CSV file: ")


@dataclass(frozen=True)
class ImportRead:
    """A GPS file read and generalized, not yet joined to the data: what the preview and the report show."""

    filename: str
    as_: ImportAs
    #: The data file the features would join (``route.geojson`` or ``places.geojson``).
    target: str
    #: Generalized GeoJSON features (at most 2 decimals), with the schema's properties left empty.
    features: tuple[dict, ...] = ()
    report: PrivacyReport | None = None
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.features) and self.report is not None and not has_errors(self.findings)

    def suggested(self, pick: int = 0) -> dict[str, Any]:
        """The properties the importer suggests for feature ``pick`` (a free id, the next order)."""
        if not 0 <= pick < len(self.features):
            return {}
        return dict(self.features[pick].get("properties") or {})


def refusal_finding(filename: str, message: str) -> Finding:
    """An ``ImportRefused`` as a finding on the uploaded file, the CSV line in its place when there is one."""
    name = PurePath(filename or "").name or "the uploaded file"
    found = _CSV_LINE.match(message)
    if found:
        return Finding(Severity.ERROR, name, message[found.end() :], line=int(found.group(1)))
    return Finding(Severity.ERROR, name, message)


def _positions(geometry: dict) -> list:
    coords = geometry.get("coordinates") or []
    return [coords] if geometry.get("type") == "Point" else list(coords)


def non_finite(filename: str, features: tuple[dict, ...]) -> list[Finding]:
    """A finding for each feature with a coordinate that is NaN or infinite: never drawn, never saved."""
    found = []
    for index, feat in enumerate(features):
        geometry = feat.get("geometry") or {}
        values = [v for point in _positions(geometry) for v in point]
        if all(isinstance(v, int | float) and math.isfinite(v) for v in values):
            continue
        props = feat.get("properties") or {}
        found.append(
            Finding(
                Severity.ERROR,
                PurePath(filename).name,
                "a coordinate is not a finite number (NaN or infinity); export the track again",
                field="geometry",
                feature_id=str(props.get("id") or "") or None,
                index=index,
            )
        )
    return found


def read_import(raw: bytes, filename: str, as_: ImportAs, *, existing: bytes | None = None) -> ImportRead:
    """Read and generalize ``raw`` exactly as ``python -m geo import`` does; any refusal becomes a finding.

    ``existing``: the target data file now, so the suggested id is free and the order comes next.
    """
    target = TARGETS.get(as_, paths.ROUTE)
    try:
        result = import_file(raw, filename, as_, existing=existing)
    except ImportRefused as exc:
        findings = exc.findings or [refusal_finding(filename, str(exc))]
        return ImportRead(filename, as_, target, findings=tuple(findings))
    except Exception as exc:  # noqa: BLE001 - whatever a reader raises, the maintainer gets a sentence
        reason = f"the file could not be read ({type(exc).__name__})"
        return ImportRead(filename, as_, target, findings=(refusal_finding(filename, reason),))
    features = tuple(result.features)
    return ImportRead(
        filename, as_, result.target, features, result.report, tuple(non_finite(filename, features))
    )


def _refused(data_dir: Path, read: ImportRead, findings: list[Finding]) -> Staged:
    """A staged change that cannot be saved: the target as it is, with the findings that say why."""
    current = data_dir / read.target
    data = current.read_bytes() if current.is_file() else b""
    version = history.version(data_dir, read.target)
    return Staged(read.target, data, version, findings, None, read.filename, how="import")


def stage_import(
    data_dir: Path | str,
    read: ImportRead,
    form: dict[str, Any],
    *,
    pick: int = 0,
    on_top: Staged | None = None,
    cache: ParseCache | None = None,
) -> Staged:
    """Feature ``pick`` of ``read`` with the maintainer's ``form`` (id, country, mode…), staged for review.

    ``on_top``: a change already staged to the same file (an earlier import or
    sketch); the feature joins it and keeps its base version, so one Save makes
    one commit of both. A feature whose id exists replaces that record.
    """
    data_dir = Path(data_dir)
    if not read.ok:
        return _refused(
            data_dir, read, list(read.findings) or [refusal_finding(read.filename, "nothing to add")]
        )
    if not 0 <= pick < len(read.features):
        return _refused(data_dir, read, [refusal_finding(read.filename, f"there is no feature {pick + 1}")])
    building_on = on_top if on_top is not None and on_top.name == read.target else None
    current = data_dir / read.target
    base = building_on.data if building_on else (current.read_bytes() if current.is_file() else b"")
    try:
        changed = with_feature(
            base, read.target, read.features[pick]["geometry"], feature_properties(read.target, form)
        )
    except ValueError as exc:
        return _refused(data_dir, read, [Finding(Severity.ERROR, read.target, str(exc))])
    return stage(
        data_dir,
        read.target,
        changed,
        origin=read.filename,
        how="import",
        base_version=building_on.base_version if building_on else None,
        cache=cache,
    )


@dataclass(frozen=True)
class ImportChange:
    """An import from file to staged change: what was read (preview, report) and what would be saved."""

    read: ImportRead
    staged: Staged


def import_change(
    data_dir: Path | str, raw: bytes, filename: str, as_: ImportAs, form: dict[str, Any], *, pick: int = 0
) -> ImportChange:
    """The whole import in one call: read, generalize, fill in, stage against the data in ``data_dir``."""
    data_dir = Path(data_dir)
    target = data_dir / TARGETS.get(as_, paths.ROUTE)
    read = read_import(raw, filename, as_, existing=target.read_bytes() if target.is_file() else None)
    return ImportChange(read, stage_import(data_dir, read, form, pick=pick))


def report_rows(report: PrivacyReport) -> list[tuple[str, dict[str, object]]]:
    """The privacy report as (i18n key, values) rows, so the page can say it in the reader's language.

    The numbers are the CLI's (``PrivacyReport.lines``); "points dropped" is
    what rounding to about 1 km and simplifying took away.
    """
    fields = ", ".join(report.fields_dropped)
    return [
        ("editor.import_read", {"format": report.format, "found": report.found, "features": report.features}),
        (
            "editor.import_points",
            {
                "before": f"{report.points_before:,}",
                "after": f"{report.points_after:,}",
                "dropped": f"{report.points_before - report.points_after:,}",
            },
        ),
        ("editor.import_precision", {"before": report.decimals_before, "after": report.decimals_after}),
        ("editor.import_timestamps", {"n": f"{report.timestamps_removed:,}"}),
        ("editor.import_elevations", {"n": f"{report.elevations_removed:,}"}),
        ("editor.import_fields", {"fields": fields}) if fields else ("editor.import_fields_none", {}),
    ]
