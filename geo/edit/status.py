"""The state of each data file for the editor's table: present, passing, how many findings, when changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from geo import paths
from geo.data.findings import Finding

FileState = Literal["missing", "errors", "ok"]


@dataclass(frozen=True)
class FileStatus:
    name: str
    state: FileState
    errors: int
    warnings: int
    #: Size in KiB, None when the file is missing.
    size_kib: float | None
    #: ``YYYY-MM-DD HH:MM`` of the last change on disk, "" when missing.
    modified: str


def file_statuses(data_dir: Path, findings: Sequence[Finding]) -> list[FileStatus]:
    """One row per data file, in the order a maintainer would check them."""
    out = []
    for name in paths.DATA_FILES:
        path = data_dir / name
        found = [f for f in findings if f.file == name]
        errors = sum(f.is_error for f in found)
        try:
            stat = path.stat()
        except FileNotFoundError:
            out.append(FileStatus(name, "missing", errors, len(found) - errors, None, ""))
            continue
        out.append(
            FileStatus(
                name,
                "errors" if errors else "ok",
                errors,
                len(found) - errors,
                round(stat.st_size / 1024, 1),
                datetime.fromtimestamp(stat.st_mtime).strftime("%Y-%m-%d %H:%M"),
            )
        )
    return out


def mime_type(name: str) -> str:
    return "text/csv" if name.endswith(".csv") else "application/geo+json"
