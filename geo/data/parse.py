"""Reading a data file's bytes into records the rules can check, with bounded work on hostile input.

Why on the raw parsed JSON and CSV text rather than through GDAL or pandas:
shapely and GDAL quietly repair or drop some defects (unclosed rings, swapped
types) before they could be reported, and JSON numbers are kept exact
(``Decimal``) so that decimals can be counted. Every file is parsed here once;
the validation rules and the ``Dataset`` both work from what this returns.

Limits come before parsing: a file over the size limit is refused unread, and
one with more coordinate positions than the limit (counted as ``[`` bytes, an
upper bound) is refused before a single number is built, so a million-point
route costs milliseconds, not gigabytes.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from geo import paths
from geo.data.findings import Finding, Severity

E = Severity.ERROR

#: Largest data file read; larger files and uploads are refused unread.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Most coordinate positions a GeoJSON file may hold. The route has a few dozen; a
#: route of thousands of points would be a GPS track, which must be generalized first
#: (``python -m geo import``). The country outlines are public borders, so more.
MAX_POSITIONS: dict[str, int] = {paths.ROUTE: 20_000, paths.PLACES: 20_000, paths.COUNTRIES: 250_000}
#: Most rows a CSV file may hold (the largest has a few dozen).
MAX_ROWS = 20_000


@dataclass
class Feature:
    """One GeoJSON feature after the structural checks, with what later rules need."""

    index: int
    id: str | None
    properties: dict[str, Any]
    #: (lon, lat) floats, or None when the geometry is unusable.
    coords: list[tuple[float, float]] | None
    #: The properties as the schema model, or None when they do not validate.
    model: BaseModel | None = None
    #: Every (lon, lat) that reads as two numbers, valid or not: what a diff compares.
    points: list[tuple[float, float]] | None = None

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
    #: How many cells the line had, when it was not the header's count.
    bad_width: int | None = None
    model: BaseModel | None = None

    @property
    def id(self) -> str | None:
        value = self.cells.get("id")
        return value.strip() if isinstance(value, str) and value.strip() else None

    @property
    def key(self) -> str | None:
        """What names the row to a person: its id, or its year in a per-year table (``arrivals.csv``)."""
        year = self.cells.get("year")
        return self.id or (year.strip() if isinstance(year, str) and year.strip() else None)


@dataclass
class Outline:
    """A country outline from ``countries.geojson``: public Natural Earth borders, not the route."""

    index: int
    name: str
    properties: dict[str, Any]
    shape: Any


@dataclass
class ParsedFile:
    """What one file holds, as checked on its own. Exactly one of the record lists is used."""

    name: str
    findings: list[Finding] = field(default_factory=list)
    features: list[Feature] = field(default_factory=list)
    rows: list[CsvRow] = field(default_factory=list)
    outlines: list[Outline] = field(default_factory=list)
    #: False when the file could not be read at all (not JSON, not CSV, over a limit).
    readable: bool = True


def loose_points(geometry: Any) -> list[tuple[float, float]] | None:
    """The vertices of a Point or LineString as floats, whatever the rules say of them; None if unreadable."""
    if not isinstance(geometry, dict):
        return None
    coords = geometry.get("coordinates")
    if geometry.get("type") == "Point":
        coords = [coords]
    try:
        return [(float(c[0]), float(c[1])) for c in coords]
    except (TypeError, ValueError, IndexError, KeyError):
        return None


def decode(file: str, raw: bytes) -> tuple[str | None, list[Finding]]:
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        return None, [Finding(E, file, f"not UTF-8 text (byte {exc.start}): save the file as UTF-8")]


@dataclass(frozen=True)
class Limits:
    """How much one file may ask of the validator. ``Limits.NONE`` lifts them (the scaling benchmark)."""

    max_bytes: int | None = MAX_FILE_BYTES
    max_positions: dict[str, int] = field(default_factory=lambda: dict(MAX_POSITIONS))
    max_rows: int | None = MAX_ROWS


def over_limit(file: str, raw: bytes, limits: Limits) -> Finding | None:
    """A finding when ``raw`` is too big to check, decided before parsing anything."""
    if limits.max_bytes is not None and len(raw) > limits.max_bytes:
        return Finding(
            E, file, f"file is {len(raw) / 2**20:.1f} MiB; the limit is {limits.max_bytes / 2**20:.0f} MiB"
        )
    limit = limits.max_positions.get(file)
    if limit is not None:
        brackets = raw.count(b"[")
        if brackets > limit:
            return Finding(
                E,
                file,
                f"too many coordinates: up to {brackets:,} positions; the limit is {limit:,}. "
                "Generalize a GPS track first: python -m geo import FILE --as route",
            )
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(file: str, raw: bytes) -> tuple[Any, list[Finding]]:
    """Parse JSON keeping numbers exact (``Decimal``) so decimals can be counted. Never raises."""
    text, findings = decode(file, raw)
    if text is None:
        return None, findings
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant), []
    except json.JSONDecodeError as exc:
        return None, [Finding(E, file, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
    except RecursionError:
        return None, [Finding(E, file, "not valid JSON for this project: nested too deeply")]
    except ValueError as exc:
        return None, [Finding(E, file, f"not valid JSON: {exc}")]


def parse_csv(
    file: str, raw: bytes, max_rows: int | None = MAX_ROWS
) -> tuple[list[str], list[CsvRow], list[Finding]]:
    """The header and the non-blank rows. A row with the wrong number of cells is kept, marked."""
    text, findings = decode(file, raw)
    if text is None:
        return [], [], findings
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        rows: list[CsvRow] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if max_rows is not None and len(rows) >= max_rows:
                return [], [], [Finding(E, file, f"more than {max_rows:,} rows; the limit is {max_rows:,}")]
            if len(cells) != len(header):
                rows.append(CsvRow(reader.line_num, {}, bad_width=len(cells)))
                continue
            rows.append(CsvRow(reader.line_num, dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        return [], [], [Finding(E, file, f"not valid CSV at line {reader.line_num}: {exc}")]
    return header, rows, []
