"""Validating the data files together: each file parsed and checked once, then the rules across files.

``validate_files`` is the one entry point the command line, the app's store, the
editor's staging and its saves all use. It returns the parsed records with the
findings (a ``Validation``), so that building the ``Dataset`` never parses a
file a second time (``geo.data.dataset.build_dataset``). A ``ParseCache`` keeps
each file's parse by content hash, so a change to one file re-parses that file
only.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from geo import paths
from geo.data.findings import Finding, Severity, has_errors
from geo.data.parse import Limits, ParsedFile, over_limit
from geo.data.rules import check_continuity, check_country, check_file, check_order, check_references


@dataclass(frozen=True)
class Validation:
    """Every file as parsed and checked, and every finding, in the order a maintainer reads them."""

    files: dict[str, ParsedFile]
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


def digest(raw: bytes) -> str:
    """A file's version: the hash of its content (not its modification time, which can be restored)."""
    return hashlib.sha256(raw).hexdigest()


class ParseCache:
    """The last few parses per file, keyed by name and content hash. Thread-safe; results are shared,
    so nothing may change a ``ParsedFile`` after ``check_file`` made it."""

    def __init__(self, max_entries: int = 32) -> None:
        self._entries: OrderedDict[tuple[str, str], ParsedFile] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, name: str, raw: bytes, limits: Limits) -> ParsedFile:
        """``check_file(name, raw)``, reused while the content is the same."""
        key = (name, digest(raw))
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        parsed = check_file(name, raw, limits.max_rows)
        with self._lock:
            self._entries[key] = parsed
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return parsed


def parse_file(
    name: str, raw: bytes, *, limits: Limits | None = None, cache: ParseCache | None = None
) -> ParsedFile:
    """Data file ``name`` parsed and checked on its own, refused unparsed when over a limit."""
    limits = limits or Limits()
    problem = over_limit(name, raw, limits)
    if problem is not None:
        return ParsedFile(name, findings=[problem], readable=False)
    return cache.get(name, raw, limits) if cache is not None else check_file(name, raw, limits.max_rows)


def cross_file_findings(files: Mapping[str, ParsedFile]) -> list[Finding]:
    """The rules that need more than one file (or the order of a whole file)."""
    route = files[paths.ROUTE].features if paths.ROUTE in files else []
    tour = files[paths.TOUR].rows if paths.TOUR in files else []
    outlines = files[paths.COUNTRIES].outlines if paths.COUNTRIES in files else []
    return [
        *check_order(paths.ROUTE, [f.order for f in route if f.order is not None]),
        *check_order(paths.TOUR, [r.model.order for r in tour if r.model is not None]),
        *check_continuity(paths.ROUTE, route),
        *check_country(paths.ROUTE, route, outlines),
        *check_references(files),
    ]


def validate_files(
    files: Mapping[str, bytes],
    *,
    expected: Iterable[str] = paths.DATA_FILES,
    limits: Limits | None = None,
    cache: ParseCache | None = None,
) -> Validation:
    """Validate data files given as bytes (from disk or an upload). Never raises on bad input."""
    limits = limits or Limits()
    findings = [Finding(Severity.ERROR, name, "file is missing") for name in expected if name not in files]
    parsed: dict[str, ParsedFile] = {}
    for name in (n for n in paths.DATA_FILES if n in files):
        parsed[name] = parse_file(name, files[name], limits=limits, cache=cache)
        findings += parsed[name].findings
    return Validation(parsed, findings + cross_file_findings(parsed))


def validate_texts(files: Mapping[str, bytes]) -> list[Finding]:
    """Just the findings for data files given as bytes: the validator callable ``geo.edit.history`` takes."""
    return validate_files(files).findings


def read_files(data_dir: Path) -> dict[str, bytes]:
    """The raw bytes of every data file present in ``data_dir``, each read once."""
    out = {}
    for name in paths.DATA_FILES:
        try:
            out[name] = (data_dir / name).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            continue
    return out


def validate(
    data_dir: Path | str = paths.DATA_DIR, *, replace: Mapping[str, bytes] | None = None
) -> list[Finding]:
    """The findings for the files in ``data_dir``, optionally with some replaced (an upload preview)."""
    files = read_files(Path(data_dir))
    files.update(replace or {})
    return validate_files(files).findings
