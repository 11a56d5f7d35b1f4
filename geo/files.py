"""Writing files so that nothing is ever half-written: for saves of data files and for exported files.

A reader (the app, a browser opening a pack on a USB stick) sees the old file
or the new one, never part of one, and a failure says in words what went wrong.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def _mode_for(target: Path) -> int:
    """The mode the file has now, or what a new file gets under the process's umask (usually 0644)."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def remove_stale_temporaries(target: Path) -> None:
    """Temporary files a killed save left behind (``kill -9`` skips every cleanup)."""
    for tmp in target.parent.glob(f"{_temp_prefix(target)}*.tmp"):
        tmp.unlink(missing_ok=True)


def atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` all at once: readers see the old file or the new one, never part.

    The file keeps its mode (``mkstemp`` makes 0600 files), and a failed write
    (a full or read-only disk) removes its temporary file before the error rises.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(target)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def disk_problem(exc: OSError) -> str:
    """What an ``OSError`` during a save means, in words a maintainer can act on."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "the data folder is on a read-only disk",
        errno.EACCES: "the app may not write to the data folder (permission denied)",
        errno.EPERM: "the app may not write to the data folder (permission denied)",
    }
    reason = reasons.get(exc.errno, f"the file could not be written ({exc.strerror or exc})")
    return f"Nothing was saved: {reason}. The data on disk is unchanged."
