"""What every part of an import shares: the kinds of import, the refusal, and what was read.

The lowest of the import modules (``geo.edit.imports`` is the entry; see its
docstring for the map): it imports none of the others, so the sniffing, the
readers and the generalizing can all use these without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np

from geo.data.findings import Finding

ImportAs = Literal["route", "places"]
IMPORT_AS: tuple[ImportAs, ...] = get_args(ImportAs)
Format = Literal["GPX", "KML", "GeoJSON", "CSV"]

#: Points read before generalizing; more is refused unread (a 20 MiB KML can hold 5 million).
MAX_VERTICES_IN = 1_000_000


class ImportRefused(Exception):
    """The file was not imported; the message says why in words a maintainer can act on."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


def too_many_points(advice: str = "") -> ImportRefused:
    """The refusal for a file over ``MAX_VERTICES_IN`` points, worded alike wherever it is found."""
    return ImportRefused(f"the file holds more than {MAX_VERTICES_IN:,} points{advice}")


def counted(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1: "1 point", "2,000 points", "3 tracks or routes"."""
    plural = {"track or route": "tracks or routes"}.get(noun, noun + "s")
    return f"{n:,} {noun if n == 1 else plural}"


@dataclass
class Source:
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
