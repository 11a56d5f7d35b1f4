"""Writing files so that nothing is ever half-written: for saves of data files and for exported files.

A reader (the app, a browser opening a pack on a USB stick) sees the old file
or the new one, never part of one; the file keeps its mode; a failed write
leaves no temporary file; and a failure says in words what went wrong.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

_OS_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is full",
    errno.EROFS: "the data folder is read-only",
    errno.EACCES: "the data folder is read-only for the server (permission denied)",
    errno.EPERM: "the data folder is read-only for the server (not permitted)",
}


#: Why an output (pack, site, handout, film, import) could not be written, in a presenter's words.
_OUTPUT_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is full",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "not permitted",
    errno.EBUSY: "it is busy (a mount point, or in use by another program)",
    errno.EXDEV: "part of it is another disk mounted there",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder",
}


class OutputError(Exception):
    """An output could not be written: one line for the command line, no traceback, nothing half-written."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = Path(path)
        self.reason = reason

    @classmethod
    def from_os(cls, path: Path | str, exc: OSError) -> OutputError:
        return cls(path, output_reason(exc))


def output_reason(exc: OSError) -> str:
    """Why an output failed, in plain words, without a temporary file's name."""
    return _OUTPUT_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


@contextlib.contextmanager
def writing_output(path: Path | str) -> Iterator[None]:
    """Turn any OSError raised while writing ``path`` into an :class:`OutputError` naming ``path``."""
    try:
        yield
    except OSError as exc:
        raise OutputError.from_os(path, exc) from exc


def content_hash(data: bytes | None) -> str:
    """The version of a file as it was read: ``sha256:…``, or ``missing`` when there was none."""
    return "missing" if data is None else "sha256:" + hashlib.sha256(data).hexdigest()


def os_reason(exc: OSError) -> str:
    """Why a write failed, in plain words: the disk is full, the folder is read-only, or the system's own."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def remove_stale_temporaries(target: Path) -> None:
    """Temporary files a killed write left behind (``kill -9`` skips every cleanup)."""
    for tmp in target.parent.glob(f"{_temp_prefix(target)}*.tmp"):
        tmp.unlink(missing_ok=True)


def atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` all at once (temporary file, fsync, ``os.replace``, directory fsync)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
