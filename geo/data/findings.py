"""Validation findings: one record per problem, phrased for the maintainer who must fix it.

A finding names the file, the feature (id and index) or CSV line, and the field,
so that the message alone is enough to find the mistake in an editor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    file: str
    message: str
    field: str | None = None
    feature_id: str | None = None
    #: 0-based position of the feature in the GeoJSON ``features`` array.
    index: int | None = None
    #: 1-based line in a CSV file (the header is line 1).
    line: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def where(self) -> str:
        """Where in the file, as a person would say it: ``feature 'x' (#5)`` or ``line 4``."""
        if self.index is not None:
            if self.feature_id:
                return f"feature {self.feature_id!r} (#{self.index})"
            return f"feature #{self.index}"
        if self.line is not None:
            if self.feature_id:
                return f"line {self.line} (id {self.feature_id!r})"
            return f"line {self.line}"
        return ""


def format_finding(finding: Finding, path: str | None = None) -> str:
    """One readable line, e.g. ``data/route.geojson: feature 'laos-jungle' (#5): country: …``.

    ``path`` is how to show the file (as the maintainer named it); default ``data/<file>``.
    """
    parts = [path or f"data/{finding.file}"]
    where = finding.where()
    if where:
        parts.append(where)
    if finding.field:
        parts.append(finding.field)
    label = "" if finding.is_error else "warning: "
    return ": ".join(parts) + f": {label}{finding.message}"


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)
