"""Before any reader runs: refusing a file by its size, telling its format, and a safe pass over XML.

``scan_xml`` reads a GPX or KML file with expat before GDAL sees it, so that a
DOCTYPE (entities: billion laughs, external files), deep nesting or millions of
points are refused with a sentence instead of reaching a parser that might hang
or recurse. It also counts, from the file itself, the timestamps and elevations
the generalization removes. Part of ``geo.edit.imports``.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from geo.data.parse import MAX_FILE_BYTES
from geo.edit.import_types import MAX_VERTICES_IN, Format, ImportRefused, too_many_points

#: Deeper XML is refused: no GPX or KML needs it, and some parsers recurse.
MAX_XML_DEPTH = 64
#: Column spellings a CSV may use for longitude and latitude (compared as ``column_name`` writes them).
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "lon_dd", "longitude_dd")
LAT_NAMES = ("lat", "latitude", "y", "lat_dd", "latitude_dd")


def refuse_size(raw: bytes) -> None:
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


def column_name(cell: str) -> str:
    """A header cell as compared with ``LON_NAMES`` and ``LAT_NAMES``: lower-case, no spaces or quotes."""
    return re.sub(r"[\s\"']", "", cell).lower()


def _looks_like_csv(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    cells = {column_name(c) for c in re.split(r"[,;\t|]", first)}
    return bool(cells & set(LON_NAMES)) and bool(cells & set(LAT_NAMES))


# --------------------------------------------------------------------------- XML: a safe first pass


@dataclass
class XmlScan:
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
        self.scan = XmlScan()
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
            raise too_many_points("; export only the part of the track you need")


def scan_xml(raw: bytes, fmt: Format) -> XmlScan:
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
