"""Writing data files so that nothing is ever half-written, overwritten blind, or lost.

Three guarantees, each for a failure maintainers have met in shared folders:

* **atomic**: the new content goes to a temporary file in the same directory
  and replaces the old one with ``os.replace``; a crash or a full disk in
  between leaves the old file as it was;
* **no lost update**: a save names the version (content hash) the maintainer
  started from, and is refused if the file on disk is no longer that version;
* **undo**: the version being replaced is copied to a timestamped backup first.

A save also re-validates the whole data set with the new file in place, so an
error can never reach viewers through this path, whatever the page showed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from geo import paths
from geo.data.findings import Finding, has_errors
from geo.data.validation import validate
from geo.files import atomic_write, disk_problem, remove_stale_temporaries

#: Backups go next to the data, in a folder the app never reads as data.
BACKUP_DIR_NAME = ".backups"
_LOCK = threading.Lock()


class SaveRefused(Exception):
    """The save did not happen; the message says why in words a maintainer can act on."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


class ConflictError(SaveRefused):
    pass


def content_hash(data: bytes | None) -> str:
    """The version of a file as it was read: ``sha256:…``, or ``missing`` when there was none."""
    return "missing" if data is None else "sha256:" + hashlib.sha256(data).hexdigest()


def current_version(path: Path) -> str:
    try:
        return content_hash(path.read_bytes())
    except FileNotFoundError:
        return content_hash(None)


@contextlib.contextmanager
def _exclusive(data_dir: Path) -> Iterator[None]:
    """One save at a time per data directory, across threads and across server processes."""
    backups = data_dir / BACKUP_DIR_NAME
    backups.mkdir(parents=True, exist_ok=True)
    with _LOCK, (backups / ".lock").open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def backup_path(data_dir: Path, name: str, now: datetime) -> Path:
    stem, dot, ext = name.partition(".")
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    return data_dir / BACKUP_DIR_NAME / f"{stem}.{stamp}{dot}{ext}"


@dataclass(frozen=True)
class Saved:
    path: Path
    backup: Path | None
    version: str
    #: Warnings that remain after the save (errors refuse the save).
    findings: list[Finding]


def save_file(data_dir: Path | str, name: str, data: bytes, *, base_version: str) -> Saved:
    """Replace ``name`` with ``data`` if it is valid and unchanged on disk since ``base_version``."""
    data_dir = Path(data_dir)
    if name not in paths.DATA_FILES:
        raise SaveRefused(f"{name!r} is not a data file of this project")
    target = data_dir / name
    try:
        with _exclusive(data_dir):
            return _save_locked(data_dir, target, data, base_version)
    except OSError as exc:
        raise SaveRefused(disk_problem(exc)) from exc


def _save_locked(data_dir: Path, target: Path, data: bytes, base_version: str) -> Saved:
    name = target.name
    if current_version(target) != base_version:
        raise ConflictError(
            f"{name} changed on disk since you loaded it (someone else saved, or it was edited by hand). "
            "Nothing was written. Reload the page to see the current file, then make your change again."
        )
    findings = validate(data_dir, replace={name: data})
    if has_errors(findings):
        raise SaveRefused(f"{name} has errors; nothing was written.", findings)
    remove_stale_temporaries(target)
    backup = None
    if target.exists():
        backup = backup_path(data_dir, name, datetime.now(UTC))
        atomic_write(backup, target.read_bytes())
    try:
        atomic_write(target, data)
    except OSError:
        if backup is not None:
            backup.unlink(missing_ok=True)
        raise
    return Saved(target, backup, content_hash(data), findings)


def list_backups(data_dir: Path | str, name: str) -> list[Path]:
    """Backups of ``name``, newest first."""
    stem = name.partition(".")[0]
    folder = Path(data_dir) / BACKUP_DIR_NAME
    return sorted(folder.glob(f"{stem}.*"), reverse=True) if folder.is_dir() else []
