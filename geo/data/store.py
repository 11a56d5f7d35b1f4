"""The app's view of one data directory: the newest data that passed, and what is wrong on disk now.

``DataStore`` re-validates when a file's *content* changes (a hash, so a hand
edit that keeps the size and restores the modification time is still seen),
re-parses only the files that changed, and keeps serving the last data that
passed, so a broken edit never reaches viewers; the findings are kept for
maintainers to read in the editor and on the command line.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

from geo import paths
from geo.data.dataset import Dataset, build_dataset
from geo.data.findings import Finding, has_errors
from geo.data.validation import ParseCache, digest, read_files, validate_files


@dataclass(frozen=True)
class Snapshot:
    #: The data to draw: the newest that passed validation, or None if none ever did.
    dataset: Dataset | None
    #: Findings for the files as they are on disk now.
    findings: list[Finding] = field(default_factory=list)
    #: Content hash of the files ``dataset`` was built from: the key of everything derived from it.
    version: str = ""

    @property
    def stale(self) -> bool:
        """True when the files on disk are broken and an older good copy is being shown."""
        return self.dataset is not None and has_errors(self.findings)


def files_version(files: dict[str, bytes]) -> str:
    """One hash for a set of files: changes when any file's content, or the set of files, changes."""
    combined = hashlib.sha256()
    for name in sorted(files):
        combined.update(f"{name}\0{digest(files[name])}\0".encode())
    return combined.hexdigest()[:16]


class DataStore:
    """Validated, cached access to one data directory, safe to share between sessions."""

    def __init__(self, data_dir: Path | str = paths.DATA_DIR) -> None:
        self.data_dir = Path(data_dir)
        self._lock = threading.Lock()
        #: Shared with the editor's staging, so an upload re-parses only the file it replaces.
        self.parse_cache = ParseCache()
        self._disk_version: str | None = None
        self._snapshot = Snapshot(None, [])

    def snapshot(self) -> Snapshot:
        """Re-validate and rebuild only when some file's content changed since the last call."""
        with self._lock:
            # Validate and build from the same bytes, so a write in between cannot slip past validation.
            files = read_files(self.data_dir)
            version = files_version(files)
            if version != self._disk_version:
                self._snapshot = self._refresh(files, version)
                self._disk_version = version
            return self._snapshot

    def _refresh(self, files: dict[str, bytes], version: str) -> Snapshot:
        validation = validate_files(files, cache=self.parse_cache)
        last = self._snapshot
        if not validation.ok:
            return Snapshot(last.dataset, validation.findings, last.version)
        return Snapshot(build_dataset(validation), validation.findings, version)
