"""A folder of generated files that may also hold the user's own: the audience site's output folder.

A presenter exports the site into ``DIR``, then adds ``NOTES.txt`` or ``photos/``
beside it, or serves ``DIR`` from a USB stick's mount point. A re-export must
replace what it wrote earlier, remove what it wrote earlier and no longer
writes, and leave everything else alone. So the folder carries a manifest,
``.escape-route-site.json``, listing the files the export owns; only those are
ever replaced or removed.

Replacing is all or nothing as seen from a web server: every new file is first
staged inside ``DIR`` (same disk, so a rename moves it), the old ones are kept
as hard links, and only then are the files renamed into place, hashed assets
first and the pages and service worker last. A failure before the renames
(a full disk, say) leaves the old site as it was; a failure during them puts
back what was already moved. Nothing is ever written through a symbolic link:
a link in the way is refused by name, never followed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import posixpath
import secrets
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from geo.files import atomic_write

MANIFEST = ".escape-route-site.json"
MANIFEST_KIND = "escape-route-map/site"
#: Staging folders of an export killed half-way are removed by the next one.
STAGING_PREFIX = ".escape-route-staging-"


class FolderRefused(RuntimeError):
    """The output folder cannot be written as asked (not ours, a symbolic link, a bad manifest)."""


@dataclass(frozen=True)
class FolderWrite:
    """What a write did: the files it owns now, and the user's files it left alone."""

    written: list[Path]
    kept: list[str]
    removed: list[str]


def safe_relative(rel: object) -> bool:
    """A path a manifest may list: relative, normalised, inside the folder, not the manifest itself."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\0" in rel or rel.startswith("/"):
        return False
    if posixpath.normpath(rel) != rel or any(part in ("", ".", "..") for part in rel.split("/")):
        return False
    return rel != MANIFEST and not rel.startswith(STAGING_PREFIX)


def read_manifest(folder: Path) -> list[str] | None:
    """The files an earlier write owns, or None when the folder has no manifest."""
    path = folder / MANIFEST
    if path.is_symlink():
        raise FolderRefused(f"{path} is a symbolic link: the export never follows links; remove it")
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FolderRefused(f"{path} is not a readable manifest ({exc}); remove it to export again") from exc
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or doc.get("kind") != MANIFEST_KIND or not isinstance(files, list):
        raise FolderRefused(f"{path} is not this program's manifest; remove it to export again")
    bad = next((rel for rel in files if not safe_relative(rel)), None)
    if bad is not None:
        raise FolderRefused(f"{path} lists {bad!r}, not a file inside the folder; remove the manifest")
    return list(dict.fromkeys(files))


def manifest_bytes(files: Iterable[str]) -> bytes:
    doc = {
        "kind": MANIFEST_KIND,
        "about": "Files written by python -m geo export --site; a re-export replaces or removes only these.",
        "files": sorted(files),
    }
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _refuse_links(folder: Path, rels: Iterable[str]) -> None:
    """Refuse, by name, any symbolic link on the way to a file the write would touch."""
    seen: set[Path] = set()
    for rel in rels:
        current = folder
        for part in rel.split("/"):
            current = current / part
            if current in seen:
                continue
            seen.add(current)
            if current.is_symlink():
                raise FolderRefused(
                    f"{current} is a symbolic link: the export never writes through links; "
                    "remove it or choose another folder"
                )


def _user_files(folder: Path, owned: set[str]) -> list[str]:
    """Every file (or link) in the folder that the write does not own, without following links."""
    kept = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        rel_root = Path(root).relative_to(folder).as_posix()
        dirs[:] = sorted(d for d in dirs if not (rel_root == "." and d.startswith(STAGING_PREFIX)))
        for name in sorted(names) + [d for d in dirs if (Path(root) / d).is_symlink()]:
            rel = name if rel_root == "." else f"{rel_root}/{name}"
            if rel not in owned and rel != MANIFEST:
                kept.append(rel)
    return kept


def _swap_order(rel: str) -> tuple[int, str]:
    """Assets before the pages that link them, the service worker (which lists them all) last."""
    if rel == MANIFEST:
        return (3, rel)
    if rel.rsplit("/", 1)[-1] == "sw.js":
        return (2, rel)
    return (1 if rel.endswith((".html", ".webmanifest", "manifest.json")) else 0, rel)


def _prune_empty_parents(folder: Path, rel: str) -> None:
    parent = (folder / rel).parent
    while parent != folder:
        with contextlib.suppress(OSError):
            parent.rmdir()  # only an empty folder goes
        parent = parent.parent


def _remove_stale_staging(folder: Path) -> None:
    for stale in folder.glob(f"{STAGING_PREFIX}*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def write_owned_folder(
    folder: Path,
    files: Mapping[str, bytes],
    *,
    owned_before: Callable[[Path], list[str] | None],
) -> FolderWrite:
    """Write ``files`` into ``folder``, replacing and removing only what an earlier write owned.

    ``owned_before(folder)`` names the files an earlier write of a folder without a
    manifest owns (None: the folder is someone else's and is refused unless empty).
    Raises FolderRefused before touching anything, or OSError after putting back
    whatever it had moved.
    """
    folder = Path(folder)
    if folder.is_symlink():
        raise FolderRefused(f"{folder} is a symbolic link: give the folder it points to, or a new folder")
    if folder.exists() and not folder.is_dir():
        raise FolderRefused(f"{folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(folder)
    before = read_manifest(folder)
    if before is None:
        before = owned_before(folder)
    if before is None:
        raise FolderRefused(f"{folder} holds files and is not an audience site; choose an empty or new one")
    unsafe = sorted(rel for rel in files if not safe_relative(rel))
    if unsafe:
        raise ValueError(f"not a file inside the folder: {', '.join(unsafe)}")
    stale = [rel for rel in before if rel not in files]
    new = dict(files) | {MANIFEST: manifest_bytes(files)}
    _refuse_links(folder, [*new, *stale])
    kept = _user_files(folder, set(new) | set(stale))

    staging = folder / f"{STAGING_PREFIX}{secrets.token_hex(4)}"
    try:
        _stage(folder, staging, new, stale)
        _swap(folder, staging, new)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for rel in stale:
        (folder / rel).unlink(missing_ok=True)
        _prune_empty_parents(folder, rel)
    return FolderWrite(written=[folder / rel for rel in sorted(files)], kept=kept, removed=sorted(stale))


def _stage(folder: Path, staging: Path, new: Mapping[str, bytes], stale: list[str]) -> None:
    """Every new file under ``staging/new``; each file it replaces or removes linked under ``staging/old``."""
    for rel, content in new.items():
        atomic_write(staging / "new" / rel, content)
    for rel in [*new, *stale]:
        if (folder / rel).is_file():
            backup = staging / "old" / rel
            backup.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(folder / rel, backup)
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
                shutil.copy2(folder / rel, backup)  # a file mounted over: the swap will say it is busy


def _swap(folder: Path, staging: Path, new: Mapping[str, bytes]) -> None:
    """Rename the staged files into place; on a failure, put back those already moved."""
    moved: list[str] = []
    try:
        for rel in sorted(new, key=_swap_order):
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / "new" / rel, folder / rel)
            moved.append(rel)
    except OSError:
        for rel in reversed(moved):
            backup = staging / "old" / rel
            with contextlib.suppress(OSError):
                if backup.is_file():
                    os.replace(backup, folder / rel)
                else:
                    (folder / rel).unlink(missing_ok=True)
                    _prune_empty_parents(folder, rel)
        raise
